"""The whole command line: the app's options, then one subparser per ``Command`` in ``COMMANDS``.

Adding a subcommand is one entry in ``COMMANDS`` (or in a parent's ``children``); this module
builds the parsers from them and dispatches through ``handler``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any

from tui.cli.command import Command
from tui.cli.exits import epilog
from tui.cli.run_act import PROLONG, START, STOP
from tui.cli.run_config import CONFIG
from tui.cli.run_create import CREATE
from tui.cli.run_image import SAVE_IMAGE
from tui.cli.run_lifecycle import DELETE, RESIZE
from tui.cli.run_list import LIST
from tui.cli.run_show import SHOW
from tui.cli.run_ssh import SSH
from tui.cli.run_ssh_config import SSH_CONFIG
from tui.cli.run_tags import TAG, UNTAG
from tui.emulator.cli import add_arguments as add_emulator_arguments
from tui.emulator.cli import run as run_emulator


def _emulator_options(ns: argparse.Namespace) -> argparse.Namespace:
    return ns  # the emulator's own CLI reads its namespace


EMULATOR = Command(
    "emulator",
    "run the ModelArts emulator",
    add_emulator_arguments,
    _emulator_options,
    run_emulator,
    json=False,
    common=False,
)

COMMANDS: tuple[Command[Any], ...] = (
    LIST,
    SHOW,
    START,
    STOP,
    PROLONG,
    SSH,
    SSH_CONFIG,
    SAVE_IMAGE,
    TAG,
    UNTAG,
    CREATE,
    DELETE,
    RESIZE,
    CONFIG,
    EMULATOR,
)
"""Every subcommand, in ``--help`` order."""


def add_common(parser: argparse.ArgumentParser, *, top: bool) -> None:
    """The options every command shares; on subparsers they keep what the top parser read."""

    def default(value: object) -> object:
        return value if top else argparse.SUPPRESS

    parser.add_argument("--profile", default=default(None), help="profile name from the config file")
    parser.add_argument(
        "--config", default=default(None), help="config file (default: $MODELARTS_TUI_CONFIG or XDG)"
    )
    parser.add_argument(
        "--endpoint", default=default(None), help="ModelArts endpoint URL (overrides the profile)"
    )
    parser.add_argument("--project-id", default=default(None), help="project id (overrides the profile)")
    parser.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        default=default(False),
        help="print every API call record to stderr",
    )


def _add(sub: Any, command: Command[Any]) -> None:
    parser = sub.add_parser(command.name, help=command.help, description=command.help)
    if command.common:
        add_common(parser, top=False)
    command.add_arguments(parser)
    if command.children:
        children = parser.add_subparsers(dest=f"{command.name}_command", metavar="ACTION", required=True)
        for child in command.children:
            _add(children, child)
        return
    if command.json:
        parser.add_argument("--json", action="store_true", help="machine output (JSON on stdout)")
    parser.set_defaults(handler=command)


class _Parser(argparse.ArgumentParser):
    """Everything after the first ``--`` is the command's ``remote_command``, as typed.

    ``ssh NAME --start -- CMD`` needs it: argparse takes no positional list after options, and it
    drops every later ``--`` (``ls -- -l``). A command that takes none refuses the tail.
    """

    def parse_known_args(  # type: ignore[override]  # argparse's overloads; same signature
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        given = list(sys.argv[1:] if args is None else args)
        if "--" not in given:
            return super().parse_known_args(given, namespace)
        cut = given.index("--")
        ns, extra = super().parse_known_args(given[:cut], namespace)
        if not hasattr(ns, "remote_command"):
            self.error(f"unrecognized arguments: {' '.join(given[cut:])}")
        ns.remote_command = given[cut + 1 :]
        return ns, extra


def build_parser() -> argparse.ArgumentParser:
    """The whole command line, app options and subcommands."""
    parser = _Parser(
        prog="modelarts-tui",
        description="ModelArts notebook instances from a terminal (Huawei Cloud, Open Telekom Cloud).",
        epilog=epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_common(parser, top=True)
    parser.add_argument("--demo", action="store_true", help="run against the built-in emulator")
    parser.add_argument("--instances", type=int, default=12, help="--demo: number of sample instances")
    parser.add_argument("--seed", type=int, default=7, help="--demo: seed of the sample data")
    parser.add_argument("--transition-seconds", type=float, default=3.0, help="--demo: start/stop duration")
    parser.add_argument("--low-bandwidth", action="store_true", help="no animations, slower repaint")
    parser.set_defaults(handler=None)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for command in COMMANDS:
        _add(sub, command)
    return parser
