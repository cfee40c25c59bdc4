"""The header with many profiles: the ones past its budget are counted, failing ones said."""

from __future__ import annotations

from tui.core.errors import ConnectError
from tui.service.models import ProfileStatus
from tui.ui.widgets.header import LEFT_BUDGET, HeaderView, left_text


def test_a_thousand_profiles_are_counted_past_the_budget_and_failures_still_flag() -> None:
    statuses = [ProfileStatus(f"p{i:05d}", True, count=1, last_ok_at=0.0) for i in range(1000)]
    statuses[900] = ProfileStatus("p00900", False, ConnectError("down"), last_ok_at=0.0)
    text, failing = left_text(HeaderView(profiles=tuple(statuses), loaded=True, shown=1000, total=1000))
    shown = text.count(" ✓ 1")
    assert text.startswith("p00000 ✓ 1 · p00001 ✓ 1 · ")
    assert text.endswith(f" · +{1000 - shown} more profiles (1 failing)")
    assert failing
    assert len(text) < LEFT_BUDGET + 100
