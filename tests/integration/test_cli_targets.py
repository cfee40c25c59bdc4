"""The CLI reads like the TUI: targets by id, short id or name across profiles, the same time left.

Two emulators over loopback, one per profile (v1 API on ``alpha``, notebooks API on ``beta``), so
an instance name can exist in one profile, in both, or in none.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tui.cli import main
from tui.config.model import Config, Profile
from tui.config.store import save_config
from tui.core.secret import Secret
from tui.emulator import DEMO_AK, DEMO_PROJECT_ID, DEMO_SK, Emulator, EmulatorConfig
from tui.service.present import short_id
from tui.ui.app import make_app
from tui.ui.widgets.instance_table import InstanceTable


def _profile(name: str, emu: Emulator, api: str) -> Profile:
    return Profile(
        name=name,
        project_id=DEMO_PROJECT_ID,
        endpoint=emu.url,
        iam_endpoint=emu.url,
        api=api,
        auth="aksk",
        ak=DEMO_AK,
        sk=Secret(DEMO_SK),
        notify_minutes=0,
    )


@pytest.fixture
def alpha() -> Iterator[Emulator]:
    with Emulator(EmulatorConfig(instances=0, seed=1, transition_seconds=30)) as emu:
        yield emu


@pytest.fixture
def beta() -> Iterator[Emulator]:
    with Emulator(EmulatorConfig(instances=0, seed=2, transition_seconds=30)) as emu:
        yield emu


@pytest.fixture
def ids(alpha: Emulator, beta: Emulator) -> dict[str, str]:
    """Instances: one only in alpha, one only in beta, a twin name in both."""
    return {
        "only-alpha": alpha.store.add("only-alpha", status="RUNNING"),
        "only-beta": beta.store.add("only-beta", status="STOPPED", family="notebooks"),
        "twin@alpha": alpha.store.add("twin", status="RUNNING"),
        "twin@beta": beta.store.add("twin", status="STOPPED", family="notebooks"),
    }


@pytest.fixture
def config(
    alpha: Emulator, beta: Emulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    path = tmp_path / "config.toml"
    save_config(
        Config(profiles=(_profile("alpha", alpha, "devenv-v1"), _profile("beta", beta, "notebooks"))), path
    )
    monkeypatch.setenv("MODELARTS_TUI_CONFIG", str(path))
    yield path


def _posts(emu: Emulator) -> list[str]:
    return [r.path for r in emu.requests if r.method in ("POST", "PATCH")]


def _json(capsys: pytest.CaptureFixture[str]) -> object:
    return json.loads(capsys.readouterr().out)


def test_show_by_name_finds_the_one_profile_holding_it_without_profile(
    config: Path, ids: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["show", "only-beta", "--json"]) == 0
    record = _json(capsys)
    assert isinstance(record, dict)
    assert (record["profile"], record["id"], record["name"]) == ("beta", ids["only-beta"], "only-beta")


def test_show_by_the_short_id_the_tui_shows(
    config: Path, ids: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    target = short_id(ids["only-alpha"])
    assert len(target) == 8 and not target.startswith("DE-")
    assert main(["show", target]) == 0
    out = capsys.readouterr().out
    assert f"id             {ids['only-alpha']} (short {target})" in out.splitlines()
    assert "profile        alpha" in out.splitlines()


def test_start_by_name_sends_to_that_profile_only(
    config: Path, ids: dict[str, str], alpha: Emulator, beta: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["start", "only-beta"]) == 0
    assert _posts(alpha) == []
    assert _posts(beta) == [f"/v1/{DEMO_PROJECT_ID}/notebooks/{ids['only-beta']}/start"]
    assert capsys.readouterr().out.strip() == "only-beta: starting (STARTING)"


@pytest.mark.parametrize("command", ["show", "start", "stop", "prolong"])
def test_a_name_in_two_profiles_is_an_error_listing_both_and_sends_nothing(
    config: Path,
    ids: dict[str, str],
    alpha: Emulator,
    beta: Emulator,
    capsys: pytest.CaptureFixture[str],
    command: str,
) -> None:
    extra = {"stop": ["--yes"], "prolong": ["--hours", "2"]}.get(command, [])
    assert main([command, "twin", *extra]) == 2
    err = capsys.readouterr().err
    assert f"alpha: {ids['twin@alpha']} (twin, RUNNING)" in err
    assert f"beta: {ids['twin@beta']} (twin, STOPPED)" in err
    assert "--profile" in err
    assert _posts(alpha) == _posts(beta) == []


def test_profile_or_default_profile_settles_a_shared_name(
    config: Path, ids: dict[str, str], alpha: Emulator, beta: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["show", "twin", "--profile", "alpha", "--json"]) == 0
    record = _json(capsys)
    assert isinstance(record, dict) and record["id"] == ids["twin@alpha"]
    profiles = (_profile("alpha", alpha, "devenv-v1"), _profile("beta", beta, "notebooks"))
    save_config(Config(profiles=profiles, default_profile="beta"), config)
    assert main(["show", "twin", "--json"]) == 0
    record = _json(capsys)
    assert isinstance(record, dict) and (record["profile"], record["id"]) == ("beta", ids["twin@beta"])
    assert main(["show", "only-alpha", "--json"]) == 0, "a name the default lacks is looked up in the rest"
    record = _json(capsys)
    assert isinstance(record, dict) and record["profile"] == "alpha"


def test_a_target_no_profile_holds_names_the_profiles_searched(
    config: Path, ids: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["show", "no-such-box"]) == 2
    assert capsys.readouterr().err.strip() == (
        "modelarts-tui: no instance with the id, short id or name 'no-such-box' in profile(s) alpha, beta"
    )


def test_list_pads_columns_across_profiles_and_prints_no_header_without_rows(
    config: Path, ids: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["list", "--sort", "name"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["PROFILE", "NAME", "ID", "STATUS", "FLAVOR", "AUTO-STOP", "AGE"]
    assert len(lines) == 5
    for column in ("NAME", "ID", "STATUS", "FLAVOR"):
        start = lines[0].index(column)
        assert all(line[start - 2 : start] == "  " and line[start] != " " for line in lines), column
    assert {line.split()[0] for line in lines[1:]} == {"alpha", "beta"}
    assert main(["list", "--status", "CREATING"]) == 0
    assert capsys.readouterr().out == ""


def test_list_prints_the_profiles_that_answered_and_reports_the_one_that_did_not(
    config: Path, ids: dict[str, str], alpha: Emulator, beta: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    with Emulator(EmulatorConfig(instances=0)) as dead:
        gone = _profile("gone", dead, "devenv-v1")  # its port refuses connections once it is closed
    profiles = (_profile("alpha", alpha, "devenv-v1"), _profile("beta", beta, "notebooks"), gone)
    save_config(Config(profiles=profiles), config)
    assert main(["list", "--json"]) == 1
    captured = capsys.readouterr()
    assert {(r["profile"], r["name"]) for r in json.loads(captured.out)} == {
        ("alpha", "only-alpha"),
        ("alpha", "twin"),
        ("beta", "only-beta"),
        ("beta", "twin"),
    }
    assert captured.err.startswith("gone: ") and "could not be reached" in captured.err


# --- the same time left as the TUI, with the local clock 7 minutes behind the server -------------
SKEW_S = 420
REMAIN_S = 1790  # "29m" for 50 s; uncorrected it would read 36m


@pytest.fixture
def skewed() -> Iterator[Emulator]:
    """A server whose clock runs 7 minutes ahead of this machine's."""
    with Emulator(EmulatorConfig(instances=0, clock=lambda: time.time() + SKEW_S)) as emu:
        yield emu


