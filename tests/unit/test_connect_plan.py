"""The connection plan and its preflight: the exact refusal texts, the ssh argv, the config block."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tui.config.connect import ConnectOverride
from tui.config.model import Profile
from tui.core.models import FAMILY_NOTEBOOKS, FAMILY_V1, AutoStop, Endpoint, Instance
from tui.service.connect import (
    ConnectRefused,
    find_ssh,
    host_alias,
    plan_connection,
    prepare,
)

SSH = Endpoint("SSH", "10.0.0.5:30022", "10.0.0.5", 30022, "", ("KeyPair-cv",), ("192.0.2.0/24",))


def _instance(status: str = "RUNNING", endpoints: tuple[Endpoint, ...] = (SSH,), **kw: object) -> Instance:
    fields: dict[str, object] = {
        "id": "6e4a7b1c-0000-4000-8000-000000000001",
        "name": "cv-lab",
        "status": status,
        "family": FAMILY_NOTEBOOKS,
        "endpoints": endpoints,
        "auto_stop": AutoStop(enabled=True, lease_created_ms=1_700_000_000_000),
    }
    fields.update(kw)
    return Instance(**fields)  # type: ignore[arg-type]


@pytest.fixture
def keys(tmp_path: Path) -> Path:
    folder = tmp_path / "keys"
    folder.mkdir()
    key = folder / "KeyPair-cv.pem"
    key.write_text("not really a key\n")
    key.chmod(0o600)
    return folder


def _profile(keys: Path, **kw: object) -> Profile:
    return Profile(name="lab", api=FAMILY_NOTEBOOKS, key_dir=str(keys), **kw)  # type: ignore[arg-type]


@pytest.fixture
def short_state() -> Iterator[Path]:
    """A state folder short enough for a unix socket path (pytest's own tmp paths are long)."""
    folder = Path(tempfile.mkdtemp(prefix="mt-", dir="/tmp"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def test_a_running_instance_gives_the_full_plan(keys: Path, short_state: Path) -> None:
    plan = plan_connection(_profile(keys), _instance(), short_state)
    state = short_state / "ssh"
    assert plan.alias == "modelarts-lab-cv-lab"
    assert (plan.host, plan.port, plan.user) == ("10.0.0.5", 30022, "ma-user")
    assert plan.identity == keys / "KeyPair-cv.pem"
    assert plan.known_hosts == state / "known_hosts" / "lab.6e4a7b1c-0000-4000-8000-000000000001"
    assert plan.control_path is not None and plan.control_path.parent == state / "cm"
    assert plan.allowed_ips == ("192.0.2.0/24",)
    argv = plan.argv("/usr/bin/ssh", ("echo", "hi"))
    assert argv[0] == "/usr/bin/ssh" and argv[-4:] == ["--", "10.0.0.5", "echo", "hi"]
    options = [argv[i + 1] for i, a in enumerate(argv) if a == "-o"]
    assert options == [
        "Port=30022",
        "User=ma-user",
        f"IdentityFile={keys / 'KeyPair-cv.pem'}",
        "IdentitiesOnly=yes",
        f"UserKnownHostsFile={plan.known_hosts}",
        "StrictHostKeyChecking=accept-new",
        "ConnectTimeout=30",
        "ServerAliveInterval=60",
        "ServerAliveCountMax=3",
        "ControlMaster=auto",
        f"ControlPath={plan.control_path}",
        "ControlPersist=10m",
    ]
    assert not any("known_hosts" in o and str(Path.home() / ".ssh") in o for o in options)


def test_the_config_block_and_proxy_jump(keys: Path, tmp_path: Path) -> None:
    plan = plan_connection(_profile(keys), _instance(), tmp_path)
    block = plan.config_block(proxy_jump="jump@bastion.example:2222")
    lines = block.splitlines()
    assert lines[0] == "Host modelarts-lab-cv-lab"
    assert lines[1:4] == ["    HostName 10.0.0.5", "    Port 30022", "    User ma-user"]
    assert "    ProxyJump jump@bastion.example:2222" in lines
    assert "    StrictHostKeyChecking accept-new" in lines


def test_per_instance_overrides_identity_options_and_alias(keys: Path, tmp_path: Path) -> None:
    other = keys / "other.pem"
    other.write_text("k")
    other.chmod(0o400)
    override = ConnectOverride(
        "cv-lab",
        identity_file=str(other),
        ssh_options=("ForwardAgent=yes", "LocalForward 8888 localhost:8888"),
        alias="cv",
    )
    plan = plan_connection(_profile(keys, connect=(override,)), _instance(), tmp_path)
    assert plan.alias == "modelarts-lab-cv" and plan.identity == other
    assert plan.extra == (("ForwardAgent", "yes"), ("LocalForward", "8888 localhost:8888"))
    assert plan.argv()[-6:-1] == ["-o", "ForwardAgent=yes", "-o", "LocalForward=8888 localhost:8888", "--"]
    given = plan_connection(
        _profile(keys, connect=(override,)), _instance(), tmp_path, identity=str(keys / "KeyPair-cv.pem")
    )
    assert given.identity == keys / "KeyPair-cv.pem"


def test_paths_with_spaces_and_percent_signs_reach_ssh_as_ssh_reads_them(tmp_path: Path) -> None:
    keys = tmp_path / "my keys"
    keys.mkdir()
    (keys / "KeyPair-cv.pem").write_text("k")
    (keys / "KeyPair-cv.pem").chmod(0o600)
    plan = plan_connection(_profile(keys), _instance(), tmp_path / "st%ate")
    assert f'    IdentityFile "{keys}/KeyPair-cv.pem"' in plan.config_block().splitlines()
    assert f"    UserKnownHostsFile {tmp_path}/st%%ate/ssh/known_hosts/" in plan.config_block()


# --- preflight: each refusal, exactly -----------------------------------------------------------
def _refusal(keys: Path, tmp_path: Path, instance: Instance, **kw: object) -> str:
    with pytest.raises(ConnectRefused) as caught:
        plan_connection(_profile(keys), instance, tmp_path, **kw)  # type: ignore[arg-type]
    return str(caught.value)


def test_preflight_not_running(keys: Path, tmp_path: Path) -> None:
    assert _refusal(keys, tmp_path, _instance("STOPPED")) == "cv-lab is STOPPED, not RUNNING"
    assert plan_connection(_profile(keys), _instance("STOPPED"), tmp_path, running=False).port == 30022


def test_preflight_v1_has_no_ssh(keys: Path, tmp_path: Path) -> None:
    v1 = _instance(family=FAMILY_V1, endpoints=())
    assert (
        _refusal(keys, tmp_path, v1)
        == "cv-lab: the v1 DevEnviron API exposes no SSH; use a notebooks-API profile"
    )


def test_preflight_no_ssh_endpoint_says_how_to_enable_one(keys: Path, tmp_path: Path) -> None:
    jupyter_only = _instance(endpoints=(Endpoint("NOTEBOOK", "https://x/lab"),))
    assert _refusal(keys, tmp_path, jupyter_only) == (
        "cv-lab has no SSH endpoint: enable Remote SSH with a key pair for it in the ModelArts console "
        "(images that support SSH offer it), or create the notebook with an SSH endpoint"
    )


def test_preflight_unreadable_endpoint(keys: Path, tmp_path: Path) -> None:
    bad = Endpoint(
        "SSH", "-oX", key_pair_names=("KeyPair-cv",), problem="'-oX': '-oX' is not a host name or address"
    )
    assert _refusal(keys, tmp_path, _instance(endpoints=(bad,))) == (
        "cv-lab: its SSH endpoint cannot be used: '-oX': '-oX' is not a host name or address"
    )


def test_preflight_key_file_missing_names_the_path_and_the_key_pair(keys: Path, tmp_path: Path) -> None:
    (keys / "KeyPair-cv.pem").unlink()
    assert _refusal(keys, tmp_path, _instance()) == (
        f"key file not found: {keys}/KeyPair-cv.pem (key pair KeyPair-cv; set key_dir in the profile "
        "or pass --identity FILE)"
    )
    assert _refusal(keys, tmp_path, _instance(), identity=str(tmp_path / "nope.pem")) == (
        f"key file not found: {tmp_path}/nope.pem (given with --identity)"
    )


def test_preflight_key_readable_by_others_names_the_chmod(keys: Path, tmp_path: Path) -> None:
    key = keys / "KeyPair-cv.pem"
    key.chmod(0o644)
    assert _refusal(keys, tmp_path, _instance()) == (
        f"key file {key} is readable by others (mode 0644): run chmod 600 {key}"
    )


def test_preflight_no_key_pair_named(keys: Path, tmp_path: Path) -> None:
    keyless = Endpoint("SSH", "10.0.0.5:22", "10.0.0.5", 22)
    assert _refusal(keys, tmp_path, _instance(endpoints=(keyless,))) == (
        "cv-lab: its SSH endpoint names no key pair: pass --identity FILE or set identity_file for it "
        "in [[profiles.connect]]"
    )


def test_preflight_no_ssh_on_path() -> None:
    with pytest.raises(ConnectRefused) as caught:
        find_ssh(lambda name: None)
    assert str(caught.value) == "no ssh client on PATH: install OpenSSH (apt install openssh-client)"
    assert find_ssh(lambda name: f"/opt/bin/{name}") == "/opt/bin/ssh"


@pytest.mark.parametrize("name", ["cv lab", "cv\nHostName evil", 'cv"lab', "cv*", "-cv", "", "a,b", "cv\tx"])
def test_a_name_that_could_inject_ssh_config_is_refused_as_a_host_alias(name: str) -> None:
    with pytest.raises(ConnectRefused) as caught:
        host_alias("lab", name)
    assert str(caught.value) == (
        f"the instance name {name!r} cannot be a Host alias (only letters, digits, '.', '_' and '-'): "
        "give it an alias in [[profiles.connect]]"
    )


def test_an_alias_override_makes_a_hostile_name_connectable(keys: Path, tmp_path: Path) -> None:
    hostile = _instance(name="cv lab\nHost *")
    assert "cannot be a Host alias" in _refusal(keys, tmp_path, hostile)
    profile = _profile(keys, connect=(ConnectOverride(hostile.id, alias="cv"),))
    assert plan_connection(profile, hostile, tmp_path).alias == "modelarts-lab-cv"


def test_a_long_state_folder_turns_connection_sharing_off(keys: Path, tmp_path: Path) -> None:
    plan = plan_connection(_profile(keys), _instance(), tmp_path / ("x" * 80))
    assert plan.control_path is None
    assert not any("Control" in a for a in plan.argv())


def test_prepare_starts_known_hosts_afresh_after_a_restart_only(keys: Path, tmp_path: Path) -> None:
    plan = plan_connection(_profile(keys), _instance(), tmp_path)
    prepare(plan)
    assert oct(os.stat(plan.known_hosts.parent).st_mode & 0o777) == "0o700"
    plan.known_hosts.write_text("[10.0.0.5]:30022 ssh-ed25519 AAAA\n")
    prepare(plan_connection(_profile(keys), _instance(), tmp_path))
    assert plan.known_hosts.read_text() == "[10.0.0.5]:30022 ssh-ed25519 AAAA\n"  # same run: kept
    restarted = _instance(auto_stop=AutoStop(enabled=True, lease_created_ms=1_700_000_999_000))
    prepare(plan_connection(_profile(keys), restarted, tmp_path))
    assert not plan.known_hosts.exists()  # new run: the old host key is gone
