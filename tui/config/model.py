"""The settings as values: profiles (one account, region and project each), UI settings, the whole config.

Frozen dataclasses; edit with ``dataclasses.replace`` and the ``Config.with_*`` helpers. Nothing here
reads a file: ``tui.config.store`` turns TOML into these values and back. Credentials are ``Secret``
values, so ``repr``/``str`` of a profile or a config never shows one; ``ak`` (an identifier, not a
secret, but still masked by ``api.redact``) is shortened in ``repr`` too.

A credential can live in the config file (``sk``), in an environment variable named by the
matching ``*_env`` field (``sk_env = "OTC_SK"``), in the output of a ``*_command``, or in the
official SDK's credentials file (``credentials_file``); ``tui.config.credentials`` says which wins.

Field metadata read by the store: ``toml`` (the key in the file when it differs from the field
name) and ``choices`` (the values the file may hold).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from difflib import get_close_matches
from typing import Any

from tui.config.connect import ConnectOverride, connect_problems
from tui.config.credentials import ENV_FIELDS as ENV_FIELDS  # re-exported
from tui.config.credentials import SDK_SECTIONS, credential_problems, has_source, resolve_secret
from tui.config.ui_settings import UiSettings as UiSettings  # re-exported
from tui.core.domain import (
    CLOUD_LABELS,
    CLOUD_OTC,
    CLOUDS,
    INSTANCE_ID_RE,
    LEASE_MAX_HOURS,
    LEASE_MIN_HOURS,
    PROJECT_ID_RE,
    REGIONS,
    iam_endpoint,
    modelarts_endpoint,
    plausible_region,
)
from tui.core.endpoint import endpoint_problem, short
from tui.core.errors import ConfigError, ValidationError
from tui.core.limits import DEFAULT_DEADLINE_S, DEFAULT_MAX_BODY_BYTES, MIB, limit_problems
from tui.core.models import FAMILY_NOTEBOOKS, FAMILY_V1
from tui.core.secret import Secret
from tui.core.untrusted import CONTROL_PROBLEM, CONTROL_RE

AUTH_AKSK = "aksk"
AUTH_PASSWORD = "password"
AUTH_TOKEN = "token"
AUTH_METHODS = (AUTH_AKSK, AUTH_PASSWORD, AUTH_TOKEN)
API_FAMILIES = (FAMILY_V1, FAMILY_NOTEBOOKS)

NAME_RE = re.compile(r"[A-Za-z0-9_.-]+")
ENV_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
NO_SECRET = Secret("")

SECRET_FIELDS = ("sk", "security_token", "password", "token")
"""Profile fields that hold a credential."""

Command = str | tuple[str, ...]
"""A command: a string split the POSIX way, or an argv list."""


def _has_control(value: Any) -> bool:
    text = value.reveal() if isinstance(value, Secret) else value
    return isinstance(text, str) and CONTROL_RE.search(text) is not None


def _url_problem(value: str) -> str | None:
    problem = endpoint_problem(value.strip())
    if problem == "is not an http(s) URL" or problem == "has no host name":
        return f"{short(value)} is not an http(s) URL such as https://modelarts.eu-de.otc.t-systems.com"
    return f"{short(value)} {problem}" if problem else None


@dataclass(frozen=True, slots=True)
class InstanceRef:
    """One instance a profile is limited to, with an optional display alias."""

    id: str
    """The instance id as the service reports it (``DE-…`` or a UUID)."""
    alias: str = ""
    """A short name shown beside the instance's own name; empty for none."""


