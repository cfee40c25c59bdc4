"""``config import`` and ``config discover`` end to end: real files in a temporary HOME, the emulator, the saved config."""

from __future__ import annotations

import json
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from tui.cli import main
from tui.config.store import load_config
from tui.emulator import DEMO_AK, DEMO_PROJECT_ID, DEMO_SK, Emulator, EmulatorConfig


@pytest.fixture
def live() -> Iterator[Emulator]:
    """On the real clock: the CLI signs with it."""
    with Emulator(EmulatorConfig(instances=3, seed=5)) as emu:
        yield emu


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A temporary HOME and working folder, no credentials in the environment, a config path not yet there."""
    home = tmp_path / "home"
    work = tmp_path / "work"
    home.mkdir()
    work.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(work)
    for name in (
        "HUAWEICLOUD_SDK_AK",
        "HUAWEICLOUD_SDK_SK",
        "HUAWEICLOUD_SDK_CREDENTIALS_FILE",
        "OS_CLIENT_CONFIG_FILE",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("MODELARTS_TUI_CONFIG", str(tmp_path / "cfg" / "config.toml"))
    return home


def _config(home: Path) -> Path:
    return home.parent / "cfg" / "config.toml"


def _sdk_file(home: Path, iam: str) -> Path:
    path = home / ".huaweicloud" / "credentials"
    path.parent.mkdir()
    path.write_text(f"[basic]\nak = {DEMO_AK}\nsk = {DEMO_SK}\niam_endpoint = {iam}\n", encoding="utf-8")
    return path


def test_import_yes_then_discover_add_then_list(
    live: Emulator, home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sdk = _sdk_file(home, live.url)
    assert main(["config", "import", "--yes"]) == 0
    shown = capsys.readouterr().out
    assert "sdk-basic: ~/.huaweicloud/credentials [basic] (line 1)" in shown
    assert "    sk              ********" in shown and DEMO_SK not in shown
    assert f"added to {_config(home)}: sdk-basic" in shown
    cfg = _config(home)
    assert stat.S_IMODE(cfg.stat().st_mode) == 0o600 and DEMO_SK not in cfg.read_text(encoding="utf-8")
    assert load_config(cfg).profile("sdk-basic").credentials_file == str(sdk)

    assert main(["config", "discover", "--profile", "sdk-basic", "--endpoint", live.url, "--add"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["PROFILE", "PROJECT", "PROJECT", "ID", "API", "NOTE"]
    assert lines[1].split()[:4] == ["otc-eu-de", "eu-de", DEMO_PROJECT_ID, "devenv-v1"]
    assert lines[-1] == f"added to {cfg}: otc-eu-de"
    added = load_config(cfg).profile("otc-eu-de")
    assert (added.project_id, added.endpoint, added.credentials_file) == (DEMO_PROJECT_ID, live.url, str(sdk))
    assert DEMO_SK not in cfg.read_text(encoding="utf-8"), "the discovered profile references the file too"

    assert main(["list", "--profile", "otc-eu-de", "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 3

    assert main(["config", "import", "--yes"]) == 0, "importing again adds nothing"
    assert "already in the config (left as they are): sdk-basic" in capsys.readouterr().out


def test_import_off_a_terminal_without_yes_adds_nothing(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _sdk_file(home, "https://iam.eu-de.otc.t-systems.com")
    assert main(["config", "import"]) == 0
    assert "nothing added: not on a terminal; pass --yes to add them all" in capsys.readouterr().out
    assert not _config(home).exists()


def test_a_broken_source_is_reported_with_path_and_line_and_exits_2(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _sdk_file(home, "https://iam.eu-de.otc.t-systems.com")
    koo = home / ".hcloud" / "config.json"
    koo.parent.mkdir()
    koo.write_text('{\n  "profiles": [\n    {"name": "x",,}\n  ]\n}\n', encoding="utf-8")
    assert main(["config", "import", "--yes"]) == 2
    captured = capsys.readouterr()
    assert f"modelarts-tui: {koo}:3: not valid JSON" in captured.err
    assert "added to" in captured.out and load_config(_config(home)).names() == ("sdk-basic",)


def test_import_json_lists_candidates_skips_and_problems(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (home / ".config" / "openstack").mkdir(parents=True)
    (home / ".config" / "openstack" / "clouds.yaml").write_text(
        "clouds:\n  otc:\n    auth: {username: u, password: Pw-Json-Canary-1, user_domain_name: OTC001}\n"
        "    region_name: eu-de\n  app:\n    auth_type: token\n",
        encoding="utf-8",
    )
    assert main(["config", "import", "--from", "clouds-yaml", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [c["name"] for c in data["candidates"]] == ["otc"]
    assert data["candidates"][0]["shown"]["password"] == "********"
    assert [s["reason"] for s in data["skipped"]] == [
        "auth_type 'token' is not supported (only password or ak/sk)"
    ]
    assert data["problems"] == [] and data["added"] == [] and "Pw-Json-Canary-1" not in json.dumps(data)


def test_discover_needs_a_profile_and_reports_a_refused_credential(
    live: Emulator, home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["config", "discover"]) == 2
    assert "name the profile to discover from with --profile" in capsys.readouterr().err
    path = home / ".huaweicloud" / "credentials"
    path.parent.mkdir()
    path.write_text(
        f"[basic]\nak = {DEMO_AK}\nsk = WrongDiscoverSk-000111\niam_endpoint = {live.url}\n", encoding="utf-8"
    )
    assert main(["config", "import", "--yes"]) == 0
    capsys.readouterr()
    assert main(["config", "discover", "--profile", "sdk-basic", "--endpoint", live.url]) == 1
    captured = capsys.readouterr()
    assert "401" in captured.err and "WrongDiscoverSk" not in captured.err + captured.out


def test_discover_add_on_a_three_region_emulator_then_list_shows_all(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with Emulator(EmulatorConfig(projects=("eu-de", "cn-north-4", "ap-southeast-1"), instances=2)) as emu:
        _sdk_file(home, emu.url)
        assert main(["config", "import", "--yes", "--from", "sdk-file"]) == 0
        assert main(["config", "discover", "--profile", "sdk-basic", "--endpoint", emu.url, "--add"]) == 0
        assert capsys.readouterr().out.splitlines()[-1] == (
            f"added to {_config(home)}: otc-eu-de, huawei-cn-north-4, huawei-ap-southeast-1"
        )
        for name in ("otc-eu-de", "huawei-cn-north-4", "huawei-ap-southeast-1"):
            assert main(["list", "--profile", name, "--json"]) == 0
            listed = json.loads(capsys.readouterr().out)
            assert listed and {row["profile"] for row in listed} == {name}
