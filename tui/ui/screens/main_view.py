"""The keys of the main screen that change what the table shows, not what the service does:
marks, the filter, the log panel, details, settings and quitting.

``ViewKeys`` is the base of ``MainScreen``; it owns the table's view and the flash line, and
knows nothing of polling or actions.
"""

from __future__ import annotations

from collections.abc import Callable

from textual import events, on
from textual.keys import key_to_character
from textual.screen import Screen
from textual.widgets import Input

from tui.service import InstanceService
from tui.ui.messages import RefreshRequested
from tui.ui.widgets.flash import FlashLine, Level
from tui.ui.widgets.instance_table import InstanceTable


class ViewKeys(Screen[None]):
    """What the main screen's view keys need: the table, the service (read only), a clock."""

    service: InstanceService
    _clock: Callable[[], float]
    _filter_origin: str | None = None
    """The cursor row before the filter opened: Escape in the filter goes back to it."""
    _early_flash: tuple[str, Level] | None = None

    @property
    def table(self) -> InstanceTable:
        return self.query_one(InstanceTable)

    @property
    def flash_line(self) -> FlashLine:
        return self.query_one(FlashLine)

    def flash(self, text: str, level: Level = "info") -> None:
        """Say ``text`` on the flash line (``info``, ``warn`` or ``error``); it clears itself after
        a few seconds and covers nothing. The log panel keeps the record: note it there too."""
        if self.is_mounted:
            self.flash_line.flash(text, level)
        else:
            self._early_flash = (text, level)

    def note(self, text: str, *, error: bool = False) -> None:
        """A line in the log panel (the main screen writes it)."""
        raise NotImplementedError

    # --- view -----------------------------------------------------------------------------------
    def action_toggle_mark(self) -> None:
        key = self.table.cursor_key
        if key is None:
            return
        self.table.toggle_mark(key)
        self.table.action_cursor_down()

    def action_mark_all(self) -> None:
        count = self.table.mark_all()
        self.flash(f"{count} marked: actions apply to them (u unmarks)" if count else "no row to mark")

    def action_unmark_all(self) -> None:
        count = self.table.clear_marks()
        self.flash(f"{count} unmarked" if count else "nothing was marked")

    def action_sort_by(self, by: str) -> None:
        """Sort by ``by``; the same key again reverses. The cursor stays on its instance."""
        current, reverse = self.table.sorted_by
        self.table.set_sort(by, not reverse if by == current else False)

    def action_yank(self, what: str) -> None:
        """Copy the cursor row's id or name to the clipboard (OSC 52: works over SSH and in tmux)."""
        key = self.table.cursor_key
        row = self.table.row_for(key) if key else None
        if row is None:
            self.flash("no instance here to copy", "warn")
            return
        text = row.instance.id if what == "id" else row.display_name
        self.app.copy_to_clipboard(text)
        self.flash(f"copied {what} {text}")

    def action_refresh_now(self) -> None:
        self.post_message(RefreshRequested(force=True))

    def action_open_filter(self) -> None:
        field = self.query_one("#filter-input", Input)
        if self.focused is field:
            # A priority binding: inside the filter the key is a character. Queue it behind the keys
            # the field has not handled yet, so the order of what was typed is kept.
            keymap: dict[str, str] = getattr(self.app, "user_keymap", {})
            key = keymap.get("filter", "slash").split(",")[0].strip()
            character = key if len(key) == 1 else "/" if key == "slash" else key_to_character(key)
            if character is not None:
                field.post_message(events.Key("slash" if character == "/" else key, character))
            return
        bar = self.query_one("#filter-bar")
        if not bar.display:
            self._filter_origin = self.table.cursor_key
        bar.display = True
        # Focus now, not on the next loop turn: keys typed right after "/" belong to the filter.
        self.set_focus(field)

    @on(Input.Changed, "#filter-input")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.table.set_filter(event.value)
        problems = self.table.filter_problems
        if problems:
            self.flash(problems[0], "warn")

    @on(Input.Submitted, "#filter-input")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        if not event.value.strip():
            self.query_one("#filter-bar").display = False
        self.table.focus()

    def action_clear_view(self) -> None:
        field = self.query_one("#filter-input", Input)
        in_filter = self.focused is field
        if in_filter or (not self.table.marked and self.table.filter_text):
            cancelled = in_filter
            field.value = ""
            self.query_one("#filter-bar").display = False
            self.table.set_filter("")
            if cancelled:
                self.table.move_to(self._filter_origin)
            self.table.focus()
        else:
            self.table.clear_marks()

    def action_toggle_log(self) -> None:
        panel = self.query_one("#log-panel")
        panel.display = not panel.display

    def action_open_details(self) -> None:
        from tui.ui.screens.details import DetailsScreen

        key = self.table.cursor_key
        row = self.table.row_for(key) if key else None
        if row is not None:
            self.app.push_screen(DetailsScreen(row, self.service, clock=self._clock))

    def action_open_settings(self) -> None:
        opener = getattr(self.app, "open_settings", None)
        if opener is not None:
            opener()

    def action_quit(self) -> None:
        self.app.exit()

    def set_scope(self, profile: str | None) -> None:
        """Show one profile (the palette's "switch profile"), or all."""
        self.table.set_scope(profile)
