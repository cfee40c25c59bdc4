"""The config file on disk: load, save (atomic, 0600), permission check, credentials from the environment.

The file is TOML; every key is optional except a profile's ``name`` and an instance's ``id``::

    default_profile = "otc-prod"        # used by headless commands without --profile

    [ui]
    poll_interval = 10                  # seconds between polls
    fast_poll_interval = 2              # while an instance is starting or stopping
    log_panel = true
    low_bandwidth = false
    bulk_concurrency = 8
    connections_per_host = 16           # open at once to one endpoint host, all its profiles
    refresh_deadline = 90               # seconds per profile refresh; then failed, rows kept
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
    read_only = false                   # refuse start/stop/prolong
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
import tempfile
from collections.abc import Mapping
from contextlib import suppress
from pathlib import Path
from urllib.parse import urlsplit

from tui.config.codec import dump_config, parse_config
from tui.config.model import AUTH_AKSK, CONTROL_PROBLEM, Config, Profile
from tui.core.domain import CLOUD_HUAWEI, CLOUD_OTC, plausible_region
from tui.core.errors import ConfigError
from tui.core.secret import Secret
from tui.core.untrusted import CONTROL_RE

__all__ = [
    "ENV_PROFILE",
    "check_permissions",
    "dump_config",
    "env_profile",
    "load_config",
    "parse_config",
    "save_config",
]

ENV_PROFILE = "env"
"""Name of the profile built from ``HUAWEICLOUD_SDK_*`` variables."""

ENV_AK = "HUAWEICLOUD_SDK_AK"
ENV_SK = "HUAWEICLOUD_SDK_SK"
ENV_PROJECT_ID = "HUAWEICLOUD_SDK_PROJECT_ID"
ENV_SECURITY_TOKEN = "HUAWEICLOUD_SDK_SECURITY_TOKEN"
ENV_IAM_ENDPOINT = "HUAWEICLOUD_SDK_IAM_ENDPOINT"

FILE_MODE = 0o600
FOLDER_MODE = 0o700


def _read_text(path: Path) -> str | None:
    """The file's text; None when it does not exist; ConfigError when it cannot be read."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise ConfigError("this is a folder, not a config file", path=str(path)) from None
    except OSError as error:
        raise ConfigError(f"cannot read the file: {error.strerror or error}", path=str(path)) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise ConfigError(f"not UTF-8 text (byte {error.start})", path=str(path), line=line) from None


def load_config(path: str | os.PathLike[str]) -> Config:
    """The config in ``path``: ``Config()`` when the file does not exist (first run).

    A file that cannot be read or parsed raises ConfigError with ``.path`` and ``.line``.
    """
    where = Path(path)
    text = _read_text(where)
    if text is None:
        return Config()
    return parse_config(text, where)


def _fsync_folder(folder: Path) -> None:
    # Makes the rename durable; not every platform can open a folder.
    with suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


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
        current = _read_text(target)
        if current is not None:
            parse_config(current, shown)
    except ConfigError as error:
        raise ConfigError(
            f"not saved: the file on disk does not load ({error.detail}); fix it by hand or move it away first",
            path=shown,
            line=error.line,
        ) from None
    try:
        target.parent.mkdir(parents=True, exist_ok=True, mode=FOLDER_MODE)
        fd, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                if hasattr(os, "fchmod"):
                    os.fchmod(handle.fileno(), FILE_MODE)
                handle.write(text.encode("utf-8"))
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temp, target)
        except BaseException:
            with suppress(OSError):
                os.unlink(temp)
            raise
    except OSError as error:
        raise ConfigError(f"not saved: {error.strerror or error}", path=shown) from error
    _fsync_folder(target.parent)


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
    host = (urlsplit(endpoint).hostname or "").lower()
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
