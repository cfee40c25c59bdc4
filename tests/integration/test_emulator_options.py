"""``modelarts-tui emulator`` options of issue 13: --sold-out, --short, --quota, --non-admin."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tui.emulator import DEMO_PROJECT_ID, DEMO_TOKEN

ROOT = Path(__file__).resolve().parents[2]
LAUNCH = (
    "import argparse, sys\n"
    "from tui.emulator.cli import add_arguments, run\n"
    "parser = argparse.ArgumentParser()\n"
    "add_arguments(parser)\n"
    "sys.exit(run(parser.parse_args(sys.argv[1:])))\n"
)
PYTORCH = "278e88d1-5b71-4766-8502-b3ba72e824d9"


def _launch(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", LAUNCH, "--port", "0", "--instances", "6", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )


def _body(name: str, flavor: str) -> dict[str, object]:
    return {"name": name, "flavor": flavor, "image_id": PYTORCH, "volume": {"category": "EVS", "capacity": 5}}


def test_capacity_quota_and_admin_options() -> None:
    process = _launch(
        "--sold-out",
        "modelarts.vm.gpu.t4:600",
        "--short",
        "modelarts.vm.cpu.8u",
        "--quota",
        "7",
        "--non-admin",
    )
    assert process.stdout is not None
    try:
        lines = [process.stdout.readline().strip()]
        while not lines[-1].startswith("Press Ctrl-C"):
            lines.append(process.stdout.readline().strip())
            assert lines[-1] or process.poll() is None, lines
        assert "sold out:     modelarts.vm.gpu.t4 for 600 s" in lines
        assert "short:        modelarts.vm.cpu.8u" in lines
        assert "admin:        no (notebooks/all answers 403)" in lines
        base = lines[0].removeprefix("listening on ") + f"/v1/{DEMO_PROJECT_ID}/notebooks"
        with httpx.Client(headers={"X-Auth-Token": DEMO_TOKEN}, timeout=5) as http:
            flavors = http.get(f"{base}/flavors").json()["data"]
            assert {f["id"] for f in flavors if f["sold_out"]} == {
                "modelarts.vm.gpu.t4",
                "modelarts.vm.gpu.a100",
            }
            assert (
                http.post(base, json=_body("a", "modelarts.vm.gpu.t4")).json()["error_code"]
                == "ModelArts.6329"
            )
            assert (
                http.post(base, json=_body("b", "modelarts.vm.cpu.8u")).json()["error_code"]
                == "ModelArts.6360"
            )
            assert http.post(base, json=_body("c", "modelarts.vm.cpu.2u")).status_code == 200
            assert (
                http.post(base, json=_body("d", "modelarts.vm.cpu.2u")).json()["error_code"]
                == "ModelArts.6302"
            )
            denied = http.get(f"{base}/all")
            assert (denied.status_code, denied.json()["error_code"]) == (403, "ModelArts.0108")
    finally:
        process.terminate()
        process.communicate(timeout=10)


@pytest.mark.parametrize("value", ["", ":30", "modelarts.vm.gpu.t4:soon", "modelarts.vm.gpu.t4:-1"])
def test_a_bad_sold_out_value_is_refused_with_exit_2(value: str) -> None:
    process = _launch("--sold-out", value)
    _, err = process.communicate(timeout=20)
    assert process.returncode == 2
    assert "--sold-out: FLAVOR or FLAVOR:SECONDS" in err
