"""UI fixtures: a profile on the running emulator, ``make_app`` (the real factory), and helpers.

Every app here runs on the ManualClock, in UTC, with the textual-dark theme and a log panel that
hides request ids and latencies, so what a test or a snapshot sees is the same on every run.
"""

from __future__ import annotations

import os
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from tests.ui.uihelpers import THEME, MakeApp, Messages, emulator_profile
from tui.config.model import Config, Profile, UiSettings
from tui.emulator import Emulator, ManualClock
from tui.service import Runtime
from tui.ui.app import ModelArtsApp
from tui.ui.app import make_app as build_app


@pytest.fixture(autouse=True)
def utc() -> Iterator[None]:
    """Log times in UTC, whatever the machine's zone."""
    old = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    yield
    if old is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = old
    time.tzset()


@pytest.fixture
def profile(emulator: Emulator) -> Profile:
    """The one profile most tests use."""
    return emulator_profile(emulator)


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    """Where the app saves settings (nothing there yet)."""
    return tmp_path / "config" / "config.toml"


@pytest.fixture
def make_app(
    profile: Profile,
    clock: ManualClock,
    tmp_path: Path,
    config_file: Path,
    no_sleep: Callable[[float], Awaitable[None]],
) -> MakeApp:
    """``make_app(profiles=None, ui=None, **kwargs)``: the real factory on the emulator and the ManualClock."""

    def factory(
        profiles: Sequence[Profile] | None = None, *, ui: UiSettings | None = None, **kwargs: Any
    ) -> ModelArtsApp:
        config = Config(
            profiles=tuple([profile] if profiles is None else profiles),
            ui=ui or UiSettings(theme=THEME),
        )
        kwargs.setdefault("stable_log", True)
        kwargs.setdefault("log_dir", tmp_path / "logs")
        kwargs.setdefault("runtime", Runtime(sleep=no_sleep))  # backoff is never waited out
        return build_app(config, config_file, clock=clock, **kwargs)

    return factory


@pytest.fixture
def messages() -> Messages:
    return Messages()
