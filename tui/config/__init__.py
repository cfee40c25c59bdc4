"""Profiles and UI settings in a TOML file: where it lives, what it holds, how it is read and written.

    paths    config_path(), state_dir(), log_dir(): XDG, with MODELARTS_TUI_CONFIG /
             MODELARTS_TUI_STATE_DIR as the overrides (the test seam)
    model    Config, Profile, InstanceRef, UiSettings: frozen values, Profile.validate()
    store    load_config, save_config (atomic, 0600, never over a broken file), check_permissions,
             env_profile (HUAWEICLOUD_SDK_* variables); the file layout is drawn there
    codec    parse_config / dump_config: TOML text <-> Config, errors with file and line
    locate   the line of each key, for those errors

No Textual import here.
"""

from tui.config.model import Config, InstanceRef, Profile, UiSettings
from tui.config.paths import config_path, log_dir, state_dir
from tui.config.store import load_config, save_config

__all__ = [
    "Config",
    "InstanceRef",
    "Profile",
    "UiSettings",
    "config_path",
    "load_config",
    "log_dir",
    "save_config",
    "state_dir",
]
