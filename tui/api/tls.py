"""Certificate checks: what httpx gets for a profile's ``verify`` (system store, CA bundle, off)."""

from __future__ import annotations

import os
import ssl

from tui.core.errors import ValidationError


def ssl_verify(verify: bool | str) -> bool | ssl.SSLContext:
    """What httpx gets for ``verify``: True/False, or an SSL context for a CA bundle file or dir."""
    if not isinstance(verify, str):
        return verify
    path = os.path.expanduser(verify)
    try:
        if os.path.isdir(path):
            return ssl.create_default_context(capath=path)
        return ssl.create_default_context(cafile=path)
    except (OSError, ssl.SSLError) as exc:
        raise ValidationError("ca_bundle", f"cannot load CA bundle {verify!r}: {exc}") from None
