"""The config file on disk: load, save (atomic, 0600), permission check, credentials from the environment.

The file is TOML; every key is optional except a profile's ``name`` and an instance's ``id``::

    default_profile = "otc-prod"        # used by headless commands without --profile

    [ui]
    poll_interval = 10                  # seconds between polls
    fast_poll_interval = 2              # while an instance is starting or stopping
    log_panel = true
    low_bandwidth = false
    bulk_concurrency = 8
    connections_per_host = 24           # open at once to one endpoint host, all its profiles
    refresh_deadline = 90               # seconds per profile refresh; then failed, rows kept
    max_pages = 1000                    # pages one list reads (50,000 notebooks); a list cut there says so
    theme = ""                          # "" = automatic

    [ui.keys]                           # binding id -> key
    start = "s"

    [[profiles]]
    name = "otc-prod"
    cloud = "otc"                       # "otc" or "huawei"
    region = "eu-de"
    project_id = "0123456789abcdef0123456789abcdef"   # "" = look it up from the region
    endpoint = ""                       # "" = https://modelarts.<region>.otc.t-systems.com
    iam_endpoint = ""                   # "" = https://iam.<region>.otc.t-systems.com
    api = "devenv-v1"                   # or "notebooks"
    auth = "aksk"                       # "aksk", "password" or "token"
    ak = "…"                            # or ak_env = "OTC_AK"
    sk = "…"                            # or sk_env = "OTC_SK"
    security_token = ""                 # temporary AK/SK only
    # auth = "password": domain = "OTC000…", user = "…", password = "…" (or password_env)
    # auth = "token":    token = "…" (or token_env)
    read_only = false                   # refuse every change (start, stop, prolong, save image, tags…)
    scope = "own"                       # "all" = every user's notebooks (notebooks API, an admin account)
    enabled = true                      # false = keep the profile, do not poll it
    ca_bundle = ""                      # PEM file for a private CA
    insecure = false                    # skip TLS verification (lab endpoints only)
    prolong_hours = 2                   # default for prolong, 1-72
    notify_minutes = 15                 # warn before an automatic stop; 0 = never
    request_deadline = 60               # seconds one request may take in all (connect, send, answer)
    max_answer_mb = 256                 # the largest answer read (decoded); a gzip bomb stops here

    [[profiles.instances]]              # none = every instance the account lists
    id = "DE-…"
    alias = "training box"

Parsing rules are in ``tui.config.codec``: an unknown key, a wrong type or a duplicate profile
name is a ConfigError naming the file and line.

Saving never loses data: the text is checked to load back, a file that does not parse now is
never written over (the user must fix it by hand), and the new text goes to a 0600 temporary file
in the same folder that replaces the old one with ``os.replace`` after an fsync.
"""

from __future__ import annotations

import os
import shlex
import stat
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from tui.config.codec import dump_config, parse_config
from tui.config.files import read_text, remove_stale_temps, write_atomic
from tui.config.model import AUTH_AKSK, CONTROL_PROBLEM, Config, Profile
from tui.core.domain import CLOUD_HUAWEI, CLOUD_OTC, plausible_region
from tui.core.endpoint import host_of
from tui.core.errors import ConfigError
from tui.core.secret import Secret
from tui.core.untrusted import CONTROL_RE

if TYPE_CHECKING:
    from tui.config.edit import Draft

__all__ = [
    "ENV_PROFILE",
    "check_permissions",
    "dump_config",
    "env_profile",
    "load_config",
    "parse_config",
    "save_config",
    "save_settings",
]

ENV_PROFILE = "env"
"""Name of the profile built from ``HUAWEICLOUD_SDK_*`` variables."""

ENV_AK = "HUAWEICLOUD_SDK_AK"
ENV_SK = "HUAWEICLOUD_SDK_SK"
ENV_PROJECT_ID = "HUAWEICLOUD_SDK_PROJECT_ID"
ENV_SECURITY_TOKEN = "HUAWEICLOUD_SDK_SECURITY_TOKEN"
ENV_IAM_ENDPOINT = "HUAWEICLOUD_SDK_IAM_ENDPOINT"


def load_config(path: str | os.PathLike[str]) -> Config:
    """The config in ``path``: ``Config()`` when the file does not exist (first run).

    A file that cannot be read or parsed raises ConfigError with ``.path`` and ``.line``.
    """
    where = Path(path)
    remove_stale_temps(where)
    text = read_text(where)
    if text is None:
        return Config()
    return parse_config(text, where)


