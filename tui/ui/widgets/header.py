"""The context header: where the table's rows come from and how fresh they are, on one line.

Left: each profile with its cloud, region and API family and how its last poll went, then the
counts (shown, marked). Right: the filter while one is active, the one profile shown, and
"updated just now" / "updated 3m ago", or ``⟳ refreshing`` while a refresh is in flight.
Repaints only when its text changes, and the freshness moves by the minute, so an idle screen
writes next to nothing to the terminal (a slow SSH link).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.content import Content
from textual.strip import Strip
from textual.widget import Widget

from tui.config.model import Profile
from tui.core.domain import CLOUD_HUAWEI, CLOUD_OTC
from tui.core.errors import AdminListDeniedError, AuthPausedError, ModelArtsError, ValidationError
from tui.core.models import FAMILY_NOTEBOOKS, FAMILY_V1
from tui.service import ProfileStatus
from tui.ui.cells import duration_text

CLOUD_SHORT = {CLOUD_OTC: "OTC", CLOUD_HUAWEI: "Huawei"}
FAMILY_SHORT = {FAMILY_V1: "v1", FAMILY_NOTEBOOKS: "notebooks"}


def context_text(profile: Profile) -> str:
    """``OTC eu-de v1``: the cloud, the region and the API family of a profile."""
    cloud = CLOUD_SHORT.get(profile.cloud, profile.cloud)
    return f"{cloud} {profile.region} {FAMILY_SHORT.get(profile.api, profile.api)}"


def freshness_text(seconds: float) -> str:
    """``updated just now`` in the first minute, then ``updated 3m ago``, ``updated 1h 05m ago``.

    Coarse on purpose: a text that changed every second repainted the header every second.
    """
    s = max(0, int(seconds))
    return "updated just now" if s < 60 else f"updated {duration_text(s)} ago"


def error_tag(error: ModelArtsError | None) -> str:
    """The short name of an error: its code (``APIGW.0308``), else its kind (``ConnectError``)."""
    if error is None:
        return ""
    if isinstance(error, ValidationError):  # a setting to fix: say which and why (``ak: holds …``)
        return str(error).split(";")[0]
    if isinstance(error, AdminListDeniedError):  # scope = "all" without the admin policy: say so
        return error.detail
    return getattr(error, "code", "") or type(error).__name__


def profile_text(status: ProfileStatus, now: float, *, single: bool, context: str = "") -> tuple[str, bool]:
    """``demo · OTC eu-de v1 · 12 instances``, ``lab OTC eu-de v1 ✓ 12`` or
    ``✗ demo: last ok 2m ago — APIGW.0308``; the flag says it failed.

    A standing warning (clock skew, TLS checks off) follows as ``⚠ …``, cut at its first ``;``.
    """
    warning = f" ⚠ {status.warning.split(';')[0]}" if status.warning else ""
    if status.ok:
        if single:
            where = f" · {context}" if context else ""
            return f"{status.name}{where} · {status.count} instances{warning}", False
        where = f" {context}" if context else ""
        return f"{status.name}{where} ✓ {status.count}{warning}", False
    error = status.error
    if isinstance(error, AuthPausedError):
        tag = error_tag(error.last) or "refused"
        return f"✗ {status.name}: paused after {error.failures} refusals — {tag}; e to fix, r to retry", True
    if status.last_ok_at is None:
        since = "never ok"
    else:
        since = f"last ok {duration_text(max(0.0, now - status.last_ok_at))} ago"
    return f"✗ {status.name}: {since} — {error_tag(error)}{warning}", True


LEFT_BUDGET = 400
"""Characters of profile texts the header builds; the profiles past them are counted, not listed."""


@dataclass(frozen=True, slots=True)
class HeaderView:
    """Everything the header shows."""

    profiles: tuple[ProfileStatus, ...] = ()
    contexts: tuple[tuple[str, str], ...] = ()
    """(profile name, ``context_text``) of each enabled profile."""
    now: float = 0.0
    loaded: bool = False
    shown: int = 0
    total: int = 0
    marked: int = 0
    needle: str = ""
    scope: str | None = None
    updated_at: float | None = None
    """When the last refresh came back (the screen's clock), None before the first."""
    refreshing: bool = False
    paused: bool = False
    demo: bool = False
    read_only: frozenset[str] = frozenset()
    expiries: tuple[tuple[str, str, str], ...] = ()
    """(profile name, ``expires in 8m``, level) of profiles with temporary credentials."""


def left_text(view: HeaderView) -> tuple[str, bool]:
    """The left half and whether some profile's last poll failed."""
    parts: list[str] = []
    failing = False
    contexts = dict(view.contexts)
    if not view.loaded:
        parts.append("loading…")
    single = len(view.profiles) == 1
    budget, left, failed_left = LEFT_BUDGET, 0, 0  # no line shows more: 1,000 profiles are counted
    for status in view.profiles:
        text, failed = profile_text(status, view.now, single=single, context=contexts.get(status.name, ""))
        failing |= failed
        if budget <= 0:
            left, failed_left = left + 1, failed_left + failed
            continue
        parts.append(text + (" (read-only)" if status.name in view.read_only else ""))
        budget -= len(parts[-1]) + 3  # and its " · "
        for name, lifetime, level in view.expiries:
            if name == status.name:
                mark = {"warning": "⚠ ", "expired": "✗ "}.get(level, "")
                failing |= level == "expired"
                parts.append(f"{mark}credentials {lifetime}")
    if left:
        parts.append(f"+{left} more profiles" + (f" ({failed_left} failing)" if failed_left else ""))
    if view.loaded and not view.profiles:
        parts.append("no profile enabled: press e for settings")
    if view.shown != view.total and not view.needle:
        parts.append(f"{view.shown} of {view.total} shown")
    if view.marked:
        parts.append(f"{view.marked} marked")
    return " · ".join(parts), failing


def right_text(view: HeaderView) -> str:
    """The right half: filter, scope, freshness, DEMO."""
    parts: list[str] = []
    if view.needle:
        parts.append(f"filter: {view.needle} ({view.shown} of {view.total})")
    if view.scope:
        parts.append(f"profile: {view.scope}")
    if view.refreshing:
        parts.append("⟳ refreshing")
    elif view.paused:
        parts.append("polling paused")
    elif view.updated_at is not None:
        parts.append(freshness_text(view.now - view.updated_at))
    if view.demo:
        parts.append("DEMO")
    return " · ".join(parts)


class ContextHeader(Widget):
    """Left: profiles, their context and counts. Right: filter, scope and freshness.

    One widget, one line: both halves are laid out in ``render_line``, so a new text repaints the line
    and never lays out the screen (two Statics, the right one ``width: auto``, made every refresh
    two layouts of the whole screen: "⟳ refreshing" and "updated just now" differ in width).
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {"context-header--busy"}
    DEFAULT_CSS = "ContextHeader { height: 1; }"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._left = ""
        self._right = ""
        self.failing = False
        """True while some profile's last poll failed (the header shows it in the error colour)."""
        self._view: HeaderView | None = None

    def on_resize(self) -> None:
        if self._view is not None:
            self.show(self._view)

    def show(self, view: HeaderView) -> None:
        """Update both halves; a no-op when the text is unchanged. When the profiles' cloud, region
        and family do not fit beside the right half, each profile shows its name and count only."""
        self._view = view
        left, failing = left_text(view)
        right = right_text(view)
        room = self.size.width - len(right) - 3
        if room > 0 and len(left) > room and len(view.profiles) > 1 and view.contexts:
            left, failing = left_text(replace(view, contexts=()))
        self.set_class(failing, "-error")
        self.set_class(view.refreshing, "-busy")
        self.failing = failing
        if (left, right) != (self._left, self._right):
            self._left, self._right = left, right
            self.refresh()

    def render_line(self, y: int) -> Strip:
        """`` left `` in what the right half leaves (at least its padding; its first line, as a
        wrapping Static showed it), then `` right `` (cut at the edge when wider than the rest).

        The segments are those the two Statics made (the padding in the background alone), so
        the screen reads and records as before."""
        if y:
            return Strip.blank(self.size.width, self.rich_style)
        width = self.size.width
        text, pad = self.rich_style, Style(bgcolor=self.rich_style.bgcolor)
        inner = max(2, width - cell_len(self._right) - 2) - 2
        left = Content(self._left).wrap(inner)[0].plain if inner and self._left else ""
        right = (
            text + self.get_component_rich_style("context-header--busy") if self.has_class("-busy") else text
        )
        segments = [Segment(" ", pad), Segment(left, text)]
        if inner > cell_len(left):
            segments.append(Segment(" " * (inner - cell_len(left)), pad))
        segments += [Segment(" ", pad), Segment(" ", pad), Segment(self._right, right), Segment(" ", pad)]
        return Strip(segments).crop(0, width)

    @property
    def text(self) -> str:
        """What the header says, both halves (for tests and screen readers)."""
        return f"{self._left} | {self._right}"
