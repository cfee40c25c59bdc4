"""What a user reads about an instance, computed once for every front end (the TUI and the CLI).

Plain strings from values: time left before the auto-stop, durations, ages, flavor text and the
short id. The table, the details screen and the headless CLI print these, so they never disagree.
"""

from __future__ import annotations

from tui.core.models import Instance, Phase

WARN_BELOW_S = 15 * 60
"""Auto-stop countdowns under this many seconds get the warning mark ``!``."""

COARSE_ABOVE_S = 3600
COARSE_STEP_S = 300
"""Above an hour the countdown moves in 5-minute steps (rounded down: never more time than is left),
so an idle table of many instances repaints a cell every few minutes, not every minute."""


def duration_text(seconds: float) -> str:
    """A compact duration: ``<1m``, ``12m``, ``1h 05m``, ``2d 03h``."""
    s = int(seconds)
    if s < 60:
        return "<1m"
    minutes = s // 60
    if minutes < 60:
        return f"{minutes}m"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours}h {minutes:02d}m"
    days, hours = divmod(hours, 24)
    return f"{days}d {hours:02d}h"


def time_left_s(instance: Instance, now_ms: int) -> int | None:
    """Seconds before the auto-stop of a running instance, or None when none is planned."""
    auto = instance.auto_stop
    if auto is None or instance.phase is not Phase.RUNNING:
        return None
    return auto.remaining_s(now_ms)


def countdown_text(instance: Instance, now_ms: int) -> tuple[str, bool]:
    """The auto-stop text and whether it is a warning: ``1h 05m``, ``! 12m``, ``! due``, ``—``."""
    auto = instance.auto_stop
    if auto is None or instance.phase is not Phase.RUNNING:
        return "—", False
    remaining = auto.remaining_s(now_ms)
    if remaining is None:
        return "off" if not auto.enabled else "—", False
    if remaining <= 0:
        return "! due", True
    if remaining < WARN_BELOW_S:
        return f"! {duration_text(remaining)}", True
    if remaining >= COARSE_ABOVE_S:
        remaining -= remaining % COARSE_STEP_S
    return duration_text(remaining), False


def age_text(created_ms: int | None, now_ms: int) -> str:
    """How long ago the instance was created: ``<1m``, ``12m``, ``5h``, ``3d``."""
    if created_ms is None:
        return "—"
    s = max(0, (now_ms - created_ms) // 1000)
    if s < 60:
        return "<1m"
    if s < 3600:
        return f"{s // 60}m"
    if s < 86400:
        return f"{s // 3600}h"
    return f"{s // 86400}d"


def short_id(instance_id: str, width: int = 8) -> str:
    """The first characters of the id after a ``DE-`` prefix: enough to tell rows apart."""
    core = instance_id[3:] if instance_id.upper().startswith("DE-") else instance_id
    return core[:width]


def flavor_text(instance: Instance) -> str:
    """``GPU v100`` from ``modelarts.vm.gpu.v100`` (type first, so CPU/GPU reads at a glance)."""
    kind = (instance.flavor_type or "").upper()
    kind = "NPU" if kind == "ASCEND" else kind
    tail = instance.flavor.rsplit(".", 1)[-1] if instance.flavor else ""
    if not kind:
        lowered = instance.flavor.lower()
        kind = next((k.upper() for k in ("gpu", "cpu", "npu") if f".{k}." in f".{lowered}."), "")
    return f"{kind} {tail}".strip() or "—"
