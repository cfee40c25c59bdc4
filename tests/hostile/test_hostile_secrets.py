"""Secrets through transformed text, and secrets from the environment written to disk.

A security token with a line break (a wrapped paste) used to reach stderr and the ``-v`` record
in clear: h11 refuses the header with ``Illegal header value b'…\\n…'``, an escaped form that
redaction by exact value missed. Such values are now refused when the config or the environment
is read, naming the field or variable and never the value; and redaction masks a secret's
escaped, repr'd and split forms wherever they appear. In env-only mode (``HUAWEICLOUD_SDK_*``
with ``--endpoint``) a save in settings used to write the SK from the environment into the file.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from tui.api.auth import AkSkAuth
from tui.api.redact import MASK, redact
from tui.config.model import Config, UiSettings
from tui.config.store import env_profile, load_config
from tui.core.errors import ModelArtsError
from tui.core.secret import Secret
from tui.emulator import DEMO_AK, DEMO_PROJECT_ID, DEMO_SK, Emulator, EmulatorConfig
from tui.ui.app import make_app
from tui.ui.screens.settings import SettingsScreen

TOKEN_ONE, TOKEN_TWO = "STStokenHEADpart0123456789", "STStokenTAILpart9876543210"
WRAPPED_TOKEN = f"{TOKEN_ONE}\n{TOKEN_TWO}"
PIECES = (TOKEN_ONE, TOKEN_TWO, TOKEN_ONE[:12], TOKEN_TWO[-12:])


def assert_no_piece(text: str | bytes, where: str) -> None:
    data = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    for piece in PIECES:
        assert piece not in data, f"{where}: a piece of the token came out ({piece[:6]}…)"


@pytest.fixture(scope="module")
def emu() -> Iterator[Emulator]:
    with Emulator(EmulatorConfig(instances=2, seed=11)) as emulator:
        yield emulator


def _cli(*args: str, env: dict[str, str], config: Path) -> subprocess.CompletedProcess[bytes]:
    full = {**os.environ, "MODELARTS_TUI_CONFIG": str(config), **env}
    command = [str(Path(sys.executable).with_name("modelarts-tui")), *args]
    return subprocess.run(command, env=full, capture_output=True, timeout=60, check=False)


SDK_ENV = {
    "HUAWEICLOUD_SDK_AK": DEMO_AK,
    "HUAWEICLOUD_SDK_SK": DEMO_SK,
    "HUAWEICLOUD_SDK_PROJECT_ID": DEMO_PROJECT_ID,
}


# --- refused when read --------------------------------------------------------------------------
@pytest.mark.parametrize("verbose", [[], ["-v"]])
def test_a_wrapped_token_in_the_environment_is_refused_unseen(
    emu: Emulator, tmp_path: Path, verbose: list[str]
) -> None:
    env = {**SDK_ENV, "HUAWEICLOUD_SDK_SECURITY_TOKEN": WRAPPED_TOKEN}
    done = _cli("list", "--endpoint", emu.url, *verbose, env=env, config=tmp_path / "none.toml")
    assert done.returncode == 2
    assert "HUAWEICLOUD_SDK_SECURITY_TOKEN holds a line break" in done.stderr.decode()
    assert_no_piece(done.stdout + done.stderr, "list with a wrapped token")


def test_a_wrapped_token_in_the_file_is_refused_with_its_line(emu: Emulator, tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        "[[profiles]]\n"
        'name = "p"\n'
        f'endpoint = "{emu.url}"\n'
        f'project_id = "{DEMO_PROJECT_ID}"\n'
        f'ak = "{DEMO_AK}"\n'
        f'sk = "{DEMO_SK}"\n'
        f'security_token = "{TOKEN_ONE}\\n{TOKEN_TWO}"\n'
    )
    config.chmod(0o600)
    for args in (["list", "-v"], ["config", "check"], ["config", "show"]):
        done = _cli(*args, env={}, config=config)
        assert done.returncode == 2, args
        stderr = done.stderr.decode()
        assert f"{config}:7: profile 'p': 'security_token' holds a line break" in stderr, stderr
        assert_no_piece(done.stdout + done.stderr, " ".join(args))


def test_a_wrapped_secret_in_a_named_variable_is_refused(emu: Emulator, tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        "[[profiles]]\n"
        'name = "p"\n'
        f'endpoint = "{emu.url}"\n'
        f'project_id = "{DEMO_PROJECT_ID}"\n'
        f'ak = "{DEMO_AK}"\n'
        'sk_env = "MY_WRAPPED_SK"\n'
    )
    config.chmod(0o600)
    done = _cli("list", "-v", env={"MY_WRAPPED_SK": WRAPPED_TOKEN}, config=config)
    assert done.returncode == 2
    assert "sk_env: the environment variable MY_WRAPPED_SK holds a line break" in done.stderr.decode()
    assert_no_piece(done.stdout + done.stderr, "list with a wrapped sk_env")


# --- redaction of transformed forms -------------------------------------------------------------
def test_a_caller_building_the_auth_itself_is_refused_unseen() -> None:
    """The auth refuses what no header can carry; h11 would echo it (``Illegal header value b'…'``)."""
    with pytest.raises(ModelArtsError) as caught:
        AkSkAuth(DEMO_AK, Secret(DEMO_SK), project_id=DEMO_PROJECT_ID, security_token=Secret(WRAPPED_TOKEN))
    assert str(caught.value).startswith("security_token: holds a character that is not printable ASCII")
    assert_no_piece(repr(caught.value.args), "the error")


@pytest.mark.parametrize(
    "shown",
    [
        repr(WRAPPED_TOKEN.encode()),
        repr(WRAPPED_TOKEN),
        WRAPPED_TOKEN.replace("\n", "\\n"),
        WRAPPED_TOKEN.replace("\n", "\\x0a"),
        WRAPPED_TOKEN.replace("\n", "\r\n    "),
        f'{{"token": "{TOKEN_ONE}\\n{TOKEN_TWO}"}}',
        WRAPPED_TOKEN.replace("\n", "%0A"),
    ],
)
def test_redaction_masks_every_form(shown: str) -> None:
    masked = redact(f"refused: {shown} (end)", [WRAPPED_TOKEN])
    assert_no_piece(masked, "redact")
    assert MASK in masked and masked.endswith("(end)")


# --- never written to disk ----------------------------------------------------------------------
async def _save_in_settings(pilot: Pilot[Any]) -> None:
    await pilot.press("e")
    for _ in range(3):
        await pilot.pause()
    assert isinstance(pilot.app.screen, SettingsScreen)
    await pilot.press("ctrl+s")
    for _ in range(3):
        await pilot.pause()
    assert not isinstance(pilot.app.screen, SettingsScreen), "saved and closed"


async def test_env_only_mode_save_writes_no_secret(
    emu: Emulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in {**SDK_ENV, "HUAWEICLOUD_SDK_SECURITY_TOKEN": "temporary-sts-token-0123"}.items():
        monkeypatch.setenv(name, value)
    profile = env_profile(endpoint=emu.url)  # what `modelarts-tui --endpoint URL` opens the app with
    assert profile is not None
    path = tmp_path / "config.toml"
    app = make_app(Config(profiles=(profile,), ui=UiSettings(theme="textual-dark")), path, log_dir=tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await _save_in_settings(pilot)
    text = path.read_text()
    assert DEMO_SK not in text and "temporary-sts-token-0123" not in text
    assert 'sk_env = "HUAWEICLOUD_SDK_SK"' in text
    reloaded = load_config(path).profile("env")
    assert reloaded.resolved_sk().reveal() == DEMO_SK, "the saved profile still works from the environment"


async def test_a_named_variable_is_never_written(
    emu: Emulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MY_OWN_SK", DEMO_SK)
    path = tmp_path / "config.toml"
    path.write_text(
        "[[profiles]]\n"
        'name = "p"\n'
        f'endpoint = "{emu.url}"\n'
        f'project_id = "{DEMO_PROJECT_ID}"\n'
        f'ak = "{DEMO_AK}"\n'
        'sk_env = "MY_OWN_SK"\n'
    )
    path.chmod(0o600)
    config = load_config(path)
    app = make_app(config, path, log_dir=tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await _save_in_settings(pilot)
    text = path.read_text()
    assert DEMO_SK not in text
    assert 'sk_env = "MY_OWN_SK"' in text
