"""ListText: a list answer decoded item by item, unchanged items taken as they were, and always
what ``decode_json`` gives (the same value, the same errors)."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.unit.test_parse import V1_RUNNING
from tui.api.body import decode_json
from tui.api.listtext import ListText
from tui.core.errors import ResponseError


def _item(n: int, **changes: Any) -> dict[str, Any]:
    item = copy.deepcopy(V1_RUNNING)
    item.update(id=f"DE-{n}", name=f"nb-{n}", **changes)
    return item


def _body(items: list[Any], **more: Any) -> bytes:
    return json.dumps({"instances": items, "total_count": len(items), **more}).encode()


def test_unchanged_items_are_the_objects_of_last_time_and_changed_ones_are_new() -> None:
    text = ListText("instances")
    items = [_item(n) for n in range(6)]
    assert text.decode(_body(items)) == decode_json(_body(items))  # the first answer: decoded whole
    first = text.decode(_body(items))
    assert first == decode_json(_body(items))
    items[2] = _item(2, status="STOPPED")  # changed in place
    items.insert(4, _item(99))  # added
    del items[0]  # removed
    again = text.decode(_body(items))
    assert again == decode_json(_body(items))
    old = first["instances"]
    kept = [next((k for k, o in enumerate(old) if o is item), None) for item in again["instances"]]
    assert kept == [1, None, 3, None, 4, 5]  # nb-2 changed, nb-99 is new


def test_changes_side_by_side_leave_the_items_after_them_taken_as_they_were() -> None:
    text = ListText("instances")
    items = [_item(n) for n in range(8)]
    text.decode(_body(items))
    first = text.decode(_body(items))["instances"]
    items[2], items[3], items[4] = _item(2, status="A"), _item(3, status="B"), _item(4, status="C")
    del items[6]
    again = text.decode(_body(items))["instances"]
    assert again == decode_json(_body(items))["instances"]
    kept = [next((k for k, o in enumerate(first) if o is item), None) for item in again]
    assert kept == [0, 1, None, None, None, 5, 7]


def test_the_first_answer_shares_its_key_strings_and_adopted_items_are_the_memos() -> None:
    text = ListText("instances")
    items = [_item(n) for n in range(3)]
    one, two = text.decode(_body(items))["instances"][:2]
    assert all(a is b for a, b in zip(one, two, strict=True))  # one json.loads: one "id", one "name"...
    scanned = text.decode(_body(items))["instances"]
    assert scanned == [one, two, _item(2)] and scanned[0] is not one
    text.adopt(lambda item: {"DE-0": one, "DE-1": {"id": "DE-1"}}.get(item["id"]))
    again = text.decode(_body(items))["instances"]
    assert again[0] is one  # the memo's equal object, held in place of the one decoded here
    assert again[1] is scanned[1] and again[2] is scanned[2]  # not equal, or nothing kept: its own


def test_an_item_decoded_afresh_and_equal_to_the_known_one_is_the_known_object() -> None:
    known = {"DE-1": _item(1), "DE-2": _item(2, status="STOPPED")}
    text = ListText("instances", known=lambda item: known.get(item["id"]))
    items = [_item(n) for n in range(3)]
    text.decode(_body(items))  # decoded whole: nothing compared
    got = text.decode(_body(items))["instances"]
    assert got == items
    assert got[1] is known["DE-1"]  # equal: the kept object, the fresh one freed at once
    assert got[2] is not known["DE-2"] and got[0] is not None  # different, or none known: its own


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"   ",
        b"not json",
        b'{"instances": [1, 2',
        b'{"instances": [1, 2]} trailing',
        b'{"instances": [1,, 2]}',
        b'{"instances": [1, 2], "instances": [3]}',  # the last one wins, as in json.loads
        b'\xef\xbb\xbf{"instances": []}',  # a BOM
        b'{"instances": ["a\\u001b[31mred"]}',  # a control character: made visible
        '{"instances": ["caf\u00e9"]}'.encode("utf-16"),
        b'[{"id": "x"}]',
        b'{"instances": {"id": "x"}}',
        b' \n{ "instances" : [ ] , "total_count" : 0 }\r\n',
        b'{"instances": [{"id": "x"}], "total_count": NaN}',
        b'{"instances": [{"id": "x"}],}',  # a trailing comma
        b'{"instances": [{"id": "x"}], "x": 1 ,}',
        b'{"instances": [{"id": "x\xed\xa0\x80"}]}',  # a lone surrogate written raw
    ],
)
def test_whatever_the_body_it_gives_what_decode_json_gives(body: bytes) -> None:
    text = ListText("instances")
    text.decode(_body([{"id": "x"}, 1, 2]))  # a last answer to compare with
    try:
        want: Any = decode_json(body, endpoint="e")
    except ResponseError as error:
        with pytest.raises(ResponseError) as raised:
            text.decode(body, endpoint="e")
        assert str(raised.value) == str(error)
        return
    got = text.decode(body, endpoint="e")
    assert json.dumps(got) == json.dumps(want)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3),
    max_leaves=8,
)


@given(st.lists(st.lists(json_values, max_size=6), min_size=1, max_size=4), st.booleans())
def test_any_sequence_of_answers_decodes_as_decode_json_does(answers: list[list[Any]], spaced: bool) -> None:
    text = ListText("instances")
    for items in answers:
        body = json.dumps({"total_count": 1, "instances": items}, indent=1 if spaced else None).encode()
        assert text.decode(body) == decode_json(body)
