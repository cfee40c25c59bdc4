"""Every key binding of the app, each with an id, a description and a group.

Users remap keys by id in the config (``[ui.keys] start = "S"``); the help screen and the command
palette read the same tables, so what they list is what the keys do.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from textual.binding import Binding

# Groups are listed here, not in Binding.group: the footer would fold a group's keys into one label.
INSTANCES = "Instances"
VIEW = "View"
APP = "App"

MAIN_BINDINGS: list[Binding] = [
    Binding("s", "start_selected", "Start", id="start", tooltip="Start marked rows, else the cursor row"),
    Binding(
        "x", "stop_selected", "Stop", id="stop", tooltip="Stop marked rows, else the cursor row (asks first)"
    ),
    Binding(
        "p",
        "prolong_selected",
        "Prolong",
        id="prolong",
        tooltip="Renew the auto-stop lease by 1-72 h (notebooks API)",
    ),
    Binding(
        "n",
        "create_notebook",
        "New",
        id="create",
        show=False,
        tooltip="Create a notebook (notebooks API): a form",
    ),
    Binding(
        "ctrl+d",
        "delete_selected",
        "Delete",
        id="delete",
        show=False,
        tooltip="Delete marked rows, else the cursor row, with their storage (type the name)",
    ),
    Binding(
        "R",
        "resize_selected",
        "Resize",
        id="resize",
        show=False,
        tooltip="Change the flavor (stop, change, start again) or grow the storage",
    ),
    Binding(
        "i",
        "save_image_selected",
        "Save image",
        id="save_image",
        show=False,
        tooltip="Save the cursor notebook as an image (name, tag; notebooks API)",
    ),
    Binding(
        "w",
        "start_available_selected",
        "When free",
        id="start_available",
        show=False,
        tooltip="Start, retrying while the flavor is sold out or short; again: cancel",
    ),
    Binding(
        "c",
        "connect_selected",
        "Connect",
        id="connect",
        tooltip="SSH to the cursor row with the system ssh (a stopped one: start, wait, connect)",
    ),
    Binding(
        "o",
        "open_jupyter",
        "JupyterLab",
        id="jupyter",
        show=False,
        tooltip="Show the cursor row's JupyterLab URL and copy it (OSC 52; never its token)",
    ),
    Binding(
        "K",
        "connect_settings",
        "SSH settings",
        id="connect-settings",
        show=False,
        tooltip="Key folder of the row's profile; identity file, ssh options, alias of the row",
    ),
    Binding(
        "space",
        "toggle_mark",
        "Mark",
        id="mark",
        key_display="space",
        tooltip="Mark/unmark the cursor row; actions use the marks",
    ),
    Binding(
        "asterisk,ctrl+space,ctrl+@",
        "mark_all",
        "Mark all",
        id="mark-all",
        key_display="*",
        show=False,
        tooltip="Mark every row shown (ctrl+space too)",
    ),
    Binding("u", "unmark_all", "Unmark all", id="unmark-all", show=False, tooltip="Clear every mark"),
    Binding("y", "yank('id')", "Copy id", id="copy-id", show=False, tooltip="Copy the row's id (OSC 52)"),
    Binding("Y", "yank('name')", "Copy name", id="copy-name", show=False, tooltip="Copy the row's name"),
    Binding(
        "enter",
        "open_details",
        "Details",
        id="details",
        show=False,
        tooltip="The whole instance as the service returns it; there t adds tags, T removes them",
    ),
    Binding("r", "refresh_now", "Refresh", id="refresh", tooltip="Poll the service now"),
    # priority: keys typed right after "/" must reach the filter, not the table's queue.
    Binding(
        "slash",
        "open_filter",
        "Filter",
        id="filter",
        key_display="/",
        priority=True,
        tooltip="Words AND, !word negates, status:running, ^start",
    ),
    Binding(
        "escape",
        "clear_view",
        "Clear",
        id="clear",
        show=False,
        tooltip="Unmark all rows, then clear the filter",
    ),
    Binding("l", "toggle_log", "Log", id="log", show=False, tooltip="Show or hide the API call log"),
    *(
        Binding(
            key,
            f"sort_by('{by}')",
            f"Sort {what.split()[0]}",
            id=f"sort-{by.replace('_', '-')}",
            show=False,
            tooltip=f"Order by {what}; again: reverse",
        )
        for key, by, what in (
            ("N", "name", "name"),
            ("S", "status", "status"),
            ("A", "age", "age"),
            ("T", "time_left", "time left to auto-stop"),
            ("P", "profile", "profile"),
        )
    ),
    Binding(
        "colon",
        "app.command_palette",
        "Commands",
        id="commands",
        key_display=":",
        show=False,
        tooltip="The command palette (ctrl+p too)",
    ),
    Binding("e", "open_settings", "Settings", id="settings", tooltip="Profiles, credentials and regions"),
    Binding("q", "quit", "Quit", id="quit", tooltip="Leave the app"),
]
"""Bindings of the main screen (the instance table)."""

APP_BINDINGS: list[Binding] = [
    Binding("question_mark", "open_help", "Help", id="help", key_display="?", tooltip="This list of keys"),
    Binding(
        "ctrl+q",
        "quit",
        "Quit",
        id="quit-now",
        show=False,
        priority=True,
        tooltip="Leave the app from anywhere",
    ),
    Binding(
        "ctrl+p",
        "command_palette",
        "Commands",
        id="palette",
        show=False,
        priority=True,
        tooltip="Search every action; switch profile",
    ),
]
"""Bindings active on every screen."""

TABLE_KEYS: list[Binding] = [
    Binding("j", "cursor_down", "Down", show=False, id="down"),
    Binding("k", "cursor_up", "Up", show=False, id="up"),
    Binding("g", "scroll_top", "Top", show=False, id="top"),
    Binding("G", "scroll_bottom", "Bottom", show=False, id="bottom"),
]
"""Extra cursor keys on the table (vi style), remappable like the others."""

SCROLL_KEYS: list[Binding] = [
    Binding("j", "scroll_down", "Down", show=False, id="down"),
    Binding("k", "scroll_up", "Up", show=False, id="up"),
    Binding("g", "scroll_home", "Top", show=False, id="top"),
    Binding("G", "scroll_end", "Bottom", show=False, id="bottom"),
]
"""The same keys (same ids, so one remap moves both) where a page scrolls: details and help."""

_GROUP_OF = {
    "start": INSTANCES,
    "stop": INSTANCES,
    "prolong": INSTANCES,
    "create": INSTANCES,
    "delete": INSTANCES,
    "resize": INSTANCES,
    "save_image": INSTANCES,
    "start_available": INSTANCES,
    "connect": INSTANCES,
    "jupyter": INSTANCES,
    "connect-settings": INSTANCES,
    "mark": INSTANCES,
    "mark-all": INSTANCES,
    "unmark-all": INSTANCES,
    "copy-id": INSTANCES,
    "copy-name": INSTANCES,
    "details": INSTANCES,
    "sort-name": VIEW,
    "sort-status": VIEW,
    "sort-age": VIEW,
    "sort-time-left": VIEW,
    "sort-profile": VIEW,
    "refresh": VIEW,
    "filter": VIEW,
    "clear": VIEW,
    "log": VIEW,
}


def _group(group: str) -> list[Binding]:
    return [b for b in (*MAIN_BINDINGS, *APP_BINDINGS) if _GROUP_OF.get(b.id or "", APP) == group]


ALL_GROUPS: Sequence[tuple[str, Sequence[Binding]]] = tuple((g, _group(g)) for g in (INSTANCES, VIEW, APP))
"""What the help screen lists, in order."""

BINDING_IDS = frozenset(b.id for b in (*MAIN_BINDINGS, *APP_BINDINGS, *TABLE_KEYS) if b.id is not None)
"""Every id a user may remap in ``ui.keys``."""


def unknown_ids(keymap: Mapping[str, str]) -> list[str]:
    """Ids in a user keymap that name no binding (reported, not silently ignored)."""
    return sorted(k for k in keymap if k not in BINDING_IDS)


def _keys(value: str) -> list[str]:
    return [k.strip() for k in value.split(",") if k.strip()]


def key_conflicts(keymap: Mapping[str, str]) -> list[tuple[str, str, str]]:
    """(remapped id, key, the other binding's id) for each remap onto a key another binding has.

    Every binding here is live on the main screen at once: ``start = "q"`` would take over quit.
    """
    bindings = [b for b in (*MAIN_BINDINGS, *APP_BINDINGS, *TABLE_KEYS) if b.id]
    owner: dict[str, str] = {}
    for binding in bindings:  # the keys nobody remapped first: a remap must not take them
        if binding.id not in keymap:
            owner.update({key: str(binding.id) for key in _keys(binding.key)})
    found = []
    for binding in bindings:
        if binding.id in keymap:
            for key in _keys(keymap[str(binding.id)]):
                other = owner.setdefault(key, str(binding.id))
                if other != binding.id:
                    found.append((str(binding.id), key, other))
    return found


_DISPLAY = {
    "question_mark": "?",
    "slash": "/",
    "space": "space",
    "enter": "enter",
    "escape": "esc",
    "asterisk": "*",
    "colon": ":",
    "ctrl+q": "^q",
    "ctrl+d": "^d",
    "ctrl+p": "^p",
}


def key_label(binding: Binding, keymap: Mapping[str, str]) -> str:
    """The key a user presses for ``binding`` after remapping, as shown in help."""
    key = keymap.get(binding.id or "", None)
    if key is None:
        return binding.key_display or _DISPLAY.get(binding.key, binding.key)
    first = key.split(",")[0].strip()
    return _DISPLAY.get(first, first)