def save_config(config: Config, path: str | os.PathLike[str]) -> None:
    """Write ``config`` to ``path`` atomically with mode 0600.

    Refuses (ConfigError) when the existing file does not load now, and when ``config`` would not
    load back. A symlink is followed: its target is replaced, the link stays. The folder is created
    (0700) when missing. Any OS failure is a ConfigError naming the path; the old file is then intact.
    """
    shown = os.fspath(path)
    text = dump_config(config)
    parse_config(text, shown)  # never write what would not load
    target = Path(os.path.realpath(path))
    try:
        current = read_text(target)
        if current is not None:
            parse_config(current, shown)
    except ConfigError as error:
        raise ConfigError(
            f"not saved: the file on disk does not load ({error.detail}); fix it by hand or move it away first",
            path=shown,
            line=error.line,
        ) from None
    try:
        write_atomic(target, text)
    except OSError as error:
        raise ConfigError(f"not saved: {error.strerror or error}", path=shown) from error


def save_settings(
    path: str | os.PathLike[str],
    before: Config,
    drafts: Sequence[Draft],
    default_profile: str = "",
) -> Config:
    """Save what the settings screen changed (``before`` -> ``drafts``) into the file as it is now.

    A file that does not exist yet gets the whole config. Otherwise only the profiles the screen
    added, edited, renamed or deleted change, in place, keeping every comment, key order and
    profile the user wrote (``tui.config.edit``); SaveConflict when one of them was also changed
    on disk meanwhile. Returns the config to go on with: the file's profiles as saved, less those
    the session did not show (``--profile``).
    """
    from tui.config.edit import SaveConflict, apply_drafts  # tomlkit: only a settings save needs it

    shown = os.fspath(path)
    target = Path(os.path.realpath(path))
    after = Config(tuple(d.profile for d in drafts), default_profile, before.ui)
    try:
        current = read_text(target)
        text = (
            dump_config(after)
            if current is None
            else apply_drafts(current, shown, before, drafts, default_profile)
        )
    except SaveConflict:
        raise
    except ConfigError as error:
        if not error.detail.startswith("not saved"):
            error = ConfigError(
                f"not saved: the file on disk does not load ({error.detail}); fix it by hand or move it away first",
                path=shown,
                line=error.line,
            )
        raise error from None
    saved = parse_config(text, shown)
    try:
        write_atomic(target, text)
    except OSError as error:
        raise ConfigError(f"not saved: {error.strerror or error}", path=shown) from error
    hidden = set(before.file_profiles or ()) - {d.profile.name for d in drafts}
    return Config(
        profiles=tuple(p for p in saved.profiles if p.name not in hidden),
        default_profile=saved.default_profile,
        ui=saved.ui,
        file_profiles=saved.file_profiles,
    )


def check_permissions(path: str | os.PathLike[str]) -> str | None:
    """A warning naming the fix when group or others may read or write ``path``; None when private."""
    if os.name == "nt":
        return None
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        return None
    if not mode & 0o077:
        return None
    shown = os.fspath(path)
    return (
        f"{shown} holds credentials but other users may access it (mode {mode:04o}); "
        f"run `chmod 600 {shlex.quote(shown)}`"
    )


def _cloud_and_region(endpoint: str) -> tuple[str, str]:
    host = host_of(endpoint)
    cloud = CLOUD_HUAWEI if "myhuaweicloud" in host else CLOUD_OTC
    labels = host.split(".")
    if len(labels) > 2 and labels[0] == "modelarts" and plausible_region(labels[1]):
        return cloud, labels[1]
    return cloud, "eu-de" if cloud == CLOUD_OTC else "cn-north-4"


def env_profile(
    endpoint: str | None = None,
    project_id: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> Profile | None:
    """A profile named ``env`` from the variables the official SDK honours; None without AK and SK.

    ``HUAWEICLOUD_SDK_AK``, ``_SK``, ``_PROJECT_ID``, ``_SECURITY_TOKEN`` (temporary AK/SK) and
    ``_IAM_ENDPOINT``. ``project_id`` wins over the variable. With an ``endpoint``, cloud and
    region are read from its host when it is a ModelArts host (``modelarts.<region>.…``).
    """
    env = os.environ if environ is None else environ

    def read(name: str) -> str:
        value = env.get(name, "").strip()
        if CONTROL_RE.search(value):  # a wrapped paste: refused, and the value never shown
            raise ConfigError(f"the environment variable {name} {CONTROL_PROBLEM}")
        return value

    ak, sk = read(ENV_AK), read(ENV_SK)
    if not ak or not sk:
        return None
    cloud, region = _cloud_and_region(endpoint) if endpoint else (CLOUD_OTC, "eu-de")
    return Profile(
        name=ENV_PROFILE,
        cloud=cloud,
        region=region,
        project_id=project_id or read(ENV_PROJECT_ID),
        endpoint=endpoint or "",
        iam_endpoint=read(ENV_IAM_ENDPOINT),
        auth=AUTH_AKSK,
        ak=ak,
        sk=Secret(sk, origin=ENV_SK),
        security_token=Secret(read(ENV_SECURITY_TOKEN), origin=ENV_SECURITY_TOKEN),
    )
