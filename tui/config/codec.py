"""TOML text <-> ``Config``: strict parsing with file lines in every error, and a tidy dump.

Parsing refuses, with the line: text that is not TOML, an unknown key (with a "did you mean"),
a value of the wrong type, a string with a control character (a line break in a pasted secret;
the value is never shown), a value outside a closed set (``cloud``, ``api``, ``auth``), a profile
without a name, a profile name used twice, a ``default_profile`` naming no profile, and a
``[ui]`` value out of range. It does not refuse an incomplete profile (no credentials, a bad
project id): ``Profile.validate()`` reports those, so the settings screen can fix them.

Dumping omits every default and empty value, except that a profile always states its ``name``,
``cloud``, ``region``, ``api`` and ``auth`` (a future change of a default must not move a user's
profile). Credentials are written as their values: the file is the one place they live; one read
from the environment (``Secret.origin``) is never written, only the variable's name (``sk_env``).
``parse_config(dump_config(c)) == c`` holds for every config that parses.
"""

from __future__ import annotations

import math
import os
import re
import tomllib
from dataclasses import MISSING, Field, fields
from difflib import get_close_matches
from typing import Any, NoReturn

import tomli_w

from tui.config.connect import ConnectOverride
from tui.config.locate import KeyPath, key_lines, line_of
from tui.config.model import (
    CONTROL_PROBLEM,
    ENV_FIELDS,
    SECRET_FIELDS,
    Config,
    InstanceRef,
    Profile,
    UiSettings,
)
from tui.core.endpoint import without_password
from tui.core.errors import ConfigError
from tui.core.secret import Secret
from tui.core.untrusted import CONTROL_RE

HEADER = "# modelarts-tui settings, written by the app. It holds credentials: keep it private (chmod 600).\n"
MASK = "********"
ALWAYS_WRITTEN = ("name", "cloud", "region", "api", "auth")
"""Profile keys written even when they hold the default."""

_TOML_ERROR_AT = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")
_TOML_ERROR_END = re.compile(r"\s*\(at end of document\)\s*$")

_EXPECTED = {
    "str": "a string",
    "Secret": "a string",
    "bool": "true or false",
    "int": "a whole number",
    "float": "a number",
    "Command": "a string or an array of strings",
    "tuple[str, ...]": "an array of strings",
}


def _by_key(cls: Any) -> dict[str, Field[Any]]:
    return {f.metadata.get("toml", f.name): f for f in fields(cls)}


PROFILE_KEYS = _by_key(Profile)
UI_KEYS = _by_key(UiSettings)
INSTANCE_KEYS = _by_key(InstanceRef)
CONNECT_KEYS = _by_key(ConnectOverride)
TOP_KEYS = ("default_profile", "ui", "profiles")


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a float"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "a table"
    return "a date or time"


