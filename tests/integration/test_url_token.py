"""A notebook URL that carries its token (``?token=…``, ``user:password@``): neither the CLI's
``show`` (text and ``--json``) nor the TUI's details (the raw JSON, the jupyter line) print it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.integration.nb_helpers import ClockSleep
from tests.integration.test_cli_notebook_extras import sleep as sleep  # the CLI on the emulator's clock
from tests.integration.test_cli_notebook_extras import write_config
from tui.cli import main
from tui.emulator import Emulator
from tui.emulator import views as emulator_views

TOKEN = "nbtok-5f2c9e1d7a"
PASSWORD = "pw-83b1c0aa"


@pytest.fixture
def token_url(monkeypatch: pytest.MonkeyPatch) -> str:
    """Every running notebook's URL holds a token and a password."""
    url = f"https://ma-user:{PASSWORD}@nb.example/lab?token={TOKEN}&x=1"
    monkeypatch.setattr(emulator_views, "notebook_url", lambda rec: url)
    return url


def _running(emu: Emulator) -> str:
    return next(r.name for r in emu.store.all() if r.status == "RUNNING" and r.family == "notebooks")


def test_show_prints_the_url_without_its_token(
    emulator: Emulator,
    tmp_path: Path,
    token_url: str,
    sleep: ClockSleep,
    capsys: pytest.CaptureFixture[str],
) -> None:
    config = str(write_config(tmp_path, emulator))
    name = _running(emulator)
    assert main(["--config", config, "show", name]) == 0
    text = capsys.readouterr()
    url_line = next(line for line in text.out.splitlines() if line.startswith("url"))
    assert url_line.split(None, 1)[1] == "https://ma-user:********@nb.example/lab?token=********&x=1"
    assert main(["--config", config, "show", name, "--json"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["url"] == "https://ma-user:********@nb.example/lab?token=********&x=1"
    for out in (text.out, text.err, json.dumps(record)):
        assert TOKEN not in out and PASSWORD not in out
