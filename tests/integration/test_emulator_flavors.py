"""Notebook flavors (issue 13): the list and its filters, sold-out knobs on the clock, switchable flavors."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tui.emulator import Emulator, ManualClock

if TYPE_CHECKING:
    from tests.conftest import EmuClient

FLAVOR_KEYS = {"id", "name", "arch", "category", "description", "feature", "free", "vcpus", "memory"} | {
    "sold_out",
    "storages",
    "billing",
}


def _flavors(api: EmuClient, query: str = "") -> dict[str, Any]:
    response = api.signed("GET", api.nb("/flavors"), query=query)
    assert response.status_code == 200, response.text
    return dict(response.json())


def _error(response: Any) -> tuple[int, str]:
    body = response.json()
    assert set(body) == {"error_code", "error_msg"}, body
    return response.status_code, body["error_code"]


def test_the_list_has_several_arches_and_categories_memory_in_kb(emu_api: EmuClient) -> None:
    body = _flavors(emu_api)
    assert set(body) == {"current", "data", "pages", "size", "total"}
    assert body["total"] == len(body["data"]) == 9 and body["pages"] == 1
    by_id = {f["id"]: f for f in body["data"]}
    for flavor in body["data"]:
        assert set(flavor) >= FLAVOR_KEYS
    assert {f["arch"] for f in body["data"]} == {"x86_64", "aarch64"}
    assert {f["category"] for f in body["data"]} == {"CPU", "GPU", "ASCEND"}
    assert by_id["modelarts.vm.cpu.2u"]["memory"] == 8 * 1024 * 1024
    assert by_id["modelarts.vm.cpu.2u"]["vcpus"] == 2 and "gpu" not in by_id["modelarts.vm.cpu.2u"]
    assert by_id["modelarts.vm.gpu.v100"]["gpu"] == {"gpu": 1, "gpu_memory": "32GB", "type": "V100"}
    assert by_id["modelarts.kat1.xlarge"]["ascend"]["type"] == "Ascend 910"
    assert [f["id"] for f in body["data"] if f["sold_out"]] == ["modelarts.vm.gpu.a100"]
    assert [f["id"] for f in body["data"] if f["free"]] == ["modelarts.vm.cpu.free"]


def test_category_and_type_filters_and_bad_values(emu_api: EmuClient) -> None:
    gpus = _flavors(emu_api, "category=GPU")["data"]
    assert {f["category"] for f in gpus} == {"GPU"} and len(gpus) == 4
    assert [f["id"] for f in _flavors(emu_api, "category=ASCEND")["data"]] == ["modelarts.kat1.xlarge"]
    assert _flavors(emu_api, "type=MANAGED")["total"] == 9
    assert _flavors(emu_api, "type=DEDICATED") == {
        "current": 0,
        "data": [],
        "pages": 0,
        "size": 0,
        "total": 0,
    }
    paged = _flavors(emu_api, "limit=4&offset=4")
    assert (paged["current"], paged["size"], paged["pages"], len(paged["data"])) == (1, 4, 3, 4)
    assert _error(emu_api.signed("GET", emu_api.nb("/flavors"), query="category=TPU")) == (
        400,
        "ModelArts.0101",
    )
    assert _error(emu_api.signed("GET", emu_api.nb("/flavors"), query="type=SHARED")) == (
        400,
        "ModelArts.0101",
    )


def test_a_sold_out_knob_shows_in_the_list_and_frees_on_the_clock(
    emu_api: EmuClient, emulator: Emulator, clock: ManualClock
) -> None:
    emulator.capacity.sell_out("modelarts.vm.gpu.t4", 120)

    def t4() -> bool:
        return next(f for f in _flavors(emu_api)["data"] if f["id"] == "modelarts.vm.gpu.t4")["sold_out"]

    assert t4() is True
    clock.advance(119)
    assert t4() is True
    clock.advance(1)
    assert t4() is False
    emulator.capacity.sell_out("modelarts.vm.gpu.t4")
    clock.advance(10**6)
    assert t4() is True
    emulator.capacity.free("modelarts.vm.gpu.t4")
    assert t4() is False


def test_switchable_flavors_fit_the_image_and_leave_out_the_current(emu_api: EmuClient) -> None:
    notebooks = emu_api.signed("GET", emu_api.nb(), query="limit=50").json()["data"]
    gpu = next(
        n
        for n in notebooks
        if n["flavor"] == "modelarts.vm.gpu.v100" and n["image"]["name"].startswith("pytorch")
    )
    body = emu_api.signed("GET", emu_api.nb(f"/{gpu['id']}/flavors")).json()
    ids = {f["id"] for f in body["data"]}
    assert body["total"] == len(ids) and "modelarts.vm.gpu.v100" not in ids
    assert ids == {
        "modelarts.vm.cpu.2u",
        "modelarts.vm.cpu.8u",
        "modelarts.vm.gpu.t4",
        "modelarts.bm.gpu.v100NV32",
        "modelarts.vm.gpu.a100",
    }
    ascend = next(n for n in notebooks if n["flavor"] == "modelarts.kat1.xlarge")
    assert emu_api.signed("GET", emu_api.nb(f"/{ascend['id']}/flavors")).json()["data"] == []
    missing = emu_api.signed("GET", emu_api.nb("/00000000-0000-4000-8000-000000000000/flavors"))
    assert _error(missing) == (400, "ModelArts.6404")
