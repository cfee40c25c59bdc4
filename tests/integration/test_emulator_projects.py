"""Several projects in several regions on one port (issue 14): IAM lists them, each has its own notebooks."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from tui.emulator import (
    DEMO_DOMAIN,
    DEMO_PASSWORD,
    DEMO_PROJECT_ID,
    DEMO_TOKEN,
    DEMO_USER,
    Emulator,
    EmulatorConfig,
    ManualClock,
)

if TYPE_CHECKING:
    from tests.conftest import EmuClient

REGIONS = ("eu-de", "cn-north-4", "ap-southeast-1")
ROOT = Path(__file__).resolve().parents[2]
PYTORCH = "278e88d1-5b71-4766-8502-b3ba72e824d9"


@pytest.fixture
def multi(clock: ManualClock, make_emu_api: Callable[[Emulator], EmuClient]) -> Iterator[EmuClient]:
    with Emulator(EmulatorConfig(clock=clock, projects=REGIONS, instances=5)) as emu:
        yield make_emu_api(emu)


def _projects(api: EmuClient, query: str = "") -> dict[str, str]:
    response = api.signed("GET", "/v3/projects", query=query)
    assert response.status_code == 200, response.text
    return {p["name"]: p["id"] for p in response.json()["projects"]}


def _password_token(api: EmuClient, scope: dict[str, Any]) -> httpx.Response:
    user = {"name": DEMO_USER, "password": DEMO_PASSWORD, "domain": {"name": DEMO_DOMAIN}}
    body = {"auth": {"identity": {"methods": ["password"], "password": {"user": user}}, "scope": scope}}
    return api.http.post(f"{api.emu.url}/v3/auth/tokens", json=body)


def test_iam_lists_every_project_signed_and_by_token(multi: EmuClient) -> None:
    projects = _projects(multi)
    assert list(projects) == list(REGIONS)
    assert projects["eu-de"] == DEMO_PROJECT_ID and len(set(projects.values())) == 3
    assert _projects(multi, "name=cn-north-4") == {"cn-north-4": projects["cn-north-4"]}
    assert _projects(multi, "name=eu-nl") == {}
    by_token = multi.with_token("GET", "/v3/auth/projects", multi.emu.issue_token()).json()["projects"]
    assert [(p["name"], p["id"]) for p in by_token] == list(projects.items())
    assert {p["domain_id"] for p in by_token} == {by_token[0]["parent_id"]}
    signed = multi.signed("GET", "/v3/auth/projects").json()["projects"]
    assert [p["id"] for p in signed] == list(projects.values())


def test_each_project_has_its_own_notebooks_in_both_families(multi: EmuClient) -> None:
    seen: dict[str, set[str]] = {}
    for name, pid in _projects(multi).items():
        notebooks = multi.signed("GET", multi.nb(pid=pid), query="limit=50")
        assert notebooks.status_code == 200, notebooks.text
        seen[name] = {n["id"] for n in notebooks.json()["data"]}
        assert len(seen[name]) == 5
        v1 = multi.signed("GET", multi.v1(pid=pid), query="de_type=Notebook").json()["instances"]
        assert {i["id"].removeprefix("DE-") for i in v1} == seen[name]
    assert not seen["eu-de"] & seen["cn-north-4"] and not seen["cn-north-4"] & seen["ap-southeast-1"]


def test_what_one_project_does_stays_in_it(multi: EmuClient) -> None:
    projects = _projects(multi)
    body = {
        "name": "only-in-cn",
        "flavor": "modelarts.vm.cpu.2u",
        "image_id": PYTORCH,
        "volume": {"category": "EVS"},
    }
    created = multi.signed("POST", multi.nb(pid=projects["cn-north-4"]), body=body)
    assert created.status_code == 200, created.text
    nb_id = created.json()["id"]
    assert multi.signed("GET", multi.nb(f"/{nb_id}", pid=projects["cn-north-4"])).status_code == 200
    elsewhere = multi.signed("GET", multi.nb(f"/{nb_id}", pid=DEMO_PROJECT_ID))
    assert elsewhere.json()["error_code"] == "ModelArts.6404"
    assert multi.signed("GET", multi.nb(pid=DEMO_PROJECT_ID), query="name=only-in-cn").json()["total"] == 0


def test_a_scoped_token_or_project_header_opens_only_its_project(multi: EmuClient) -> None:
    projects = _projects(multi)
    cn = projects["cn-north-4"]
    primary = multi.emu.issue_token()
    assert multi.with_token("GET", multi.nb(pid=cn), primary).json()["error_code"] == "ModelArts.0210"
    assert multi.with_token("GET", multi.nb(), primary).status_code == 200
    issued = _password_token(multi, {"project": {"name": "cn-north-4"}})
    assert issued.status_code == 201, issued.text
    token = issued.headers["X-Subject-Token"]
    body = issued.json()["token"]
    assert body["project"] == {"id": cn, "name": "cn-north-4", "domain": body["project"]["domain"]}
    modelarts = next(s for s in body["catalog"] if s["type"] == "modelarts")["endpoints"][0]
    assert modelarts["url"].endswith(f"/v1/{cn}") and modelarts["region"] == "cn-north-4"
    assert multi.with_token("GET", multi.nb(pid=cn), token).status_code == 200
    assert multi.with_token("GET", multi.nb(), token).json()["error_code"] == "ModelArts.0210"
    assert multi.signed("GET", multi.nb(pid=cn), headers={"X-Project-Id": cn}).status_code == 200
    wrong = multi.signed("GET", multi.nb(pid=cn), headers={"X-Project-Id": DEMO_PROJECT_ID})
    assert wrong.json()["error_code"] == "ModelArts.0210"
    assert _password_token(multi, {"project": {"name": "eu-nl"}}).status_code == 401
    unknown = multi.signed("GET", multi.nb(pid="f" * 32))
    assert unknown.json()["error_code"] == "ModelArts.0210"


LAUNCH = (
    "import argparse, sys\n"
    "from tui.emulator.cli import add_arguments, run\n"
    "parser = argparse.ArgumentParser()\n"
    "add_arguments(parser)\n"
    "sys.exit(run(parser.parse_args(sys.argv[1:])))\n"
)


def _launch(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", LAUNCH, "--port", "0", "--instances", "4", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )


def test_the_command_line_serves_several_projects() -> None:
    process = _launch("--projects", ",".join(REGIONS))
    assert process.stdout is not None
    try:
        lines = [process.stdout.readline().strip()]
        while not lines[-1].startswith("Press Ctrl-C"):
            lines.append(process.stdout.readline().strip())
            assert lines[-1] or process.poll() is None, lines
        url = lines[0].removeprefix("listening on ")
        with httpx.Client(timeout=5) as http:
            listed = http.get(f"{url}/v3/auth/projects", headers={"X-Auth-Token": DEMO_TOKEN}).json()[
                "projects"
            ]
            assert [p["name"] for p in listed] == list(REGIONS)
            for project in listed:
                assert f"project:      {project['name']} {project['id']}" in lines
                user = {"name": DEMO_USER, "password": DEMO_PASSWORD, "domain": {"name": DEMO_DOMAIN}}
                scope = {"project": {"id": project["id"]}}
                auth = {"identity": {"methods": ["password"], "password": {"user": user}}, "scope": scope}
                token = http.post(f"{url}/v3/auth/tokens", json={"auth": auth}).headers["X-Subject-Token"]
                page = http.get(f"{url}/v1/{project['id']}/notebooks", headers={"X-Auth-Token": token}).json()
                assert page["total"] == 4
    finally:
        process.terminate()
        process.communicate(timeout=10)


@pytest.mark.parametrize("value", ["eu-de,,cn-north-4", "EU-DE", "eu-de,eu-de", "nowhere"])
def test_bad_projects_are_refused_with_exit_2(value: str) -> None:
    process = _launch("--projects", value)
    _, err = process.communicate(timeout=20)
    assert process.returncode == 2
    assert "--projects: region names separated by commas" in err
