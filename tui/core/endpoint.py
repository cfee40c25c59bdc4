"""Is this an endpoint URL a request can go to? One check for the config, the CLI and the client.

``urlsplit`` and httpx accept, or fail late with an internal error on, URLs that no request can
use: a port past 65535, an unclosed IPv6 bracket, a 70,000-character host, an empty A-label
(``xn--.com``). ``endpoint_problem`` names what is wrong before anything is sent.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

import idna

MAX_URL_CHARS = 2048
MAX_HOST_CHARS = 253
_LABEL = re.compile(r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?", re.IGNORECASE)


def _host_problem(host: str) -> str | None:
    try:
        ipaddress.ip_address(host)
        return None
    except ValueError:
        pass
    if len(host) > MAX_HOST_CHARS:
        return f"has a host name of {len(host):,} characters (at most {MAX_HOST_CHARS})"
    for label in host.rstrip(".").split("."):
        if not label.isascii() or label.lower().startswith("xn--"):
            try:
                idna.encode(label, uts46=True)
            except (idna.IDNAError, UnicodeError, ValueError) as error:
                return f"has a host name label that is not valid ({error})"
        elif not _LABEL.fullmatch(label):
            return "has a host name label that is empty, too long or holds a character other than letters, digits, - and _"
    return None


def endpoint_problem(url: str) -> str | None:
    """What makes ``url`` unusable as an http(s) endpoint, as a phrase (``is …``, ``has …``); None if usable."""
    if len(url) > MAX_URL_CHARS:
        return f"is {len(url):,} characters long (at most {MAX_URL_CHARS:,})"
    if any(c.isspace() or not c.isprintable() for c in url):
        return "holds a space or a control character"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:  # "Invalid IPv6 URL", "Port out of range 0-65535"
        return f"is not a valid URL ({error})"
    if parts.scheme not in ("http", "https"):
        return "is not an http(s) URL"
    if not parts.hostname:
        return "has no host name"
    if port == 0:
        return "has port 0"
    return _host_problem(parts.hostname)


def short(value: str, limit: int = 60) -> str:
    """``value`` as repr, cut to ``limit`` characters (a 70,000-character URL is not a message)."""
    return repr(value) if len(value) <= limit else repr(value[:limit]) + f"… ({len(value):,} characters)"


def host_of(url: str) -> str:
    """The lower-case host name of ``url``; '' when it has none or is not a URL at all."""
    try:
        return (urlsplit(url.strip()).hostname or "").lower()
    except ValueError:
        return ""


def without_password(url: str) -> str:
    """``url`` with the password of a ``user:password@`` part masked (``user:********@``)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if parts.password is None:
        return url
    masked = parts.netloc.replace(f":{parts.password}@", ":********@", 1)
    return parts._replace(netloc=masked).geturl()


def shown_netloc(url: str, limit: int = 80) -> str:
    """``host[:port]`` as messages show it: no ``user:password@``, at most ``limit`` characters."""
    try:
        netloc = urlsplit(url).netloc
    except ValueError:
        netloc = url
    netloc = netloc.rpartition("@")[2]
    return netloc if len(netloc) <= limit else netloc[:limit] + "…"