def _suggest(key: str, allowed: Any) -> str:
    close = get_close_matches(key, list(allowed), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


class _Reader:
    """Turns tomllib's dicts into config values, raising ConfigError with path and line."""

    def __init__(self, text: str, path: str) -> None:
        self.lines = key_lines(text)
        self.path = path

    def fail(self, where: KeyPath, message: str) -> NoReturn:
        raise ConfigError(message, path=self.path, line=line_of(self.lines, where))

    def check_keys(
        self, table: dict[str, Any], where: KeyPath, allowed: Any, label: str, misplaced: dict[str, str]
    ) -> None:
        unknown = [k for k in table if k not in allowed]
        if not unknown:
            return
        key = min(unknown, key=lambda k: line_of(self.lines, (*where, k)) or 0)
        hint = misplaced.get(key) or _suggest(key, allowed)
        self.fail((*where, key), f"unknown key {key!r} in {label}{hint}")

    def scalar(self, value: Any, f: Field[Any], key: str, where: KeyPath, label: str) -> Any:
        kind = str(f.type)
        ok = {
            "str": isinstance(value, str),
            "Secret": isinstance(value, str),
            "bool": isinstance(value, bool),
            "int": isinstance(value, int) and not isinstance(value, bool),
            "float": isinstance(value, int | float) and not isinstance(value, bool),
            "Command": isinstance(value, str)
            or (isinstance(value, list) and all(isinstance(v, str) for v in value)),
            "tuple[str, ...]": isinstance(value, list) and all(isinstance(v, str) for v in value),
        }[kind]
        if not ok:
            self.fail(where, f"{label}: {key!r} must be {_EXPECTED[kind]}, not {_kind(value)}")
        if kind in ("str", "Secret") and CONTROL_RE.search(value):
            self.fail(where, f"{label}: {key!r} {CONTROL_PROBLEM}")  # the value may be a secret: never shown
        if kind == "float":
            if not math.isfinite(value):
                self.fail(where, f"{label}: {key!r} must be a finite number")
            return float(value)
        choices = f.metadata.get("choices")
        if choices and value not in choices:
            self.fail(
                where,
                f"{label}: {key!r} must be one of {', '.join(choices)}, not {value!r}{_suggest(value, choices)}",
            )
        if kind in ("Command", "tuple[str, ...]") and isinstance(value, list):
            return tuple(value)
        return Secret(value) if kind == "Secret" else value

    def table(self, value: Any, where: KeyPath, what: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.fail(where, f"{what} must be a table, not {_kind(value)}")
        return value

    def config(self, data: dict[str, Any]) -> Config:
        misplaced = {k: " (it belongs in [ui])" for k in UI_KEYS}
        misplaced.update({k: " (it belongs in a [[profiles]] table)" for k in PROFILE_KEYS})
        self.check_keys(data, (), TOP_KEYS, "the file (outside any table)", misplaced)
        default = data.get("default_profile", "")
        if not isinstance(default, str):
            self.fail(("default_profile",), f"'default_profile' must be a string, not {_kind(default)}")
        ui = self.ui(self.table(data.get("ui", {}), ("ui",), "[ui]"))
        raw = data.get("profiles", [])
        if not isinstance(raw, list):
            self.fail(
                ("profiles",), f"'profiles' must be an array of tables ([[profiles]]), not {_kind(raw)}"
            )
        profiles: list[Profile] = []
        first: dict[str, int] = {}
        for index, item in enumerate(raw):
            profile = self.profile(item, ("profiles", index))
            if profile.name in first:
                line = line_of(self.lines, ("profiles", first[profile.name], "name"))
                self.fail(
                    ("profiles", index, "name"),
                    f"the profile name {profile.name!r} is used twice (first at line {line})",
                )
            first[profile.name] = index
            profiles.append(profile)
        if default and default not in first:
            known = ", ".join(first) or "none configured"
            self.fail(
                ("default_profile",),
                f"default_profile {default!r} names no profile (known: {known}){_suggest(default, first)}",
            )
        return Config(profiles=tuple(profiles), default_profile=default, ui=ui, file_profiles=tuple(first))

    def ui(self, data: dict[str, Any]) -> UiSettings:
        self.check_keys(data, ("ui",), UI_KEYS, "[ui]", {})
        kwargs: dict[str, Any] = {}
        for key, value in data.items():
            f = UI_KEYS[key]
            if key == "keys":
                keys = self.table(value, ("ui", "keys"), "[ui.keys]")
                for binding, bound in keys.items():
                    if not isinstance(bound, str):
                        self.fail(
                            ("ui", "keys", binding),
                            f"[ui.keys]: {binding!r} must be a string (a key name), not {_kind(bound)}",
                        )
                kwargs["keys"] = dict(keys)
            else:
                kwargs[f.name] = self.scalar(value, f, key, ("ui", key), "[ui]")
        settings = UiSettings(**kwargs)
        for problem in settings.validate():
            self.fail(("ui", *problem.field.split(".")), f"[ui]: {problem.message}")
        return settings

    def profile(self, data: Any, where: KeyPath) -> Profile:
        number = int(where[-1]) + 1
        if not isinstance(data, dict):
            self.fail(where, f"profile #{number} must be a table ([[profiles]]), not {_kind(data)}")
        name = data.get("name")
        label = f"profile {name!r}" if isinstance(name, str) and name else f"profile #{number}"
        self.check_keys(data, where, PROFILE_KEYS, label, {})
        if "name" not in data:
            self.fail(where, f"{label} has no 'name'")
        kwargs: dict[str, Any] = {}
        for key, value in data.items():
            if key == "instances":
                kwargs["instances"] = self.instances(value, (*where, "instances"), label)
            elif key == "connect":
                kwargs["connect"] = self.connect(value, (*where, "connect"), label)
            else:
                kwargs[PROFILE_KEYS[key].name] = self.scalar(
                    value, PROFILE_KEYS[key], key, (*where, key), label
                )
        if not kwargs["name"]:
            self.fail((*where, "name"), f"{label}: 'name' is empty")
        return Profile(**kwargs)

    def instances(self, value: Any, where: KeyPath, label: str) -> tuple[InstanceRef, ...]:
        if not isinstance(value, list):
            self.fail(
                where,
                f"{label}: 'instances' must be an array of tables ([[profiles.instances]]), "
                f"not {_kind(value)}",
            )
        refs: list[InstanceRef] = []
        move = " (keys after [[profiles.instances]] belong to that instance: move {!r} above the profile's first one)"
        misplaced = {k: move.format(k) for k in PROFILE_KEYS}
        for index, item in enumerate(value):
            here = (*where, index)
            if isinstance(item, str):
                refs.append(InstanceRef(item))
                continue
            what = f"instance #{index + 1} of {label}"
            self.check_keys(self.table(item, here, what), here, INSTANCE_KEYS, what, misplaced)
            if "id" not in item:
                self.fail(here, f"{what} has no 'id'")
            kwargs = {
                INSTANCE_KEYS[k].name: self.scalar(v, INSTANCE_KEYS[k], k, (*here, k), what)
                for k, v in item.items()
            }
            refs.append(InstanceRef(**kwargs))
        return tuple(refs)

    def connect(self, value: Any, where: KeyPath, label: str) -> tuple[ConnectOverride, ...]:
        if not isinstance(value, list):
            self.fail(where, f"{label}: 'connect' must be an array of tables ([[profiles.connect]])")
        found: list[ConnectOverride] = []
        for index, item in enumerate(value):
            here, what = (*where, index), f"connect entry #{index + 1} of {label}"
            self.check_keys(self.table(item, here, what), here, CONNECT_KEYS, what, {})
            if "instance" not in item:
                self.fail(here, f"{what} has no 'instance' (the instance's name or id)")
            kwargs = {k: self.scalar(v, CONNECT_KEYS[k], k, (*here, k), what) for k, v in item.items()}
            override = ConnectOverride(**kwargs)
            for problem in override.validate():
                name = problem.field.removeprefix("connect.")
                detail = str(problem).removeprefix(f"{problem.field}: ")
                self.fail((*here, name.split("[")[0]), f"{what}: {name}: {detail}")
            found.append(override)
        return tuple(found)


def _toml_error(error: tomllib.TOMLDecodeError, text: str, path: str) -> ConfigError:
    message = str(error.args[0] if error.args else error)
    line: int | None = getattr(error, "lineno", None)
    column: int | None = getattr(error, "colno", None)
    found = _TOML_ERROR_AT.search(message)
    if found:
        line, column = int(found.group(1)), int(found.group(2))
        message = message[: found.start()]
    elif _TOML_ERROR_END.search(message):
        message = _TOML_ERROR_END.sub("", message) + " at the end of the file"
        line = line or max(1, text.count("\n") + (0 if text.endswith("\n") else 1))
    where = f" (column {column})" if column else ""
    return ConfigError(f"not valid TOML: {message}{where}", path=path, line=line)


def parse_config(text: str, path: str | os.PathLike[str] = "") -> Config:
    """The config in ``text``; ConfigError with ``path`` and the line of the first problem."""
    where = os.fspath(path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise _toml_error(error, text, where) from None
    except RecursionError:
        raise ConfigError("not valid TOML: nested too deeply", path=where, line=1) from None
    return _Reader(text, where).config(data)


def _plain(value: Any, *, mask: bool) -> Any:
    if isinstance(value, Secret):
        return MASK if mask and value else value.reveal()
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def _is_default(f: Field[Any], value: Any) -> bool:
    if f.default is not MISSING:
        return bool(value == f.default)
    if f.default_factory is not MISSING:
        return bool(value == f.default_factory())
    return False


def _table(
    obj: Any, *, mask: bool, always: tuple[str, ...] = (), skip: tuple[str, ...] = ()
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in fields(obj):
        value = getattr(obj, f.name)
        if f.name in skip or (f.name not in always and _is_default(f, value)):
            continue
        out[f.metadata.get("toml", f.name)] = _plain(value, mask=mask)
    return out


def profile_table(profile: Profile, mask: bool = False) -> dict[str, Any]:
    """A profile's keys; a credential read from the environment is named (``sk_env``), never written."""
    body = _table(profile, mask=mask, always=ALWAYS_WRITTEN, skip=("instances", "connect"))
    for key in ("endpoint", "iam_endpoint"):
        if mask and key in body:
            body[key] = without_password(body[key])  # a user:password@ in a URL is a credential too
    for name in SECRET_FIELDS:
        value: Secret = getattr(profile, name)
        if value.origin:
            body.pop(name, None)
            env_field = ENV_FIELDS.get(name)
            if env_field and not getattr(profile, env_field):
                body[env_field] = value.origin
    return body


def instance_table(ref: InstanceRef, mask: bool = False) -> dict[str, Any]:
    """An instance reference's keys (``id`` always)."""
    return _table(ref, mask=mask, always=("id",))


def connect_table(override: ConnectOverride) -> dict[str, Any]:
    """A ``[[profiles.connect]]`` entry's keys (``instance`` always)."""
    return _table(override, mask=False, always=("instance",))


def dump_config(config: Config, *, mask_secrets: bool = False) -> str:
    """The TOML text of ``config``; ``mask_secrets`` writes ``********`` for credentials (for display)."""
    chunks = [HEADER]
    if config.default_profile:
        chunks.append(tomli_w.dumps({"default_profile": config.default_profile}))
    ui = _table(config.ui, mask=mask_secrets)
    if ui:
        chunks.append(tomli_w.dumps({"ui": ui}))
    for profile in config.profiles:
        # Written by hand around tomli_w so that instances become [[profiles.instances]] tables.
        body = profile_table(profile, mask_secrets)
        chunks.append("[[profiles]]\n" + tomli_w.dumps(body))
        for ref in profile.instances:
            chunks.append("[[profiles.instances]]\n" + tomli_w.dumps(instance_table(ref, mask_secrets)))
        for override in profile.connect:
            chunks.append("[[profiles.connect]]\n" + tomli_w.dumps(connect_table(override)))
    return "\n".join(chunks)
