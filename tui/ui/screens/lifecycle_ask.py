"""What create, delete and resize ask before they are sent: RowActions hands these over by the
action's declaration (``creates_row``, ``confirm_by_name``, a ``flavor`` parameter), never by verb.

Each pushes its screen and, once answered, posts the one ``ActionRequested`` the main screen sends
through the service (which claims the keys at once, so a second press is refused).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from textual.screen import Screen

from tui.core.actions import Action
from tui.core.lifecycle import CreateSpec
from tui.core.models import FAMILY_NOTEBOOKS
from tui.service import InstanceService
from tui.ui.messages import ActionRequested

Warn = Callable[[str], None]


def create_profile(service: InstanceService, cursor_key: str | None) -> str | None:
    """The profile a new notebook goes to: the cursor row's when it is on the notebooks API, else the
    first enabled one that is; None when no profile is."""
    usable = [p.name for p in service.profiles if p.enabled and p.api == FAMILY_NOTEBOOKS]
    if cursor_key is not None and cursor_key.partition("/")[0] in usable:
        return cursor_key.partition("/")[0]
    return usable[0] if usable else None


def ask_create(
    screen: Screen[Any], service: InstanceService, action: Action, profile: str | None, warn: Warn
) -> None:
    """Open the create form for ``profile`` (refused at once when the profile may not create)."""
    from tui.ui.screens.create import CreateScreen

    if profile is None:
        warn(f"{action.title}: nothing sent — it needs a profile on the notebooks API")
        return
    reason = service.refusal(f"{profile}/", action.name)
    if reason:
        warn(f"{action.title}: nothing sent — {reason}")
        return
    taken = {r.instance.name for r in service.rows.values() if r.profile == profile and not r.gone}

    def answered(spec: CreateSpec | None) -> None:
        if spec is not None:
            screen.post_message(
                ActionRequested(action.name, [f"{profile}/{spec.name}"], params={"spec": spec})
            )

    screen.app.push_screen(CreateScreen(service, profile, taken), answered)


def ask_delete(
    screen: Screen[Any],
    service: InstanceService,
    action: Action,
    keys: Sequence[str],
    labels: Sequence[str],
    save_first: bool = False,
) -> None:
    """Ask for the name typed back (the count for several), then request the delete; with
    ``save_first`` the modal offers "save as image first" (the image form, then the delete)."""
    from tui.ui.screens.delete import SAVE_FIRST, DeleteModal

    names = [service.rows[k].instance.name if k in service.rows else k for k in keys]

    def answered(answer: bool | str | None) -> None:
        ask_save_image = getattr(screen, "ask_save_image", None)
        if answer == SAVE_FIRST and ask_save_image is not None:
            ask_save_image(keys[0], then=action.name)
        elif answer is True:
            screen.post_message(ActionRequested(action.name, list(keys)))

    screen.app.push_screen(DeleteModal(labels, names, save_first=save_first), answered)


def ask_resize(
    screen: Screen[Any],
    service: InstanceService,
    action: Action,
    keys: Sequence[str],
    label: str,
    warn: Warn,
    on_step: Callable[[str, str], None],
) -> None:
    """Resize one instance (the cursor row, or the one marked row): pick a flavor, maybe a size.

    ``on_step(key, text)`` is told each step of a multi-step resize as it begins."""
    from tui.ui.screens.resize import ResizeModal

    if len(keys) != 1:
        warn(f"{action.title}: nothing sent — resize one instance at a time ({len(keys)} marked)")
        return
    [key] = keys
    row = service.rows.get(key)
    if row is None:
        return

    def answered(choice: dict[str, object] | None) -> None:
        if choice:
            params = {**choice, "on_step": on_step}
            screen.post_message(ActionRequested(action.name, [key], params=params))

    screen.app.push_screen(ResizeModal(service, key, label, row.instance), answered)


class LifecycleKeys:
    """The key actions of create, delete and resize on the main screen (a part of MainScreen)."""

    if TYPE_CHECKING:
        from tui.ui.screens.row_actions import RowActions

        actions: RowActions

    def action_create_notebook(self) -> None:
        self.actions.request("create")

    def action_delete_selected(self) -> None:
        self.actions.request("delete")

    def action_resize_selected(self) -> None:
        self.actions.request("resize")
