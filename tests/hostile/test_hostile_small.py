"""Smaller holes: a password in an endpoint URL, a key remap that takes over quit, a signer that
signed a caller's ``HOST`` header twice."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tui.api import signer
from tui.config.model import Config, Profile, UiSettings
from tui.config.paths import state_dir
from tui.core.errors import ConfigError
from tui.core.secret import Secret
from tui.service.factory import tls_warnings
from tui.ui.app import make_app
from tui.ui.widgets.log_panel import LogPanel

VECTORS = json.loads((Path(__file__).parents[1] / "data" / "sign_vectors.json").read_text())["vectors"]
PASSWORD = "hunter2-in-the-url"


# --- user:password@ in an endpoint ---------------------------------------------------------------
def test_a_password_in_an_endpoint_is_masked_in_warnings_and_config_show(tmp_path: Path) -> None:
    url = f"http://admin:{PASSWORD}@modelarts.example.invalid:8080"
    profile = Profile(name="p", endpoint=url, insecure=True)
    warnings = tls_warnings(profile)
    assert any("modelarts.example.invalid:8080 is plain http://" in w for w in warnings), warnings
    assert all(PASSWORD not in w and "admin" not in w for w in warnings)
    path = tmp_path / "config.toml"
    path.write_text(f'[[profiles]]\nname = "p"\nendpoint = "{url}"\nak = "AK"\nsk = "secret-key-value"\n')
    path.chmod(0o600)
    env = {**os.environ, "MODELARTS_TUI_CONFIG": str(path)}
    command = [str(Path(sys.executable).with_name("modelarts-tui")), "config", "show"]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert 'endpoint = "http://admin:********@modelarts.example.invalid:8080"' in done.stdout
    assert PASSWORD not in done.stdout + done.stderr


# --- a remap onto another binding's key ----------------------------------------------------------
async def test_a_remap_onto_quit_is_reported_naming_both_and_q_still_quits(tmp_path: Path) -> None:
    ui = UiSettings(theme="textual-dark", keys={"start": "q"})
    config = Config(
        profiles=(Profile(name="p", endpoint="http://127.0.0.1:9", ak="AK", sk=Secret("SK")),), ui=ui
    )
    app = make_app(config, tmp_path / "config.toml", log_dir=tmp_path, stable_log=True)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        panel = app.main_screen.query_one(LogPanel)
        logged = "\n".join(strip.text for strip in panel.lines)
        assert "config ui.keys: start = 'q' is the key of quit; start keeps its own key" in logged
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running, "q still quits"


# --- the signer and a caller's Host header -------------------------------------------------------
def _sign(vector: dict[str, Any], headers: dict[str, str]) -> signer.Signature:
    given = vector["input"]
    body = given["body"].encode() if given.get("body") is not None else None
    return signer.sign_full(
        given["method"], given["url"], headers, body, given["ak"], given["sk"], given["date"]
    )


def test_a_host_header_in_any_case_is_signed_once_as_the_sdk_does() -> None:
    checked = 0
    for vector in VECTORS:
        given = vector["input"]
        if given.get("project_id") or given.get("security_token"):
            continue
        netloc = given["url"].split("/")[2]
        expected = _sign(vector, dict(given["headers"]))
        assert expected.signature == vector["expected"]["signature"], vector["name"]
        for name in ("Host", "HOST", "host"):
            signed = _sign(vector, {**given["headers"], name: netloc})
            assert signed.signed_headers.split(";").count("host") == 1, (vector["name"], name)
            assert signed.signature == vector["expected"]["signature"], (vector["name"], name)
        checked += 1
    assert checked >= 8


# --- ~user that names nobody ---------------------------------------------------------------------
def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    command = [str(Path(sys.executable).with_name("modelarts-tui")), *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=60, check=False)


def test_a_path_of_a_user_who_does_not_exist_is_a_named_error_not_a_traceback(tmp_path: Path) -> None:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("MODELARTS_TUI_", "HUAWEICLOUD_SDK_"))}
    base["HOME"] = str(tmp_path)
    nobody = "~no-such-user-here/"
    cases = [
        ({"MODELARTS_TUI_CONFIG": nobody + "config.toml"}, ("list",), "$MODELARTS_TUI_CONFIG"),
        (
            {"HUAWEICLOUD_SDK_CREDENTIALS_FILE": nobody + "c"},
            ("config", "import"),
            "$HUAWEICLOUD_SDK_CREDENTIALS_FILE",
        ),
    ]
    for extra, args, named in cases:
        done = _run({**base, **extra}, *args)
        assert done.returncode == 2, (args, done.stdout, done.stderr)
        assert done.stderr.splitlines() == [
            f"modelarts-tui: {named} is '{nobody}{extra[named[1:]][len(nobody) :]}': "
            "there is no user 'no-such-user-here' to expand ~ for"
        ], done.stderr
    with pytest.raises(ConfigError) as raised:  # the state folder (ssh known_hosts, the TUI's logs)
        state_dir({"MODELARTS_TUI_STATE_DIR": nobody + "state"})
    assert str(raised.value) == (
        f"$MODELARTS_TUI_STATE_DIR is '{nobody}state': there is no user 'no-such-user-here' to expand ~ for"
    )