@pytest.mark.parametrize("api", ["devenv-v1", "notebooks"])
async def test_list_and_show_report_the_time_left_the_tui_shows_with_a_skewed_clock(
    skewed: Emulator,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    api: str,
) -> None:
    instance_id = skewed.store.add(
        "lease-box", status="RUNNING", family=api, auto_stop_s=3600, remain_s=REMAIN_S
    )
    path = tmp_path / "config.toml"
    config = Config(profiles=(_profile("p", skewed, api),))
    save_config(config, path)
    monkeypatch.setenv("MODELARTS_TUI_CONFIG", str(path))
    app = make_app(config, path, log_dir=tmp_path / "logs")
    async with app.run_test(size=(160, 40)) as pilot:
        for _ in range(3):
            await pilot.pause()
            await app.workers.wait_for_complete()
        tui_text = app.main_screen.query_one(InstanceTable).get_cell(f"p/{instance_id}", "autostop").plain
    assert await asyncio.to_thread(main, ["list", "--json"]) == 0  # the CLI runs its own event loop
    (record,) = json.loads(capsys.readouterr().out)
    assert await asyncio.to_thread(main, ["list"]) == 0
    header, list_line = capsys.readouterr().out.splitlines()
    start = header.index("AUTO-STOP")
    assert await asyncio.to_thread(main, ["show", "lease-box"]) == 0
    show_line = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("auto-stop"))
    assert tui_text == "29m"
    assert record["time_left"] == tui_text and abs(record["time_left_s"] - REMAIN_S) <= 5
    assert list_line[start:].split()[0] == tui_text
    assert show_line.split()[1:3] == [tui_text, "left"]