@dataclass(frozen=True, slots=True)
class Profile:
    """One account, region and project: where to reach ModelArts and how to sign in."""

    name: str
    """Unique among profiles; letters, digits, ``_``, ``.`` and ``-``."""
    cloud: str = field(default=CLOUD_OTC, metadata={"choices": CLOUDS})
    """``"otc"`` (Open Telekom Cloud) or ``"huawei"`` (Huawei Cloud)."""
    region: str = "eu-de"
    """Region id, e.g. ``eu-de`` or ``cn-north-4``."""
    project_id: str = ""
    """32 hex characters; empty to resolve it later from the region."""
    endpoint: str = ""
    """ModelArts endpoint override; empty = derived from cloud and region."""
    iam_endpoint: str = ""
    """IAM endpoint override; empty = derived from cloud and region."""
    api: str = field(default=FAMILY_V1, metadata={"choices": API_FAMILIES})
    """API family: ``"devenv-v1"`` (demanager) or ``"notebooks"``."""
    auth: str = field(default=AUTH_AKSK, metadata={"choices": AUTH_METHODS})
    """Sign-in method: ``"aksk"``, ``"password"`` (IAM user) or ``"token"`` (pre-issued IAM token)."""
    ak: str = ""
    """Access key id (aksk)."""
    ak_env: str = ""
    """Name of an environment variable holding the access key id instead."""
    sk: Secret = NO_SECRET
    """Secret access key (aksk)."""
    sk_env: str = ""
    """Name of an environment variable holding the secret key instead."""
    sk_command: Command = ""
    """A command printing the secret key (``"pass show otc/sk"``), run at sign-in without a shell."""
    security_token: Secret = NO_SECRET
    """Security token of a temporary AK/SK pair; empty for a permanent pair."""
    security_token_env: str = ""
    """Name of an environment variable holding the security token instead."""
    credentials_file: str = ""
    """The official SDK's credentials file (INI) to read ak, sk and security_token from at sign-in."""
    credentials_section: str = field(default="basic", metadata={"choices": SDK_SECTIONS})
    """Its section: ``"basic"`` or ``"global"``."""
    expires_at: str = ""
    """When a temporary credential expires (ISO 8601, e.g. ``2026-12-01T21:00:00Z``); empty = never."""
    domain: str = ""
    """Account (domain) name (password)."""
    user: str = ""
    """IAM user name (password)."""
    password: Secret = NO_SECRET
    """IAM user password (password)."""
    password_env: str = ""
    """Name of an environment variable holding the password instead."""
    password_command: Command = ""
    """A command printing the password, run at sign-in without a shell."""
    token: Secret = NO_SECRET
    """A project-scoped IAM token (token)."""
    token_env: str = ""
    """Name of an environment variable holding the token instead."""
    token_command: Command = ""
    """A command printing the token, run at sign-in without a shell."""
    instances: tuple[InstanceRef, ...] = ()
    """The instances shown for this profile; empty = every instance the account lists."""
    read_only: bool = False
    """True to refuse every action that changes something (start, stop, save as image, tags…)."""
    scope: str = field(default="own", metadata={"choices": ("own", "all")})
    """``"own"``: the user's notebooks; ``"all"``: every user's (notebooks API, an admin account)."""
    enabled: bool = True
    """False to keep the profile in the file without polling it."""
    ca_bundle: str = ""
    """Path of a PEM bundle to verify the endpoints' certificates; empty = the system store."""
    insecure: bool = False
    """True to skip certificate verification (a lab endpoint only)."""
    prolong_hours: float = 2.0
    """Default hours for prolong (1-72)."""
    notify_minutes: int = 15
    """Warn this many minutes before an instance stops by itself; 0 = never."""
    imported_from: str = ""
    """Where the profile was imported or discovered from (shown in settings); empty = typed in."""
    request_deadline: float = DEFAULT_DEADLINE_S
    """Seconds one request may take in all (connect, send, the whole answer)."""
    max_answer_mb: int = DEFAULT_MAX_BODY_BYTES // MIB
    """The largest answer read, decoded, in MB (a gzip bomb stops here)."""
    key_dir: str = ""
    """The folder where ``<key_pair_name>.pem`` is looked up for SSH; empty = ``~/.ssh``."""
    connect: tuple[ConnectOverride, ...] = ()
    """Per-instance connection settings (identity file, extra ssh options, alias)."""

    def __post_init__(self) -> None:
        # A plain string given for a credential is wrapped, so it can never reach a repr.
        for name in SECRET_FIELDS:
            value: Any = getattr(self, name)
            if not isinstance(value, Secret):
                object.__setattr__(self, name, Secret(str(value or "")))
        if not isinstance(self.instances, tuple):
            object.__setattr__(self, "instances", tuple(self.instances))
        for name in ("sk_command", "password_command", "token_command"):
            if isinstance(getattr(self, name), list):
                object.__setattr__(self, name, tuple(getattr(self, name)))

    def __repr__(self) -> str:
        shown = [f"name={self.name!r}"]
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "name" or value == f.default:
                continue
            if f.name == "ak":
                value = value[:4] + "…" if len(value) > 8 else "…"
            shown.append(f"{f.name}={value!r}")
        return f"Profile({', '.join(shown)})"

    __str__ = __repr__

    @property
    def modelarts_url(self) -> str:
        """The ModelArts endpoint: the override, else the one of the cloud and region."""
        if self.endpoint:
            return self.endpoint.strip().rstrip("/")
        return modelarts_endpoint(self.cloud, self.region)

    @property
    def iam_url(self) -> str:
        """The IAM endpoint: the override, else the one of the cloud and region."""
        if self.iam_endpoint:
            return self.iam_endpoint.strip().rstrip("/")
        return iam_endpoint(self.cloud, self.region)

    def resolved_ak(self, environ: Mapping[str, str] | None = None) -> str:
        """The access key id, from ``$ak_env`` when set, else ``ak``.

        Raises ValidationError when no source gives it (an unset variable, a failing command).
        """
        return resolve_secret(self, "ak", environ).reveal()

    def resolved_sk(self, environ: Mapping[str, str] | None = None) -> Secret:
        """The secret key from its first source (``tui.config.credentials``); ValidationError as above."""
        return resolve_secret(self, "sk", environ)

    def resolved_security_token(self, environ: Mapping[str, str] | None = None) -> Secret:
        """The security token of a temporary pair (empty for a permanent one), from its sources."""
        return resolve_secret(self, "security_token", environ)

    def resolved_token(self, environ: Mapping[str, str] | None = None) -> Secret:
        """The IAM token, from ``$token_env`` when set, else ``token``."""
        return resolve_secret(self, "token", environ)

    def resolved_password(self, environ: Mapping[str, str] | None = None) -> Secret:
        """The IAM password, from ``$password_env`` when set, else ``password``."""
        return resolve_secret(self, "password", environ)

    def alias_for(self, instance_id: str) -> str:
        """The alias configured for ``instance_id``; empty when none."""
        for ref in self.instances:
            if ref.id == instance_id:
                return ref.alias
        return ""

    def validate(self) -> list[ValidationError]:
        """Every problem that would stop this profile from working, each naming its field.

        Checks shape only (no network, no file access, no environment lookups).
        """
        errors: list[ValidationError] = []

        def bad(name: str, message: str) -> None:
            errors.append(ValidationError(name, message))

        errors += [
            ValidationError(f.name, CONTROL_PROBLEM)
            for f in fields(self)
            if _has_control(getattr(self, f.name))
        ]
        self._place_problems(bad)
        self._sign_in_problems(bad)
        self._number_problems(bad)
        errors += credential_problems(self)
        errors += limit_problems(self.request_deadline, self.max_answer_mb)
        seen: set[str] = set()
        for index, ref in enumerate(self.instances):
            if not INSTANCE_ID_RE.fullmatch(ref.id):
                bad(f"instances[{index}].id", f"{ref.id!r} is not a plausible instance id")
            elif ref.id in seen:
                bad(f"instances[{index}].id", f"{ref.id!r} is listed twice")
            seen.add(ref.id)
        errors += connect_problems(self.connect)
        return errors

    def _place_problems(self, bad: Any) -> None:
        """The name, the choices, and where the profile points: region, project id, endpoints."""
        if not self.name:
            bad("name", "the profile needs a name")
        elif not NAME_RE.fullmatch(self.name):
            bad("name", f"{self.name!r} may hold only letters, digits, '_', '.' and '-'")
        for f in fields(self):
            choices = f.metadata.get("choices")
            value = getattr(self, f.name)
            if choices and value not in choices:
                bad(f.name, f"{value!r} is not one of {', '.join(choices)}")
        if self.cloud in REGIONS:
            known = REGIONS[self.cloud]
            if self.endpoint:
                if not plausible_region(self.region):
                    bad("region", f"{self.region!r} is not a region id (like eu-de or cn-north-4)")
            elif self.region not in known:
                bad(
                    "region",
                    f"{self.region!r} is not a region of {CLOUD_LABELS[self.cloud]} (known: {', '.join(known)}); "
                    "set endpoint to use another",
                )
        if self.project_id and not PROJECT_ID_RE.fullmatch(self.project_id):
            bad(
                "project_id",
                "must be 32 lower-case hex characters (IAM > My Credentials > Projects), or empty",
            )
        for name in ("endpoint", "iam_endpoint"):
            value = getattr(self, name)
            problem = _url_problem(value) if value else None
            if problem:
                bad(name, problem)

    def _sign_in_problems(self, bad: Any) -> None:
        """What the chosen sign-in needs, and the shape of the AK and of variable names."""
        for name in ENV_FIELDS.values():
            value = getattr(self, name)
            if value and not ENV_NAME_RE.fullmatch(value):
                bad(name, f"{value!r} is not an environment variable name")
        if self.ak and not (self.ak.isascii() and self.ak.isprintable()):
            bad("ak", "holds a character that is not ASCII; an access key id is ASCII letters and digits")
        if self.auth == AUTH_AKSK:
            self._need(bad, "ak", "the access key id (AK)")
            self._need(bad, "sk", "the secret access key (SK)")
        elif self.auth == AUTH_PASSWORD:
            if not self.domain:
                bad("domain", "password sign-in needs the account (domain) name")
            if not self.user:
                bad("user", "password sign-in needs the IAM user name")
            self._need(bad, "password", "the IAM password")
        elif self.auth == AUTH_TOKEN:
            self._need(bad, "token", "an IAM token")

    def _number_problems(self, bad: Any) -> None:
        """The prolong hours and the notice minutes."""
        if not (
            math.isfinite(self.prolong_hours) and LEASE_MIN_HOURS <= self.prolong_hours <= LEASE_MAX_HOURS
        ):
            bad("prolong_hours", f"must be {LEASE_MIN_HOURS} to {LEASE_MAX_HOURS} hours")
        if self.notify_minutes < 0:
            bad("notify_minutes", "must be 0 (never) or more minutes")

    def _need(self, bad: Any, name: str, what: str) -> None:
        if not getattr(self, name) and not has_source(self, name):
            bad(name, f"{self.auth} sign-in needs {what}: set {name} or {ENV_FIELDS[name]}")


