"""The v1 DevEnviron API of the emulator over a real socket: shapes, paging, lifecycle, section-0 codes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from tui.emulator import Emulator, ManualClock

if TYPE_CHECKING:
    from tests.conftest import EmuClient


def _by_status(api: EmuClient, status: str) -> dict[str, Any]:
    return next(i for i in api.instances() if i["status"] == status)


def _error(response: Any) -> tuple[int, str]:
    body = response.json()
    assert set(body) == {"error_code", "error_message"}, body
    return response.status_code, body["error_code"]


def test_list_returns_every_seeded_instance_with_the_documented_shape(emu_api: EmuClient) -> None:
    response = emu_api.signed("GET", emu_api.v1(), query="de_type=Notebook")
    body = response.json()
    assert response.status_code == 200
    assert body["total_count"] == 12 and len(body["instances"]) == 12
    running = next(
        i
        for i in body["instances"]
        if i["status"] == "RUNNING" and "stop_timestamp" in i["spec"]["auto_stop"]
    )
    assert running["id"].startswith("DE-")
    assert running["creation_timestamp"].isdigit() and len(running["creation_timestamp"]) == 13
    assert running["latest_update_timestamp"].isdigit()
    assert running["flavor_details"]["type"] in {"CPU", "GPU", "ASCEND"}
    assert running["flavor_details"]["params"]["CPU"] >= 2
    assert running["profile"]["provision"]["spec"]["params"]["image_name"]
    assert running["profile"]["de_type"] == "Notebook"
    assert running["spec"]["storage"]["type"] in {"evs", "obs"}
    assert running["spec"]["annotations"]["url"].startswith("https://")
    auto = running["spec"]["auto_stop"]
    assert isinstance(auto["stop_timestamp"], int) and isinstance(auto["remain_time"], int)
    assert auto["stop_timestamp"] == int(emu_api.clock() * 1000) + auto["remain_time"] * 1000
    assert running["user"]["name"] == "demo-user" and running["workspace"] == {"id": "0"}
    assert running["ai_project"] == {"id": "default-ai-project"}
    stopped = next(i for i in body["instances"] if i["status"] == "STOPPED")
    assert stopped["spec"]["annotations"]["url"] == ""
    assert (
        "stop_timestamp" not in stopped["spec"]["auto_stop"]
        and "remain_time" not in stopped["spec"]["auto_stop"]
    )


def test_seed_has_the_mix_a_user_should_see(emu_api: EmuClient) -> None:
    instances = emu_api.instances()
    statuses = [i["status"] for i in instances]
    assert {"RUNNING", "STOPPED", "STARTING", "STOPPING", "START_FAILED", "CREATING"} <= set(statuses)
    assert statuses.count("RUNNING") + statuses.count("STOPPED") >= 7
    remaining = [
        i["spec"]["auto_stop"]["remain_time"] for i in instances if "remain_time" in i["spec"]["auto_stop"]
    ]
    assert any(r < 15 * 60 for r in remaining) and any(r > 3600 for r in remaining)
    assert {i["flavor"] for i in instances} == {
        "modelarts.vm.cpu.2u",
        "modelarts.vm.cpu.8u",
        "modelarts.vm.gpu.v100",
        "modelarts.bm.gpu.v100NV32",
        "modelarts.kat1.xlarge",
    }
    assert all(i["creation_timestamp"] < str(int(emu_api.clock() * 1000)) for i in instances)


def test_paging_counts_all_matches_and_offset_past_the_end_is_empty(emu_api: EmuClient) -> None:
    everything = [i["id"] for i in emu_api.instances("de_type=Notebook&sortby=name")]
    first = emu_api.signed("GET", emu_api.v1(), query="de_type=Notebook&limit=5&offset=0").json()
    second = emu_api.signed("GET", emu_api.v1(), query="de_type=Notebook&limit=5&offset=5").json()
    assert first["total_count"] == second["total_count"] == 12
    assert [i["id"] for i in first["instances"] + second["instances"]] == everything[:10]
    past = emu_api.signed("GET", emu_api.v1(), query="de_type=Notebook&offset=40&limit=5").json()
    assert past == {"instances": [], "total_count": 12}
    zero = emu_api.signed("GET", emu_api.v1(), query="de_type=Notebook&limit=0").json()
    assert len(zero["instances"]) == 12


def test_status_filter_and_sorting(emu_api: EmuClient) -> None:
    running = emu_api.signed("GET", emu_api.v1(), query="de_type=Notebook&status=RUNNING").json()
    assert running["total_count"] == len(running["instances"]) > 0
    assert {i["status"] for i in running["instances"]} == {"RUNNING"}
    both = emu_api.instances("de_type=Notebook&status=RUNNING&status=STOPPED")
    assert {i["status"] for i in both} == {"RUNNING", "STOPPED"}
    names = [i["name"] for i in emu_api.instances("de_type=Notebook&sortby=name&order=desc")]
    assert names == sorted(names, reverse=True)
    created = [
        int(i["creation_timestamp"]) for i in emu_api.instances("de_type=Notebook&sortby=creation_timestamp")
    ]
    assert created == sorted(created)


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("", "ModelArts.0101"),
        ("de_type=notebook", "ModelArts.0101"),
        ("de_type=Notebook&sortby=flavor", "ModelArts.6303"),
        ("de_type=Notebook&order=up", "ModelArts.0101"),
        ("de_type=Notebook&limit=-1", "ModelArts.0101"),
        ("de_type=Notebook&status=SLEEPING", "ModelArts.0101"),
    ],
)
def test_list_refuses_bad_parameters(emu_api: EmuClient, query: str, code: str) -> None:
    assert _error(emu_api.signed("GET", emu_api.v1(), query=query)) == (400, code)


def test_details_of_one_instance_and_of_a_missing_one(emu_api: EmuClient) -> None:
    listed = emu_api.instances()[0]
    detail = emu_api.signed("GET", emu_api.v1(f"/{listed['id']}")).json()
    assert detail == listed
    missing = emu_api.signed("GET", emu_api.v1("/DE-00000000-0000-4000-8000-000000000000"))
    assert _error(missing) == (400, "ModelArts.6309")
    assert missing.json()["error_message"] == "The instance does not exist."


def test_start_goes_starting_then_running_with_auto_stop_from_the_start_time(
    emu_api: EmuClient, emulator: Emulator, clock: ManualClock
) -> None:
    target = next(
        i for i in emu_api.instances() if i["status"] == "STOPPED" and i["spec"]["auto_stop"]["enable"]
    )
    response = emu_api.signed("POST", emu_api.v1(f"/{target['id']}/action"), body={"action": "start"})
    assert response.status_code == 200
    assert response.json() == {"current_status": "STARTING", "previous_state": "STOPPED"}
    clock.advance(2.9)
    assert emu_api.signed("GET", emu_api.v1(f"/{target['id']}")).json()["status"] == "STARTING"
    started_at = clock.advance(0.1)
    clock.advance(10)
    after = emu_api.signed("GET", emu_api.v1(f"/{target['id']}")).json()
    assert after["status"] == "RUNNING"
    duration = target["spec"]["auto_stop"]["duration"]
    assert after["spec"]["auto_stop"]["stop_timestamp"] == round(started_at * 1000) + duration * 1000
    assert after["spec"]["auto_stop"]["remain_time"] == duration - 10
    assert after["spec"]["annotations"]["url"]


def test_stop_goes_stopping_then_stopped(emu_api: EmuClient, clock: ManualClock) -> None:
    target = _by_status(emu_api, "RUNNING")
    response = emu_api.signed("POST", emu_api.v1(f"/{target['id']}/action"), body={"action": "stop"})
    assert response.json() == {"current_status": "STOPPING", "previous_state": "RUNNING"}
    assert emu_api.signed("GET", emu_api.v1(f"/{target['id']}")).json()["status"] == "STOPPING"
    clock.advance(3)
    stopped = emu_api.signed("GET", emu_api.v1(f"/{target['id']}")).json()
    assert stopped["status"] == "STOPPED" and stopped["spec"]["annotations"]["url"] == ""
    assert int(stopped["latest_update_timestamp"]) == int(clock() * 1000)


def test_auto_stop_stops_a_running_instance_when_its_time_passes(
    emu_api: EmuClient, clock: ManualClock
) -> None:
    target = min(
        (i for i in emu_api.instances() if "remain_time" in i["spec"]["auto_stop"]),
        key=lambda i: i["spec"]["auto_stop"]["remain_time"],
    )
    remain = target["spec"]["auto_stop"]["remain_time"]
    assert remain < 15 * 60
    clock.advance(remain - 1)
    assert emu_api.signed("GET", emu_api.v1(f"/{target['id']}")).json()["status"] == "RUNNING"
    clock.advance(2)
    assert emu_api.signed("GET", emu_api.v1(f"/{target['id']}")).json()["status"] == "STOPPING"
    clock.advance(3)
    assert emu_api.signed("GET", emu_api.v1(f"/{target['id']}")).json()["status"] == "STOPPED"


def test_a_start_marked_to_fail_ends_in_start_failed(
    emu_api: EmuClient, emulator: Emulator, clock: ManualClock
) -> None:
    new_id = emulator.store.add("doomed", "STOPPED", fail_start=True)
    assert (
        emu_api.signed("POST", emu_api.v1(f"/{new_id}/action"), body={"action": "start"}).status_code == 200
    )
    clock.advance(5)
    failed = emu_api.signed("GET", emu_api.v1(f"/{new_id}")).json()
    assert failed["status"] == "START_FAILED"
    assert failed["spec"]["failed_reasons"]["code"] and failed["error_code"]


@pytest.mark.parametrize(
    ("status", "action", "code"),
    [
        ("RUNNING", "start", "ModelArts.6305"),
        ("STARTING", "start", "ModelArts.6306"),
        ("STARTING", "stop", "ModelArts.6306"),
        ("STOPPED", "stop", "ModelArts.6307"),
        ("STOPPING", "stop", "ModelArts.6308"),
        ("STOPPING", "start", "ModelArts.6308"),
        ("CREATING", "start", "ModelArts.6357"),
        ("START_FAILED", "stop", "ModelArts.6357"),
        ("STOPPED", "restart", "ModelArts.6357"),
    ],
)
def test_actions_the_state_does_not_allow(
    emu_api: EmuClient, emulator: Emulator, status: str, action: str, code: str
) -> None:
    instance_id = emulator.store.add("probe", status)
    response = emu_api.signed("POST", emu_api.v1(f"/{instance_id}/action"), body={"action": action})
    assert _error(response) == (400, code)
    record = emulator.store.get(instance_id)
    assert record is not None and record.status == status


def test_unknown_verb_and_missing_instance(emu_api: EmuClient, emulator: Emulator) -> None:
    instance_id = emulator.store.add("probe", "STOPPED")
    bad_verb = emu_api.signed("POST", emu_api.v1(f"/{instance_id}/action"), body={"action": "reboot"})
    assert _error(bad_verb) == (400, "ModelArts.0101")
    missing = emu_api.signed(
        "POST", emu_api.v1("/DE-00000000-0000-4000-8000-000000000000/action"), body={"action": "start"}
    )
    assert _error(missing) == (400, "ModelArts.6309")


def test_restart_of_a_running_instance(emu_api: EmuClient, emulator: Emulator, clock: ManualClock) -> None:
    instance_id = emulator.store.add("busy", "RUNNING")
    response = emu_api.signed("POST", emu_api.v1(f"/{instance_id}/action"), body={"action": "restart"})
    assert response.json() == {"current_status": "RESTARTING", "previous_state": "RUNNING"}
    clock.advance(3)
    assert emu_api.signed("GET", emu_api.v1(f"/{instance_id}")).json()["status"] == "RUNNING"


def test_create_answers_creating_then_the_instance_runs(emu_api: EmuClient, clock: ManualClock) -> None:
    body = {
        "name": "notebook-instance",
        "description": "",
        "profile_id": "Multi-Engine 1.0 (python3)-gpu",
        "flavor": "modelarts.bm.gpu.v100NV32",
        "spec": {
            "storage": {"type": "evs", "location": {"volume_size": 5}},
            "auto_stop": {"enable": True, "duration": 3600},
        },
        "workspace": {"id": "0"},
    }
    created = emu_api.signed("POST", emu_api.v1(), body=body)
    assert created.status_code == 200
    instance = created.json()
    assert instance["status"] == "CREATING" and instance["id"].startswith("DE-")
    assert instance["spec"]["annotations"]["url"] == ""
    assert "remain_time" not in instance["spec"]["auto_stop"]
    clock.advance(3)
    running = emu_api.signed("GET", emu_api.v1(f"/{instance['id']}")).json()
    assert running["status"] == "RUNNING" and running["spec"]["auto_stop"]["remain_time"] == 3600
    again = emu_api.signed("POST", emu_api.v1(), body=body)
    assert _error(again) == (400, "ModelArts.6301")


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"flavor": "modelarts.vm.tpu.9000"}, "ModelArts.6323"),
        ({"flavor": "modelarts.vm.cpu.2u"}, "ModelArts.6330"),
        ({"spec": {}}, "ModelArts.6316"),
        ({"spec": {"storage": {"type": "nfs"}}}, "ModelArts.6324"),
        ({"spec": {"storage": {"type": "obs", "location": {}}}}, "ModelArts.6317"),
        ({"spec": {"storage": {"type": "obs", "location": {"path": "/bucket/dir"}}}}, "ModelArts.6318"),
        ({"spec": {"storage": {"type": "obs", "location": {"path": "/bucket/"}}}}, "ModelArts.6358"),
        ({"spec": {"storage": {"type": "evs", "location": {"volume_size": 1}}}}, "ModelArts.6331"),
        ({"spec": {"storage": {"type": "evs"}, "auto_stop": {"enable": True}}}, "ModelArts.6348"),
        (
            {"spec": {"storage": {"type": "evs"}, "auto_stop": {"enable": True, "duration": 60}}},
            "ModelArts.6349",
        ),
        ({"description": "a<b"}, "ModelArts.6334"),
        ({"name": "bad name!"}, "ModelArts.6334"),
    ],
)
def test_create_validation_codes(emu_api: EmuClient, change: dict[str, Any], code: str) -> None:
    body = {
        "name": "fresh",
        "profile_id": "Multi-Engine 1.0 (python3)-gpu",
        "flavor": "modelarts.vm.gpu.v100",
        "spec": {"storage": {"type": "evs", "location": {"volume_size": 5}}},
    }
    assert _error(emu_api.signed("POST", emu_api.v1(), body={**body, **change})) == (400, code)


def test_update_description_and_auto_stop_in_both_spellings(emu_api: EmuClient, emulator: Emulator) -> None:
    instance_id = emulator.store.add("editable", "STOPPED")
    documented = emu_api.signed(
        "PUT",
        emu_api.v1(f"/{instance_id}"),
        body={"description": "This is for test.", "spec": {"auto_stop": {"enable": True, "duration": 7200}}},
    )
    assert documented.status_code == 200
    assert documented.json()["description"] == "This is for test."
    assert documented.json()["spec"]["auto_stop"] == {"enable": True, "duration": 7200, "prompt": True}
    otc = emu_api.signed(
        "PUT",
        emu_api.v1(f"/{instance_id}"),
        body={"auto_stop": {"enable": True, "prompt": False, "duration": 3600}, "description": "otc"},
    )
    assert otc.json()["spec"]["auto_stop"] == {"enable": True, "duration": 3600, "prompt": False}
    too_long = emu_api.signed(
        "PUT", emu_api.v1(f"/{instance_id}"), body={"auto_stop": {"enable": True, "duration": 90000}}
    )
    assert _error(too_long) == (400, "ModelArts.6349")
    too_short = emu_api.signed(
        "PUT", emu_api.v1(f"/{instance_id}"), body={"spec": {"auto_stop": {"enable": True, "duration": 3599}}}
    )
    assert _error(too_short) == (400, "ModelArts.6349")


def test_turning_auto_stop_on_for_a_running_instance_plans_a_stop(
    emu_api: EmuClient, emulator: Emulator, clock: ManualClock
) -> None:
    instance_id = emulator.store.add("long-runner", "RUNNING")
    before = emu_api.signed("GET", emu_api.v1(f"/{instance_id}")).json()["spec"]["auto_stop"]
    assert "stop_timestamp" not in before
    after = emu_api.signed(
        "PUT", emu_api.v1(f"/{instance_id}"), body={"spec": {"auto_stop": {"enable": True, "duration": 3600}}}
    ).json()["spec"]["auto_stop"]
    assert after["remain_time"] == 3600
    clock.advance(3600)
    assert emu_api.signed("GET", emu_api.v1(f"/{instance_id}")).json()["status"] == "STOPPING"


def test_delete_running_is_refused_and_stopped_is_removed(emu_api: EmuClient, emulator: Emulator) -> None:
    running = emulator.store.add("live", "RUNNING")
    assert _error(emu_api.signed("DELETE", emu_api.v1(f"/{running}"))) == (400, "ModelArts.6304")
    stopped = emulator.store.add("old", "STOPPED")
    response = emu_api.signed("DELETE", emu_api.v1(f"/{stopped}"))
    assert response.status_code == 200 and response.json() == {"instance_id": stopped}
    assert emulator.store.get(stopped) is None
    assert _error(emu_api.signed("DELETE", emu_api.v1(f"/{stopped}"))) == (400, "ModelArts.6309")


def test_token_of_a_running_notebook(emu_api: EmuClient, emulator: Emulator) -> None:
    running = emulator.store.add("live", "RUNNING")
    token = emu_api.signed("GET", emu_api.v1(f"/{running}/token")).json()["token"]
    assert len(token) == 32
    stopped = emulator.store.add("cold", "STOPPED")
    assert _error(emu_api.signed("GET", emu_api.v1(f"/{stopped}/token"))) == (400, "ModelArts.6327")


def test_a_bare_uuid_also_addresses_a_v1_instance(emu_api: EmuClient) -> None:
    listed = emu_api.instances()[0]
    bare = listed["id"].removeprefix("DE-")
    assert emu_api.signed("GET", emu_api.v1(f"/{bare}")).json()["id"] == listed["id"]


def test_a_body_that_is_not_json_is_refused(emu_api: EmuClient, emulator: Emulator) -> None:
    instance_id = emulator.store.add("probe", "STOPPED")
    response = emu_api.signed("POST", emu_api.v1(f"/{instance_id}/action"), body=b"action=start")
    assert _error(response) == (400, "ModelArts.6400")
