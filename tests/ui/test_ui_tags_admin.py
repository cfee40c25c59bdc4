"""Pilot: tags from the details screen (t adds, T removes; the row's TAGS column and the emulator
follow), and the admin view (scope = "all": every user's notebooks with an OWNER column; a 403
is the clear message in the log, the flash line and the profile's status)."""

from __future__ import annotations

from tests.ui.uihelpers import (
    NO_TIMER_POLLS,
    MakeApp,
    cell,
    emulator_profile,
    log_text,
    put_cursor,
    settle,
    table_of,
)
from tui.core.errors import ADMIN_DENIED
from tui.emulator import Emulator, EmulatorConfig, ManualClock
from tui.ui.screens.details import DetailsScreen
from tui.ui.screens.tags import TagModal
from tui.ui.widgets.flash import FlashLine
from tui.ui.widgets.header import profile_text


def _key(app: object, name: str) -> str:
    return next(k for k, r in app.service.rows.items() if r.instance.name == name)  # type: ignore[attr-defined]


def _tags_of(emulator: Emulator, uid: str) -> dict[str, str]:
    record = emulator.store.get(uid)
    assert record is not None
    return dict(record.tags)


def _head(app: object) -> str:
    return str(app.screen.query_one("#details-head").render())  # type: ignore[attr-defined]


def _columns(app: object) -> list[str]:
    return [str(c.key.value) for c in table_of(app).ordered_columns]  # type: ignore[arg-type]


async def test_a_tag_added_in_details_shows_on_the_row_and_in_the_emulator_then_goes(
    make_app: MakeApp, emulator: Emulator
) -> None:
    app = make_app([emulator_profile(emulator, api="notebooks")], ui=NO_TIMER_POLLS)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "tags" not in _columns(app)  # no notebook has a tag: no TAGS column at 80
        key = _key(app, "nlp-playground")
        uid = key.partition("/")[2]
        put_cursor(app, key)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailsScreen)
        assert "tags     none · t add · T remove · owner demo-user" in _head(app)
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, TagModal)
        await pilot.press(*"team=c|v", "enter")
        await pilot.pause()
        error = str(app.screen.query_one("#tag-error").render())
        assert error == "tag: the value of 'team' must not contain |"
        app.screen.query_one("#tag-input").value = "team=cv"  # type: ignore[attr-defined]
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailsScreen)
        assert "tags     team=cv · t add" in _head(app)
        assert "nlp-playground: tagged" in _head(app)
        assert _tags_of(emulator, uid) == {"team": "cv"}
        await pilot.press("escape")
        await settle(pilot)
        assert "tags" in _columns(app) and cell(app, key, "tags") == "team=cv"
        assert "id" not in _columns(app)  # the id makes room at 80 columns
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("T")
        await pilot.pause()
        await pilot.press(*"cost", "enter")
        await pilot.pause()
        assert str(app.screen.query_one("#tag-error").render()) == "tag: this notebook has no tag 'cost'"
        app.screen.query_one("#tag-input").value = "team"  # type: ignore[attr-defined]
        await pilot.press("enter")
        await settle(pilot)
        assert "tags     none · t add" in _head(app)
        assert _tags_of(emulator, uid) == {}
        await pilot.press("escape")
        await settle(pilot)
        assert "tags" not in _columns(app)
    tag_posts = [r.path.rsplit("/", 2)[-2:] for r in emulator.requests if "/tags/" in r.path]
    assert tag_posts == [["tags", "create"], ["tags", "delete"]]


async def test_scope_all_lists_every_users_notebooks_with_an_owner_column(
    make_app: MakeApp, emulator: Emulator
) -> None:
    app = make_app([emulator_profile(emulator, api="notebooks", scope="all")], ui=NO_TIMER_POLLS)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        rows = app.service.rows
        assert {r.instance.owner for r in rows.values()} == {"demo-user", "alice", "bob", "carol"}
        assert len(rows) == len(emulator.store.all()) + 4  # the other users' four notebooks too
        assert _columns(app)[:3] == ["mark", "name", "owner"]
        assert cell(app, _key(app, "llm-finetune"), "owner") == "alice"
        assert cell(app, _key(app, "nlp-playground"), "owner") == "demo-user"
        await pilot.press("slash", *"owner:alice", "enter")
        await pilot.pause()
        alices = {k for k, r in rows.items() if r.instance.owner == "alice"}
        assert {r.key.value for r in table_of(app).ordered_rows} == alices and _key(
            app, "llm-finetune"
        ) in alices
    assert [r.path.rsplit("/", 1)[-1] for r in emulator.requests if "/notebooks" in r.path] == ["all"]


async def test_scope_all_as_a_non_admin_says_so_in_the_log_the_flash_and_the_header(
    make_app: MakeApp, clock: ManualClock
) -> None:
    with Emulator(EmulatorConfig(clock=clock, admin=False)) as emu:
        app = make_app([emulator_profile(emu, api="notebooks", scope="all")], ui=NO_TIMER_POLLS)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            assert f'demo: {ADMIN_DENIED}. Set scope = "own" for this profile' in log_text(app)
            flash = app.main_screen.query_one(FlashLine)
            assert str(flash.render()) == f"✗ demo: {ADMIN_DENIED}"
            header = profile_text(app.service.statuses[0], 0.0, single=True)
            assert header == (f"✗ demo: never ok — {ADMIN_DENIED}", True)
            assert app.service.rows == {}
            await pilot.press("r")
            await settle(pilot)
            assert log_text(app).count(ADMIN_DENIED) == 1  # said once, not at every poll
