"""What an idle screen sends to the terminal when one thing changes (issue 15: slow SSH links)."""

from __future__ import annotations

from tests.ui.uihelpers import NO_TIMER_POLLS, CountingDriver, MakeApp, log_text, settle

SIZE = (80, 24)


async def test_a_log_line_with_room_in_the_panel_sends_that_line_alone(make_app: MakeApp) -> None:
    """RichLog lays out the screen for each line: the whole panel and its title went again, and
    the table's scrollbar too (3.7 KB for one auto-stop note at 120x40)."""
    app = make_app(ui=NO_TIMER_POLLS)
    app.driver_class = CountingDriver
    async with app.run_test(headless=False, size=SIZE) as pilot:
        await settle(pilot)
        screen = app.main_screen
        panel = screen.log_panel
        assert len(panel.lines) < panel.scrollable_content_region.height - 1  # room for two more
        CountingDriver.reset()
        screen.note("nb-one stops automatically in 9m")
        await settle(pilot)
        sent = CountingDriver.sent_text()
        assert "nb-one stops automatically in 9m" in sent
        assert "API log" not in sent
        assert "in 9m" + " " * 8 not in sent  # the row was blank: its text alone, no padding
        assert CountingDriver.written < 400, CountingDriver.written
        screen.note("nb-two stops automatically in 8m")
        await settle(pilot)
        assert log_text(app).splitlines()[-2:] == [
            line for line in log_text(app).splitlines() if "stops automatically" in line
        ]
        shown = [strip.text for strip in panel.render_lines(panel.region.reset_offset)]
        assert any("nb-two stops automatically in 8m" in line for line in shown)


async def test_a_panel_that_fills_gets_its_scrollbar_and_shows_the_newest_line(make_app: MakeApp) -> None:
    app = make_app(ui=NO_TIMER_POLLS)
    app.driver_class = CountingDriver
    async with app.run_test(headless=False, size=SIZE) as pilot:
        await settle(pilot)
        screen = app.main_screen
        panel = screen.log_panel
        height = panel.scrollable_content_region.height
        for n in range(height + 3):
            screen.note(f"note {n}")
            await settle(pilot)
        assert panel.show_vertical_scrollbar
        assert panel.vertical_scrollbar.window_virtual_size == len(panel.lines)
        assert panel.scroll_y == panel.max_scroll_y
        CountingDriver.reset()
        screen.note("the newest note")
        await settle(pilot)
        assert panel.vertical_scrollbar.window_virtual_size == len(panel.lines)
        assert panel.scroll_y == panel.max_scroll_y
        shown = [strip.text for strip in panel.render_lines(panel.region.reset_offset)]
        assert "the newest note" in shown[-1]
        assert "the newest note" in CountingDriver.sent_text()
