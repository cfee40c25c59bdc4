"""The main screen driven like a user would, against the real emulator over a socket."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.notifications import Notify
from textual.widgets import Button, Input

from tests.ui.uihelpers import (
    NO_TIMER_POLLS,
    MakeApp,
    Messages,
    actions_sent,
    cell,
    emulator_profile,
    keys_with_status,
    log_text,
    put_cursor,
    settle,
    table_of,
)
from tui.config.model import UiSettings
from tui.emulator import Emulator, ManualClock
from tui.ui.messages import ActionRequested, ActionsFinished, CallRecorded, InstancesRefreshed
from tui.ui.screens.confirm import ConfirmModal

SIZE = (80, 24)


async def test_first_poll_fills_the_table(make_app: MakeApp, messages: Messages) -> None:
    app = make_app(ui=NO_TIMER_POLLS)
    async with app.run_test(size=SIZE, message_hook=messages) as pilot:
        await settle(pilot)
        assert len(messages.of(InstancesRefreshed)) == 1
        assert messages.of(CallRecorded)
        table = table_of(app)
        assert table.row_count == 12
        running = keys_with_status(app, "RUNNING")[0]
        stopped = keys_with_status(app, "STOPPED")[0]
        assert cell(app, running, "status") == "● RUNNING"
        assert cell(app, stopped, "status") == "○ STOPPED"
        assert all(cell(app, k, "status").endswith("…") for k in keys_with_status(app, "STARTING"))
        # One profile: no profile column; everything fits 80 columns.
        assert "profile" not in {c.key.value for c in table.ordered_columns}
        assert table.virtual_size.width <= 80
        assert app.main_screen.header.text == "demo · OTC eu-de v1 · 12 instances | updated just now"


async def test_start_on_a_stopped_row_sends_one_start_then_shows_running(
    make_app: MakeApp, emulator: Emulator, clock: ManualClock, messages: Messages
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE, message_hook=messages) as pilot:
        await settle(pilot)
        key = keys_with_status(app, "STOPPED")[0]
        put_cursor(app, key)
        await pilot.press("s")
        # Pressing again while the start is in flight or STARTING sends nothing more.
        await pilot.press("s")
        await settle(pilot)
        assert len(actions_sent(emulator, "start")) == 1
        assert cell(app, key, "status") == "◐ STARTING…"
        assert [o.ok for m in messages.of(ActionsFinished) for o in m.outcomes] == [True]
        clock.advance(5)
        await pilot.press("r")
        await settle(pilot)
        assert cell(app, key, "status") == "● RUNNING"
        assert len(actions_sent(emulator, "start")) == 1


async def test_start_on_a_running_row_is_refused_locally(
    make_app: MakeApp, emulator: Emulator, messages: Messages
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE, message_hook=messages) as pilot:
        await settle(pilot)
        key = keys_with_status(app, "RUNNING")[0]
        put_cursor(app, key)
        await pilot.press("s")
        await settle(pilot)
        assert actions_sent(emulator) == []
        assert not messages.of(ActionRequested)
        flash = app.main_screen.flash_line
        assert flash.level == "warn"
        assert flash.text.startswith("Start: nothing sent — ") and "already RUNNING" in flash.text
        assert "start refused" in log_text(app) and "already RUNNING" in log_text(app)


async def test_stop_asks_first_with_cancel_focused_and_cancel_sends_nothing(
    make_app: MakeApp, emulator: Emulator
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        key = keys_with_status(app, "RUNNING")[0]
        put_cursor(app, key)
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        focused = app.focused
        assert isinstance(focused, Button) and focused.id == "cancel"
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmModal)
        assert actions_sent(emulator) == []
        await pilot.press("x", "escape")
        await settle(pilot)
        assert actions_sent(emulator) == []
        assert cell(app, key, "status") == "● RUNNING"


async def test_stop_confirmed_goes_stopping_then_stopped(
    make_app: MakeApp, emulator: Emulator, clock: ManualClock
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        key = keys_with_status(app, "RUNNING")[0]
        put_cursor(app, key)
        await pilot.press("x")
        await pilot.pause()
        await pilot.press("left", "enter")  # from Cancel to Stop, press it
        await settle(pilot)
        assert len(actions_sent(emulator, "stop")) == 1
        assert cell(app, key, "status") == "◐ STOPPING…"
        clock.advance(5)
        await pilot.press("r")
        await settle(pilot)
        assert cell(app, key, "status") == "○ STOPPED"
        assert cell(app, key, "autostop") == "—"


async def test_stop_on_a_stopped_row_says_why_and_does_not_ask(make_app: MakeApp, emulator: Emulator) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        put_cursor(app, keys_with_status(app, "STOPPED")[0])
        await pilot.press("x")
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmModal)
        assert actions_sent(emulator) == []
        assert "not RUNNING" in log_text(app)


async def test_marked_rows_act_together(make_app: MakeApp, emulator: Emulator) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        first, second = keys_with_status(app, "STOPPED")[:2]
        for key in (first, second):
            put_cursor(app, key)
            await pilot.press("space")
        assert cell(app, first, "mark") == "▌" and cell(app, second, "mark") == "▌"
        assert "2 marked" in app.main_screen.header.text
        put_cursor(app, keys_with_status(app, "RUNNING")[0])  # the cursor row is not acted on
        await pilot.press("s")
        await settle(pilot)
        sent = actions_sent(emulator, "start")
        assert len(sent) == 2
        assert {r.path.split("/")[-2] for r in sent} == {k.split("/")[1] for k in (first, second)}
        assert cell(app, first, "status") == "◐ STARTING…"
        await pilot.press("escape")  # unmark all
        assert cell(app, first, "mark") == " "


async def test_filter_narrows_and_escape_restores(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = table_of(app)
        put_cursor(app, keys_with_status(app, "RUNNING")[0])
        before = table.cursor_key
        await pilot.press("slash", *"stopped")
        await pilot.pause()
        assert 0 < table.row_count < 12
        assert all(
            cell(app, k, "status").startswith("○") for k in (r.key.value for r in table.ordered_rows) if k
        )
        assert f"filter: stopped ({table.row_count} of 12)" in app.main_screen.header.text
        await pilot.press("escape")
        await pilot.pause()
        assert table.row_count == 12
        assert table.cursor_key == before
        assert app.focused is table


async def test_filter_matches_name_and_id(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = table_of(app)
        key = keys_with_status(app, "RUNNING")[0]
        instance = app.service.rows[key].instance
        await pilot.press("slash", *instance.name)
        await pilot.pause()
        assert [r.key.value for r in table.ordered_rows] == [key]
        await pilot.press("enter")  # keep the filter, back to the table
        assert app.focused is table and table.row_count == 1
        await pilot.press("slash", "ctrl+u", *instance.id[3:11], "enter")
        await pilot.pause()
        assert [r.key.value for r in table.ordered_rows] == [key]


async def test_emulator_error_shows_code_and_meaning_in_the_log(
    make_app: MakeApp, emulator: Emulator, messages: Messages
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE, message_hook=messages) as pilot:
        await settle(pilot)
        key = keys_with_status(app, "STOPPED")[0]
        # Someone else started it: our snapshot still says STOPPED, the service answers a conflict.
        emulator.store.set_status(key.split("/", 1)[1], "RUNNING")
        put_cursor(app, key)
        await pilot.press("s")
        await settle(pilot)
        text = log_text(app)
        (failed,) = [line for line in text.splitlines() if "✗" in line]
        assert "✗ 400 POST /v1/…/demanager/instances/DE-" in failed and failed.endswith(
            "/action ModelArts.6305"
        )
        assert "↳ The instance is already running." in text
        outcome = messages.of(ActionsFinished)[0].outcomes[0]
        assert not outcome.ok and not outcome.skipped
        flash = app.main_screen.flash_line
        assert flash.level == "error" and flash.text.startswith("Start failed: ")
        assert flash.text.endswith("· more in the log (l)")


async def test_failed_polls_mark_the_profile_and_rows_stale(
    make_app: MakeApp, emulator: Emulator, clock: ManualClock
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        key = keys_with_status(app, "RUNNING")[0]
        emulator.faults.fail_next = 50
        clock.advance(150)
        await pilot.press("r")
        await settle(pilot)
        bar = app.main_screen.header
        assert bar.has_class("-error")
        assert "demo: last ok 2m ago — " in bar.text
        assert cell(app, key, "status") == "● RUNNING ~2m"
        assert table_of(app).row_count == 12  # rows stay, marked stale
        assert "✗ 5" in log_text(app)  # the 5xx answers are in the log panel
        emulator.faults.fail_next = 0
        await pilot.press("r")
        await settle(pilot)
        assert not bar.has_class("-error")
        assert cell(app, key, "status") == "● RUNNING"


async def test_vanished_instance_stays_as_gone(make_app: MakeApp, emulator: Emulator) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        key = keys_with_status(app, "STOPPED")[0]
        emulator.store.remove(key.split("/", 1)[1])
        await pilot.press("r")
        await settle(pilot)
        assert table_of(app).row_count == 12
        assert cell(app, key, "status") == "— gone"
        put_cursor(app, key)
        await pilot.press("s")
        await settle(pilot)
        assert actions_sent(emulator) == []


async def test_read_only_profile_refuses_start_visibly(
    make_app: MakeApp, emulator: Emulator, messages: Messages
) -> None:
    app = make_app([emulator_profile(emulator, read_only=True)])
    async with app.run_test(size=SIZE, message_hook=messages) as pilot:
        await settle(pilot)
        put_cursor(app, keys_with_status(app, "STOPPED")[0])
        await pilot.press("s")
        await settle(pilot)
        assert actions_sent(emulator) == []
        assert "read-only" in app.main_screen.flash_line.text


async def test_two_profiles_get_a_profile_column_and_can_be_switched(
    make_app: MakeApp, emulator: Emulator
) -> None:
    app = make_app([emulator_profile(emulator, "lab"), emulator_profile(emulator, "prod")])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = table_of(app)
        assert table.row_count == 24
        columns = [c.key.value for c in table.ordered_columns]
        assert "profile" in columns and "id" not in columns  # the id gives way at 80 columns
        assert table.virtual_size.width <= 80
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"switch profile: prod")
        await settle(pilot)  # the palette searches in a worker
        await pilot.press("enter")
        await pilot.pause()
        assert table.scope == "prod"
        assert table.row_count == 12
        assert all((r.key.value or "").startswith("prod/") for r in table.ordered_rows)


async def test_details_show_the_raw_json_and_status(make_app: MakeApp) -> None:
    from tui.ui.screens.details import DetailsScreen

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        key = keys_with_status(app, "RUNNING")[0]
        put_cursor(app, key)
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DetailsScreen)
        head = str(screen.query_one("#details-head").render())
        assert "raw status RUNNING" in head and key.split("/", 1)[1] in head
        await pilot.press("escape")
        assert app.screen is app.main_screen


async def test_log_panel_toggles_and_help_lists_every_binding(make_app: MakeApp) -> None:
    from tui.ui.bindings import ALL_GROUPS
    from tui.ui.screens.help import HelpModal

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        panel = app.main_screen.log_panel
        assert panel.display
        await pilot.press("l")
        assert not panel.display
        await pilot.press("l")
        assert panel.display
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpModal)
        help_text = app.screen.query_one("#help-text")
        text = "\n".join(strip.text for strip in help_text.render_lines(help_text.region.reset_offset))
        for _, bindings in ALL_GROUPS:
            for binding in bindings:
                assert binding.description in text
        await pilot.press("escape")
        assert app.screen is app.main_screen


async def test_keys_are_remapped_by_binding_id(make_app: MakeApp, emulator: Emulator) -> None:

    app = make_app(ui=UiSettings(theme="textual-dark", keys={"start": "f5", "nonsense": "z"}))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        put_cursor(app, keys_with_status(app, "STOPPED")[0])
        await pilot.press("s")
        await settle(pilot)
        assert actions_sent(emulator) == []
        await pilot.press("f5")
        await settle(pilot)
        assert len(actions_sent(emulator, "start")) == 1
        assert "unknown binding ids nonsense" in log_text(app)


async def test_auto_stop_warning_is_marked_and_notified_once(
    make_app: MakeApp, emulator: Emulator, messages: Messages
) -> None:
    app = make_app([emulator_profile(emulator, notify_minutes=15)])
    async with app.run_test(size=SIZE, message_hook=messages) as pilot:
        await settle(pilot)
        soon = [k for k in keys_with_status(app, "RUNNING") if cell(app, k, "autostop").startswith("! ")]
        assert soon, "the seeded data has an instance stopping within 15 minutes"
        # One flash line for all of them, one log line each, and no popup.
        flash = app.main_screen.flash_line
        assert flash.level == "warn" and flash.text.startswith("auto-stop soon: ")
        assert log_text(app).count("stops automatically in") == len(soon)
        assert not messages.of(Notify) and not app._notifications
        await pilot.press("r")
        await settle(pilot)
        assert log_text(app).count("stops automatically in") == len(soon)


async def test_prolong_asks_for_hours_and_renews_the_lease(make_app: MakeApp, emulator: Emulator) -> None:
    from tui.ui.screens.prolong import ProlongModal

    app = make_app([emulator_profile(emulator, api="notebooks")])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        key = keys_with_status(app, "RUNNING")[0]
        put_cursor(app, key)
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, ProlongModal)
        await pilot.press("ctrl+a", "backspace", "9", "9", "enter")  # 99 hours is refused in place
        await pilot.pause()
        assert isinstance(app.screen, ProlongModal)
        await pilot.press("backspace", "backspace", "3", "enter")
        await settle(pilot)
        assert len(actions_sent(emulator, "prolong")) == 1


async def test_prolong_on_v1_or_stopped_rows_is_refused(make_app: MakeApp, emulator: Emulator) -> None:
    from tui.ui.screens.prolong import ProlongModal

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        put_cursor(app, keys_with_status(app, "STOPPED")[0])
        await pilot.press("p")
        await settle(pilot)
        assert not isinstance(app.screen, ProlongModal)
        assert "not RUNNING" in log_text(app)
        put_cursor(app, keys_with_status(app, "RUNNING")[0])
        await pilot.press("p")
        await settle(pilot)
        assert "notebooks API" in log_text(app)
        assert actions_sent(emulator) == []


@pytest.mark.parametrize("low_bandwidth", [False, True])
async def test_calls_go_to_the_rotating_log_file_without_secrets(
    make_app: MakeApp, tmp_path: Path, low_bandwidth: bool
) -> None:
    from tui.emulator import DEMO_SK

    app = make_app(low_bandwidth=low_bandwidth)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.animation_level == ("none" if low_bandwidth else app.animation_level)
    log = tmp_path / "logs" / "modelarts-tui.log"
    text = log.read_text()
    assert " 200 " in text and "/demanager/instances" in text
    assert DEMO_SK not in text and "Secret" not in text
    assert log.stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light", "ansi-dark", "ansi-light"])
async def test_every_style_resolves_in_light_dark_and_ansi_themes(make_app: MakeApp, theme: str) -> None:

    app = make_app(ui=UiSettings(theme=theme))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.theme == theme
        for key in ("question_mark", "escape", "e", "escape", "slash", "escape"):
            await pilot.press(key)
            await pilot.pause()
        assert app.screen is app.main_screen
    assert app._exception is None


async def test_keys_typed_in_one_burst_after_slash_reach_the_filter(make_app: MakeApp) -> None:
    from textual import events

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        # A paste or a fast typist: every key is queued before the first one is handled.
        for key, char in [("slash", "/"), ("g", "g"), ("p", "p"), ("u", "u"), ("slash", "/"), ("x", "x")]:
            app.post_message(events.Key(key, char))
        await settle(pilot)
        assert app.main_screen.query_one("#filter-input", Input).value == "gpu/x"
        assert table_of(app).row_count == 0


async def test_wrong_credentials_show_in_the_header_and_log_without_a_crash(
    make_app: MakeApp, emulator: Emulator
) -> None:
    app = make_app([emulator_profile(emulator, sk="not-the-secret-key-00000000000000000000")])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        bar = app.main_screen.header
        assert "✗ demo: never ok — APIGW.0301" in bar.text and bar.has_class("-error")
        text = log_text(app)
        assert "✗ 401 GET" in text and "APIGW.0301" in text
        assert "Incorrect IAM authentication information" in text
        assert table_of(app).row_count == 0


async def test_garbage_answers_become_a_log_line_and_a_status_not_a_crash(
    make_app: MakeApp, emulator: Emulator
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        emulator.faults.garbage_next = 10
        await pilot.press("r")
        await settle(pilot)
        assert "last ok" in app.main_screen.header.text
        assert table_of(app).row_count == 12
        emulator.faults.garbage_next = 0


async def test_an_unexpected_worker_error_is_logged_and_the_app_goes_on(
    make_app: MakeApp, messages: Messages, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE, message_hook=messages) as pilot:
        await settle(pilot)

        async def broken(**_: object) -> None:
            raise RuntimeError("boom")

        monkeypatch.setattr(app.service, "refresh", broken)
        await pilot.press("r")
        await settle(pilot)
        assert "unexpected error" in log_text(app) and "RuntimeError: boom" in log_text(app)
        assert app.main_screen.flash_line.level == "error"
        assert "RuntimeError: boom" in app.main_screen.flash_line.text
        assert not app.main_screen.refreshing
        monkeypatch.undo()
        await pilot.press("r")
        await settle(pilot)
        assert table_of(app).row_count == 12


async def test_an_idle_tick_repaints_nothing(make_app: MakeApp, clock: ManualClock) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.main_screen
        table = table_of(app)
        screen.poll_interval_s = screen.fast_poll_s = 1e9  # no poll from the tick in this test
        screen._tick()
        before = (table._update_count, screen.header.text)
        for _ in range(3):
            screen._tick()
        assert (table._update_count, screen.header.text) == before
        clock.advance(60)  # a minute later the countdowns and ages do change, in place
        screen._tick()
        assert table._update_count > before[0]
        assert table.row_count == 12


async def test_a_covered_table_is_not_recounted_until_it_shows_again(
    make_app: MakeApp, clock: ManualClock
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.main_screen
        table = table_of(app)
        screen.poll_interval_s = screen.fast_poll_s = 1e9
        screen._tick()
        running = next(k for k in keys_with_status(app, "RUNNING") if cell(app, k, "autostop") != "—")
        countdown = cell(app, running, "autostop")
        screen.paused = True  # settings open: the table is covered
        clock.advance(600)
        before = table._update_count
        screen._tick()
        assert table._update_count == before
        assert cell(app, running, "autostop") == countdown
        screen.paused = False
        screen._tick()  # shown again: every row is recounted once
        assert cell(app, running, "autostop") != countdown


async def test_an_updated_cell_repaints_alone_and_the_cursor_and_marks_stay(make_app: MakeApp) -> None:
    from dataclasses import replace

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.main_screen
        screen.poll_interval_s = screen.fast_poll_s = 1e9  # a poll would undo the renames below
        table = table_of(app)
        keys = [r.key.value for r in table.ordered_rows if r.key.value is not None]
        table.toggle_mark(keys[1])
        put_cursor(app, keys[3])
        await pilot.pause()
        target = keys[2]
        row = table.row_for(target)
        assert row is not None
        table._dirty_regions.clear()
        table.update_row(replace(row, alias="renamed-in-place"))
        # One cell of one line is dirty, not the whole table.
        assert table._dirty_regions and all(r.height == 1 for r in table._dirty_regions)
        await pilot.pause()
        assert cell(app, target, "name") == "renamed-in-place"
        y = table.get_row_index(target) + table.header_height - table.scroll_offset.y
        assert "renamed-in-place" in table.render_line(y).text
        assert table.cursor_key == keys[3]
        assert table.marked == [keys[1]]
        # A row out of sight takes the new text without a repaint, and shows it when scrolled to.
        table.styles.height = 3
        await pilot.pause()
        last = keys[-1]
        last_row = table.row_for(last)
        assert last_row is not None
        table._dirty_regions.clear()
        table.update_row(replace(last_row, alias="renamed-below"))
        assert not table._dirty_regions
        table.move_to(last)
        await pilot.pause()
        y = table.get_row_index(last) + table.header_height - table.scroll_offset.y
        assert "renamed-below" in table.render_line(y).text


async def test_a_poll_that_changed_nothing_leaves_no_panel_line(
    make_app: MakeApp, emulator: Emulator
) -> None:
    app = make_app(ui=NO_TIMER_POLLS)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        shown = log_text(app).count("GET ")
        assert shown == 1  # the first poll filled the table: its one list call shows
        await pilot.press("r")
        await settle(pilot)
        assert log_text(app).count("GET ") == shown  # the same snapshot again: no new line
        assert app.call_log is not None
        assert app.call_log.path.read_text().count("GET ") == shown + 1  # but the file has it
        stopped = keys_with_status(app, "STOPPED")[0]
        emulator.store.set_status(stopped.split("/", 1)[1], "RUNNING")
        await pilot.press("r")
        await settle(pilot)
        assert log_text(app).count("GET ") == shown + 1  # a poll that changed a row shows


def _lists(emulator: Emulator) -> int:
    return sum(1 for r in list(emulator.requests) if r.method == "GET" and r.path.endswith("/instances"))


async def test_an_action_in_flight_shows_on_its_row_and_polls_never_pile_up(
    make_app: MakeApp, emulator: Emulator
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.main_screen
        key = keys_with_status(app, "STOPPED")[0]
        put_cursor(app, key)
        emulator.faults.latency_ms = 400
        await pilot.press("s")
        await pilot.pause()
        assert cell(app, key, "status") == "◐ starting…"
        lists = _lists(emulator)
        screen._start_refresh()
        for _ in range(5):
            screen._tick()  # ticks while the refresh is in flight start nothing
            screen._start_refresh()
        await settle(pilot)
        assert _lists(emulator) == lists + 1
        assert len(actions_sent(emulator, "start")) == 1
        emulator.faults.latency_ms = 0


async def test_q_quits_and_the_service_is_closed(make_app: MakeApp, monkeypatch: pytest.MonkeyPatch) -> None:
    app = make_app()
    closed: list[bool] = []
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        real = app.service.aclose

        async def aclose() -> None:
            closed.append(True)
            await real()

        monkeypatch.setattr(app.service, "aclose", aclose)
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0
    assert closed == [True]


async def test_an_unreachable_endpoint_is_a_status_and_a_log_line(
    make_app: MakeApp, emulator: Emulator
) -> None:
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    app = make_app([emulator_profile(emulator, endpoint=url, iam_endpoint=url)])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "✗ demo: never ok — ConnectError" in app.main_screen.header.text
        assert "✗ --- GET" in log_text(app)


async def test_refused_credentials_pause_the_profile_until_r(make_app: MakeApp, emulator: Emulator) -> None:
    app = make_app([emulator_profile(emulator, sk="not-the-secret-key-00000000000000000000")])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.main_screen
        for _ in range(4):  # polls, not the user: the service stops asking after a few refusals
            screen._start_refresh()
            await settle(pilot)
        sent = len(emulator.requests)
        screen._start_refresh()
        await settle(pilot)
        assert len(emulator.requests) == sent  # paused: nothing more goes out
        assert "paused after" in screen.header.text
        assert "stopped:" in log_text(app)
        await pilot.press("r")  # the user asks: one more try
        await settle(pilot)
        assert len(emulator.requests) == sent + 1
