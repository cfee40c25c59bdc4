"""One-line summaries for the flash line: what a refresh the user asked for found."""

from __future__ import annotations

from tui.service import RefreshResult
from tui.ui.widgets.flash import Level
from tui.ui.widgets.header import error_tag


def refresh_summary(result: RefreshResult) -> tuple[str, Level]:
    """``refreshed 12 instances: nothing changed``, ``… 2 changed, 1 new, 1 gone``, or which
    profiles failed (the log has the calls)."""
    failed = [s for s in result.profiles if not s.ok]
    if failed:
        names = ", ".join(f"{s.name} ({error_tag(s.error)})" for s in failed)
        return f"refresh failed: {names} · more in the log (l)", "error"
    changed = len(result.changed - result.added)
    parts = [f"{n} {word}" for n, word in ((changed, "changed"), (len(result.added), "new")) if n]
    if result.removed:
        parts.append(f"{len(result.removed)} gone")
    what = ", ".join(parts) if parts else "nothing changed"
    count = sum(1 for r in result.rows if not r.gone)
    return f"refreshed {count} instance{'s' if count != 1 else ''}: {what}", "info"
