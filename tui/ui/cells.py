"""Pure text for table cells: status marks, countdowns, ages, short ids, column layouts.

No Textual here: every function takes values and returns plain strings, so the table, the tests
and the status bar agree on what a user reads, with or without colour.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from tui.core.actions import ACTIONS
from tui.core.models import Instance, Phase
from tui.core.tags import tags_text
from tui.service.models import Row
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
        return f"◐ {declared.pending if declared else step_text(pending)}"
    phase = instance.phase
    status = instance.status.upper() or "?"
    if phase.transitional:
        return f"◐ {instance.progress}" if instance.progress else f"◐ {status}…"
    return f"{_MARKS.get(phase, '?')} {status}"


_WAITING = re.compile(r"waiting for capacity \(attempt (\d+), next in (\d+)s\)")


def step_text(label: str) -> str:
    """A step label as its cell shows it: ``no capacity #4 · next 60s`` for the service's
    ``waiting for capacity (attempt 4, next in 60s)`` (it fits ``STATUS_LONG``), else ``label…``."""
    waiting = _WAITING.fullmatch(label)
    if waiting:
        return f"no capacity #{waiting[1]} · next {waiting[2]}s"
    return label + "…"


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


def owner_text(instance: Instance) -> str:
    """The OWNER cell: who the notebook belongs to (every user's notebooks), ``—`` when unknown."""
    return instance.owner or "—"


def row_tags_text(instance: Instance) -> str:
    """The TAGS cell: ``team=cv cost=gpu``, ``—`` without tags."""
    return tags_text(instance.tags) or "—"


def optional_columns(rows: Iterable[Row]) -> dict[str, bool]:
    """Which optional columns the rows need: ``tags`` (some row has tags), ``long_status`` (some row
    shows a step, a progress or a moving state longer than the usual column: ``◐ CREATE_QUEUING…``)."""
    tags = long_status = False
    for row in rows:
        tags = tags or bool(row.instance.tags)
        moving = row.pending or row.instance.progress or row.instance.phase.transitional
        if not long_status and moving and not row.gone:
            long_status = len(status_text(row.instance, pending=row.pending)) > STATUS_SHORT
        if tags and long_status:
            break
    return {"tags": tags, "long_status": long_status}


def extra_after(extra: dict[str, bool], before: Row | None, row: Row) -> dict[str, bool] | None:
    """The optional columns once ``before`` became ``row``, looking at that row alone (not every row,
    for each of a bulk action's rows); None when it gave up a column (its last tag, its step): then
    every row must say whether the column is still needed."""
    mine = optional_columns([row])
    if before is not None and any(v and not mine[k] for k, v in optional_columns([before]).items()):
        return None
    return {k: v or extra.get(k, False) for k, v in mine.items()}


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
NAME_MIN = 11
"""Cells the name keeps when optional columns (owner, tags, a long status) want room."""
STATUS_SHORT = 15
"""The status column below 120 cells: its longest state (``✗ DELETE_FAILED``)."""
STATUS_LONG = 28
STATUS_MID = 24
"""The long status narrowed for the flavor's sake (``◐ 1/4 Allocating storage`` still fits)."""
"""The status column while a row shows a step ("◐ 3/4 Pulling the image", "◐ no capacity #4 · next 60s")."""


_ROOM_STEPS: tuple[tuple[str, int], ...] = (
    ("id", 0),
    ("age", 0),
    ("status", STATUS_MID),
    ("tags", 10),
    ("flavor", 0),
    ("tags", 0),
    ("status", STATUS_SHORT),
)
"""How optional columns make room at 80 columns, in order: (column, 0 to drop it, else its new width)."""


def _make_room(
    cols: list[ColumnSpec], spare_of: Callable[[Sequence[ColumnSpec]], int], wanted: int
) -> list[ColumnSpec]:
    """Follow ``_ROOM_STEPS`` until ``wanted`` cells are spare for the name (and the image)."""
    for key, width in _ROOM_STEPS:
        short = wanted - spare_of(cols)
        if short <= 0:
            break
        if not width:
            cols = [c for c in cols if c.key != key]
        else:
            cols = [
                ColumnSpec(c.key, c.label, min(c.width, max(width, c.width - short))) if c.key == key else c
                for c in cols
            ]
    return cols


def columns_for(
    width: int,
    *,
    profiles: bool,
    sorted_by: str = "",
    owner: bool = False,
    tags: bool = False,
    long_status: bool = False,
) -> tuple[ColumnSpec, ...]:
    """The columns that fit ``width`` cells; name (and image, when shown) take what is left.

    Narrow terminals drop the image first, then the id (at once when a profile column is needed),
    then the age, then (with a profile column) the flavor. The status is wide enough for its
    longest text (``✗ DELETE_FAILED``); the ``sorted_by`` column, for its label and a sort mark.
    The optional columns (``owner``: every user's notebooks; ``tags``: some row has tags;
    ``long_status``: a row shows a step) make room by dropping the id, then the age, then the
    flavor, then the tags, then by narrowing the long status, until the name has ``NAME_MIN`` cells.
    """
    wide = width >= 120
    cols: list[ColumnSpec] = [ColumnSpec("mark", " ", 1)]
    if profiles:
        cols.append(ColumnSpec("profile", "PROFILE", 12 if wide else 8))
    cols.append(ColumnSpec("name", "NAME", 0))
    if owner:
        cols.append(ColumnSpec("owner", "OWNER", 12 if wide else 9))
    if (not profiles and width >= 72) or width >= 100:
        cols.append(ColumnSpec("id", "ID", 8))
    status_width = (STATUS_LONG + 8 if wide else STATUS_LONG) if long_status else 16 if wide else STATUS_SHORT
    cols.append(ColumnSpec("status", "STATUS", status_width))
    if not profiles or width >= 70:
        cols.append(ColumnSpec("flavor", "FLAVOR", 12 if wide else 10))
    if tags:
        cols.append(ColumnSpec("tags", "TAGS", 20 if wide else 12))
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

    def spare_of(chosen: Sequence[ColumnSpec]) -> int:
        return width - sum(c.width + PADDING for c in chosen) - PADDING * flexible - 1  # the scrollbar

    if owner or tags or long_status:
        cols = _make_room(cols, spare_of, NAME_MIN + (16 if show_image else 0))
    spare = max(0, spare_of(cols))
    if show_image:
        name_width = min(32, max(16, spare // 2))
        image_width = max(12, min(48, spare - name_width))
    else:
        name_width, image_width = max(10, spare), 0
    sized = {"name": name_width, "image": image_width}
    return tuple(ColumnSpec(c.key, c.label, sized[c.key]) if c.key in sized else c for c in cols)


def _status_cell(row: Row, width: int, stale: bool, now: float) -> tuple[str, str]:
    inst = row.instance
    text = status_text(inst, pending=row.pending, gone=row.gone, unknown=row.unknown)
    if stale and not row.gone:
        mark = stale_text(row.fetched_at, now)
        text = f"{text} {mark}" if mark else text
    return fit(text, width), status_kind(inst, pending=row.pending, gone=row.gone)


_PLAIN: dict[str, Callable[[Row], str]] = {
    "profile": lambda r: r.profile,
    "name": lambda r: r.display_name,
    "flavor": lambda r: flavor_text(r.instance),
    "image": lambda r: r.instance.image or "—",
    "owner": lambda r: owner_text(r.instance),
    "tags": lambda r: row_tags_text(r.instance),
}


def row_cells(
    row: Row,
    layout: Iterable[ColumnSpec],
    *,
    marked: bool,
    stale: bool,
    now: float,
    only: Iterable[str] | None = None,
) -> dict[str, tuple[str, str]]:
    """Plain text and style name of each cell of ``row`` in ``layout`` (or only the named columns).

    ``stale``: the row's profile fails its polls (the status says how old the row is).
    """
    now_ms = int(now * 1000)
    inst = row.instance
    base = "gone" if row.gone else ""
    wanted = None if only is None else set(only)
    out: dict[str, tuple[str, str]] = {}
    for spec in layout:
        key, width = spec.key, spec.width
        if wanted is not None and key not in wanted:
            continue
        if key == "mark":
            out[key] = ("▌", "mark") if marked else (" ", "")
        elif key in _PLAIN:
            out[key] = (fit(_PLAIN[key](row), width), base)
        elif key == "id":
            out[key] = (short_id(inst.id, width), base)
        elif key == "status":
            out[key] = _status_cell(row, width, stale, now)
        elif key == "autostop":
            text, warn = ("—", False) if row.gone else countdown_text(inst, now_ms)
            out[key] = (text, "warning" if warn else base)
        elif key == "age":
            out[key] = (age_text(inst.created_ms, now_ms), base)
    return out


MINUTE_MS = 60_000


def clock_cells(row: Row, *, stale: bool, now_ms: int, recent_ms: int) -> tuple[tuple[str, ...], int]:
    """The cells of ``row`` whose text moves with the clock alone, and the clock (``int(now *
    1000)``, as ``row_cells`` counts it) before which none of them can show another text.

    Every such text counts whole minutes from its own instant: the countdown from the planned
    stop (and says ``! due`` under a second before it), the age from the creation (minutes,
    hours, days), the stale mark from the last fetch. A tick before the earliest next minute of
    those leaves the row alone.
    """
    inst = row.instance
    cols: tuple[str, ...] = ()
    wait_ms = MINUTE_MS
    if row.gone:
        return cols, now_ms + wait_ms
    if stale:
        cols += ("status",)
        if row.fetched_at is not None:  # a float: rounded so as to come 1-2 ms late, never early
            wait_ms = min(wait_ms, MINUTE_MS - (now_ms - math.ceil(row.fetched_at * 1000)) % MINUTE_MS + 1)
    auto = inst.auto_stop
    if auto is not None and inst.phase is Phase.RUNNING:
        cols += ("autostop",)
        if auto.stop_at_ms is not None:  # the minutes drop 1 ms past each one; due under 1 s
            left_ms = auto.stop_at_ms - now_ms
            due_ms = left_ms - 999 if left_ms >= 1000 else MINUTE_MS
            wait_ms = min(wait_ms, left_ms % MINUTE_MS + 1, due_ms)
    if inst.created_ms is not None and now_ms - inst.created_ms < recent_ms:
        cols += ("age",)
        wait_ms = min(wait_ms, MINUTE_MS - (now_ms - inst.created_ms) % MINUTE_MS)
    return cols, now_ms + wait_ms


def column_label(spec: ColumnSpec, by: str, reverse: bool) -> str:
    """A column's header: its label, and ▲ or ▼ on the column the rows are sorted by."""
    sorted_here = SORT_COLUMN.get(by) == spec.key
    return f"{spec.label}{'▼' if reverse else '▲'}" if sorted_here else spec.label
