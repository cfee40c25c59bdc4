"""``modelarts-tui emulator``: serve the emulator on a port until Ctrl-C.

The first line on stdout is ``listening on http://HOST:PORT``; then the credentials to use.
Demo secrets (public test data) are printed; a secret the user passed in never is.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from types import FrameType
from typing import Any

from tui.emulator.capacity import parse_window
from tui.emulator.config import (
    DEMO_AK,
    DEMO_DOMAIN,
    DEMO_PASSWORD,
    DEMO_PROJECT_ID,
    DEMO_SK,
    DEMO_TOKEN,
    DEMO_USER,
    EmulatorConfig,
)
from tui.emulator.projects import parse_projects, project_id_of, project_names


def _rate(text: str) -> float:
    value = float(text)
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"a rate between 0 and 1, not {text}")
    return value


def _non_negative(text: str) -> float:
    value = float(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must not be negative, not {text}")
    return value


def _host_port(text: str) -> str:
    host, sep, port = text.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise argparse.ArgumentTypeError(f"HOST:PORT with a port from 1 to 65535, not {text!r}")
    return text


def _projects(text: str) -> tuple[str, ...]:
    try:
        return parse_projects(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"region names separated by commas, each once, not {text!r}"
        ) from None


def _window(text: str) -> tuple[str, float | None]:
    try:
        return parse_window(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"FLAVOR or FLAVOR:SECONDS, not {text!r}") from None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The emulator's options on ``parser``."""
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port (default 0: any free port)")
    parser.add_argument("--ak", help="access key to accept (default: the demo AK)")
    parser.add_argument("--sk", help="secret key of --ak (default: the demo SK)")
    parser.add_argument("--token", help="a pre-issued X-Auth-Token to accept (default: the demo token)")
    parser.add_argument("--project-id", help="project id (default: the demo project)")
    parser.add_argument("--instances", type=int, default=12, help="number of sample instances (default 12)")
    parser.add_argument("--seed", type=int, default=7, help="seed of the sample data (default 7)")
    parser.add_argument(
        "--transition-seconds", type=_non_negative, default=3.0, help="start/stop duration (default 3)"
    )
    parser.add_argument("--latency-ms", type=_non_negative, default=0.0, help="added to every answer")
    parser.add_argument("--fail-rate", type=_rate, default=0.0, help="share of requests answered 5xx")
    parser.add_argument(
        "--throttle-rps", type=_non_negative, default=0.0, help="429 above this rate (0: never)"
    )
    parser.add_argument(
        "--ssh",
        type=_host_port,
        metavar="HOST:PORT",
        help="point every SSH endpoint at this server (default: addresses that lead nowhere)",
    )
    parser.add_argument("--key-pair", metavar="NAME", help="key pair name of every SSH endpoint")
    parser.add_argument(
        "--sold-out",
        type=_window,
        action="append",
        default=[],
        metavar="FLAVOR[:SECONDS]",
        help="sell a flavor out (create/start: 6329), for SECONDS of emulator time (default: for ever)",
    )
    parser.add_argument(
        "--short",
        type=_window,
        action="append",
        default=[],
        metavar="FLAVOR[:SECONDS]",
        help="make a flavor short of resources (create: 6360, start: START_FAILED), for SECONDS",
    )
    parser.add_argument(
        "--projects",
        type=_projects,
        metavar="REGION,...",
        help="serve one project per region, each with its own id and instances (default: eu-de only)",
    )
    parser.add_argument("--quota", type=int, default=50, help="notebooks per user (default 50; past it 6302)")
    parser.add_argument(
        "--non-admin", action="store_true", help="run as a user without the admin policy (notebooks/all: 403)"
    )


def config_from(args: argparse.Namespace) -> EmulatorConfig:
    """The EmulatorConfig the parsed options ask for."""
    return EmulatorConfig(
        project_id=args.project_id or DEMO_PROJECT_ID,
        ak=args.ak or DEMO_AK,
        sk=args.sk or DEMO_SK,
        token=args.token or DEMO_TOKEN,
        instances=max(0, args.instances),
        seed=args.seed,
        transition_seconds=args.transition_seconds,
        latency_ms=args.latency_ms,
        fail_rate=args.fail_rate,
        throttle_rps=args.throttle_rps,
        host=args.host,
        port=args.port,
        ssh=args.ssh,
        key_pair=args.key_pair,
        sold_out=dict(args.sold_out),
        short=dict(args.short),
        instance_quota=max(0, args.quota),
        admin=not args.non_admin,
        projects=args.projects or (),
    )


def run(args: argparse.Namespace) -> int:
    """Serve until Ctrl-C or SIGTERM; 0 on a clean stop, 1 when the port cannot be bound, 2 on bad options."""
    from tui.emulator.server import Emulator

    if (args.ak is None) != (args.sk is None):
        print("modelarts-tui emulator: --ak and --sk go together", file=sys.stderr)
        return 2
    config = config_from(args)
    stop = threading.Event()

    def on_term(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous: dict[int, Any] = {}
    if threading.current_thread() is threading.main_thread():
        # Ctrl-C and SIGTERM only set the event, so no KeyboardInterrupt can land mid-startup or mid-stop.
        for signum in (signal.SIGINT, signal.SIGTERM):
            previous[signum] = signal.signal(signum, on_term)
    try:
        with Emulator(config) as emulator:
            print(f"listening on {emulator.url}", flush=True)
            for line in _credentials(config):
                print(line)
            print("Press Ctrl-C to stop.", flush=True)
            try:
                while not stop.wait(0.2):
                    pass
            except KeyboardInterrupt:  # run from a thread other than main: no handler installed
                pass
    except OSError as error:
        print(f"modelarts-tui emulator: cannot listen on {args.host}:{args.port}: {error}", file=sys.stderr)
        return 1
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
    print("emulator stopped", flush=True)
    return 0


def _credentials(config: EmulatorConfig) -> list[str]:
    secret = config.sk if config.sk == DEMO_SK else "(the one you gave)"
    token = config.token if config.token == DEMO_TOKEN else "(the one you gave)"
    names = project_names(config)
    lines = [
        f"project id:   {config.project_id}",
        f"project name: {names[0]} (region)",
        f"AK:           {config.ak}",
        f"SK:           {secret}",
        f"X-Auth-Token: {token}",
    ]
    if (DEMO_DOMAIN, DEMO_USER) in config.iam_users:
        lines.append(f"IAM password: domain {DEMO_DOMAIN}, user {DEMO_USER}, password {DEMO_PASSWORD}")
    if config.projects:
        lines += [f"project:      {name} {project_id_of(config, i, name)}" for i, name in enumerate(names)]
    lines.append(
        f"instances:    {config.instances} (seed {config.seed})" + (" per project" if config.projects else "")
    )
    for flavor, seconds in config.sold_out.items():
        lines.append(f"sold out:     {flavor}" + (f" for {seconds:g} s" if seconds is not None else ""))
    for flavor, seconds in config.short.items():
        lines.append(f"short:        {flavor}" + (f" for {seconds:g} s" if seconds is not None else ""))
    if not config.admin:
        lines.append("admin:        no (notebooks/all answers 403)")
    if config.ssh:
        key = f", key pair {config.key_pair}" if config.key_pair else ""
        lines.append(f"SSH:          every SSH endpoint points at {config.ssh}{key}")
    return lines
