"""Settings saves that lost data, and config paths that hang or eat memory.

* A profile added to the file by an editor while the app ran was deleted by the next save in
  settings, and the user's comments were dropped: a save now changes only what the screen
  changed, in place (comments, key order and untouched profiles stay), and refuses, offering a
  reload, when the profile it changed was changed in the file too.
* ``--profile`` showed one profile; a save then wrote the file with only that one.
* A save killed by SIGKILL left its temporary file (credentials and all): the next start removes it.
* A FIFO as the config hung the app; a symlink to ``/dev/zero`` ate memory: only a regular file
  is read, up to a size cap.
"""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import textwrap
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, OptionList

from tui.config.store import load_config
from tui.emulator import DEMO_AK, DEMO_PROJECT_ID, DEMO_SK
from tui.ui.app import make_app
from tui.ui.screens.settings import SettingsScreen

USER_FILE = textwrap.dedent(f"""\
    # my ModelArts settings -- hand written, please keep these notes
    default_profile = "prod"   # the one the CLI uses

    [ui]
    poll_interval = 30  # slow link at home

    # production, do not touch
    [[profiles]]
    name = "prod"
    region = "eu-de"
    cloud = "otc"            # before region in my head, after it here
    project_id = "{DEMO_PROJECT_ID}"
    ak = "{DEMO_AK}"
    sk = "{DEMO_SK}"         # rotated 2026-11
    endpoint = "http://127.0.0.1:9"

    # the lab
    [[profiles]]
    name = "lab"
    project_id = "{DEMO_PROJECT_ID}"
    ak = "{DEMO_AK}"
    sk = "{DEMO_SK}"
    endpoint = "http://127.0.0.1:9"
    """)

ADDED_BY_EDITOR = textwrap.dedent(f"""
    # added in an editor while the app ran
    [[profiles]]
    name = "added"
    project_id = "{DEMO_PROJECT_ID}"
    ak = "{DEMO_AK}"
    sk = "{DEMO_SK}"
    endpoint = "http://127.0.0.1:9"
    """)

NEW_PROJECT = "fedcba9876543210fedcba9876543210"


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(USER_FILE)
    path.chmod(0o600)
    return path


async def _pause(pilot: Pilot[Any]) -> None:
    for _ in range(3):
        await pilot.pause()


async def _edit_in_settings(pilot: Pilot[Any], profile_index: int, project_id: str) -> SettingsScreen:
    await pilot.press("e")
    await _pause(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, SettingsScreen)
    screen.query_one("#profile-list", OptionList).highlighted = profile_index
    await _pause(pilot)
    screen.query_one("#f-project_id", Input).value = project_id
    await _pause(pilot)
    await pilot.press("ctrl+s")
    await _pause(pilot)
    return screen


def _app(path: Path, config: Any = None) -> Any:
    config = config or load_config(path)
    return make_app(config, path, log_dir=path.parent / "logs", stable_log=True)


async def test_a_save_keeps_a_profile_added_meanwhile_and_every_comment(config_file: Path) -> None:
    app = _app(config_file)
    async with app.run_test(size=(120, 40)) as pilot:
        await _pause(pilot)
        with config_file.open("a") as handle:  # an editor, while the app runs
            handle.write(ADDED_BY_EDITOR)
        await _edit_in_settings(pilot, 1, NEW_PROJECT)
        assert not isinstance(app.screen, SettingsScreen), "saved"
        assert "added" in app.config.names(), "the app goes on with the merged file"
    text = config_file.read_text()
    expected = (USER_FILE + ADDED_BY_EDITOR).replace(
        f'name = "lab"\nproject_id = "{DEMO_PROJECT_ID}"', f'name = "lab"\nproject_id = "{NEW_PROJECT}"'
    )
    assert text == expected, "only the edited line changed: comments, order and the added profile stay"


