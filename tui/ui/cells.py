"""Pure text for table cells: status marks, countdowns, ages, short ids, column layouts.

No Textual here: every function takes values and returns plain strings, so the table, the tests
and the status bar agree on what a user reads, with or without colour.
"""

from __future__ import annotations

from dataclasses import dataclass

from tui.core.actions import ACTIONS
from tui.core.models import Instance, Phase
from tui.service.present import WARN_BELOW_S as WARN_BELOW_S
from tui.service.present import age_text as age_text
from tui.service.present import countdown_text as countdown_text
from tui.service.present import duration_text as duration_text
from tui.service.present import flavor_text as flavor_text
from tui.service.present import short_id as short_id

_MARKS = {
    Phase.RUNNING: "●",
    Phase.STOPPED: "○",
    Phase.FAILED: "✗",
    Phase.DELETED: "✗",
    Phase.UNKNOWN: "?",
}


def status_kind(instance: Instance, *, pending: str | None = None, gone: bool = False) -> str:
    """The style family of a status cell: running, stopped, moving, failed, gone, unknown."""
    if gone:
        return "gone"
    if pending:
        return "moving"
    phase = instance.phase
    if phase.transitional:
        return "moving"
    return {
        Phase.RUNNING: "running",
        Phase.STOPPED: "stopped",
        Phase.FAILED: "failed",
        Phase.DELETED: "failed",
    }.get(phase, "unknown")


def status_text(
    instance: Instance, *, pending: str | None = None, gone: bool = False, unknown: str | None = None
) -> str:
    """``● RUNNING``, ``○ STOPPED``, ``◐ STARTING…``, ``✗ START_FAILED``, ``◐ starting…``, ``— gone``,
    ``? start unknown``.

    The mark makes the state readable without colour; ``…`` says the state is moving.
    A lower-case verb means our own request is in flight, or (``unknown``) that its answer was
    lost and no read since told whether it happened.
    """
    if gone:
        return "— gone"
    if unknown and not pending:
        return f"? {unknown} unknown"
    if pending:
        declared = ACTIONS.get(pending)
        return f"◐ {declared.pending if declared else pending + '…'}"
    phase = instance.phase
    status = instance.status.upper() or "?"
    if phase.transitional:
        return f"◐ {status}…"
    return f"{_MARKS.get(phase, '?')} {status}"


def stale_text(fetched_at: float | None, now: float) -> str:
    """``~3m`` once a row's data is a minute or more old (its profile's polls fail), else ``""``."""
    if fetched_at is None:
        return "~?"
    age = now - fetched_at
    if age < 60:
        return ""
    return f"~{duration_text(age).replace(' ', '')}"


def fit(text: str, width: int) -> str:
    """``text`` cut to ``width`` cells with an ellipsis when it is longer."""
    if width <= 0:
        return ""
    if len(text) <= width:
        return text
    return text[: max(0, width - 1)] + "…"


@dataclass(frozen=True, slots=True)
class ColumnSpec:
    """One table column: its key, header label and width in cells (padding not included)."""

    key: str
    label: str
    width: int


SORT_COLUMN = {
    "name": "name",
    "status": "status",
    "age": "age",
    "time_left": "autostop",
    "profile": "profile",
}
"""The column that shows what the table is sorted by (its header gets ``▲`` or ``▼``)."""

PADDING = 2
"""Cells each column adds around its content (one on each side)."""


def columns_for(width: int, *, profiles: bool, sorted_by: str = "") -> tuple[ColumnSpec, ...]:
    """The columns that fit ``width`` cells; name (and image, when shown) take what is left.

    Narrow terminals drop the image first, then the id (at once when a profile column is needed),
    then the age, then (with a profile column) the flavor. The status is wide enough for its
    longest text (``✗ DELETE_FAILED``); the ``sorted_by`` column, for its label and a sort mark.
    """
    wide = width >= 120
    cols: list[ColumnSpec] = [ColumnSpec("mark", " ", 1)]
    if profiles:
        cols.append(ColumnSpec("profile", "PROFILE", 12 if wide else 8))
    cols.append(ColumnSpec("name", "NAME", 0))
    if (not profiles and width >= 72) or width >= 100:
        cols.append(ColumnSpec("id", "ID", 8))
    cols.append(ColumnSpec("status", "STATUS", 16 if wide else 15))
    if not profiles or width >= 70:
        cols.append(ColumnSpec("flavor", "FLAVOR", 12 if wide else 10))
    show_image = width >= 110
    if show_image:
        cols.append(ColumnSpec("image", "IMAGE", 0))
    cols.append(ColumnSpec("autostop", "AUTO-STOP", 9))
    if width >= 64:
        cols.append(ColumnSpec("age", "AGE", 4))
    cols = [
        ColumnSpec(c.key, c.label, max(c.width, len(c.label) + 1)) if c.key == sorted_by and c.width else c
        for c in cols
    ]
    flexible = 2 if show_image else 1
    used = sum(c.width + PADDING for c in cols) + PADDING * flexible + 1  # + the scrollbar
    spare = max(0, width - used)
    if show_image:
        name_width = min(32, max(16, spare // 2))
        image_width = max(12, min(48, spare - name_width))
    else:
        name_width, image_width = max(10, spare), 0
    sized = {"name": name_width, "image": image_width}
    return tuple(ColumnSpec(c.key, c.label, sized[c.key]) if c.key in sized else c for c in cols)
