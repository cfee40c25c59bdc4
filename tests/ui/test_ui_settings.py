"""The settings screen: first run, inline validation, test connection, save to disk, cancel."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Input, Label, OptionList, Static

from tests.ui.uihelpers import MakeApp, log_text, settle, table_of
from tui.config.store import load_config
from tui.emulator import DEMO_AK, DEMO_PROJECT_ID, DEMO_SK, Emulator
from tui.ui.screens.settings import SettingsScreen

SIZE = (80, 24)


async def _type_into(pilot: Pilot[Any], selector: str, text: str) -> None:
    """Focus the field and put ``text`` in it (as a paste would: one Changed message)."""
    field = pilot.app.screen.query_one(selector, Input)
    field.focus()
    field.value = text
    await pilot.pause()


def _error(app: App[Any], name: str) -> str:
    label = app.screen.query_one(f"#e-{name}", Label)
    return str(label.render()) if label.has_class("-shown") else ""


async def test_first_run_lands_on_settings_and_a_filled_profile_goes_live(
    make_app: MakeApp, emulator: Emulator, config_file: Path
) -> None:
    app = make_app([], first_run=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SettingsScreen)
        assert "Welcome" in str(screen.query_one("#settings-welcome", Static).render())
        assert app.main_screen.paused
        assert "the access key id" in _error(app, "ak")
        await _type_into(pilot, "#f-endpoint", emulator.url)
        await _type_into(pilot, "#f-iam_endpoint", emulator.url)
        await _type_into(pilot, "#f-project_id", DEMO_PROJECT_ID)
        await _type_into(pilot, "#f-ak", DEMO_AK)
        await _type_into(pilot, "#f-sk", DEMO_SK)
        assert _error(app, "ak") == "" and _error(app, "sk") == ""
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.main_screen.is_active
        assert not app.main_screen.paused
        assert table_of(app).row_count == 12
    saved = load_config(config_file)
    assert [p.name for p in saved.profiles] == ["default"]
    assert saved.profiles[0].sk.reveal() == DEMO_SK
    assert config_file.stat().st_mode & 0o777 == 0o600


async def test_save_round_trips_to_disk_and_the_table_follows(make_app: MakeApp, config_file: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert all(k.startswith("demo/") for k in app.service.rows)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, SettingsScreen)
        assert app.main_screen.paused
        await _type_into(pilot, "#f-name", "lab")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.main_screen.is_active
        keys = [r.key.value or "" for r in table_of(app).ordered_rows]
        assert len(keys) == 12 and all(k.startswith("lab/") for k in keys)
        assert app.main_screen.header.text.startswith("lab · OTC eu-de v1 · 12 instances | ")
    saved = load_config(config_file)
    assert [p.name for p in saved.profiles] == ["lab"]
    assert config_file.stat().st_mode & 0o777 == 0o600


async def test_invalid_fields_are_explained_inline_and_block_save(
    make_app: MakeApp, config_file: Path
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await pilot.pause()
        await _type_into(pilot, "#f-project_id", "not-hex")
        assert "32 lower-case hex" in _error(app, "project_id")
        await _type_into(pilot, "#f-endpoint", "ftp://x")
        assert "not an http(s) URL" in _error(app, "endpoint")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, SettingsScreen)
        assert "not saved" in str(app.screen.query_one("#settings-result", Static).render())
        await pilot.press("escape")
        await pilot.pause()
        assert app.main_screen.is_active
    assert not config_file.exists()


async def test_cancel_discards_edits(make_app: MakeApp, config_file: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await pilot.pause()
        await _type_into(pilot, "#f-name", "changed")
        await pilot.press("escape")
        await settle(pilot)
        assert app.main_screen.is_active
        assert not app.main_screen.paused
        assert [p.name for p in app.config.profiles] == ["demo"]
    assert not config_file.exists()


async def test_connection_test_reports_the_outcome(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("ctrl+t")
        await settle(pilot)
        result = str(app.screen.query_one("#settings-result", Static).render())
        assert result.startswith("✓ connected: 12 instances")
        await _type_into(pilot, "#f-sk", "wrong-secret-key-0000000000000000000000")
        await pilot.press("ctrl+t")
        await settle(pilot)
        result = str(app.screen.query_one("#settings-result", Static).render())
        assert result.startswith("✗ ") and "APIGW.0301" in result


async def test_secrets_are_masked_until_revealed_and_auth_fields_follow_the_method(make_app: MakeApp) -> None:
    from textual.widgets import Select

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await pilot.pause()
        screen = app.screen
        sk = screen.query_one("#f-sk", Input)
        assert sk.password
        await pilot.press("ctrl+r")
        assert not sk.password
        await pilot.press("ctrl+r")
        assert sk.password
        assert screen.query_one("#row-ak").display and not screen.query_one("#row-token").display
        screen.query_one("#f-auth", Select).value = "token"
        await pilot.pause()
        assert screen.query_one("#row-token").display and not screen.query_one("#row-ak").display
        assert "an IAM token" in _error(app, "token")
        screen.query_one("#f-cloud", Select).value = "huawei"
        await pilot.pause()
        assert screen.query_one("#f-region", Select).value == "cn-north-1"


async def test_add_and_delete_profiles(make_app: MakeApp, config_file: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("ctrl+n")
        await pilot.pause()
        screen = app.screen
        assert screen.query_one("#f-name", Input).value == "default"
        assert screen.query_one("#profile-list", OptionList).option_count == 2
        await pilot.press("ctrl+s")  # the new profile has no credentials: refused
        await pilot.pause()
        assert isinstance(app.screen, SettingsScreen)
        screen.query_one("#profile-list").focus()
        await pilot.press("delete")
        await pilot.pause()
        assert screen.query_one("#profile-list", OptionList).option_count == 1
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.main_screen.is_active
    assert [p.name for p in load_config(config_file).profiles] == ["demo"]


async def test_a_config_readable_by_others_is_reported_with_the_fix(
    make_app: MakeApp, config_file: Path
) -> None:
    config_file.parent.mkdir(parents=True)
    config_file.write_text('[[profiles]]\nname = "x"\n')
    config_file.chmod(0o644)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        text = log_text(app)
    assert f"chmod 600 {config_file}" in text
    assert config_file.stat().st_mode & 0o777 == 0o644, "a warning only: the file is not touched"
