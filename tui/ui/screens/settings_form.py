"""What the settings form shows: labels, placeholders, which fields each sign-in method needs."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from rich.text import Text
from textual.widgets import Static

from tui.config.credentials import secret_source
from tui.config.model import AUTH_AKSK, AUTH_PASSWORD, AUTH_TOKEN, Config, Profile
from tui.config.store import load_config
from tui.core.domain import REGIONS

AUTH_LABELS = {AUTH_AKSK: "AK/SK", AUTH_PASSWORD: "IAM password", AUTH_TOKEN: "IAM token"}
API_LABELS = {"devenv-v1": "DevEnviron v1 (devenv-v1)", "notebooks": "Notebooks (notebooks)"}
TEXT_FIELDS = ("name", "project_id", "endpoint", "iam_endpoint", "ak", "domain", "user")
SECRET_INPUTS = ("sk", "security_token", "password", "token")
AUTH_FIELDS = {
    AUTH_AKSK: ("ak", "sk", "security_token"),
    AUTH_PASSWORD: ("domain", "user", "password"),
    AUTH_TOKEN: ("token",),
}
LABELS = {
    "name": "Name",
    "cloud": "Cloud",
    "region": "Region",
    "project_id": "Project id",
    "endpoint": "Endpoint",
    "iam_endpoint": "IAM endpoint",
    "api": "API family",
    "auth": "Sign-in",
    "ak": "AK",
    "sk": "SK",
    "security_token": "Sec. token",
    "domain": "Domain",
    "user": "User",
    "password": "Password",
    "token": "Token",
    "notify_minutes": "Warn (min)",
    "prolong_hours": "Prolong (h)",
    "flags": "",
    "source": "Secret from",
}
PLACEHOLDERS = {
    "name": "letters, digits, _ . -",
    "project_id": "32 hex characters (IAM > My Credentials > Projects)",
    "endpoint": "empty = derived from cloud and region",
    "iam_endpoint": "empty = derived from cloud and region",
    "ak": "access key id",
    "sk": "secret access key",
    "security_token": "only for a temporary AK/SK pair",
    "domain": "account (domain) name",
    "user": "IAM user name",
    "password": "IAM user password",
    "token": "a project-scoped X-Auth-Token",
    "notify_minutes": "0 = never",
    "prolong_hours": "1-72",
}
FIRST_RUN = (
    "Welcome. Fill in one profile: the cloud and region, the project id, and how to sign in "
    "(an AK/SK pair from IAM > My Credentials > Access Keys is simplest). "
    "Test connection (ctrl+t), then Save (ctrl+s)."
)


def new_name(taken: set[str]) -> str:
    for n in range(1, 100):
        name = "default" if n == 1 else f"profile{n}"
        if name not in taken:
            return name
    return "profile"


def shown_path(path: Path) -> str:
    """``~/…`` for a path under the home folder."""
    try:
        return "~/" + str(path.relative_to(Path.home()))
    except ValueError:
        return str(path)


def source_text(profile: Profile, home: Path | None = None) -> str:
    """Where the profile's secret comes from (``secret_source``), the home folder written ``~``."""
    text = secret_source(profile)
    folder = str(home or Path.home())
    return text.replace(f" {folder}/", " ~/", 1) if folder != "/" else text


def source_tag(profile: Profile) -> str:
    """Four letters for the profile list: where the secret lives (``disk``: in the config file)."""
    text = secret_source(profile)
    for start, tag in (("env", "env "), ("command", "cmd "), ("sdk file", "sdk "), ("config file", "disk")):
        if text.startswith(start):
            return tag
    return "none"


def list_label(profile: Profile) -> str:
    """One profile in the settings list: a problem mark, where its secret lives, its name and flags."""
    flags = "" if profile.enabled else " (off)"
    flags += " ro" if profile.read_only else ""
    bad = "✗ " if profile.validate() else "  "
    return f"{bad}{source_tag(profile)} {profile.name or '(unnamed)'}{flags}"


def show_result(widget: Static, text: str, *, ok: bool | None) -> None:
    """A result line: ✓ done, ✗ failed, · said; the text shown as it is (no markup)."""
    mark = {True: "✓ ", False: "✗ ", None: "· "}[ok]
    widget.update(Text(f"{mark}{text}"))
    widget.set_class(ok is False, "-error")
    widget.set_class(ok is True, "-ok")


def region_options(cloud: str, current: str) -> list[tuple[str, str]]:
    regions = list(REGIONS.get(cloud, ()))
    if current and current not in regions:
        regions.insert(0, current)
    return [(r, r) for r in regions]


def drafts_of(config: Config) -> tuple[list[Profile], list[str | None]]:
    """The profiles to edit and the name each had when opened (a blank new one when there are none)."""
    if not config.profiles:
        return [Profile(name=new_name(set()))], [None]
    return list(config.profiles), [p.name for p in config.profiles]


def reload_config(path: Path, shown: Config) -> Config:
    """The file as it is now, less the profiles the session did not show (``--profile``)."""
    config = load_config(path)
    hidden = set(shown.file_profiles or ()) - set(shown.names())
    return replace(config, profiles=tuple(p for p in config.profiles if p.name not in hidden))
