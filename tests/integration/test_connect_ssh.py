"""``modelarts-tui ssh`` and ``ssh-config`` end to end: the emulator's SSH endpoints point at a real SSH
server on 127.0.0.1 (asyncssh), and the system ``ssh`` client connects to it."""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.integration.ssh_server import SshServer, ssh_server
from tui.cli import main
from tui.emulator import DEMO_AK, DEMO_PROJECT_ID, DEMO_SK, Emulator, EmulatorConfig
from tui.emulator.record import InstanceRecord

pytestmark = pytest.mark.skipif(shutil.which("ssh") is None, reason="needs the OpenSSH client")
KEY_PAIR = "KeyPair-demo"


@dataclass
class World:
    emu: Emulator
    server: SshServer
    home: Path
    state: Path
    keys: Path

    def record(self, status: str, *, ssh: bool = True) -> InstanceRecord:
        for rec in self.emu.store.all():
            if rec.status == status and rec.ssh == ssh:
                return rec
        raise AssertionError(f"the seed has no {status} notebook with ssh={ssh}")

    def posts(self) -> list[str]:
        return [r.path for r in self.emu.requests if r.method in ("POST", "PUT", "PATCH", "DELETE")]


def _stop_masters(state: Path) -> None:
    """End the shared connections our ssh runs left behind (ControlPersist), by their sockets."""
    for socket in (state / "ssh" / "cm").glob("*"):
        subprocess.run(
            ["ssh", "-o", f"ControlPath={socket}", "-O", "exit", "placeholder"],
            capture_output=True,
            timeout=30,
            check=False,
        )


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    keys = tmp_path / "keys"
    keys.mkdir()
    home = tmp_path / "home"
    home.mkdir()
    state = Path(tempfile.mkdtemp(prefix="mt-", dir="/tmp"))  # a unix socket path must stay short
    with ssh_server(keys / f"{KEY_PAIR}.pem") as server:
        config = EmulatorConfig(
            instances=12, seed=7, transition_seconds=0.3, ssh=server.address, key_pair=KEY_PAIR
        )
        with Emulator(config) as emu:
            path = tmp_path / "config.toml"
            path.write_text(
                "[[profiles]]\n"
                'name = "demo"\ncloud = "otc"\nregion = "eu-de"\napi = "notebooks"\nauth = "aksk"\n'
                f'endpoint = "{emu.url}"\nproject_id = "{DEMO_PROJECT_ID}"\n'
                f'ak = "{DEMO_AK}"\nsk = "{DEMO_SK}"\nkey_dir = "{keys}"\n'
            )
            path.chmod(0o600)
            monkeypatch.setenv("MODELARTS_TUI_CONFIG", str(path))
            monkeypatch.setenv("MODELARTS_TUI_STATE_DIR", str(state))
            monkeypatch.setenv("HOME", str(home))
            try:
                yield World(emu, server, home, state, keys)
            finally:
                _stop_masters(state)
                shutil.rmtree(state, ignore_errors=True)


def _user_known_hosts() -> Path:
    """The known_hosts ssh itself would use: it reads the passwd home, not $HOME."""
    return Path(pwd.getpwuid(os.getuid()).pw_dir) / ".ssh" / "known_hosts"


