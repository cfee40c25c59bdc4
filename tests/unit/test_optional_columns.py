"""Optional table columns (OWNER, TAGS, a wide STATUS), the step texts rows show, and
``action_progress`` as parsed: what a user reads at 80 columns."""

from __future__ import annotations

import pytest

from tui.api.parse_images import parse_progress
from tui.core.models import FAMILY_NOTEBOOKS, Instance
from tui.service.models import Row
from tui.ui.cells import NAME_MIN, PADDING, columns_for, extra_after, optional_columns, status_text, step_text


def _used(cols: tuple[object, ...]) -> int:
    return sum(c.width + PADDING for c in cols) + 1  # type: ignore[attr-defined]


def _keys(cols: tuple[object, ...]) -> list[str]:
    return [c.key for c in cols]  # type: ignore[attr-defined]


@pytest.mark.parametrize("profiles", [False, True])
@pytest.mark.parametrize("owner", [False, True])
@pytest.mark.parametrize("tags", [False, True])
@pytest.mark.parametrize("long_status", [False, True])
def test_every_mix_of_optional_columns_fits_80_cells(
    profiles: bool, owner: bool, tags: bool, long_status: bool
) -> None:
    cols = columns_for(80, profiles=profiles, owner=owner, tags=tags, long_status=long_status)
    assert _used(cols) <= 80
    name = next(c for c in cols if c.key == "name")
    assert name.width >= (NAME_MIN if owner or tags or long_status else 10)
    assert ("owner" in _keys(cols)) is owner
    assert "status" in _keys(cols) and "autostop" in _keys(cols)


def test_without_optional_columns_the_80_cell_layout_is_unchanged() -> None:
    assert _keys(columns_for(80, profiles=False)) == [
        "mark",
        "name",
        "id",
        "status",
        "flavor",
        "autostop",
        "age",
    ]
    cols = columns_for(80, profiles=False, tags=True)
    assert _keys(cols) == ["mark", "name", "status", "flavor", "tags", "autostop", "age"]  # the id makes room
    wide = columns_for(160, profiles=False, owner=True, tags=True)
    assert _keys(wide) == [
        "mark",
        "name",
        "owner",
        "id",
        "status",
        "flavor",
        "tags",
        "image",
        "autostop",
        "age",
    ]


def _row(**changes: object) -> Row:
    instance = Instance(id="0" * 32, name="nb", status=str(changes.pop("status", "RUNNING")), **changes)  # type: ignore[arg-type]
    return Row(key="p/nb", profile="p", instance=instance)


def test_the_waiting_text_fits_the_wide_status_column_whole() -> None:
    label = "waiting for capacity (attempt 4, next in 60s)"
    text = status_text(_row().instance, pending=label)
    assert text == "◐ no capacity #4 · next 60s"
    status = next(c for c in columns_for(80, profiles=False, long_status=True) if c.key == "status")
    assert len(text) <= status.width  # one profile at 80 columns: the whole text
    crowded = columns_for(80, profiles=True, owner=True, tags=True, long_status=True)
    assert [c.key for c in crowded] == ["mark", "profile", "name", "owner", "status", "autostop"]
    assert next(c.width for c in crowded if c.key == "status") == len("◐ 1/4 Allocating storage")
    assert step_text("1/5 stopping") == "1/5 stopping…"


def test_rows_decide_the_optional_columns() -> None:
    assert optional_columns([_row()]) == {"tags": False, "long_status": False}
    assert optional_columns([_row(tags=(("team", "cv"),))])["tags"]
    creating = _row(status="CREATING", progress="2/4 Scheduling compute resources", family=FAMILY_NOTEBOOKS)
    assert status_text(creating.instance) == "◐ 2/4 Scheduling compute resources"
    assert optional_columns([creating])["long_status"]


def test_action_progress_names_the_step_under_way_cleaned_and_bounded() -> None:
    steps = [
        {"step": 1, "status": "COMPLETED", "step_description": "Allocating storage"},
        {"step": 2, "status": "PROCESSING", "step_description": "Pulling\x1b[31m the image" + "x" * 200},
        {"step": 3, "status": "WAITING", "step_description": "Starting"},
    ]
    text = parse_progress(steps)
    assert text.startswith("2/3 Pulling?[31m the image")
    assert "\x1b" not in text and len(text) <= 4 + 48
    assert parse_progress([{"step": 1, "status": "FAILED", "description": "Storage"}]) == "1/1 Storage failed"
    assert parse_progress([{"step": 1, "status": "COMPLETED"}]) == ""
    assert parse_progress("garbage") == "" and parse_progress(None) == ""


def test_one_changed_row_adds_a_column_alone_and_asks_every_row_when_it_gives_one_up() -> None:
    none = {"tags": False, "long_status": False}
    tagged = _row(tags=(("team", "cv"),))
    assert extra_after(none, _row(), tagged) == {"tags": True, "long_status": False}
    assert extra_after({"tags": True, "long_status": False}, _row(), _row()) == {
        "tags": True,
        "long_status": False,
    }
    assert extra_after({"tags": True, "long_status": False}, tagged, _row()) is None  # its last tag went
