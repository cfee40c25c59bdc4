"""Notebook endpoints (issue 12): SSH and NOTEBOOK items, ``--ssh``/``--key-pair``, a port that moves per start."""

from __future__ import annotations

import ipaddress
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from tui.emulator import DEMO_PROJECT_ID, DEMO_TOKEN, Emulator, EmulatorConfig, ManualClock

if TYPE_CHECKING:
    from collections.abc import Callable

    from tests.conftest import EmuClient

ROOT = Path(__file__).resolve().parents[2]
SSH_KEYS = {"service", "dev_service", "uri", "key_pair_names", "allowed_access_ips"}


def _all(api: EmuClient) -> list[dict[str, Any]]:
    response = api.signed("GET", api.nb(), query="limit=50")
    assert response.status_code == 200, response.text
    return list(response.json()["data"])


def _ssh(notebook: dict[str, Any]) -> dict[str, Any] | None:
    return next((e for e in notebook["endpoints"] if e["service"] == "SSH"), None)


def _show(api: EmuClient, nb_id: str) -> dict[str, Any]:
    response = api.signed("GET", api.nb(f"/{nb_id}"))
    assert response.status_code == 200, response.text
    return dict(response.json())


def _settle(api: EmuClient, clock: ManualClock, nb_id: str, verb: str) -> dict[str, Any]:
    assert api.signed("POST", api.nb(f"/{nb_id}/{verb}")).status_code == 200
    clock.advance(3)
    return _show(api, nb_id)


def test_some_seeded_notebooks_have_ssh_and_some_only_jupyterlab(emu_api: EmuClient) -> None:
    notebooks = _all(emu_api)
    with_ssh = [n for n in notebooks if _ssh(n) is not None]
    without = [n for n in notebooks if _ssh(n) is None]
    assert len(with_ssh) >= 3 and len(without) >= 3
    for notebook in notebooks:
        services = [e["service"] for e in notebook["endpoints"]]
        assert services in (["NOTEBOOK"], ["NOTEBOOK", "SSH"])
        assert "url" in notebook and "token" in notebook
    for notebook in with_ssh:
        ssh = _ssh(notebook)
        assert ssh is not None and set(ssh) == SSH_KEYS and ssh["dev_service"] == "SSH"
        host, _, port = ssh["uri"].rpartition(":")
        assert ipaddress.ip_address(host) in ipaddress.ip_network("198.51.100.0/24")
        assert 30000 <= int(port) < 40000
        assert ssh["key_pair_names"] == ["KeyPair-demo"]
    assert any(e["allowed_access_ips"] == ["192.0.2.0/24"] for e in map(_ssh, with_ssh) if e is not None)


def test_a_running_notebook_has_its_url_token_and_jupyterlab_endpoint(emu_api: EmuClient) -> None:
    running = next(n for n in _all(emu_api) if n["status"] == "RUNNING")
    jupyter = running["endpoints"][0]
    assert jupyter["service"] == "NOTEBOOK" and jupyter["uri"] == running["url"]
    assert running["url"].startswith("https://") and running["url"].endswith("/lab")
    assert str(uuid.UUID(running["token"])) == running["token"]
    stopped = next(n for n in _all(emu_api) if n["status"] == "STOPPED")
    assert stopped["url"] == "" and stopped["endpoints"][0]["uri"] == ""


def test_the_ssh_port_moves_with_every_start(emu_api: EmuClient, clock: ManualClock) -> None:
    running = next(n for n in _all(emu_api) if n["status"] == "RUNNING" and _ssh(n) is not None)
    first = _ssh(running)["uri"]  # type: ignore[index]
    assert _settle(emu_api, clock, running["id"], "stop")["status"] == "STOPPED"
    assert _ssh(_show(emu_api, running["id"]))["uri"] == first  # type: ignore[index]
    again = _settle(emu_api, clock, running["id"], "start")
    assert again["status"] == "RUNNING"
    second = _ssh(again)["uri"]  # type: ignore[index]
    assert second != first and second.split(":")[0] == first.split(":")[0]


@pytest.fixture
def pointed(clock: ManualClock, make_emu_api: Callable[[Emulator], EmuClient]) -> Iterator[EmuClient]:
    with Emulator(EmulatorConfig(clock=clock, ssh="127.0.0.1:2222", key_pair="lab-key")) as emu:
        yield make_emu_api(emu)


def test_ssh_option_points_every_ssh_endpoint_at_one_server(pointed: EmuClient, clock: ManualClock) -> None:
    notebooks = _all(pointed)
    with_ssh = [n for n in notebooks if _ssh(n) is not None]
    assert len(with_ssh) >= 3 and len(with_ssh) < len(notebooks)
    for notebook in with_ssh:
        assert _ssh(notebook)["uri"] == "127.0.0.1:2222"  # type: ignore[index]
        assert _ssh(notebook)["key_pair_names"] == ["lab-key"]  # type: ignore[index]
    stopped = next(n for n in with_ssh if n["status"] == "STOPPED")
    assert _ssh(_settle(pointed, clock, stopped["id"], "start"))["uri"] == "127.0.0.1:2222"  # type: ignore[index]


LAUNCH = (
    "import argparse, sys\n"
    "from tui.emulator.cli import add_arguments, run\n"
    "parser = argparse.ArgumentParser()\n"
    "add_arguments(parser)\n"
    "sys.exit(run(parser.parse_args(sys.argv[1:])))\n"
)


def _launch(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", LAUNCH, "--port", "0", "--instances", "6", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )


def test_the_command_line_takes_ssh_and_key_pair() -> None:
    process = _launch("--ssh", "10.0.0.5:2022", "--key-pair", "team-key")
    assert process.stdout is not None
    try:
        lines = [process.stdout.readline().strip()]
        while not lines[-1].startswith("Press Ctrl-C"):
            lines.append(process.stdout.readline().strip())
            assert lines[-1] or process.poll() is None, lines
        assert "SSH:          every SSH endpoint points at 10.0.0.5:2022, key pair team-key" in lines
        url = lines[0].removeprefix("listening on ")
        body = httpx.get(
            f"{url}/v1/{DEMO_PROJECT_ID}/notebooks?limit=50", headers={"X-Auth-Token": DEMO_TOKEN}, timeout=5
        ).json()
        endpoints = [e for e in map(_ssh, body["data"]) if e is not None]
        assert endpoints and {(e["uri"], tuple(e["key_pair_names"])) for e in endpoints} == {
            ("10.0.0.5:2022", ("team-key",))
        }
    finally:
        process.terminate()
        process.communicate(timeout=10)


@pytest.mark.parametrize("value", ["nohost", "host:0", "host:99999", ":22", "host:ssh"])
def test_a_bad_ssh_address_is_refused_with_exit_2(value: str) -> None:
    process = _launch("--ssh", value)
    _, err = process.communicate(timeout=20)
    assert process.returncode == 2
    assert "--ssh: HOST:PORT with a port from 1 to 65535" in err
