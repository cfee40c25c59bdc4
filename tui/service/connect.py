"""Connecting to a notebook over SSH: the preflight, the connection plan, the system ``ssh`` argv.

The tool runs the user's own ``ssh`` client, so their agent, ``~/.ssh/config`` and ProxyJump keep
working; it only adds what every notebook connection needs (section 11 of the reference):

* ``User ma-user``, the host and port of the instance's SSH endpoint, the key pair's ``.pem``
  (``<key_dir>/<key_pair_name>.pem``, ``key_dir`` defaulting to ``~/.ssh``) unless an identity
  file is given;
* ``ServerAliveInterval``/``ServerAliveCountMax`` (idle sessions are cut after about 2 hours);
* connection sharing (``ControlMaster auto``, ``ControlPersist``): more than 10 connections to one
  instance are refused;
* one known_hosts file per instance in the tool's state folder with ``StrictHostKeyChecking
  accept-new``: host keys change at every restart, so the file starts afresh when the instance
  has started again (``prepare``), while a key that changes within one run is still refused.

``plan_connection`` checks everything it can before anything runs and raises ``ConnectRefused``
with what to do; nothing here starts an instance or a process.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tui.config.connect import ALIAS_RE, ConnectOverride, override_for, split_option
from tui.config.model import Profile
from tui.core.errors import ModelArtsError
from tui.core.models import FAMILY_V1, SSH_USER, Instance, Phase

DEFAULT_KEY_DIR = "~/.ssh"
ALIVE_INTERVAL_S = 60
ALIVE_COUNT_MAX = 3
CONNECT_TIMEOUT_S = 30
"""An endpoint that does not answer (a firewall, allowed IPs) fails after this, not after minutes."""
CONTROL_PERSIST = "10m"
SOCKET_PATH_MAX = 90
"""Longest ControlPath kept (ssh adds a 17-character suffix; the system limit is 104-108 bytes)."""
ENABLE_SSH_HINT = (
    "enable Remote SSH with a key pair for it in the ModelArts console (images that support SSH "
    "offer it), or create the notebook with an SSH endpoint"
)
_FILE_PART_RE = re.compile(r"[^A-Za-z0-9_.-]")


class ConnectRefused(ModelArtsError):
    """A connection the tool will not try; the message says why and what to do (CLI exit 2)."""


def host_alias(profile: str, name: str) -> str:
    """``modelarts-<profile>-<name>``; ConnectRefused when ``name`` could inject ssh_config text."""
    if not ALIAS_RE.fullmatch(name):
        raise ConnectRefused(
            f"the instance name {name!r} cannot be a Host alias (only letters, digits, '.', '_' and '-'): "
            "give it an alias in [[profiles.connect]]"
        )
    return f"modelarts-{profile}-{name}"


def _safe_file(text: str) -> str:
    cleaned = _FILE_PART_RE.sub("_", text)[:80]
    if cleaned != text:  # keep distinct ids distinct
        cleaned += "-" + hashlib.sha256(text.encode()).hexdigest()[:8]
    return cleaned


def _ssh_path(path: Path) -> str:
    """A path as ssh reads it: ``%`` is ssh's token character, a space needs quotes."""
    text = str(path).replace("%", "%%")
    if '"' in text or any(not c.isprintable() for c in text):
        raise ConnectRefused(f"the path {str(path)!r} cannot be given to ssh (a quote or control character)")
    return f'"{text}"' if any(c.isspace() for c in text) else text


@dataclass(frozen=True, slots=True)
class ConnectPlan:
    """Everything one connection uses; ``argv`` and ``config_block`` say it to ssh."""

    alias: str
    host: str
    port: int
    user: str
    identity: Path
    known_hosts: Path
    control_path: Path | None
    run_marker: str
    extra: tuple[tuple[str, str], ...] = ()
    allowed_ips: tuple[str, ...] = ()

    def options(self, proxy_jump: str = "") -> list[tuple[str, str]]:
        """The ssh options, in order (``Keyword``, value as ssh reads it)."""
        found = [
            ("HostName", self.host),
            ("Port", str(self.port)),
            ("User", self.user),
            ("IdentityFile", _ssh_path(self.identity)),
            ("IdentitiesOnly", "yes"),
            ("UserKnownHostsFile", _ssh_path(self.known_hosts)),
            ("StrictHostKeyChecking", "accept-new"),
            ("ConnectTimeout", str(CONNECT_TIMEOUT_S)),
            ("ServerAliveInterval", str(ALIVE_INTERVAL_S)),
            ("ServerAliveCountMax", str(ALIVE_COUNT_MAX)),
        ]
        if self.control_path is not None:
            found += [
                ("ControlMaster", "auto"),
                ("ControlPath", _ssh_path(self.control_path)),
                ("ControlPersist", CONTROL_PERSIST),
            ]
        if proxy_jump:
            found.append(("ProxyJump", proxy_jump))
        return found + list(self.extra)

    def argv(self, ssh: str = "ssh", command: tuple[str, ...] = ()) -> list[str]:
        """The system ssh command line; the destination is the host, so the user's config applies."""
        args = [ssh]
        for keyword, value in self.options():
            if keyword != "HostName":
                args += ["-o", f"{keyword}={value}"]
        return [*args, "--", self.host, *command]

    def config_block(self, proxy_jump: str = "") -> str:
        """A ``Host <alias>`` block for ``~/.ssh/config``."""
        lines = [f"Host {self.alias}"]
        lines += [f"    {keyword} {value}" for keyword, value in self.options(proxy_jump)]
        return "\n".join(lines) + "\n"

    def control_argv(self, ssh: str, command: str) -> list[str]:
        """``ssh -O <command>`` for this connection's shared master (``check``, ``exit``)."""
        assert self.control_path is not None
        return [ssh, "-o", f"ControlPath={_ssh_path(self.control_path)}", "-O", command, "--", self.host]


