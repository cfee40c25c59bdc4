"""The instance memo with v1's remain_time: an item that only counted down is not parsed again,
and what comes out is what a parse of it gives (``tui.api.remain``)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from tests.unit.test_parse import V1_RUNNING
from tui.api.parse import InstanceMemo, parse_v1_instance
from tui.api.remain import remain_moved
from tui.core.models import Instance


def _counting() -> tuple[list[str], Any]:
    parsed: list[str] = []

    def parse(item: Any, endpoint: str) -> Instance:
        parsed.append(item["id"])
        return parse_v1_instance(item, endpoint)

    return parsed, parse


def _poll(memo: InstanceMemo, parse: Any, item: dict[str, Any]) -> Instance:
    memo.begin()
    instance = memo.parser(parse, remain_moved)(item, "e")
    memo.end()
    return instance


def _same_as_a_parse(got: Instance, item: dict[str, Any]) -> None:
    want = parse_v1_instance(copy.deepcopy(item), "e")
    assert got == want
    assert got.raw == want.raw and got.extra == want.extra
    assert got.auto_stop is not None and want.auto_stop is not None
    assert got.auto_stop.remain_s == want.auto_stop.remain_s


def _with(item: dict[str, Any], **auto: Any) -> dict[str, Any]:
    new = copy.deepcopy(item)
    new["spec"]["auto_stop"].update(auto)
    return new


def test_a_remain_time_that_counted_down_is_not_parsed_again() -> None:
    memo, (parsed, parse) = InstanceMemo(), _counting()
    item = copy.deepcopy(V1_RUNNING)
    item["spec"]["annotations"]["url"] = "https://nb.example/lab?token=secret-token"  # raw is a copy
    _poll(memo, parse, item)
    for remain in (3449, 3448, 3000):
        item = _with(item, remain_time=remain)
        got = _poll(memo, parse, item)
        _same_as_a_parse(got, item)
        assert "secret-token" not in str(got.raw)
    assert parsed == [V1_RUNNING["id"]]  # the first poll only


@pytest.mark.parametrize(
    "change",
    [
        lambda i: i["spec"]["auto_stop"].update(remain_time=10, stop_timestamp=1594891400000),
        lambda i: i["spec"]["auto_stop"].update(remain_time=10, enable=False),
        lambda i: i["spec"]["auto_stop"].update(remain_time="10"),  # a string: parsed as ever
        lambda i: (i["spec"]["auto_stop"].update(remain_time=10), i.update(status="STOPPING")),
        lambda i: (i["spec"]["auto_stop"].update(remain_time=10), i["spec"].update(extend_params={})),
        lambda i: i["spec"]["auto_stop"].pop("remain_time"),
        lambda i: i["spec"].pop("auto_stop"),
    ],
)
def test_any_other_change_is_parsed_again(change: Any) -> None:
    memo, (parsed, parse) = InstanceMemo(), _counting()
    _poll(memo, parse, copy.deepcopy(V1_RUNNING))
    item = copy.deepcopy(V1_RUNNING)
    change(item)
    got = _poll(memo, parse, item)
    assert parsed == [V1_RUNNING["id"]] * 2
    assert got == parse_v1_instance(copy.deepcopy(item), "e") and got.raw == parse_v1_instance(item, "e").raw
