"""Typed options: one frozen dataclass per command, built once from argparse's namespace.

Handlers take these, never the namespace. Options every command shares are declared on the top
parser (with their defaults) and again on each subcommand with ``SUPPRESS``, so they may come
before or after the command name; the namespace therefore always holds them.
"""

from __future__ import annotations

import argparse
import math
from dataclasses import dataclass
from pathlib import Path

INTERVAL_BOUNDS = (0.1, 300.0)
"""``--interval``: seconds between polls of ``--wait``."""
TIMEOUT_BOUNDS = (0.1, 86_400.0)
"""``--timeout``: seconds ``--wait`` waits at most (a day)."""


def bounded(name: str, low: float, high: float) -> type[float]:
    """An argparse ``type`` for a finite number within ``[low, high]`` (checked before anything is sent);
    argparse names the option in its message."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
        if not math.isfinite(value) or not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{text!r} is not between {low:g} and {high:g}")
        return value

    parse.__name__ = name
    return parse  # type: ignore[return-value]  # argparse only calls it


@dataclass(frozen=True, slots=True)
class CommonOptions:
    """Where the profiles come from, and how to print."""

    profile: str | None = None
    config: Path | None = None
    endpoint: str | None = None
    project_id: str | None = None
    verbose: bool = False
    json: bool = False

    @classmethod
    def from_namespace(cls, ns: argparse.Namespace) -> CommonOptions:
        values = vars(ns)
        return cls(
            profile=values["profile"] or None,
            config=Path(values["config"]) if values["config"] else None,
            endpoint=values["endpoint"] or None,
            project_id=values["project_id"] or None,
            verbose=bool(values["verbose"]),
            json=bool(values.get("json", False)),
        )


@dataclass(frozen=True, slots=True)
class AppOptions:
    """Opening the TUI (no command), or ``--demo`` on the built-in emulator."""

    common: CommonOptions
    demo: bool
    instances: int
    seed: int
    transition_seconds: float
    low_bandwidth: bool

    @classmethod
    def from_namespace(cls, ns: argparse.Namespace) -> AppOptions:
        return cls(
            CommonOptions.from_namespace(ns),
            ns.demo,
            ns.instances,
            ns.seed,
            ns.transition_seconds,
            ns.low_bandwidth,
        )


@dataclass(frozen=True, slots=True)
class ListOptions:
    common: CommonOptions
    status: str | None
    sort: str | None
    order: str | None
    tags: tuple[str, ...] = ()
    """``--tag key[=value]``: only rows with every tag given."""

    @classmethod
    def from_namespace(cls, ns: argparse.Namespace) -> ListOptions:
        return cls(CommonOptions.from_namespace(ns), ns.status, ns.sort, ns.order, tuple(ns.tag))


@dataclass(frozen=True, slots=True)
class ShowOptions:
    common: CommonOptions
    target: str

    @classmethod
    def from_namespace(cls, ns: argparse.Namespace) -> ShowOptions:
        return cls(CommonOptions.from_namespace(ns), ns.target)


@dataclass(frozen=True, slots=True)
class ActOptions:
    """``start``, ``stop`` and ``prolong``: targets, and how to wait for the outcome.

    Each of the three parsers sets a default for the options it does not offer (``set_defaults``).
    """

    common: CommonOptions
    action: str
    targets: tuple[str, ...]
    wait: bool = False
    timeout: float = 600.0
    interval: float = 2.0
    yes: bool = False
    hours: float | None = None
    until_available: bool = False
    """``start --until-available``: retried while capacity is short, ``timeout`` the deadline."""

    @classmethod
    def from_namespace(cls, ns: argparse.Namespace) -> ActOptions:
        return cls(
            CommonOptions.from_namespace(ns),
            ns.action,
            tuple(ns.targets),
            wait=ns.wait,
            timeout=ns.timeout,
            interval=ns.interval,
            yes=ns.yes,
            hours=ns.hours,
            until_available=getattr(ns, "until_available", False),
        )


@dataclass(frozen=True, slots=True)
class ConfigOptions:
    common: CommonOptions

    @classmethod
    def from_namespace(cls, ns: argparse.Namespace) -> ConfigOptions:
        return cls(CommonOptions.from_namespace(ns))


@dataclass(frozen=True, slots=True)
class SshOptions:
    """``ssh TARGET [--start] [--identity FILE] [-- COMMAND...]``."""

    common: CommonOptions
    target: str
    start: bool = False
    identity: str = ""
    command: tuple[str, ...] = ()
    timeout: float = 600.0
    interval: float = 2.0

    @classmethod
    def from_namespace(cls, ns: argparse.Namespace) -> SshOptions:
        return cls(
            CommonOptions.from_namespace(ns),
            ns.target,
            start=ns.start,
            identity=ns.identity or "",
            command=tuple(ns.remote_command),
            timeout=ns.timeout,
            interval=ns.interval,
        )


@dataclass(frozen=True, slots=True)
class SshConfigOptions:
    """``ssh-config [--write] [--proxy-jump HOST]``."""

    common: CommonOptions
    write: bool = False
    proxy_jump: str = ""

    @classmethod
    def from_namespace(cls, ns: argparse.Namespace) -> SshConfigOptions:
        return cls(CommonOptions.from_namespace(ns), write=ns.write, proxy_jump=ns.proxy_jump or "")
