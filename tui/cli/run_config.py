"""``modelarts-tui config path|show|check``: where the config file is, what it holds (secrets masked),
and whether every profile in it is usable; ``import`` and ``discover`` live in ``run_onboard``.
Each is one ``Command`` in ``CONFIG.children``."""

from __future__ import annotations

import tomllib

from tui.cli.command import Command, no_arguments
from tui.cli.exits import Exit
from tui.cli.options import ConfigOptions
from tui.cli.output import emit_json, err, out
from tui.cli.run_onboard import DISCOVER, IMPORT
from tui.config.paths import config_path
from tui.config.store import check_permissions, dump_config, load_config


def _path(opts: ConfigOptions) -> int:
    path = opts.common.config or config_path()
    if opts.common.json:
        emit_json({"path": str(path)})
    else:
        out(str(path))
    return Exit.OK


def _show(opts: ConfigOptions) -> int:
    path = opts.common.config or config_path()
    text = dump_config(load_config(path), mask_secrets=True)
    if opts.common.json:
        emit_json({"path": str(path), "config": tomllib.loads(text)})
    else:
        print(text, end="")
    return Exit.OK


def _check(opts: ConfigOptions) -> int:
    path = opts.common.config or config_path()
    config = load_config(path)
    problems = [(p.name, str(e)) for p in config.profiles for e in p.validate()]
    warning = check_permissions(path) if path.exists() else None
    if opts.common.json:
        emit_json(
            {
                "path": str(path),
                "ok": not problems,
                "profiles": len(config.profiles),
                "problems": [{"profile": name, "problem": text} for name, text in problems],
                "warning": warning,
            }
        )
    else:
        for name, text in problems:
            err(f"{path}: profile {name!r}: {text}")
        if warning:
            err(warning)
        if not problems:
            out(f"{path}: ok, {len(config.profiles)} profile(s)")
    return Exit.USAGE if problems else Exit.OK


def _group(opts: ConfigOptions) -> int:  # argparse requires one of the children
    return Exit.USAGE


CONFIG = Command(
    "config",
    "the config file",
    no_arguments,
    ConfigOptions.from_namespace,
    _group,
    children=(
        Command("path", "print the config file's path", no_arguments, ConfigOptions.from_namespace, _path),
        Command(
            "show", "print the config, secrets masked", no_arguments, ConfigOptions.from_namespace, _show
        ),
        Command("check", "check every profile", no_arguments, ConfigOptions.from_namespace, _check),
        IMPORT,
        DISCOVER,
    ),
)
