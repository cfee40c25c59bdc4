"""The filter language and the sort orders of tui.service.view, on plain rows."""

from __future__ import annotations

import pytest

from tui.core.models import AutoStop, Instance
from tui.service import Row
from tui.service.view import FIELD_MATCHERS, parse_filter, sort_rows

NOW_MS = 1_750_000_000_000


def row(
    name: str, status: str, profile: str = "lab", flavor: str = "modelarts.vm.cpu.2u", **kw: object
) -> Row:
    inst = Instance(id=f"id-{name}", name=name, status=status, flavor=flavor, **kw)  # type: ignore[arg-type]
    return Row(key=f"{profile}/{inst.id}", profile=profile, instance=inst)


ROWS = [
    row("bert-finetune", "RUNNING", flavor="modelarts.vm.gpu.v100"),
    row("albert", "STOPPED", profile="prod", flavor="modelarts.vm.gpu.p4"),
    row("cv-lab", "STOPPED"),
    row("llm-eval", "RUNNING", profile="prod"),
]


def names(text: str) -> list[str]:
    f = parse_filter(text)
    return [r.instance.name for r in ROWS if f.matches(r)]


def test_words_are_anded_and_any_field_counts() -> None:
    assert names("gpu stopped") == ["albert"]
    assert names("gpu") == ["bert-finetune", "albert"]
    assert names("") == ["bert-finetune", "albert", "cv-lab", "llm-eval"]


def test_bang_negates_a_word_or_a_field() -> None:
    assert names("!running") == ["albert", "cv-lab"]
    assert names("!profile:prod gpu") == ["bert-finetune"]


def test_field_value_looks_at_one_column_only() -> None:
    assert names("status:running") == ["bert-finetune", "llm-eval"]
    assert names("profile:prod") == ["albert", "llm-eval"]
    assert names("flavor:gpu") == ["bert-finetune", "albert"]
    assert names("name:lab") == ["cv-lab"]  # "lab" is also a profile, but only the name is looked at


def test_anchors_start_and_end() -> None:
    assert names("^bert") == ["bert-finetune"]
    assert names("name:^al") == ["albert"]
    assert names("eval$") == ["llm-eval"]


def test_unknown_field_is_reported_and_matched_as_text() -> None:
    f = parse_filter("colour:red")
    assert f.problems == (
        "no field 'colour' (fields: alias, flavor, id, image, name, owner, profile, status, tag); matched as text",
    )
    assert [r for r in ROWS if f.matches(r)] == []
    assert parse_filter("status:").problems == ("status: needs a value, like status:x",)


def test_a_new_field_is_one_matcher(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(FIELD_MATCHERS, "tag", lambda r, text: text == "team=nlp" and r.profile == "prod")
    assert names("tag:team=nlp") == ["albert", "llm-eval"]
    assert parse_filter("tag:team=nlp").problems == ()


def test_sorts_and_their_reverse() -> None:
    aged = [
        row("b", "RUNNING", created_ms=NOW_MS - 5_000, auto_stop=AutoStop(True, stop_at_ms=NOW_MS + 60_000)),
        row("a", "STOPPED", created_ms=NOW_MS - 9_000),
        row("c", "RUNNING", auto_stop=AutoStop(True, stop_at_ms=NOW_MS + 30_000)),
    ]

    def order(by: str, reverse: bool = False) -> list[str]:
        return [r.instance.name for r in sort_rows(aged, by, reverse=reverse, now_ms=NOW_MS)]

    assert order("name") == ["a", "b", "c"] and order("name", True) == ["c", "b", "a"]
    assert order("status") == ["b", "c", "a"] and order("status", True) == ["a", "b", "c"]
    assert order("age") == ["b", "a", "c"] and order("age", True) == ["a", "b", "c"]  # no age: last
    assert order("time_left") == ["c", "b", "a"] and order("time_left", True) == ["b", "c", "a"]
    assert order("profile") == ["a", "b", "c"]
