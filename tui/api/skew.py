"""Clock skew in words: how far this machine's clock is from the server's ``Date`` header.

The API gateway refuses AK/SK signatures whose X-Sdk-Date is more than 15 minutes from its own
clock (401 APIGW.0301). A skew past ``SKEW_WARN_S`` is worth a warning long before that.
``skew_s`` everywhere is server ``Date`` minus the local clock: positive = the local clock is behind.
"""

from __future__ import annotations

from tui.api.constants import SIGNATURE_SKEW_S

SKEW_WARN_S = 5 * 60
"""From here on the skew is reported (the gateway's limit is ``SIGNATURE_SKEW_S``, 15 minutes)."""
_SIGNATURE_LIMIT = f"{SIGNATURE_SKEW_S // 60} minutes"


def skew_text(skew_s: float) -> str:
    """``7m12s behind the server`` / ``1h02m ahead of the server``."""
    seconds = int(round(abs(skew_s)))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    amount = f"{hours}h{minutes:02d}m" if hours else f"{minutes}m{secs:02d}s"
    return f"{amount} behind the server" if skew_s > 0 else f"{amount} ahead of the server"


def skew_warning(skew_s: float | None, *, signed: bool) -> str | None:
    """A warning when the local clock is more than 5 minutes off; None when it is close enough.

    ``signed`` says whether the profile signs with AK/SK (only signatures expire on skew).
    """
    if skew_s is None or abs(skew_s) <= SKEW_WARN_S:
        return None
    where = f"local clock is {skew_text(skew_s)} (Date header)"
    if not signed:
        return f"{where}; countdowns are corrected for it — fix the clock (NTP)"
    if abs(skew_s) > SIGNATURE_SKEW_S:
        return f"{where}; AK/SK signatures are refused beyond {_SIGNATURE_LIMIT} — fix the clock (NTP)"
    return f"{where}; AK/SK signatures fail beyond {_SIGNATURE_LIMIT} — fix the clock (NTP)"


def skew_note(skew_s: float | None) -> str | None:
    """What a refused signature should add about the clock, or None when the clock is fine."""
    if skew_s is None or abs(skew_s) <= SKEW_WARN_S:
        return None
    if abs(skew_s) > SIGNATURE_SKEW_S:
        return (
            f"the local clock is {skew_text(skew_s)}: signatures more than {_SIGNATURE_LIMIT} off are "
            "refused, so the clock is the likely cause"
        )
    return f"the local clock is {skew_text(skew_s)} (signatures are refused beyond {_SIGNATURE_LIMIT})"


SKEW_HINT = "Fix this machine's clock (enable NTP), then refresh (r); the AK/SK may well be right."
