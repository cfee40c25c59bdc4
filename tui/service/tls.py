"""What is unsafe about how a profile reaches its endpoints: TLS checks off, plain http."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from tui.config.model import Profile
from tui.core.endpoint import endpoint_problem, shown_netloc


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def tls_warnings(profile: Profile) -> tuple[str, ...]:
    """What is unsafe about how the profile reaches its endpoints (show it for as long as it holds).

    Certificate checks turned off, and a plain ``http://`` endpoint that is not this machine.
    """
    warnings: list[str] = []
    if profile.insecure:
        extra = " (ca_bundle is ignored while insecure is set)" if profile.ca_bundle else ""
        warnings.append(
            f"profile {profile.name!r}: TLS certificate checks are OFF (insecure = true){extra}; "
            "anyone on the network path can read its credentials and answers — set ca_bundle instead"
        )
    plain = []
    urls = [profile.modelarts_url] + ([profile.iam_url] if profile.auth == "password" else [])
    for url in urls:
        if endpoint_problem(url):  # refused with its reason when a client is built
            continue
        parts = urlsplit(url)
        if parts.scheme == "http" and not _loopback(parts.hostname or ""):
            plain.append(shown_netloc(url))  # never a user:password@
    if plain:
        warnings.append(
            f"profile {profile.name!r}: {', '.join(dict.fromkeys(plain))} is plain http://; "
            "requests, tokens and answers travel unencrypted — use https://"
        )
    return tuple(warnings)
