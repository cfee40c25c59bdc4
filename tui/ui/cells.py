"""Pure text for table cells: status marks, countdowns, ages, short ids, column layouts.

No Textual here: every function takes values and returns plain strings, so the table, the tests
and the status bar agree on what a user reads, with or without colour.
"""

from __future__ import annotations

from dataclasses import dataclass

from tui.core.models import Instance, Phase

WARN_BELOW_S = 15 * 60
"""Auto-stop countdowns under this many seconds get the warning mark ``!``."""

_MARKS = {
    Phase.RUNNING: "●",
    Phase.STOPPED: "○",
    Phase.FAILED: "✗",
    Phase.DELETED: "✗",
    Phase.UNKNOWN: "?",
}
_PENDING = {"start": "starting…", "stop": "stopping…", "prolong": "prolonging…"}


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


def status_text(instance: Instance, *, pending: str | None = None, gone: bool = False) -> str:
    """``● RUNNING``, ``○ STOPPED``, ``◐ STARTING…``, ``✗ START_FAILED``, ``◐ starting…``, ``— gone``.

    The mark makes the state readable without colour; ``…`` says the state is moving.
    A lower-case verb means our own request is in flight.
    """
    if gone:
        return "— gone"
    if pending:
        return f"◐ {_PENDING.get(pending, pending + '…')}"
    phase = instance.phase
    status = instance.status.upper() or "?"
    if phase.transitional:
        return f"◐ {status}…"
    return f"{_MARKS.get(phase, '?')} {status}"


COARSE_ABOVE_S = 3600
COARSE_STEP_S = 300
"""Above an hour the countdown moves in 5-minute steps (rounded down: never more time than is left),
so an idle table of many instances repaints a cell every few minutes, not every minute."""


def duration_text(seconds: float) -> str:
    """A compact duration: ``<1m``, ``12m``, ``1h 05m``, ``2d 03h``."""
    s = int(seconds)
    if s < 60:
        return "<1m"
    minutes = s // 60
    if minutes < 60:
        return f"{minutes}m"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours}h {minutes:02d}m"
    days, hours = divmod(hours, 24)
    return f"{days}d {hours:02d}h"


def countdown_text(instance: Instance, now_ms: int) -> tuple[str, bool]:
    """The auto-stop cell and whether it is a warning: ``1h 05m``, ``! 12m``, ``! due``, ``—``."""
    auto = instance.auto_stop
    if auto is None or instance.phase is not Phase.RUNNING:
        return "—", False
    remaining = auto.remaining_s(now_ms)
    if remaining is None:
        return "off" if not auto.enabled else "—", False
    if remaining <= 0:
        return "! due", True
    if remaining < WARN_BELOW_S:
        return f"! {duration_text(remaining)}", True
    if remaining >= COARSE_ABOVE_S:
        remaining -= remaining % COARSE_STEP_S
    return duration_text(remaining), False


def age_text(created_ms: int | None, now_ms: int) -> str:
    """How long ago the instance was created: ``<1m``, ``12m``, ``5h``, ``3d``."""
    if created_ms is None:
        return "—"
    s = max(0, (now_ms - created_ms) // 1000)
    if s < 60:
        return "<1m"
    if s < 3600:
        return f"{s // 60}m"
    if s < 86400:
        return f"{s // 3600}h"
    return f"{s // 86400}d"


def stale_text(fetched_at: float | None, now: float) -> str:
    """``~3m`` once a row's data is a minute or more old (its profile's polls fail), else ``""``."""
    if fetched_at is None:
        return "~?"
    age = now - fetched_at
    if age < 60:
        return ""
    return f"~{duration_text(age).replace(' ', '')}"


def short_id(instance_id: str, width: int = 8) -> str:
    """The first characters of the id after a ``DE-`` prefix: enough to tell rows apart."""
    core = instance_id[3:] if instance_id.upper().startswith("DE-") else instance_id
    return core[:width]


def flavor_text(instance: Instance) -> str:
    """``GPU v100`` from ``modelarts.vm.gpu.v100`` (type first, so CPU/GPU reads at a glance)."""
    kind = (instance.flavor_type or "").upper()
    kind = "NPU" if kind == "ASCEND" else kind
    tail = instance.flavor.rsplit(".", 1)[-1] if instance.flavor else ""
    if not kind:
        lowered = instance.flavor.lower()
        kind = next((k.upper() for k in ("gpu", "cpu", "npu") if f".{k}." in f".{lowered}."), "")
    return f"{kind} {tail}".strip() or "—"


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


PADDING = 2
"""Cells each column adds around its content (one on each side)."""


def columns_for(width: int, *, profiles: bool) -> tuple[ColumnSpec, ...]:
    """The columns that fit ``width`` cells; name (and image, when shown) take what is left.

    Narrow terminals drop the image first, then the id (at once when a profile column is needed),
    then the age.
    """
    wide = width >= 120
    cols: list[ColumnSpec] = [ColumnSpec("mark", " ", 1)]
    if profiles:
        cols.append(ColumnSpec("profile", "PROFILE", 12 if wide else 8))
    cols.append(ColumnSpec("name", "NAME", 0))
    if (not profiles and width >= 72) or width >= 100:
        cols.append(ColumnSpec("id", "ID", 8))
    cols.append(ColumnSpec("status", "STATUS", 16 if wide else 14))
    cols.append(ColumnSpec("flavor", "FLAVOR", 12 if wide else 10))
    show_image = width >= 110
    if show_image:
        cols.append(ColumnSpec("image", "IMAGE", 0))
    cols.append(ColumnSpec("autostop", "AUTO-STOP", 9))
    if width >= 64:
        cols.append(ColumnSpec("age", "AGE", 4))
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
