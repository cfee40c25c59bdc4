"""Saving settings by editing the file in place: only what the user changed is written.

The settings screen edits a copy of some profiles; meanwhile an editor or a second app may have
changed the file. A save therefore applies the screen's changes (profiles added, edited, renamed,
deleted; ``default_profile``) to the text on disk *now*, through tomlkit, so every comment, every
key order and every profile the screen did not touch stays as the user wrote it. A change to a
profile that was also changed on disk since the screen opened is a conflict: nothing is written,
and ``SaveConflict`` says which profile (the screen offers a reload).

tomlkit, not a hand-rolled line editor: TOML's layout rules (a key after a sub-table belongs to
it, inline tables, multi-line strings) are its job; the result is always checked by parsing it
with the strict reader again before anything is written.
"""

from __future__ import annotations

from collections.abc import MutableMapping, Sequence
from dataclasses import dataclass
from typing import Any

import tomlkit
import tomlkit.exceptions
from tomlkit.container import Container
from tomlkit.items import AoT, Table

from tui.config.codec import connect_table, instance_table, parse_config, profile_table
from tui.config.model import Config, Profile
from tui.core.errors import ConfigError


class SaveConflict(ConfigError):
    """The file changed on disk in a way that collides with the screen's edits; nothing was written."""


@dataclass(frozen=True, slots=True)
class Draft:
    """One profile as the screen leaves it: ``origin`` is its name when the screen opened (None: new)."""

    origin: str | None
    profile: Profile


def _by_name(profiles: Sequence[Profile]) -> dict[str, Profile]:
    return {p.name: p for p in profiles}


def _conflicts(before: Config, drafts: Sequence[Draft], disk: Config) -> list[str]:
    """Why the drafts cannot be applied to ``disk`` (empty when they can)."""
    old, now = _by_name(before.profiles), _by_name(disk.profiles)
    problems: list[str] = []
    kept = {d.origin for d in drafts}
    for draft in drafts:
        name = draft.profile.name
        if draft.origin is None or draft.origin not in old:
            if name in now:
                problems.append(f"a profile named {name!r} was added to the file meanwhile")
            continue
        changed = draft.profile != old[draft.origin]
        if changed and now.get(draft.origin) != old[draft.origin]:
            what = "deleted" if draft.origin not in now else "changed"
            problems.append(f"profile {draft.origin!r} was {what} in the file meanwhile")
        elif name != draft.origin and name in now:
            problems.append(f"a profile named {name!r} was added to the file meanwhile")
    for name, profile in old.items():
        if name not in kept and name in now and now[name] != profile:
            problems.append(f"profile {name!r} was changed in the file meanwhile (and deleted here)")
    return problems


def _set(table: MutableMapping[str, Any], key: str, value: Any) -> None:
    """Set ``key``: in place when present (its comment stays), else after the table's last key."""
    if key in table:
        table[key] = value
        return
    body = getattr(table, "value", None)
    last = [k for k, v in table.items() if not isinstance(v, (Table, AoT))]
    if isinstance(body, Container) and last:
        try:
            body._insert_after(last[-1], key, tomlkit.item(value))  # before sub-tables and trailing comments
            return
        except (AttributeError, KeyError, tomlkit.exceptions.TOMLKitError):
            pass
    table[key] = value


def _subtables(profile: Profile, key: str) -> Any:
    """``[[profiles.instances]]`` or ``[[profiles.connect]]`` of ``profile`` as a tomlkit array."""
    out = tomlkit.aot()
    if key == "instances":
        for ref in profile.instances:
            out.append(tomlkit.item(instance_table(ref)))
    else:
        for override in profile.connect:
            out.append(tomlkit.item(connect_table(override)))
    return out


def _edit_profile(table: MutableMapping[str, Any], disk: Profile, new: Profile) -> None:
    old_keys, new_keys = profile_table(disk), profile_table(new)
    for key in old_keys.keys() - new_keys.keys():
        if key in table:
            del table[key]
    for key, value in new_keys.items():
        if old_keys.get(key) != value:
            _set(table, key, value)
    for key in ("instances", "connect"):
        if getattr(disk, key) != getattr(new, key):
            if key in table:
                del table[key]
            if getattr(new, key):
                table[key] = _subtables(new, key)


def _new_table(profile: Profile) -> Any:
    table = tomlkit.table()
    for key, value in profile_table(profile).items():
        table[key] = value
    for key in ("instances", "connect"):
        if getattr(profile, key):
            table[key] = _subtables(profile, key)
    return table


def apply_drafts(text: str, path: str, before: Config, drafts: Sequence[Draft], default_profile: str) -> str:
    """The file's ``text`` with the screen's changes applied; SaveConflict when they collide."""
    disk = parse_config(text, path)
    problems = _conflicts(before, drafts, disk)
    if problems:
        raise SaveConflict(
            f"not saved: the file changed on disk since it was loaded ({'; '.join(problems)}); "
            "reload it (ctrl+o) to see its changes, then edit again",
            path=path,
        )
    try:
        doc = tomlkit.parse(text)
    except tomlkit.exceptions.TOMLKitError as error:
        raise ConfigError(f"not saved: cannot edit the file in place ({error})", path=path) from None
    expected = _apply(doc, before, drafts, disk)
    if default_profile != before.default_profile and default_profile != disk.default_profile:
        doc["default_profile"] = default_profile
        if not default_profile:
            del doc["default_profile"]
        expected = Config(profiles=expected.profiles, default_profile=default_profile, ui=expected.ui)
    out = tomlkit.dumps(doc)
    if parse_config(out, path) != expected:  # never write what does not mean what the user asked
        raise ConfigError("not saved: the file could not be edited in place; edit it by hand", path=path)
    return out


def _apply(doc: Any, before: Config, drafts: Sequence[Draft], disk: Config) -> Config:
    """Edit ``doc`` in place; the Config it must mean afterwards."""
    if "profiles" not in doc:
        doc["profiles"] = tomlkit.aot()
    tables = doc["profiles"]
    old, now = _by_name(before.profiles), _by_name(disk.profiles)
    result = list(disk.profiles)
    kept = {d.origin for d in drafts}
    for name in [n for n in old if n not in kept and n in now]:  # deleted here
        index = [p.name for p in result].index(name)
        del tables[index]
        del result[index]
    for draft in drafts:
        new = draft.profile
        if draft.origin in old and draft.origin in now:
            if new == old[draft.origin]:
                continue
            index = [p.name for p in result].index(draft.origin)
            _edit_profile(tables[index], now[draft.origin], new)
            result[index] = new
        elif draft.origin in old:  # deleted on disk, unchanged here: stays deleted
            continue
        else:
            tables.append(_new_table(new))
            result.append(new)
    return Config(profiles=tuple(result), default_profile=disk.default_profile, ui=disk.ui)
