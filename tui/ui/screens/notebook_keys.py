"""Keys of the main screen for save as image (``i``) and start when available (``w``).

Both are declared actions; these only ask what they need and hand ``ActionRequested`` to the
screen (``RowActions`` claims and sends). ``w`` on a row that waits for capacity cancels it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tui.core.actions import action_named
from tui.service.capacity import Attempt
from tui.service.images_tags import default_namespace
from tui.ui.messages import ActionRequested

if TYPE_CHECKING:
    from collections.abc import Iterable

    from tui.service import InstanceService
    from tui.ui.screens.row_actions import RowActions
    from tui.ui.widgets.instance_table import InstanceTable


class NotebookKeys:
    """``action_save_image_selected`` and ``action_start_available_selected`` of MainScreen."""

    if TYPE_CHECKING:
        service: InstanceService
        actions: RowActions

        @property
        def table(self) -> InstanceTable: ...
        def note(self, text: str, *, error: bool = False) -> None: ...
        def notify(self, message: str, **kwargs: Any) -> None: ...
        def post_message(self, message: Any) -> bool: ...
        def _rows_changed(self, keys: Iterable[str]) -> None: ...

        app: Any

    def action_save_image_selected(self) -> None:
        keys = self.table.selected()
        if len(keys) != 1:
            text = (
                "Save as image: one notebook at a time (unmark the others)"
                if keys
                else "No instance here yet."
            )
            self.notify(text, severity="warning", markup=False)
            return
        self.ask_save_image(keys[0])

    def ask_save_image(self, key: str, *, then: str = "") -> None:
        """Open the save-image form for ``key`` (refused at once when the row may not be saved);
        ``then``: "stop" or "delete" once the image is ACTIVE (the stop and delete confirmations)."""
        from tui.ui.screens.save_image import SaveImageModal

        action = action_named("save_image")
        reason = self.service.refusal(key, action.name)
        row = self.service.rows.get(key)
        if reason or row is None:
            self.notify(
                reason or key, title=f"{action.title}: nothing sent", severity="warning", markup=False
            )
            return

        def answered(values: dict[str, object] | None) -> None:
            if values:
                self.post_message(ActionRequested(action.name, [key], params=values))

        label = f"{row.display_name}  ({row.profile}, {row.instance.image or 'image unknown'})"
        self.app.push_screen(SaveImageModal(label, default_namespace(row.instance), then=then), answered)

    def action_start_available_selected(self) -> None:
        keys = self.table.selected()
        waiting = [k for k in keys if self.service.waiting_for_capacity(k)]
        if waiting:  # the same key again: stop waiting
            for key in waiting:
                self.service.cancel_waiting(key)
                self.note(f"{self._row_name(key)}: start when available cancelled")
            return
        if not keys:
            self.notify("No instance here yet.", severity="warning", markup=False)
            return

        def attempted(attempt: Attempt) -> None:
            self.note(attempt.text)
            self._rows_changed([attempt.key])

        self.post_message(ActionRequested("start_available", keys, params={"on_attempt": attempted}))

    def _row_name(self, key: str) -> str:
        row = self.service.rows.get(key)
        return row.display_name if row else key
