"""What an idle screen sends to the terminal when one thing changes (issue 15: slow SSH links)."""

from __future__ import annotations

from tests.ui.uihelpers import NO_TIMER_POLLS, CountingDriver, MakeApp, log_text, settle
from tui.emulator import ManualClock

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


async def test_a_flash_sends_its_own_cells_coming_and_going(make_app: MakeApp, clock: ManualClock) -> None:
    """The flash line is the screen's width; a message in or out repaints as far as it reaches."""
    app = make_app(ui=NO_TIMER_POLLS)
    app.driver_class = CountingDriver
    async with app.run_test(headless=False, size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.main_screen
        screen.flash_line.clear()
        await settle(pilot)
        CountingDriver.reset()
        screen.flash("auto-stop soon: nb-one in 9m", "warn")
        await settle(pilot)
        assert "! auto-stop soon: nb-one in 9m" in CountingDriver.sent_text()
        assert "in 9m" + " " * 8 not in CountingDriver.sent_text()
        assert CountingDriver.written < 120, CountingDriver.written
        CountingDriver.reset()
        screen.flash("short", "info")  # a shorter one blanks what the longer one said
        await settle(pilot)
        assert "· short" + " " * 23 in CountingDriver.sent_text()  # the 30 cells of the one before
        assert CountingDriver.written < 120, CountingDriver.written
        shown = screen.flash_line.render_lines(screen.flash_line.region.reset_offset)[0].text
        assert shown.strip() == "· short"
        CountingDriver.reset()
        clock.advance(5)
        screen.flash_line.expire()
        await settle(pilot)
        assert CountingDriver.sent_text().strip() == ""
        assert 0 < CountingDriver.written < 80, CountingDriver.written
        assert screen.flash_line.render_lines(screen.flash_line.region.reset_offset)[0].text.strip() == ""