@dataclass(frozen=True, slots=True)
class Config:
    """The whole config file: profiles, the default one, and the UI settings."""

    profiles: tuple[Profile, ...] = ()
    """Every profile, in file order."""
    default_profile: str = ""
    """The profile headless commands use without ``--profile``; empty = all enabled ones."""
    ui: UiSettings = field(default_factory=UiSettings)
    """How the app looks and polls."""
    file_profiles: tuple[str, ...] | None = field(default=None, compare=False, repr=False)
    """The profile names of the file it was read from (a session may show fewer); None: not read."""

    def __post_init__(self) -> None:
        if not isinstance(self.profiles, tuple):
            object.__setattr__(self, "profiles", tuple(self.profiles))

    def names(self) -> tuple[str, ...]:
        """Profile names in file order."""
        return tuple(p.name for p in self.profiles)

    def profile(self, name: str) -> Profile:
        """The profile called ``name``; ConfigError naming the known ones when there is none."""
        for candidate in self.profiles:
            if candidate.name == name:
                return candidate
        known = self.names()
        close = get_close_matches(name, known, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        listed = ", ".join(known) if known else "none configured"
        raise ConfigError(f"no profile named {name!r} (known: {listed}){hint}")

    def with_profile(self, profile: Profile, *, replacing: str | None = None) -> Config:
        """This config with ``profile`` added, or replacing the one of the same name in place.

        ``replacing`` renames: the profile called ``replacing`` is replaced at its position, and
        ``default_profile`` follows the new name.
        """
        old = profile.name if replacing is None else replacing
        names = self.names()
        if old != profile.name and profile.name in names:
            raise ConfigError(f"a profile named {profile.name!r} exists already")
        if old in names:
            profiles = tuple(profile if p.name == old else p for p in self.profiles)
        else:
            profiles = (*self.profiles, profile)
        default = profile.name if self.default_profile == old else self.default_profile
        return Config(profiles=profiles, default_profile=default, ui=self.ui)

    def without_profile(self, name: str) -> Config:
        """This config without the profile ``name`` (and no longer defaulting to it)."""
        default = "" if self.default_profile == name else self.default_profile
        profiles = tuple(p for p in self.profiles if p.name != name)
        return Config(profiles=profiles, default_profile=default, ui=self.ui)

    def with_ui(self, ui: UiSettings) -> Config:
        """This config with other UI settings."""
        return Config(profiles=self.profiles, default_profile=self.default_profile, ui=ui)

    def enabled_profiles(self) -> tuple[Profile, ...]:
        """The profiles to poll, in file order."""
        return tuple(p for p in self.profiles if p.enabled)