async def test_an_edit_that_collides_with_the_file_is_refused_and_a_reload_offered(config_file: Path) -> None:
    app = _app(config_file)
    async with app.run_test(size=(120, 40)) as pilot:
        await _pause(pilot)
        on_disk = USER_FILE.replace('name = "lab"\n', 'name = "lab"\nread_only = true\n')
        config_file.write_text(on_disk)  # someone else changed the same profile
        screen = await _edit_in_settings(pilot, 1, NEW_PROJECT)
        assert app.screen is screen, "not saved: the screen stays"
        result = str(screen.query_one("#settings-result").render())
        assert "not saved: the file changed on disk since it was loaded" in result
        assert "profile 'lab' was changed in the file meanwhile" in result and "ctrl+o" in result
        assert config_file.read_text() == on_disk, "nothing written"
        await pilot.press("ctrl+o")
        await _pause(pilot)
        screen.query_one("#profile-list", OptionList).highlighted = 1
        await _pause(pilot)
        screen.query_one("#f-project_id", Input).value = NEW_PROJECT
        await _pause(pilot)
        await pilot.press("ctrl+s")
        await _pause(pilot)
        assert not isinstance(app.screen, SettingsScreen)
    saved = load_config(config_file).profile("lab")
    assert saved.read_only and saved.project_id == NEW_PROJECT


async def test_a_session_on_one_profile_saves_without_dropping_the_others(config_file: Path) -> None:
    loaded = load_config(config_file)
    only_lab = replace(loaded, profiles=(loaded.profile("lab"),))  # what `modelarts-tui --profile lab` opens
    app = _app(config_file, only_lab)
    async with app.run_test(size=(120, 40)) as pilot:
        await _pause(pilot)
        await _edit_in_settings(pilot, 0, NEW_PROJECT)
        assert not isinstance(app.screen, SettingsScreen)
        assert app.config.names() == ("lab",), "the session still shows only its profile"
    assert load_config(config_file).names() == ("prod", "lab")
    assert "# production, do not touch" in config_file.read_text()


# --- a killed save -------------------------------------------------------------------------------
SLOW_SAVE = """
import os, sys, time
from tui.config.store import load_config, save_config
config = load_config(sys.argv[1])
os.fsync = lambda fd: time.sleep(3600)  # the save stops here, its temporary file written and locked
save_config(config, sys.argv[1])
"""


def _cli(config: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "MODELARTS_TUI_CONFIG": str(config)}
    command = [str(Path(sys.executable).with_name("modelarts-tui")), *args]
    return subprocess.run(
        command, env=env, capture_output=True, timeout=30, check=False, preexec_fn=_limit_memory
    )


def _limit_memory() -> None:
    resource.setrlimit(
        resource.RLIMIT_AS, (1 << 30, 1 << 30)
    )  # a run that eats memory fails, not the machine


def _temps(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if p.name.startswith(".config.toml.") and p.suffix == ".tmp"]


def test_a_save_killed_mid_way_leaves_no_secret_behind_after_the_next_start(config_file: Path) -> None:
    saver = subprocess.Popen([sys.executable, "-c", SLOW_SAVE, str(config_file)])
    try:
        for _ in range(600):
            if _temps(config_file.parent):
                break
            time.sleep(0.05)
        (temp,) = _temps(config_file.parent)
        assert DEMO_SK in temp.read_text(), "the temporary file holds the secret key"
        assert _cli(config_file, "config", "check").returncode == 0
        assert _temps(config_file.parent) == [temp], "a save in progress is left alone"
    finally:
        saver.send_signal(signal.SIGKILL)
        saver.wait()
    assert _temps(config_file.parent) == [temp], "SIGKILL left it"
    done = _cli(config_file, "config", "check")
    assert done.returncode == 0, done.stderr
    assert _temps(config_file.parent) == [], "the next start removed it"
    assert config_file.read_text() == USER_FILE


# --- what is not a config file -------------------------------------------------------------------
def test_a_fifo_is_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "config.toml"
    os.mkfifo(fifo)
    done = _cli(fifo, "config", "check")
    assert done.returncode == 2
    assert f"{fifo}: not a regular file (a FIFO); not read" in done.stderr.decode()


def test_a_link_to_dev_zero_is_refused_without_reading(tmp_path: Path) -> None:
    link = tmp_path / "config.toml"
    link.symlink_to("/dev/zero")
    done = _cli(link, "list")
    assert done.returncode == 2, done.stderr[-300:]
    assert f"{link}: not a regular file (a device); not read" in done.stderr.decode()


def test_a_huge_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    huge = tmp_path / "config.toml"
    with huge.open("wb") as handle:
        handle.truncate(64 * 1024 * 1024)  # sparse: 64 MB of NUL bytes, no disk used
    done = _cli(huge, "config", "check")
    assert done.returncode == 2
    assert f"{huge}: larger than 16 MB; not read" in done.stderr.decode()
