"""The notebooks family over the same store: envelope, NotebookResp shape, start/stop, lease arithmetic."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from tui.core.models import FAMILY_NOTEBOOKS
from tui.emulator import Emulator, ManualClock

if TYPE_CHECKING:
    from tests.conftest import EmuClient

HOUR_MS = 3_600_000


def _error(response: Any) -> tuple[int, str]:
    body = response.json()
    assert set(body) == {"error_code", "error_msg"}, body
    return response.status_code, body["error_code"]


def _show(api: EmuClient, nb_id: str) -> dict[str, Any]:
    response = api.signed("GET", api.nb(f"/{nb_id}"))
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_list_envelope_defaults_to_ten_newest_first(emu_api: EmuClient) -> None:
    body = emu_api.signed("GET", emu_api.nb()).json()
    assert (body["current"], body["pages"], body["size"], body["total"]) == (0, 2, 10, 12)
    assert len(body["data"]) == 10
    created = [n["create_at"] for n in body["data"]]
    assert created == sorted(created, reverse=True)
    second = emu_api.signed("GET", emu_api.nb(), query="limit=10&offset=10").json()
    assert second["current"] == 1 and len(second["data"]) == 2
    assert not {n["id"] for n in body["data"]} & {n["id"] for n in second["data"]}


def test_limit_above_fifty_is_refused(emu_api: EmuClient) -> None:
    assert emu_api.signed("GET", emu_api.nb(), query="limit=50").status_code == 200
    assert _error(emu_api.signed("GET", emu_api.nb(), query="limit=51")) == (400, "ModelArts.0101")


def test_filters_and_sorting(emu_api: EmuClient) -> None:
    fuzzy = emu_api.signed("GET", emu_api.nb(), query="name=GPU").json()
    assert [n["name"] for n in fuzzy["data"]] == ["cv-lab-gpu"]
    running = emu_api.signed("GET", emu_api.nb(), query="status=RUNNING&limit=50").json()
    assert running["total"] == len(running["data"]) > 0 and {n["status"] for n in running["data"]} == {
        "RUNNING"
    }
    by_name = emu_api.signed("GET", emu_api.nb(), query="sort_key=name&sort_dir=ASC&limit=50").json()
    names = [n["name"] for n in by_name["data"]]
    assert names == sorted(names)
    assert _error(emu_api.signed("GET", emu_api.nb(), query="sort_dir=UP")) == (400, "ModelArts.0101")
    assert _error(emu_api.signed("GET", emu_api.nb(), query="status=ASLEEP")) == (400, "ModelArts.0101")


def test_notebook_shape_and_the_same_instance_in_both_families(emu_api: EmuClient) -> None:
    v1 = next(
        i for i in emu_api.instances() if i["status"] == "RUNNING" and "remain_time" in i["spec"]["auto_stop"]
    )
    nb = _show(emu_api, v1["id"].removeprefix("DE-"))
    assert nb["id"] == v1["id"].removeprefix("DE-") and nb["name"] == v1["name"]
    assert nb["status"] == "RUNNING" and nb["flavor"] == v1["flavor"]
    assert isinstance(nb["create_at"], int) and str(nb["create_at"]) == v1["creation_timestamp"]
    assert set(nb["image"]) >= {"id", "name", "swr_path", "tag", "type"}
    assert nb["lease"]["type"] == "TIMING" and nb["lease"]["enable"] is True
    assert nb["lease"]["create_at"] + nb["lease"]["duration"] == v1["spec"]["auto_stop"]["stop_timestamp"]
    assert nb["volume"]["mount_path"] == "/home/ma-user/work/"
    assert nb["url"] == v1["spec"]["annotations"]["url"] != ""
    assert nb["action_progress"] == []


def test_a_notebooks_family_instance_shows_up_in_v1_too(emu_api: EmuClient, emulator: Emulator) -> None:
    nb_id = emulator.store.add("nb-only", "STOPPED", family=FAMILY_NOTEBOOKS)
    assert "-" in nb_id and not nb_id.startswith("DE-")
    v1 = emu_api.signed("GET", emu_api.v1(f"/DE-{nb_id}")).json()
    assert v1["name"] == "nb-only" and v1["status"] == "STOPPED"


def test_a_v1_id_is_not_a_notebook_id(emu_api: EmuClient) -> None:
    v1_id = emu_api.instances()[0]["id"]
    assert _error(emu_api.signed("GET", emu_api.nb(f"/{v1_id}"))) == (400, "ModelArts.6404")
    missing = emu_api.signed("POST", emu_api.nb("/00000000-0000-4000-8000-000000000000/start"))
    assert _error(missing) == (400, "ModelArts.6404")


def test_start_reports_progress_then_runs_and_v1_sees_it(
    emu_api: EmuClient, emulator: Emulator, clock: ManualClock
) -> None:
    nb_id = emulator.store.add("nb", "STOPPED", family=FAMILY_NOTEBOOKS)
    started = emu_api.signed("POST", emu_api.nb(f"/{nb_id}/start"))
    assert started.status_code == 200 and started.json()["status"] == "STARTING"
    steps = started.json()["action_progress"]
    assert [s["step"] for s in steps] == [1, 2, 3, 4]
    assert [s["status"] for s in steps] == ["PROCESSING", "WAITING", "WAITING", "WAITING"]
    assert all(s["notebook_id"] == nb_id and s["step_description"] for s in steps)
    clock.advance(1.5)
    halfway = _show(emu_api, nb_id)["action_progress"]
    assert [s["status"] for s in halfway] == ["COMPLETED", "COMPLETED", "PROCESSING", "WAITING"]
    assert emu_api.signed("GET", emu_api.v1(f"/DE-{nb_id}")).json()["status"] == "STARTING"
    clock.advance(1.5)
    assert _show(emu_api, nb_id)["status"] == "RUNNING"
    stopped = emu_api.signed("POST", emu_api.nb(f"/{nb_id}/stop"))
    assert stopped.json()["status"] == "STOPPING"
    clock.advance(3)
    assert emu_api.signed("GET", emu_api.v1(f"/DE-{nb_id}")).json()["status"] == "STOPPED"


@pytest.mark.parametrize(
    ("status", "path", "code"),
    [
        ("RUNNING", "start", "ModelArts.6305"),
        ("STARTING", "stop", "ModelArts.6306"),
        ("STOPPED", "stop", "ModelArts.6307"),
        ("STOPPING", "start", "ModelArts.6308"),
    ],
)
def test_state_errors_use_the_notebooks_body(
    emu_api: EmuClient, emulator: Emulator, status: str, path: str, code: str
) -> None:
    nb_id = emulator.store.add("probe", status, family=FAMILY_NOTEBOOKS)
    assert _error(emu_api.signed("POST", emu_api.nb(f"/{nb_id}/{path}"))) == (400, code)


def test_start_with_a_duration_sets_the_lease_and_stops_when_it_ends(
    emu_api: EmuClient, emulator: Emulator, clock: ManualClock
) -> None:
    nb_id = emulator.store.add("timed", "STOPPED", family=FAMILY_NOTEBOOKS)
    emu_api.signed("POST", emu_api.nb(f"/{nb_id}/start"), query=f"duration={2 * HOUR_MS}&type=timing")
    running_at = clock.advance(3)
    lease = emu_api.signed("GET", emu_api.nb(f"/{nb_id}/lease")).json()
    assert lease == {
        "create_at": round(running_at * 1000),
        "duration": 2 * HOUR_MS,
        "enable": True,
        "type": "TIMING",
        "update_at": round(running_at * 1000),
    }
    clock.advance(2 * 3600 - 1)
    assert _show(emu_api, nb_id)["status"] == "RUNNING"
    clock.advance(1)
    assert _show(emu_api, nb_id)["status"] == "STOPPING"


def test_start_with_a_duration_out_of_range_is_refused(emu_api: EmuClient, emulator: Emulator) -> None:
    nb_id = emulator.store.add("timed", "STOPPED", family=FAMILY_NOTEBOOKS)
    response = emu_api.signed("POST", emu_api.nb(f"/{nb_id}/start"), query="duration=60000")
    assert _error(response) == (400, "ModelArts.6361")
    record = emulator.store.get(nb_id)
    assert record is not None and record.status == "STOPPED"


def test_renewing_restarts_the_lease_from_now(
    emu_api: EmuClient, emulator: Emulator, clock: ManualClock
) -> None:
    nb_id = emulator.store.add("renew-me", "RUNNING", family=FAMILY_NOTEBOOKS, auto_stop_s=3600, remain_s=300)
    clock.advance(200)
    now_ms = round(clock() * 1000)
    renewed = emu_api.signed(
        "PATCH", emu_api.nb(f"/{nb_id}/lease"), body={"duration": 3 * HOUR_MS, "type": "timing"}
    )
    assert renewed.status_code == 200
    assert renewed.json() == {
        "create_at": now_ms,
        "duration": 3 * HOUR_MS,
        "enable": True,
        "type": "TIMING",
        "update_at": now_ms,
    }
    v1 = emu_api.signed("GET", emu_api.v1(f"/DE-{nb_id}")).json()
    assert v1["spec"]["auto_stop"]["stop_timestamp"] == now_ms + 3 * HOUR_MS
    assert v1["spec"]["auto_stop"]["remain_time"] == 3 * 3600
    clock.advance(3 * 3600 - 1)
    assert _show(emu_api, nb_id)["status"] == "RUNNING"
    clock.advance(1)
    assert _show(emu_api, nb_id)["status"] == "STOPPING"


def test_the_query_duration_wins_over_the_body(emu_api: EmuClient, emulator: Emulator) -> None:
    nb_id = emulator.store.add("renew-me", "RUNNING", family=FAMILY_NOTEBOOKS)
    renewed = emu_api.signed(
        "PATCH", emu_api.nb(f"/{nb_id}/lease"), query=f"duration={5 * HOUR_MS}", body={"duration": HOUR_MS}
    )
    assert renewed.json()["duration"] == 5 * HOUR_MS


@pytest.mark.parametrize(
    ("duration", "expected"),
    [(HOUR_MS - 1, "ModelArts.6361"), (72 * HOUR_MS + 1, "ModelArts.6361"), ("soon", "ModelArts.0101")],
)
def test_a_lease_outside_one_to_seventy_two_hours_is_refused(
    emu_api: EmuClient, emulator: Emulator, duration: object, expected: str
) -> None:
    nb_id = emulator.store.add("renew-me", "RUNNING", family=FAMILY_NOTEBOOKS, auto_stop_s=3600)
    status, code = _error(emu_api.signed("PATCH", emu_api.nb(f"/{nb_id}/lease"), body={"duration": duration}))
    assert (status, code) == (400, expected)
    assert emu_api.signed("GET", emu_api.nb(f"/{nb_id}/lease")).json()["duration"] == HOUR_MS


@pytest.mark.parametrize(("status", "code"), [("STOPPED", "ModelArts.6327"), ("STARTING", "ModelArts.6306")])
def test_only_a_running_instance_can_be_prolonged(
    emu_api: EmuClient, emulator: Emulator, status: str, code: str
) -> None:
    nb_id = emulator.store.add("cold", status, family=FAMILY_NOTEBOOKS)
    response = emu_api.signed(
        "PATCH", emu_api.nb(f"/{nb_id}/lease"), body={"duration": HOUR_MS, "type": "timing"}
    )
    assert _error(response) == (400, code)