def find_ssh(which: Callable[[str], str | None] = shutil.which) -> str:
    """The path of the system ssh client; ConnectRefused when none is on PATH."""
    found = which("ssh")
    if not found:
        raise ConnectRefused("no ssh client on PATH: install OpenSSH (apt install openssh-client)")
    return found


def expanded(text: str) -> Path:
    """``text`` as an absolute path, ``~`` expanded; ConnectRefused when ``~user`` names nobody."""
    try:
        return Path(text).expanduser().absolute()
    except RuntimeError:  # pathlib: "Could not determine home directory."
        user = text[1:].partition("/")[0]
        raise ConnectRefused(f"the path {text!r} cannot be used: no user {user!r} to expand ~ for") from None


def check_key(path: Path, origin: str) -> None:
    """The private key exists, is a file and only its owner may read it; ConnectRefused why not."""
    try:
        info = path.stat()
    except OSError:
        raise ConnectRefused(f"key file not found: {path} ({origin})") from None
    if not stat.S_ISREG(info.st_mode):
        raise ConnectRefused(f"key file {path} is not a file ({origin})")
    if info.st_mode & 0o077:
        mode = stat.S_IMODE(info.st_mode)
        raise ConnectRefused(f"key file {path} is readable by others (mode {mode:04o}): run chmod 600 {path}")


def _identity(
    profile: Profile, instance: Instance, override: ConnectOverride | None, given: str, check: bool
) -> Path:
    name = instance.name or instance.id
    if given or (override is not None and override.identity_file):
        path = expanded(given or (override.identity_file if override else ""))
        origin = "given with --identity" if given else f"identity_file of {name} in profile {profile.name}"
        if check:
            check_key(path, origin)
        return path
    ssh = instance.ssh
    keys = ssh.key_pair_names if ssh is not None else ()
    if not keys:
        raise ConnectRefused(
            f"{name}: its SSH endpoint names no key pair: pass --identity FILE or set identity_file "
            "for it in [[profiles.connect]]"
        )
    folder = expanded(profile.key_dir or DEFAULT_KEY_DIR)
    path = folder / f"{keys[0]}.pem"
    if check:
        check_key(path, f"key pair {keys[0]}; set key_dir in the profile or pass --identity FILE")
    return path


def check_connectable(instance: Instance, *, running: bool = True) -> None:
    """The instance can take an SSH connection (``running``: now, else once started)."""
    name = instance.name or instance.id
    if instance.family == FAMILY_V1:
        raise ConnectRefused(f"{name}: the v1 DevEnviron API exposes no SSH; use a notebooks-API profile")
    ssh = instance.ssh
    if ssh is None:
        raise ConnectRefused(f"{name} has no SSH endpoint: {ENABLE_SSH_HINT}")
    if running and instance.phase is not Phase.RUNNING:
        raise ConnectRefused(f"{name} is {instance.status}, not RUNNING")
    if running and (not ssh.host or ssh.port is None):
        raise ConnectRefused(f"{name}: its SSH endpoint cannot be used: {ssh.problem or 'no address'}")


def plan_connection(
    profile: Profile,
    instance: Instance,
    state_dir: Path,
    *,
    identity: str = "",
    running: bool = True,
    check_key_file: bool = True,
) -> ConnectPlan:
    """The connection to ``instance``, every preflight check passed; ConnectRefused otherwise.

    With ``running`` False the checks that need a running instance (its state, the address) are
    left out: ``ssh --start`` checks the rest before it starts anything, and plans again after.
    ``check_key_file`` False leaves the key file alone (``ssh-config`` writes the path regardless).
    """
    check_connectable(instance, running=running)
    override = override_for(profile.connect, instance.id, instance.name)
    path = _identity(profile, instance, override, identity, check_key_file)
    alias = host_alias(profile.name, override.alias if override and override.alias else instance.name)
    ssh = instance.ssh
    assert ssh is not None
    files = state_dir / "ssh"
    base = _safe_file(f"{profile.name}.{instance.id}")
    control: Path | None = files / "cm" / hashlib.sha256(alias.encode()).hexdigest()[:16]
    if len(str(control)) > SOCKET_PATH_MAX:
        control = None  # no sharing rather than a socket ssh cannot bind
    auto_stop = instance.auto_stop
    started = auto_stop.lease_created_ms if auto_stop is not None else None
    extra = tuple(split_option(o) for o in override.ssh_options) if override else ()
    return ConnectPlan(
        alias=alias,
        host=ssh.host,
        port=ssh.port or 22,
        user=ssh.user or SSH_USER,
        identity=path,
        known_hosts=files / "known_hosts" / base,
        control_path=control,
        run_marker=f"{started}|{ssh.address}",
        extra=extra,
        allowed_ips=ssh.allowed_ips,
    )


def prepare(plan: ConnectPlan) -> None:
    """Create the state folders (0700); start the known_hosts file afresh after a restart."""
    folders = [plan.known_hosts.parent] + ([plan.control_path.parent] if plan.control_path else [])
    for folder in folders:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(folder, 0o700)
    marker = plan.known_hosts.with_name(plan.known_hosts.name + ".run")
    try:
        previous = marker.read_text(encoding="utf-8")
    except OSError:
        previous = None
    if previous != plan.run_marker:
        plan.known_hosts.unlink(missing_ok=True)
        marker.write_text(plan.run_marker, encoding="utf-8")
