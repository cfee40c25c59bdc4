"""Input that used to end in a traceback or an "internal error": now a clear message and exit 2.

* an instance or project id with a trailing newline passed the ``^…$`` checks (``$`` matches
  before a final newline) and crashed inside httpx;
* a non-ASCII access key raised UnicodeEncodeError while signing (the TUI showed "ModelArtsError");
* endpoints with port 99999, ``http://[::1``, a 70,000-character host or ``xn--.com``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tui.api.auth import AkSkAuth
from tui.api.client import ModelArtsClient
from tui.config.model import Config, Profile, UiSettings
from tui.core.errors import ValidationError
from tui.core.secret import Secret
from tui.emulator import DEMO_AK, DEMO_PROJECT_ID, DEMO_SK, Emulator, EmulatorConfig
from tui.ui.app import make_app

BAD_ENDPOINTS = {
    "http://127.0.0.1:99999": "is not a valid URL (Port out of range 0-65535)",
    "http://[::1": "is not a valid URL (Invalid IPv6 URL)",
    "http://" + "a" * 70_000 + ".com": "is 70,011 characters long (at most 2,048)",
    "http://xn--.com": "has a host name label that is not valid",
    "https://" + ".".join(["a" * 60] * 5): "has a host name of 304 characters (at most 253)",
}


@pytest.fixture(scope="module")
def emu() -> Iterator[Emulator]:
    with Emulator(EmulatorConfig(instances=2, seed=13)) as emulator:
        yield emulator


def _cli(*args: str, ak: str = DEMO_AK, config: str = "") -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "HUAWEICLOUD_SDK_AK": ak,
        "HUAWEICLOUD_SDK_SK": DEMO_SK,
        "HUAWEICLOUD_SDK_PROJECT_ID": DEMO_PROJECT_ID,
        "MODELARTS_TUI_CONFIG": config or os.devnull + ".absent.toml",
    }
    command = [str(Path(sys.executable).with_name("modelarts-tui")), *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=60, check=False)


def assert_clear(done: subprocess.CompletedProcess[str], *expected: str) -> None:
    assert done.returncode == 2, (done.returncode, done.stderr[-400:])
    for text in expected:
        assert text in done.stderr, done.stderr[-400:]
    for crash in ("Traceback", "internal error", "unexpected", "UnicodeEncodeError"):
        assert crash not in done.stderr, done.stderr[-400:]
    assert len(done.stderr) < 2_000, "a message, not the 70,000-character input"


# --- ids with a trailing newline -----------------------------------------------------------------
def test_an_instance_id_with_a_trailing_newline_is_refused(emu: Emulator) -> None:
    real = next(r.v1_id for r in emu.store.all() if r.family == "devenv-v1")
    for command in (["show", real + "\n"], ["start", real + "\n"], ["stop", "--yes", real + "\n"]):
        done = _cli(*command, "--endpoint", emu.url)
        assert_clear(done, "\\n")
    assert not [r for r in emu.requests if r.method == "POST"], "nothing was sent"


async def test_the_client_refuses_a_trailing_newline_itself(emu: Emulator) -> None:
    real = next(r.v1_id for r in emu.store.all() if r.family == "devenv-v1")
    auth = AkSkAuth(DEMO_AK, Secret(DEMO_SK), project_id=DEMO_PROJECT_ID)
    async with ModelArtsClient(emu.url, DEMO_PROJECT_ID, auth) as client:
        with pytest.raises(ValidationError, match="not a valid instance id"):
            await client.get_instance(real + "\n")
        with pytest.raises(ValidationError):
            await client.start(real + "\n")


def test_a_project_id_with_a_trailing_newline_is_refused(emu: Emulator) -> None:
    assert_clear(_cli("list", "--endpoint", emu.url, "--project-id", DEMO_PROJECT_ID + "\n"), "project")


# --- a non-ASCII access key ------------------------------------------------------------------------
def test_a_non_ascii_access_key_is_a_clear_error(emu: Emulator) -> None:
    assert_clear(
        _cli("list", "--endpoint", emu.url, ak="ÄKID" + DEMO_AK), "ak: holds a character that is not ASCII"
    )


async def test_the_tui_names_a_non_ascii_access_key(emu: Emulator, tmp_path: Path) -> None:
    profile = Profile(
        name="p",
        endpoint=emu.url,
        project_id=DEMO_PROJECT_ID,
        ak="ÄKID" + DEMO_AK,
        sk=Secret(DEMO_SK),
        notify_minutes=0,
    )
    app = make_app(
        Config(profiles=(profile,), ui=UiSettings(theme="textual-dark")),
        tmp_path / "c.toml",
        log_dir=tmp_path,
    )
    async with app.run_test(size=(160, 40)) as pilot:
        for _ in range(3):
            await pilot.pause()
            await app.workers.wait_for_complete()
        strips = app.screen._compositor.render_strips()
        screen = "\n".join("".join(segment.text for segment in strip) for strip in strips)
    assert "not ASCII" in screen, screen
    assert "ModelArtsError" not in screen and "UnicodeEncodeError" not in screen
    assert not emu.requests or all("ÄKID" not in str(r.headers) for r in emu.requests)


# --- endpoints no request can use ------------------------------------------------------------------
@pytest.mark.parametrize("endpoint", list(BAD_ENDPOINTS), ids=lambda e: e[:24])
def test_an_unusable_endpoint_is_a_clear_error(endpoint: str) -> None:
    assert_clear(_cli("list", "--endpoint", endpoint), "endpoint", BAD_ENDPOINTS[endpoint])


@pytest.mark.parametrize("endpoint", list(BAD_ENDPOINTS), ids=lambda e: e[:24])
def test_an_unusable_endpoint_in_the_file_is_named_by_config_check(endpoint: str, tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        f'[[profiles]]\nname = "p"\nendpoint = "{endpoint}"\nproject_id = "{DEMO_PROJECT_ID}"\n'
        f'ak = "{DEMO_AK}"\nsk = "{DEMO_SK}"\n'
    )
    path.chmod(0o600)
    assert_clear(_cli("config", "check", config=str(path)), "endpoint", BAD_ENDPOINTS[endpoint])
    assert_clear(_cli("list", config=str(path)), BAD_ENDPOINTS[endpoint])


def test_the_session_refuses_them_too() -> None:
    auth: Any = AkSkAuth(DEMO_AK, Secret(DEMO_SK), project_id=DEMO_PROJECT_ID)
    for endpoint, problem in BAD_ENDPOINTS.items():
        with pytest.raises(ValidationError) as caught:
            ModelArtsClient(endpoint, DEMO_PROJECT_ID, auth)
        assert problem in str(caught.value) and len(str(caught.value)) < 400
