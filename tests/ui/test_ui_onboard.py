"""The first run as a new user on a jump host lives it: an SDK credentials file, no config, three keys."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.widgets import Label, OptionList, Static

from tests.ui.scenarios import ToEmulator
from tests.ui.uihelpers import NO_TIMER_POLLS, MakeApp, emulator_profile, settle, table_of
from tui.config.store import load_config
from tui.core.secret import Secret
from tui.emulator import DEMO_AK, DEMO_SK, Emulator, EmulatorConfig, ManualClock
from tui.ui.screens.onboard import OnboardScreen
from tui.ui.screens.settings import SettingsScreen

SIZE = (80, 24)
IAM = "https://iam.eu-de.otc.t-systems.com"


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A temporary HOME and working folder with no credentials anywhere yet."""
    home, work = tmp_path / "home", tmp_path / "work"
    home.mkdir()
    work.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(work)
    for name in (
        "HUAWEICLOUD_SDK_AK",
        "HUAWEICLOUD_SDK_SK",
        "HUAWEICLOUD_SDK_CREDENTIALS_FILE",
        "HUAWEICLOUD_SDK_PROJECT_ID",
        "OS_CLIENT_CONFIG_FILE",
    ):
        monkeypatch.delenv(name, raising=False)
    yield home


def sdk_file(home: Path) -> Path:
    path = home / ".huaweicloud" / "credentials"
    path.parent.mkdir()
    path.write_text(f"[basic]\nak = {DEMO_AK}\nsk = {DEMO_SK}\niam_endpoint = {IAM}\n", encoding="utf-8")
    return path


def shown(app: object, widget_id: str) -> str:
    screen = getattr(app, "screen")  # noqa: B009 - the app's current screen, whatever it is
    return str(screen.query_one(f"#{widget_id}", Static).render())


async def test_first_run_imports_discovers_and_shows_every_project_in_three_keys(
    make_app: MakeApp, emulator: Emulator, home: Path, config_file: Path
) -> None:
    credentials = sdk_file(home)
    app = make_app([], transport=ToEmulator(emulator.url))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, OnboardScreen), "credentials found: the import is offered first"
        assert "sdk-basic  ~/.huaweicloud/credentials [basic] (line 1)" in str(
            app.screen.query_one("#onboard-choices").render_line(0).text
        )
        details = shown(app, "onboard-details")
        assert "sk ********" in details and DEMO_SK not in details

        await pilot.press("enter")  # 1: import the ticked credential, look for its projects
        await settle(pilot)
        assert "1 of 1 projects answered" in shown(app, "onboard-result")

        await pilot.press("enter")  # 2: add the ticked projects
        await settle(pilot)
        review = shown(app, "onboard-details")
        assert review.splitlines() == [
            "otc-eu-de  devenv-v1  secret: sdk file ~/.huaweicloud/credentials [basic]"
        ]
        assert "no secret is written there" in shown(app, "onboard-result")

        await pilot.press("enter")  # 3: save, and the table of every project
        await settle(pilot)
        assert app.screen is app.main_screen
        names = {r.profile for r in app.service.rows.values()}
        assert names == {"otc-eu-de"} and table_of(app).row_count == 12
    saved = load_config(config_file)
    assert [p.name for p in saved.profiles] == ["otc-eu-de"]
    assert saved.profiles[0].credentials_file == str(credentials)
    assert DEMO_SK not in config_file.read_text(encoding="utf-8")


async def test_escape_leads_to_the_form_and_no_credentials_means_the_form_at_once(
    make_app: MakeApp, home: Path
) -> None:
    sdk_file(home)
    app = make_app([])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, OnboardScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, SettingsScreen)
        await pilot.press("ctrl+g")  # and back to the import from the settings
        await settle(pilot)
        assert isinstance(app.screen, OnboardScreen)
    (home / ".huaweicloud" / "credentials").unlink()
    app = make_app([])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, SettingsScreen)


async def test_settings_show_where_each_profiles_secret_lives(
    make_app: MakeApp, emulator: Emulator, home: Path
) -> None:
    credentials = sdk_file(home)
    profiles = [
        emulator_profile(emulator, "from-env", sk=Secret(""), sk_env="OTC_SK"),
        emulator_profile(emulator, "from-cmd", sk=Secret(""), sk_command="pass show otc/sk"),
        emulator_profile(emulator, "from-sdk", sk=Secret(""), credentials_file=str(credentials)),
        emulator_profile(emulator, "on-disk", imported_from="koocli ~/.hcloud/config.json default"),
    ]
    app = make_app(profiles, ui=NO_TIMER_POLLS)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        listed = app.screen.query_one("#profile-list", OptionList)
        labels = [str(listed.get_option_at_index(i).prompt) for i in range(listed.option_count)]
        assert labels == ["  env  from-env", "  cmd  from-cmd", "  sdk  from-sdk", "  disk on-disk"]
        sources = []
        for _ in profiles:
            sources.append(str(app.screen.query_one("#f-source", Label).render()))
            await pilot.press("down")
            await pilot.pause()
    assert sources == [
        "env $OTC_SK",
        "command pass",
        "sdk file ~/.huaweicloud/credentials [basic]",
        "config file (from koocli ~/.hcloud/config.json default)",
    ]


async def test_first_run_with_three_projects_in_three_regions_shows_all_of_them(
    make_app: MakeApp, clock: ManualClock, home: Path, config_file: Path
) -> None:
    regions = ("eu-de", "cn-north-4", "ap-southeast-1")
    with Emulator(EmulatorConfig(projects=regions, instances=2, clock=clock)) as emu:
        sdk_file(home)
        app = make_app([], transport=ToEmulator(emu.url))
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert isinstance(app.screen, OnboardScreen)
            await pilot.press("enter")  # 1: import, look for its projects
            await settle(pilot)
            assert "3 of 3 projects answered" in shown(app, "onboard-result")
            await pilot.press("enter")  # 2: add every ticked project
            await settle(pilot)
            review = shown(app, "onboard-details").splitlines()
            assert [line.split()[0] for line in review] == [
                "otc-eu-de",
                "huawei-cn-north-4",
                "huawei-ap-southeast-1",
            ]
            await pilot.press("enter")  # 3: save, and one table of every project
            await settle(pilot)
            assert app.screen is app.main_screen
            by_profile = sorted(r.profile for r in app.service.rows.values())
            assert by_profile == sorted(["otc-eu-de", "huawei-cn-north-4", "huawei-ap-southeast-1"] * 2)
            assert table_of(app).row_count == 6
    saved = load_config(config_file)
    assert [p.name for p in saved.profiles] == ["otc-eu-de", "huawei-cn-north-4", "huawei-ap-southeast-1"]
    assert DEMO_SK not in config_file.read_text(encoding="utf-8")
