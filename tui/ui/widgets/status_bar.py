"""The one-line status bar: how each profile's last poll went, counts, filter, polling state.

Repaints only when its text changes, so an idle screen stays idle.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from tui.core.errors import AuthPausedError, ModelArtsError, ValidationError
from tui.service import ProfileStatus
from tui.ui.cells import duration_text


def error_tag(error: ModelArtsError | None) -> str:
    """The short name of an error: its code (``APIGW.0308``), else its kind (``ConnectError``)."""
    if error is None:
        return ""
    if isinstance(error, ValidationError):  # a setting to fix: say which and why (``ak: holds …``)
        return str(error).split(";")[0]
    return getattr(error, "code", "") or type(error).__name__


def profile_text(status: ProfileStatus, now: float, *, single: bool) -> tuple[str, bool]:
    """``demo ✓ 12`` or ``✗ demo: last ok 2m ago — APIGW.0308``; the flag says it failed.

    A standing warning (clock skew, TLS checks off) follows as ``⚠ …``, cut at its first ``;``.
    """
    warning = f" ⚠ {status.warning.split(';')[0]}" if status.warning else ""
    if status.ok:
        text = f"{status.name} · {status.count} instances" if single else f"{status.name} ✓ {status.count}"
        return text + warning, False
    error = status.error
    if isinstance(error, AuthPausedError):
        tag = error_tag(error.last) or "refused"
        return f"✗ {status.name}: paused after {error.failures} refusals — {tag}; e to fix, r to retry", True
    if status.last_ok_at is None:
        since = "never ok"
    else:
        since = f"last ok {duration_text(max(0.0, now - status.last_ok_at))} ago"
    return f"✗ {status.name}: {since} — {error_tag(error)}{warning}", True


@dataclass(frozen=True, slots=True)
class StatusView:
    """Everything the status bar shows."""

    profiles: tuple[ProfileStatus, ...] = ()
    now: float = 0.0
    loaded: bool = False
    shown: int = 0
    total: int = 0
    marked: int = 0
    needle: str = ""
    scope: str | None = None
    poll: str = ""
    demo: bool = False
    read_only: frozenset[str] = frozenset()


class StatusBar(Horizontal):
    """Left: profiles and counts. Right: filter, scope and polling state."""

    def compose(self) -> ComposeResult:
        yield Static(id="status-left")
        yield Static(id="status-right")

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._left = ""
        self._right = ""
        self.failing = False
        """True while some profile's last poll failed (the bar shows it in the error colour)."""

    def show(self, view: StatusView) -> None:
        """Update both halves; a no-op when the text is unchanged."""
        parts: list[str] = []
        failing = False
        if not view.loaded:
            parts.append("loading…")
        single = len(view.profiles) == 1
        for status in view.profiles:
            text, failed = profile_text(status, view.now, single=single)
            failing |= failed
            parts.append(text + (" (read-only)" if status.name in view.read_only else ""))
        if view.loaded and not view.profiles:
            parts.append("no profile enabled: press e for settings")
        if view.shown != view.total:
            parts.append(f"{view.shown} of {view.total} shown")
        if view.marked:
            parts.append(f"{view.marked} marked")
        left = " · ".join(parts)
        right_parts = []
        if view.needle:
            right_parts.append(f"filter: {view.needle}")
        if view.scope:
            right_parts.append(f"profile: {view.scope}")
        if view.poll:
            right_parts.append(view.poll)
        if view.demo:
            right_parts.append("DEMO")
        right = " · ".join(right_parts)
        self.set_class(failing, "-error")
        self.failing = failing
        if left != self._left:
            self._left = left
            self.query_one("#status-left", Static).update(Text(left, no_wrap=True, overflow="ellipsis"))
        if right != self._right:
            self._right = right
            self.query_one("#status-right", Static).update(Text(right, no_wrap=True))

    @property
    def text(self) -> str:
        """What the bar says, both halves (for tests and screen readers)."""
        return f"{self._left} | {self._right}"
