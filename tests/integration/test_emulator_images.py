"""Images and save-as-image (issue 13): the list, one image, SNAPSHOTTING and the image's own lifecycle."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tui.emulator import Emulator, ManualClock

if TYPE_CHECKING:
    from tests.conftest import EmuClient

IMAGE_KEYS = {"id", "name", "tag", "arch", "dev_services", "resource_categories", "swr_path", "status"} | {
    "visibility",
    "type",
    "description",
    "namespace",
    "create_at",
    "update_at",
}


def _images(api: EmuClient, query: str = "") -> dict[str, Any]:
    response = api.signed("GET", f"/v1/{api.pid}/images", query=query)
    assert response.status_code == 200, response.text
    return dict(response.json())


def _image(api: EmuClient, image_id: str) -> dict[str, Any]:
    response = api.signed("GET", f"/v1/{api.pid}/images/{image_id}")
    assert response.status_code == 200, response.text
    return dict(response.json())


def _error(response: Any) -> tuple[int, str]:
    body = response.json()
    assert set(body) == {"error_code", "error_msg"}, body
    return response.status_code, body["error_code"]


def _running(api: EmuClient) -> dict[str, Any]:
    notebooks = api.signed("GET", api.nb(), query="limit=50&status=RUNNING").json()["data"]
    return next(n for n in notebooks if n["image"]["name"].startswith("pytorch"))


def _save(api: EmuClient, nb_id: str, **body: Any) -> Any:
    payload = {"name": "my-env", "tag": "v1", "namespace": "demo-team", "description": "tuned", **body}
    return api.signed("POST", api.nb(f"/{nb_id}/create-image"), body=payload)


def test_build_in_and_dedicated_images_with_paging(emu_api: EmuClient) -> None:
    body = _images(emu_api, "limit=50")
    assert body["total"] == 7 and {i["type"] for i in body["data"]} == {"BUILD_IN", "DEDICATED"}
    for image in body["data"]:
        assert set(image) >= IMAGE_KEYS and image["status"] == "ACTIVE"
    assert {i["arch"] for i in body["data"]} == {"x86_64", "aarch64"}
    no_ssh = [i["name"] for i in body["data"] if "SSH" not in i["dev_services"]]
    assert no_ssh == ["notebook2.0-mul-kernel-cpu-cp36"]
    dedicated = _images(emu_api, "type=DEDICATED")["data"]
    assert [(i["name"], i["tag"], i["namespace"], i["visibility"]) for i in dedicated] == [
        ("team-pytorch-env", "v3", "demo-team", "PRIVATE")
    ]
    first, second = _images(emu_api, "limit=4"), _images(emu_api, "limit=4&offset=4")
    assert (first["pages"], first["size"], len(first["data"]), second["current"], len(second["data"])) == (
        2,
        4,
        4,
        1,
        3,
    )
    assert not {i["id"] for i in first["data"]} & {i["id"] for i in second["data"]}
    assert _images(emu_api)["size"] == 10


def test_name_filters_and_one_image(emu_api: EmuClient) -> None:
    assert _images(emu_api, "name=mindspore")["total"] == 0
    fuzzy = _images(emu_api, "name=mindspore&name_fuzzy_match=true")["data"]
    assert {i["arch"] for i in fuzzy} == {"aarch64"} and len(fuzzy) == 2
    exact = _images(emu_api, "name=tensorflow2.1-cuda10.1-cudnn7-ubuntu18.04")["data"]
    assert len(exact) == 1 and _image(emu_api, exact[0]["id"]) == exact[0]
    assert _images(emu_api, "namespace=demo-team")["total"] == 1
    missing = emu_api.signed("GET", f"/v1/{emu_api.pid}/images/00000000-0000-4000-8000-000000000000")
    assert _error(missing) == (400, "ModelArts.6797")
    assert _error(emu_api.signed("GET", f"/v1/{emu_api.pid}/images", query="type=PUBLIC")) == (
        400,
        "ModelArts.0101",
    )


def test_save_as_image_snapshots_the_notebook_and_the_image_goes_active(
    emu_api: EmuClient, clock: ManualClock
) -> None:
    notebook = _running(emu_api)
    response = _save(emu_api, notebook["id"])
    assert response.status_code == 200, response.text
    image = response.json()
    assert (image["name"], image["tag"], image["namespace"], image["status"]) == (
        "my-env",
        "v1",
        "demo-team",
        "INIT",
    )
    assert image["type"] == "DEDICATED" and image["arch"] == "x86_64" and "SSH" in image["dev_services"]
    during = emu_api.signed("GET", emu_api.nb(f"/{notebook['id']}")).json()
    assert during["status"] == "SNAPSHOTTING"
    clock.advance(3)
    after = emu_api.signed("GET", emu_api.nb(f"/{notebook['id']}")).json()
    assert after["status"] == "RUNNING" and after["lease"] == notebook["lease"]
    assert after["endpoints"] == notebook["endpoints"]
    assert _image(emu_api, image["id"])["status"] == "CREATING"
    clock.advance(3)
    active = _image(emu_api, image["id"])
    assert active["status"] == "ACTIVE" and active["status_message"] == "" and active["size"] > 0
    assert image["id"] in {i["id"] for i in _images(emu_api, "type=DEDICATED")["data"]}


def test_a_duplicate_tag_is_6737_and_a_failed_image_says_why(
    emu_api: EmuClient, emulator: Emulator, clock: ManualClock
) -> None:
    notebook = _running(emu_api)
    assert _save(emu_api, notebook["id"]).status_code == 200
    clock.advance(3)
    assert _error(_save(emu_api, notebook["id"])) == (400, "ModelArts.6737")
    emulator.images.fail_next = 1
    failed = _save(emu_api, notebook["id"], tag="v2").json()
    clock.advance(6)
    final = _image(emu_api, failed["id"])
    assert final["status"] == "CREATE_FAILED" and "35 GB" in final["status_message"]
    assert emu_api.signed("GET", emu_api.nb(f"/{notebook['id']}")).json()["status"] == "RUNNING"


def test_save_as_image_needs_a_running_notebook_and_valid_names(emu_api: EmuClient) -> None:
    stopped = emu_api.signed("GET", emu_api.nb(), query="limit=50&status=STOPPED").json()["data"][0]
    assert _error(_save(emu_api, stopped["id"])) == (400, "ModelArts.6327")
    running = _running(emu_api)
    for bad in ({"name": "My-Env"}, {"name": "-env"}, {"tag": ""}, {"namespace": None}):
        assert _error(_save(emu_api, running["id"], **bad)) == (400, "ModelArts.0101"), bad
    missing = _save(emu_api, "00000000-0000-4000-8000-000000000000")
    assert _error(missing) == (400, "ModelArts.6404")
