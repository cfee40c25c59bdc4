"""Tags and the admin list (issue 13): create/delete/list, at most 20, the tags filter, /notebooks/all, 403."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from tui.emulator import Emulator, EmulatorConfig, ManualClock

if TYPE_CHECKING:
    from tests.conftest import EmuClient


def _error(response: Any) -> tuple[int, str]:
    body = response.json()
    assert set(body) == {"error_code", "error_msg"}, body
    return response.status_code, body["error_code"]


def _ids(api: EmuClient, status: str = "RUNNING") -> list[str]:
    return [n["id"] for n in api.signed("GET", api.nb(), query=f"limit=50&status={status}").json()["data"]]


def _tag(api: EmuClient, nb_id: str, *pairs: tuple[str, str]) -> Any:
    body = {"tags": [{"key": k, "value": v} for k, v in pairs]}
    return api.signed("POST", api.nb(f"/{nb_id}/tags/create"), body=body)


def _tags_of(api: EmuClient, nb_id: str) -> list[dict[str, str]]:
    return list(api.signed("GET", api.nb(f"/{nb_id}")).json()["tags"])


def test_tags_are_added_listed_filtered_and_removed(emu_api: EmuClient) -> None:
    first, second, *_ = _ids(emu_api)
    response = _tag(emu_api, first, ("team", "cv"), ("cost", "gpu"))
    assert (response.status_code, response.json()) == (200, {})
    assert _tag(emu_api, second, ("team", "nlp")).status_code == 200
    assert _tags_of(emu_api, first) == [{"key": "cost", "value": "gpu"}, {"key": "team", "value": "cv"}]
    listed = emu_api.signed("GET", emu_api.nb("/tags")).json()
    assert listed == {"tags": [{"key": "cost", "values": ["gpu"]}, {"key": "team", "values": ["cv", "nlp"]}]}

    def filtered(tags: str) -> list[str]:
        return [
            n["id"] for n in emu_api.signed("GET", emu_api.nb(), query=f"limit=50&tags={tags}").json()["data"]
        ]

    assert filtered("team|cv") == [first]
    assert sorted(filtered("team")) == sorted([first, second])
    assert filtered("team|cv,cost|gpu") == [first] and filtered("team|nlp,cost|gpu") == []
    removed = emu_api.signed("DELETE", emu_api.nb(f"/{first}/tags/delete"), body={"tags": [{"key": "team"}]})
    assert (removed.status_code, removed.json()) == (200, {})
    assert _tags_of(emu_api, first) == [{"key": "cost", "value": "gpu"}]
    assert filtered("team|cv") == []


def test_a_value_overwrites_and_twenty_tags_is_the_limit(emu_api: EmuClient) -> None:
    nb_id = _ids(emu_api)[0]
    assert _tag(emu_api, nb_id, *[(f"k{i}", "v") for i in range(20)]).status_code == 200
    assert _tag(emu_api, nb_id, ("k0", "changed")).status_code == 200
    assert {"key": "k0", "value": "changed"} in _tags_of(emu_api, nb_id)
    assert _error(_tag(emu_api, nb_id, ("k20", "v"))) == (400, "ModelArts.0101")
    assert len(_tags_of(emu_api, nb_id)) == 20


def test_bad_tags_and_missing_notebooks(emu_api: EmuClient) -> None:
    nb_id = _ids(emu_api)[0]
    assert _error(_tag(emu_api, nb_id, ("", "v"))) == (400, "ModelArts.0101")
    assert _error(_tag(emu_api, nb_id, ("a|b", "v"))) == (400, "ModelArts.0101")
    assert _error(_tag(emu_api, nb_id, ("k", "x" * 44))) == (400, "ModelArts.0101")
    empty = emu_api.signed("POST", emu_api.nb(f"/{nb_id}/tags/create"), body={"tags": []})
    assert _error(empty) == (400, "ModelArts.0101")
    missing = "00000000-0000-4000-8000-000000000000"
    assert _error(_tag(emu_api, missing, ("k", "v"))) == (400, "ModelArts.6404")
    gone = emu_api.signed("DELETE", emu_api.nb(f"/{missing}/tags/delete"), body={"tags": [{"key": "k"}]})
    assert _error(gone) == (400, "ModelArts.6404")


def test_the_admin_list_shows_every_owner(emu_api: EmuClient) -> None:
    mine = emu_api.signed("GET", emu_api.nb(), query="limit=50").json()
    everyone = emu_api.signed("GET", emu_api.nb("/all"), query="limit=50").json()
    assert everyone["total"] == mine["total"] + 4
    owners = {n["user"]["name"] for n in everyone["data"]}
    assert owners == {"demo-user", "alice", "bob", "carol"}
    assert all(n["user_id"] == n["user"]["id"] for n in everyone["data"])
    alice = emu_api.signed("GET", emu_api.nb("/all"), query="limit=50&owner=alice").json()["data"]
    assert sorted(n["name"] for n in alice) == ["llm-finetune", "vision-demo"]
    by_id = emu_api.signed("GET", emu_api.nb("/all"), query=f"owner={alice[0]['user']['id']}").json()
    assert by_id["total"] == 2
    assert {n["user"]["name"] for n in mine["data"]} == {"demo-user"}


def test_a_non_admin_gets_403_on_the_admin_list(
    clock: ManualClock, make_emu_api: Callable[[Emulator], EmuClient]
) -> None:
    with Emulator(EmulatorConfig(clock=clock, admin=False)) as emu:
        api = make_emu_api(emu)
        assert _error(api.signed("GET", api.nb("/all"))) == (403, "ModelArts.0108")
        assert api.signed("GET", api.nb()).status_code == 200
