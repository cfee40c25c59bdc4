"""Change and delete notebooks (issue 13): flavor/image only while STOPPED, storage that only grows, delete."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tui.emulator import Emulator, ManualClock

if TYPE_CHECKING:
    from tests.conftest import EmuClient

TENSORFLOW = "5c3a9b0e-7d41-4f6a-9b2e-0c8d1e6f4a17"
MINDSPORE_ARM = "9e1f4c2a-3b6d-4e8f-a1c5-7d2b0e9f3c64"


def _error(response: Any) -> tuple[int, str]:
    body = response.json()
    assert set(body) == {"error_code", "error_msg"}, body
    return response.status_code, body["error_code"]


def _pick(api: EmuClient, status: str, flavor: str = "modelarts.vm.gpu.v100") -> dict[str, Any]:
    notebooks = api.signed("GET", api.nb(), query=f"limit=50&status={status}").json()["data"]
    return next(n for n in notebooks if n["flavor"] == flavor and n["image"]["name"].startswith("pytorch"))


def _put(api: EmuClient, nb_id: str, **body: Any) -> Any:
    return api.signed("PUT", api.nb(f"/{nb_id}"), body=body)


def test_flavor_and_image_change_only_while_stopped(emu_api: EmuClient) -> None:
    running = _pick(emu_api, "RUNNING")
    assert _error(_put(emu_api, running["id"], flavor="modelarts.vm.gpu.t4")) == (400, "ModelArts.6347")
    assert _error(_put(emu_api, running["id"], image_id=TENSORFLOW)) == (400, "ModelArts.6347")
    assert (
        _put(emu_api, running["id"], description="same flavor is fine", flavor=running["flavor"]).status_code
        == 200
    )
    stopped = _pick(emu_api, "STOPPED")
    changed = _put(emu_api, stopped["id"], flavor="modelarts.vm.gpu.t4", image_id=TENSORFLOW)
    assert changed.status_code == 200, changed.text
    body = changed.json()
    assert body["flavor"] == "modelarts.vm.gpu.t4" and body["image"]["id"] == TENSORFLOW
    assert emu_api.signed("GET", emu_api.nb(f"/{stopped['id']}")).json()["flavor"] == "modelarts.vm.gpu.t4"


def test_a_flavor_outside_the_switchable_list_is_6792_and_a_sold_out_one_6716(
    emu_api: EmuClient, emulator: Emulator
) -> None:
    stopped = _pick(emu_api, "STOPPED")
    assert _error(_put(emu_api, stopped["id"], flavor="modelarts.kat1.xlarge")) == (400, "ModelArts.6792")
    assert _error(_put(emu_api, stopped["id"], flavor="modelarts.vm.cpu.free")) == (400, "ModelArts.6792")
    assert _error(_put(emu_api, stopped["id"], flavor="modelarts.vm.gpu.a100")) == (400, "ModelArts.6716")
    emulator.capacity.sell_out("modelarts.vm.gpu.t4")
    assert _error(_put(emu_api, stopped["id"], flavor="modelarts.vm.gpu.t4")) == (400, "ModelArts.6716")
    assert _error(_put(emu_api, stopped["id"], image_id=MINDSPORE_ARM)) == (400, "ModelArts.6345")
    missing = "00000000-0000-4000-8000-000000000000"
    assert _error(_put(emu_api, stopped["id"], image_id=missing)) == (400, "ModelArts.6797")
    assert emu_api.signed("GET", emu_api.nb(f"/{stopped['id']}")).json()["flavor"] == stopped["flavor"]


def test_storage_only_grows_up_to_4096_even_while_running(emu_api: EmuClient, clock: ManualClock) -> None:
    running = _pick(emu_api, "RUNNING")
    size = running["volume"]["capacity"]
    grown = _put(emu_api, running["id"], storage_new_size=size + 10)
    assert grown.status_code == 200, grown.text
    assert grown.json()["volume"]["capacity"] == size + 10 and grown.json()["volume"]["status"] == "RESIZING"
    assert grown.json()["status"] == "RUNNING"
    clock.advance(3)
    assert "status" not in emu_api.signed("GET", emu_api.nb(f"/{running['id']}")).json()["volume"]
    for bad in (size + 10, size, 4097):
        assert _error(_put(emu_api, running["id"], storage_new_size=bad)) == (400, "ModelArts.6331"), bad
    assert _put(emu_api, running["id"], storage_new_size=4096).json()["volume"]["capacity"] == 4096


def test_put_renames_and_turns_ssh_on_and_off(emu_api: EmuClient) -> None:
    stopped = _pick(emu_api, "STOPPED")
    other = _pick(emu_api, "RUNNING")
    assert _error(_put(emu_api, stopped["id"], name=other["name"])) == (400, "ModelArts.6301")
    ssh = [{"service": "SSH", "key_pair_names": ["k2"], "allowed_access_ips": []}]
    body = _put(emu_api, stopped["id"], name="renamed", endpoints=ssh).json()
    assert body["name"] == "renamed"
    assert [e["key_pair_names"] for e in body["endpoints"] if e["service"] == "SSH"] == [["k2"]]
    off = _put(emu_api, stopped["id"], endpoints=[{"service": "NOTEBOOK"}]).json()
    assert [e["service"] for e in off["endpoints"]] == ["NOTEBOOK"]
    missing = _put(emu_api, "00000000-0000-4000-8000-000000000000", name="x")
    assert _error(missing) == (400, "ModelArts.6404")


def test_delete_answers_the_notebook_as_it_was_then_it_is_gone(
    emu_api: EmuClient, clock: ManualClock
) -> None:
    running = _pick(emu_api, "RUNNING")
    path = emu_api.nb(f"/{running['id']}")
    response = emu_api.signed("DELETE", path)
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "RUNNING" and response.json()["id"] == running["id"]
    assert emu_api.signed("GET", path).json()["status"] == "DELETING"
    assert _error(emu_api.signed("DELETE", path)) == (400, "ModelArts.6357")
    clock.advance(3)
    assert _error(emu_api.signed("GET", path)) == (400, "ModelArts.6404")
    assert _error(emu_api.signed("DELETE", path)) == (400, "ModelArts.6404")
    listed = emu_api.signed("GET", emu_api.nb(), query="limit=50").json()
    assert running["id"] not in {n["id"] for n in listed["data"]} and listed["total"] == 11


def test_delete_during_a_transition_is_refused(emu_api: EmuClient) -> None:
    starting = emu_api.signed("GET", emu_api.nb(), query="limit=50&status=STARTING").json()["data"][0]
    assert _error(emu_api.signed("DELETE", emu_api.nb(f"/{starting['id']}"))) == (400, "ModelArts.6357")
