"""A notebook's ``endpoints`` list -> ``core.models.Endpoint`` values (section 11.0 of the reference).

The SSH ``uri`` is undocumented in practice, so several forms are read: ``ssh://[user@]host[:port]``,
``tcp://host:port``, ``host:port``, ``[v6]:port``, a bare IPv6 address and a bare host (port 22).
The key list is ``key_pair_names`` (or ``ssh_keys``, as OTC pages name it).

Everything here comes from a server and will end up in an ``ssh`` argv or an ``ssh_config``
block, so only plain values pass: a host of letters, digits, ``.``, ``-`` and ``:`` not starting
with ``-`` (no option injection), a user and key pair names of letters, digits, ``.``, ``_`` and
``-``, a port 1-65535. Anything else leaves the address empty and says why in ``problem``.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Any

from tui.core.models import Endpoint

MAX_ENDPOINTS = 16
"""More endpoints than this in one notebook are ignored (a server chooses the list)."""
MAX_LIST = 16
"""At most this many key pair names and allowed IPs are kept per endpoint."""
MAX_TEXT = 255
"""Longest uri, host, key pair name or IP kept."""
DEFAULT_PORT = 22

_HOST_RE = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252}[A-Za-z0-9])?")
_NAME_RE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]{0,127}")
_IP_RE = re.compile(r"[0-9A-Fa-f.:/]{1,64}")
_SCHEMES = ("ssh://", "tcp://")


class UriError(ValueError):
    """A uri that names no usable address; the message says why."""


def _plain(value: Any) -> str:
    """A scalar as text with every control character dropped (never a newline in a value)."""
    if value is None or isinstance(value, (dict, list, bool)):
        return ""
    text = str(value)[: MAX_TEXT * 2]
    if text.isprintable():  # the usual case, checked in C: no generator over every character
        return text[:MAX_TEXT]
    return "".join(c for c in text if c.isprintable())[:MAX_TEXT]


def _port(text: str, uri: str) -> int:
    if not text.isdigit() or not 0 < int(text) <= 65535:
        raise UriError(f"the port in {uri!r} is not 1-65535")
    return int(text)


def _host(text: str, uri: str, *, v6: bool = False) -> str:
    if not text:
        raise UriError(f"{uri!r} names no host")
    if v6 or ":" in text:
        try:
            return str(ipaddress.IPv6Address(text))
        except ValueError:
            raise UriError(f"{uri!r}: {text!r} is not an IPv6 address") from None
    if not _HOST_RE.fullmatch(text):
        raise UriError(f"{uri!r}: {text!r} is not a host name or address")
    return text.lower()


def split_uri(uri: str) -> tuple[str, str, int]:
    """``(user, host, port)`` of an SSH endpoint's uri (``user`` empty when it names none)."""
    rest = uri.strip()
    for scheme in _SCHEMES:
        if rest.lower().startswith(scheme):
            rest = rest[len(scheme) :]
            break
    rest = rest.rstrip("/")
    user = ""
    if "@" in rest:
        user, _, rest = rest.rpartition("@")
        if not _NAME_RE.fullmatch(user):
            raise UriError(f"{uri!r}: {user!r} is not a user name")
    if rest.startswith("["):
        inside, bracket, after = rest[1:].partition("]")
        if not bracket or (after and not after.startswith(":")):
            raise UriError(f"{uri!r}: an IPv6 address in brackets must be [address] or [address]:port")
        return user, _host(inside, uri, v6=True), _port(after[1:], uri) if after else DEFAULT_PORT
    if rest.count(":") > 1:  # a bare IPv6 address, no port
        return user, _host(rest, uri), DEFAULT_PORT
    host, colon, port = rest.partition(":")
    return user, _host(host, uri), _port(port, uri) if colon else DEFAULT_PORT


def _names(value: Any, pattern: re.Pattern[str]) -> tuple[str, ...]:
    if not value:  # most endpoints: an empty list
        return ()
    items = value if isinstance(value, list) else [value] if isinstance(value, str) and value else []
    kept = [item for item in items[:MAX_LIST] if isinstance(item, str) and len(item) <= MAX_TEXT]
    return tuple(dict.fromkeys(k for k in kept if pattern.fullmatch(k)))


def parse_endpoint(item: Any) -> Endpoint | None:
    """One ``endpoints`` item; None when it is not an object naming a service."""
    if not isinstance(item, dict):
        return None
    service = _plain(item.get("service") or item.get("dev_service")).upper()
    if not service:
        return None
    uri = _plain(item.get("uri"))
    keys = item.get("key_pair_names")
    if not keys:
        keys = item.get("ssh_keys")
    fields: dict[str, Any] = {
        "service": service[:32],
        "uri": uri,
        "key_pair_names": _names(keys, _NAME_RE),
        "allowed_ips": _names(item.get("allowed_access_ips"), _IP_RE),
    }
    if service == "SSH":
        if not uri:
            fields["problem"] = "the SSH endpoint has no uri yet"
        else:
            try:
                fields["user"], fields["host"], fields["port"] = split_uri(uri)
            except UriError as error:
                fields["problem"] = str(error)
    return Endpoint(**fields)


def parse_endpoints(value: Any) -> tuple[Endpoint, ...]:
    """A notebook's ``endpoints`` field (absent, null or not a list: none)."""
    if not isinstance(value, list):
        return ()
    found = (parse_endpoint(item) for item in value[:MAX_ENDPOINTS])
    return tuple(e for e in found if e is not None)
