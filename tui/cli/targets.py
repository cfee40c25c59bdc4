"""From what the user typed to one row of the service: a full id, the short id the TUI shows, or a name.

A target is checked for shape before anything is sent. After the listing, a full id wins, then a
name (or the profile's alias for it), then a short id (the start of the id after ``DE-``). A target
that names several instances is an error that lists them; one that names none is an error too,
except a full id (a UUID) in a single profile, which is asked for directly (the service answers).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from tui.api.constants import INSTANCE_ID_RE
from tui.cli.exits import UsageError
from tui.cli.output import explain
from tui.cli.scope import Scope
from tui.core.errors import ModelArtsError, ValidationError
from tui.service import InstanceService, ProfileStatus, Row, row_key
from tui.service.present import short_id

_TARGET_RE = re.compile(r"[A-Za-z0-9_-]{1,128}")
"""An instance name (letters, digits, ``-``, ``_``; at most 128), a short id or an id."""
_UUID_ID_RE = re.compile(r"(DE-)?[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}")
"""The ids both APIs give (``DE-`` + UUID in v1, the bare UUID for notebooks)."""
SHORT_ID_MIN = 4
"""The fewest characters of an id that count as a short id."""


class TargetError(UsageError):
    """A target that names no instance, or several (exit 2)."""


def check_targets(targets: Iterable[str]) -> None:
    """Refuse, before any request, a target that cannot be an id, a short id or a name."""
    for target in targets:
        if target.upper().startswith("DE-"):
            if not INSTANCE_ID_RE.fullmatch(target):
                raise ValidationError("instance id", f"{target!r} is not a plausible instance id")
        elif not _TARGET_RE.fullmatch(target):
            raise ValidationError(
                "instance id", f"{target!r} is not a plausible instance id, short id or instance name"
            )


def _core(instance_id: str) -> str:
    return short_id(instance_id, len(instance_id)).lower()


def matches(target: str, rows: Iterable[Row]) -> list[Row]:
    """The rows ``target`` names, by the first rule that finds any: id, name or alias, short id."""
    live = [r for r in rows if not r.gone]
    by_id = [r for r in live if r.instance.id == target]
    if by_id:
        return by_id
    by_name = [r for r in live if target in (r.instance.name, r.alias)]
    if by_name:
        return by_name
    if len(target) < SHORT_ID_MIN:
        return []
    lowered = target.lower()
    return [r for r in live if _core(r.instance.id).startswith(lowered)]


@dataclass(frozen=True, slots=True)
class Resolved:
    """A target and the row key it names (``row`` is None for an id asked for directly)."""

    target: str
    key: str
    row: Row | None


def _candidates(found: Sequence[Row]) -> str:
    return "; ".join(f"{r.profile}: {r.instance.id} ({r.display_name}, {r.instance.status})" for r in found)


def resolve_one(
    target: str,
    rows: Iterable[Row],
    statuses: Sequence[ProfileStatus],
    scope: Sequence[str],
) -> Resolved:
    """The one row ``target`` names among ``rows`` (listed from the profiles in ``scope``)."""
    found = matches(target, rows)
    failed = [s for s in statuses if not s.ok and s.error is not None]
    if len(found) == 1 and (not failed or found[0].instance.id == target):
        return Resolved(target, found[0].key, found[0])
    if len(found) > 1:
        raise TargetError(
            f"{target!r} names {len(found)} instances: {_candidates(found)}; "
            "give the full id, or choose the profile with --profile"
        )
    if failed:
        first = failed[0].error
        assert first is not None
        if isinstance(first, ValidationError):  # a bad project id or region: a usage error (exit 2)
            raise first
        raise _listing_failed(target, ", ".join(s.name for s in failed), first)
    if len(scope) == 1 and _UUID_ID_RE.fullmatch(target):
        return Resolved(target, row_key(scope[0], target), None)
    where = ", ".join(scope)
    raise TargetError(f"no instance with the id, short id or name {target!r} in profile(s) {where}")


def _listing_failed(target: str, names: str, error: ModelArtsError) -> ModelArtsError:
    """The listing error (exit 1), said as the reason the target could not be told."""
    wrapped = ModelArtsError(
        f"cannot tell which instance {target!r} is: profile(s) {names} could not be listed: {explain(error)}"
    )
    wrapped.__cause__ = error
    return wrapped


async def locate(service: InstanceService, scope: Scope, targets: Sequence[str]) -> list[Resolved]:
    """List the scope's profiles through ``service`` and resolve every target (in order, once each).

    With ``default_profile`` set, it is listed alone first; the other profiles are listed only for
    targets it does not hold.
    """
    preferred = scope.preferred if len(scope.profiles) > 1 else None
    rounds = [(preferred,), scope.names] if preferred else [scope.names]
    pending = list(dict.fromkeys(targets))
    resolved: dict[str, Resolved] = {}
    failed: dict[str, ProfileStatus] = {}
    for number, names in enumerate(rounds, 1):
        service.set_profiles([p for p in scope.profiles if p.name in names])
        result = await service.refresh()
        failed.update({s.name: s for s in result.profiles if not s.ok})
        searched = names if number == 1 else tuple(n for n in names if n != preferred)
        rows = [r for r in result.rows if r.profile in searched]
        last = number == len(rounds)
        for target in list(pending):
            if last or matches(target, rows):
                resolved[target] = resolve_one(target, rows, list(failed.values()), scope.names)
                pending.remove(target)
        if not pending:
            break
    return [resolved[t] for t in dict.fromkeys(targets)]
