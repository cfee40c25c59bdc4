"""Pilot: tags from the details screen (t adds, T removes; the row's TAGS column and the emulator
follow), and the admin view (scope = "all": every user's notebooks with an OWNER column; a 403
is the clear message in the log, the flash line and the profile's status)."""

from __future__ import annotations

from tests.ui.uihelpers import NO_TIMER_POLLS, MakeApp, cell, emulator_profile, put_cursor, settle, table_of
from tui.emulator import Emulator
from tui.ui.screens.details import DetailsScreen
from tui.ui.screens.tags import TagModal


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
