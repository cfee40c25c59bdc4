"""Where a profile's secrets come from at sign-in: a variable, a command, the SDK's file, the config.

Order, first that gives a value wins: the environment variable named by ``*_env`` (when set), the
``*_command`` (run without a shell), the official SDK's credentials file named by
``credentials_file`` (``ak``, ``sk`` and ``security_token`` only), the value in the config file.

A command runs from an argv list or a string split the POSIX way (``shlex``), with no shell, stdin
closed, and a timeout; its stdout minus the trailing newline is the secret. Any failure (cannot
start, non-zero exit, timeout, empty or multi-line output) is a ValidationError naming the field
and the program, never what the command printed.

``secret_source(profile)`` tells the settings screen where a profile's secret lives, so a user can
see at a glance which profiles keep one on disk.
"""

from __future__ import annotations

import configparser
import os
import shlex
import signal
import subprocess
from collections.abc import Mapping
from contextlib import suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tui.config.paths import expand_user
from tui.core.errors import ConfigError, ValidationError
from tui.core.secret import Secret
from tui.core.untrusted import CONTROL_PROBLEM, CONTROL_RE

if TYPE_CHECKING:
    from tui.config.model import Profile

COMMAND_TIMEOUT_S = 15.0
"""How long a ``*_command`` may run before it is killed."""
MAX_FILE_BYTES = 1 << 20
"""A credentials source bigger than this is not read (it is not one)."""

COMMAND_FIELDS = {"sk": "sk_command", "password": "password_command", "token": "token_command"}
"""Credential field -> the field holding a command that prints it."""
FILE_KEYS = {"ak": "ak", "sk": "sk", "security_token": "security_token"}
"""Credential field -> its key in the SDK's credentials file."""
SDK_SECTIONS = ("basic", "global")

ENV_FIELDS = {
    "ak": "ak_env",
    "sk": "sk_env",
    "security_token": "security_token_env",
    "token": "token_env",
    "password": "password_env",
}
"""Credential field -> the field naming an environment variable that may hold it instead."""


def command_argv(command: str | tuple[str, ...] | list[str]) -> list[str]:
    """The argv of a command given as a list or a POSIX shell-like string; ValueError when unusable."""
    argv = shlex.split(command) if isinstance(command, str) else list(command)
    if not argv or not argv[0]:
        raise ValueError("the command is empty")
    return argv


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    with suppress(OSError):
        os.killpg(process.pid, signal.SIGKILL)
    with suppress(OSError):
        process.kill()


def run_secret_command(
    command: str | tuple[str, ...] | list[str],
    field: str,
    *,
    timeout: float = COMMAND_TIMEOUT_S,
    environ: Mapping[str, str] | None = None,
) -> Secret:
    """The secret a command prints; ValidationError(field) naming the program when it fails."""
    try:
        argv = command_argv(command)
    except ValueError as error:
        raise ValidationError(field, f"cannot be split into a command: {error}") from None
    program = os.path.basename(argv[0])
    try:
        process = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=None if environ is None else dict(environ),
            process_group=0,  # its own group, so a timeout kills what it started too; the terminal stays
        )
    except OSError as error:
        reason = "no such program" if isinstance(error, FileNotFoundError) else error.strerror or str(error)
        raise ValidationError(field, f"cannot run {program!r}: {reason}") from None
    try:
        out, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        process.communicate()
        raise ValidationError(
            field, f"{program!r} did not finish within {timeout:g} s and was stopped"
        ) from None
    if process.returncode != 0:
        how = (
            f"was killed by signal {-process.returncode}"
            if process.returncode < 0
            else f"exited with status {process.returncode}"
        )
        raise ValidationError(field, f"{program!r} {how} (its output is not shown)")
    try:
        text = out.decode("utf-8")
    except UnicodeDecodeError:
        raise ValidationError(field, f"{program!r} printed something that is not UTF-8 text") from None
    text = text.removesuffix("\n").removesuffix("\r")
    if not text.strip():
        raise ValidationError(field, f"{program!r} printed nothing")
    if "\n" in text or "\r" in text:
        lines = len(text.splitlines())
        raise ValidationError(field, f"{program!r} printed {lines} lines; the secret must be one line")
    return Secret(text)


def read_text(path: Path) -> str:
    """A credentials source as text: ConfigError naming the path when it cannot be read."""
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise ConfigError("the file does not exist", path=str(path)) from None
    except OSError as error:
        raise ConfigError(f"cannot read the file: {error.strerror or error}", path=str(path)) from None
    if len(raw) > MAX_FILE_BYTES:
        raise ConfigError(f"larger than {MAX_FILE_BYTES} bytes: not a credentials file", path=str(path))
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise ConfigError(f"not UTF-8 text (byte {error.start})", path=str(path), line=line) from None


