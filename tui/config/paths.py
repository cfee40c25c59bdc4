"""Where the config file, the state and the logs live (XDG base directories, one override each).

    config   $MODELARTS_TUI_CONFIG (a file)              the test seam and the user's own choice
             else $XDG_CONFIG_HOME/modelarts-tui/config.toml
             else ~/.config/modelarts-tui/config.toml
    state    $MODELARTS_TUI_STATE_DIR (a folder)         the test seam
             else $XDG_STATE_HOME/modelarts-tui
             else ~/.local/state/modelarts-tui
    logs     <state>/logs

Pure functions: nothing here creates a folder or touches the disk. A relative ``XDG_*`` value is
ignored, as the XDG specification asks.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from tui.core.errors import ConfigError
from tui.core.untrusted import visible

APP_DIR = "modelarts-tui"
CONFIG_FILE = "config.toml"
CONFIG_ENV = "MODELARTS_TUI_CONFIG"
STATE_ENV = "MODELARTS_TUI_STATE_DIR"


def expand_user(text: str, what: str) -> Path:
    """``text`` with ``~`` expanded; ConfigError naming ``what`` when ``~user`` names nobody."""
    try:
        return Path(text).expanduser()
    except RuntimeError:  # pathlib: "Could not determine home directory."
        user = visible(text[1:].partition("/")[0])
        raise ConfigError(f"{what} is {visible(text)!r}: there is no user {user!r} to expand ~ for") from None


def _xdg(environ: Mapping[str, str], name: str, fallback: str) -> Path:
    value = environ.get(name, "")
    if value and os.path.isabs(value):
        return Path(value)
    return Path.home() / fallback


def config_path(environ: Mapping[str, str] | None = None) -> Path:
    """The config file: ``$MODELARTS_TUI_CONFIG``, else under ``$XDG_CONFIG_HOME``, else ``~/.config``."""
    env = os.environ if environ is None else environ
    override = env.get(CONFIG_ENV, "")
    if override:
        return expand_user(override, f"${CONFIG_ENV}")
    return _xdg(env, "XDG_CONFIG_HOME", ".config") / APP_DIR / CONFIG_FILE


def state_dir(environ: Mapping[str, str] | None = None) -> Path:
    """The state folder: ``$MODELARTS_TUI_STATE_DIR``, else under ``$XDG_STATE_HOME``, else ``~/.local/state``."""
    env = os.environ if environ is None else environ
    override = env.get(STATE_ENV, "")
    if override:
        return expand_user(override, f"${STATE_ENV}")
    return _xdg(env, "XDG_STATE_HOME", os.path.join(".local", "state")) / APP_DIR


def log_dir(environ: Mapping[str, str] | None = None) -> Path:
    """The folder of the call log: ``<state>/logs``."""
    return state_dir(environ) / "logs"
