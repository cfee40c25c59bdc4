"""Where the config file and the state folder live: one override each, then XDG, then the home folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.config.paths import config_path, log_dir, state_dir


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HOME", str(tmp_path))
    return tmp_path


def test_config_override_wins_over_xdg(home: Path) -> None:
    env = {"MODELARTS_TUI_CONFIG": "/etc/mt/c.toml", "XDG_CONFIG_HOME": "/xdg"}
    assert config_path(env) == Path("/etc/mt/c.toml")


def test_config_under_xdg_config_home(home: Path) -> None:
    assert config_path({"XDG_CONFIG_HOME": "/xdg"}) == Path("/xdg/modelarts-tui/config.toml")


@pytest.mark.parametrize("env", [{}, {"XDG_CONFIG_HOME": ""}, {"XDG_CONFIG_HOME": "relative/dir"}])
def test_config_falls_back_to_home(home: Path, env: dict[str, str]) -> None:
    assert config_path(env) == home / ".config" / "modelarts-tui" / "config.toml"


def test_config_reads_the_process_environment_by_default(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MODELARTS_TUI_CONFIG", str(tmp_path / "seam.toml"))
    assert config_path() == tmp_path / "seam.toml"


def test_state_override_xdg_and_home(home: Path) -> None:
    assert state_dir({"MODELARTS_TUI_STATE_DIR": "/s", "XDG_STATE_HOME": "/x"}) == Path("/s")
    assert state_dir({"XDG_STATE_HOME": "/x"}) == Path("/x/modelarts-tui")
    assert state_dir({"XDG_STATE_HOME": "x"}) == home / ".local" / "state" / "modelarts-tui"
    assert state_dir({}) == home / ".local" / "state" / "modelarts-tui"


def test_log_dir_is_inside_the_state_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("MODELARTS_TUI_STATE_DIR", str(tmp_path))
    assert log_dir() == tmp_path / "logs"
    assert not (tmp_path / "logs").exists()  # pure: nothing is created
