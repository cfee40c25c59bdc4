"""The ``modelarts-tui`` entry point: the app (default), ``--demo``, and headless commands.

Exit codes: 0 done, 1 API or network error, 2 usage or config error, 3 wait timed out,
4 the instance ended in a failed state. Textual is imported only to open the app.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

EXIT_OK, EXIT_API, EXIT_USAGE, EXIT_TIMEOUT, EXIT_FAILED = 0, 1, 2, 3, 4


def _common(parser: argparse.ArgumentParser, suppress: bool) -> None:
    default = argparse.SUPPRESS if suppress else None
    parser.add_argument("--profile", default=default, help="profile name from the config file")
    parser.add_argument(
        "--config", default=default, help="config file (default: $MODELARTS_TUI_CONFIG or XDG)"
    )
    parser.add_argument("--endpoint", default=default, help="ModelArts endpoint URL (overrides the profile)")
    parser.add_argument("--project-id", default=default, help="project id (overrides the profile)")
    parser.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        default=argparse.SUPPRESS if suppress else False,
        help="print every API call record to stderr",
    )


def build_parser() -> argparse.ArgumentParser:
    """The whole command line, app options and subcommands."""
    parser = argparse.ArgumentParser(
        prog="modelarts-tui",
        description="ModelArts notebook instances from a terminal (Huawei Cloud, Open Telekom Cloud).",
    )
    _common(parser, suppress=False)
    parser.add_argument("--demo", action="store_true", help="run against the built-in emulator")
    parser.add_argument("--instances", type=int, default=12, help="--demo: number of sample instances")
    parser.add_argument("--seed", type=int, default=7, help="--demo: seed of the sample data")
    parser.add_argument("--transition-seconds", type=float, default=3.0, help="--demo: start/stop duration")
    parser.add_argument("--low-bandwidth", action="store_true", help="no animations, slower repaint")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        _common(p, suppress=True)
        return p

    p = command("list", "list instances")
    p.add_argument("--json", action="store_true", help="machine output")
    p.add_argument("--status", help="only instances in this status")
    p.add_argument("--sort", choices=("name", "creation_timestamp"), help="sort key")
    p.add_argument("--order", choices=("asc", "desc"), help="sort order")
    p = command("show", "show one instance in full")
    p.add_argument("id")
    p.add_argument("--json", action="store_true", help="the raw JSON the service returned")
    for name, verb in (("start", "start"), ("stop", "stop")):
        p = command(name, f"{verb} instances")
        p.add_argument("ids", nargs="+", metavar="ID")
        p.add_argument("--wait", action="store_true", help="wait for the final state")
        p.add_argument("--timeout", type=float, default=600.0, help="--wait limit in seconds")
        p.add_argument("--interval", type=float, default=2.0, help="--wait poll interval in seconds")
        p.add_argument("--json", action="store_true", help="machine output")
        if name == "stop":
            p.add_argument("-y", "--yes", action="store_true", help="do not ask")
    p = command("prolong", "renew the auto-stop lease (notebooks API)")
    p.add_argument("ids", nargs="+", metavar="ID")
    p.add_argument("--hours", type=float, required=True, help="1 to 72")
    p = command("config", "the config file")
    p.add_argument("action", choices=("path", "show", "check"))
    p = sub.add_parser(
        "emulator", help="run the ModelArts emulator", description="run the ModelArts emulator"
    )
    from tui.emulator.cli import add_arguments

    add_arguments(p)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Parse, dispatch, and turn every known failure into a message and an exit code."""
    args = build_parser().parse_args(argv)
    try:
        if args.command == "emulator":
            from tui.emulator.cli import run

            return run(args)
        if args.command is None:
            from tui.launch import run_app

            return run_app(args)
        from tui.commands import run_command

        return run_command(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