def test_ssh_runs_a_command_on_a_running_notebook_with_the_per_instance_known_hosts(
    world: World, capfd: pytest.CaptureFixture[str]
) -> None:
    rec = world.record("RUNNING")
    user_file = _user_known_hosts()
    before = user_file.read_bytes() if user_file.exists() else None
    assert main(["ssh", rec.name, "--", "echo", "connected"]) == 0
    captured = capfd.readouterr()
    assert captured.out == "connected\n"
    assert world.server.seen.logins == ["ma-user"] and world.server.seen.commands == ["echo connected"]
    known = world.state / "ssh" / "known_hosts" / f"demo.{rec.uid}"
    found = subprocess.run(
        ["ssh-keygen", "-F", f"[127.0.0.1]:{world.server.port}", "-f", str(known)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert world.server.host_public.split()[1] in found.stdout  # the server's host key, for its address
    assert not (world.home / ".ssh" / "known_hosts").exists()
    assert (user_file.read_bytes() if user_file.exists() else None) == before
    assert world.posts() == []  # nothing was started


def test_a_command_exiting_3_gives_exit_3_and_connections_are_shared(
    world: World, capfd: pytest.CaptureFixture[str]
) -> None:
    rec = world.record("RUNNING")
    assert main(["ssh", rec.name, "--", "exit", "3"]) == 3
    assert main(["ssh", rec.uid[:8], "--", "echo", "again"]) == 0
    assert capfd.readouterr().out == "again\n"
    assert world.server.seen.commands == ["exit 3", "echo again"]
    assert world.server.seen.connections == 1  # the second run went through the shared master


def test_ssh_start_starts_a_stopped_notebook_waits_and_connects(
    world: World, capfd: pytest.CaptureFixture[str]
) -> None:
    rec = world.record("STOPPED")
    code = main(
        ["ssh", rec.name, "--start", "--interval", "0.1", "--timeout", "30", "--", "echo", "connected"]
    )
    captured = capfd.readouterr()
    assert code == 0, captured.err
    assert captured.out == "connected\n"
    assert f"{rec.name}: starting" in captured.err and f"{rec.name}: RUNNING" in captured.err
    assert world.posts() == [f"/v1/{DEMO_PROJECT_ID}/notebooks/{rec.uid}/start"]


def test_the_server_refuses_another_key(world: World, capfd: pytest.CaptureFixture[str]) -> None:
    rec = world.record("RUNNING")
    other = world.keys / "other.pem"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(other)], check=True)
    code = main(["ssh", rec.name, "--identity", str(other), "--", "echo", "connected"])
    assert code == 255
    assert "connected" not in capfd.readouterr().out
    assert world.server.seen.logins == []


def test_ssh_config_write_gives_what_ssh_G_reads_and_a_second_write_changes_nothing(
    world: World, capfd: pytest.CaptureFixture[str]
) -> None:
    config = world.home / ".ssh" / "config"
    config.parent.mkdir()
    mine = "Host bastion\n    HostName 192.0.2.1\n    User me\n"
    config.write_text(mine)
    assert main(["ssh-config", "--write"]) == 0
    first = config.read_text()
    assert first.startswith(mine + "\n# >>> modelarts-tui demo >>>")
    assert os.stat(config).st_mode & 0o777 == 0o600
    rec = world.record("RUNNING")
    alias = f"modelarts-demo-{rec.name}"
    # ssh reads the passwd home, not $HOME, so the written file is named with -F.
    shown = subprocess.run(
        ["ssh", "-F", str(config), "-G", alias], capture_output=True, text=True, check=True
    )
    settings = dict(line.split(" ", 1) for line in shown.stdout.splitlines() if " " in line)
    assert settings["hostname"] == "127.0.0.1"
    assert settings["port"] == str(world.server.port)
    assert settings["user"] == "ma-user"
    assert settings["identityfile"] == str(world.keys / f"{KEY_PAIR}.pem")
    assert settings["stricthostkeychecking"] == "accept-new"
    assert settings["userknownhostsfile"] == str(world.state / "ssh" / "known_hosts" / f"demo.{rec.uid}")
    without = {r.name for r in world.emu.store.all() if not r.ssh}
    assert without and not any(f"modelarts-demo-{name}\n" in first for name in without)
    capfd.readouterr()
    assert main(["ssh-config", "--write"]) == 0
    assert config.read_text() == first
    assert first.count("# >>> modelarts-tui demo >>>") == 1
    assert "unchanged: " in capfd.readouterr().out
    ran = subprocess.run(
        ["ssh", "-F", str(config), alias, "echo", "via-config"], capture_output=True, text=True, timeout=60
    )
    assert ran.stdout == "via-config\n", ran.stderr


def test_ssh_config_prints_blocks_with_a_proxy_jump(world: World, capfd: pytest.CaptureFixture[str]) -> None:
    assert main(["ssh-config", "--proxy-jump", "me@jump.example"]) == 0
    text = capfd.readouterr().out
    running = world.record("RUNNING")
    assert f"Host modelarts-demo-{running.name}\n    HostName 127.0.0.1\n" in text
    assert text.count("    ProxyJump me@jump.example\n") == text.count("Host modelarts-demo-")
    assert not (world.home / ".ssh" / "config").exists()
