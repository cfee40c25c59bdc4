"""``K`` (SSH settings) saves a profile that took its secrets from the environment: the file gets
the variables' names, never the SK or the security token (as the settings screen's save)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.hostile.test_hostile_secrets import SDK_ENV
from tui.config.model import Config, UiSettings
from tui.config.store import env_profile, load_config
from tui.emulator import DEMO_SK, Emulator, EmulatorConfig
from tui.ui.app import make_app
from tui.ui.screens.settings_connect import ConnectSettingsModal

STS = "temporary-sts-token-0123"


@pytest.fixture(scope="module")
def emu() -> Iterator[Emulator]:
    with Emulator(EmulatorConfig(instances=2, seed=11)) as emulator:
        yield emulator


async def test_K_on_an_environment_profile_writes_no_secret(
    emu: Emulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in {**SDK_ENV, "HUAWEICLOUD_SDK_SECURITY_TOKEN": STS}.items():
        monkeypatch.setenv(name, value)
    profile = env_profile(endpoint=emu.url)
    assert profile is not None
    profile = dataclasses.replace(profile, api="notebooks")
    path = tmp_path / "config.toml"
    app = make_app(Config(profiles=(profile,), ui=UiSettings(theme="textual-dark")), path, log_dir=tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(20):
            await pilot.pause()
            if app.service.rows:
                break
        await pilot.press("K")
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, ConnectSettingsModal)
        modal.query_one("#cs-key-dir").value = str(tmp_path / "keys")  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        for _ in range(3):
            await pilot.pause()
        assert not isinstance(app.screen, ConnectSettingsModal), "saved and closed"
    text = path.read_text()
    assert DEMO_SK not in text and STS not in text
    assert 'sk_env = "HUAWEICLOUD_SDK_SK"' in text
    assert f'key_dir = "{tmp_path / "keys"}"' in text
    assert load_config(path).profile("env").resolved_sk().reveal() == DEMO_SK