def parse_sdk_file(text: str, path: str) -> dict[str, tuple[int, dict[str, str]]]:
    """Section -> (its line, its keys) of the SDK's INI credentials file; ConfigError with the line."""
    parser = configparser.ConfigParser(interpolation=None, strict=True, default_section="\x00none")
    try:
        parser.read_string(text, source=path)
    except configparser.MissingSectionHeaderError as error:  # a ParsingError: caught first
        raise ConfigError("a key before any [section]", path=path, line=error.lineno) from None
    except configparser.ParsingError as error:
        line, _ = error.errors[0] if error.errors else (None, "")
        raise ConfigError(
            "not an INI line (expected `key = value` or `[section]`)", path=path, line=line
        ) from None
    except (configparser.DuplicateSectionError, configparser.DuplicateOptionError) as error:
        what = "section" if isinstance(error, configparser.DuplicateSectionError) else "key"
        raise ConfigError(f"a {what} given twice: {error.args[0]}", path=path, line=error.lineno) from None
    except configparser.Error as error:
        raise ConfigError(f"not a valid INI file: {error.message}", path=path) from None
    lines = text.splitlines()
    out: dict[str, tuple[int, dict[str, str]]] = {}
    for section in parser.sections():
        line = next((n for n, t in enumerate(lines, 1) if t.strip() == f"[{section}]"), 1)
        out[section] = (line, {k: v.strip() for k, v in parser.items(section)})
    return out


def sdk_file_value(path: str, section: str, key: str) -> str:
    """One key of one section of the SDK's credentials file ("" when absent); ConfigError when broken."""
    where = expand_user(path, "credentials_file")
    sections = parse_sdk_file(read_text(where), str(where))
    if section not in sections:
        raise ConfigError(f"no [{section}] section", path=str(where))
    return sections[section][1].get(key, "")


def resolve_secret(profile: Profile, name: str, environ: Mapping[str, str] | None = None) -> Secret:
    """The credential ``name`` of ``profile`` from the first source that has it (see the module doc)."""

    env = os.environ if environ is None else environ
    env_name: str = getattr(profile, ENV_FIELDS.get(name, ""), "") if name in ENV_FIELDS else ""
    if env_name and env.get(env_name, ""):
        found = env[env_name].strip()
        if CONTROL_RE.search(found):  # a wrapped paste: refused, the value never shown
            raise ValidationError(ENV_FIELDS[name], f"the environment variable {env_name} {CONTROL_PROBLEM}")
        return Secret(found)
    command = getattr(profile, COMMAND_FIELDS[name]) if name in COMMAND_FIELDS else ""
    if command:
        return run_secret_command(command, COMMAND_FIELDS[name], environ=environ)
    if profile.credentials_file and name in FILE_KEYS:
        try:
            found = sdk_file_value(profile.credentials_file, profile.credentials_section, FILE_KEYS[name])
        except ConfigError as error:
            raise ValidationError("credentials_file", str(error)) from None
        if found and CONTROL_RE.search(found.strip()):
            raise ValidationError(
                "credentials_file", f"{FILE_KEYS[name]!r} in {profile.credentials_file} {CONTROL_PROBLEM}"
            )
        if found:
            return Secret(found.strip())
    value: Any = getattr(profile, name)
    current = value if isinstance(value, Secret) else Secret(str(value or ""))
    if profile.credentials_file and name in ("ak", "sk") and not current and not env_name:
        where = f"{profile.credentials_file} [{profile.credentials_section}]"
        raise ValidationError("credentials_file", f"{where} has no {FILE_KEYS[name]}")
    if env_name and not current and name != "security_token":
        raise ValidationError(ENV_FIELDS[name], f"the environment variable {env_name} is not set")
    return current


def credential_problems(profile: Profile) -> list[ValidationError]:
    """Shape problems of the command, file and expiry fields (no command is run, no file read)."""
    errors: list[ValidationError] = []
    for field in COMMAND_FIELDS.values():
        command = getattr(profile, field)
        if command:
            try:
                command_argv(command)
            except ValueError as error:
                errors.append(ValidationError(field, f"cannot be split into a command: {error}"))
    if profile.expires_at and expiry_epoch(profile.expires_at) is None:
        errors.append(ValidationError("expires_at", "must be a date and time such as 2026-12-01T21:00:00Z"))
    return errors


def has_source(profile: Profile, name: str) -> bool:
    """True when some field other than the value itself can provide credential ``name``."""

    return bool(
        (name in ENV_FIELDS and getattr(profile, ENV_FIELDS[name]))
        or (name in COMMAND_FIELDS and getattr(profile, COMMAND_FIELDS[name]))
        or (name in FILE_KEYS and profile.credentials_file)
    )


def expiry_epoch(text: str) -> float | None:
    """``expires_at`` (ISO 8601; no zone = UTC) as epoch seconds; None when it is not a date."""
    try:
        when = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.timestamp()


_SECRET_OF = {"aksk": "sk", "password": "password", "token": "token"}


def secret_source(profile: Profile) -> str:
    """Where the profile's main secret comes from, for the settings screen.

    ``"env $OTC_SK"``, ``"command pass"``, ``"sdk file ~/.huaweicloud/credentials [basic]"``,
    ``"config file"`` (the secret is on disk in the config), ``"config file (from koocli …)"``
    for an imported copy, or ``"none"``. A variable is named even when it is unset now: the
    settings screen shows the setting, not this shell's environment.
    """

    name = _SECRET_OF.get(profile.auth, "sk")
    env_name = getattr(profile, ENV_FIELDS[name])
    command = getattr(profile, COMMAND_FIELDS[name])
    value = getattr(profile, name)
    if env_name:
        fallback = " (else config file)" if value else ""
        return f"env ${env_name}{fallback}"
    if command:
        try:
            program = os.path.basename(command_argv(command)[0])
        except ValueError:
            program = "?"
        return f"command {program}"
    if name in FILE_KEYS and profile.credentials_file:
        return f"sdk file {profile.credentials_file} [{profile.credentials_section}]"
    if value:
        return f"config file (from {profile.imported_from})" if profile.imported_from else "config file"
    return "none"
