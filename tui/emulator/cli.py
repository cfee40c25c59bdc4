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


def run(args: argparse.Namespace) -> int:
    """Serve until Ctrl-C or SIGTERM; 0 on a clean stop, 1 when the port cannot be bound, 2 on bad options."""
    from tui.emulator.server import Emulator

    if (args.ak is None) != (args.sk is None):
        print("modelarts-tui emulator: --ak and --sk go together", file=sys.stderr)
        return 2
    config = EmulatorConfig(
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
    )
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
    lines = [
        f"project id:   {config.project_id}",
        f"project name: {config.project_name} (region)",
        f"AK:           {config.ak}",
        f"SK:           {secret}",
        f"X-Auth-Token: {token}",
    ]
    if (DEMO_DOMAIN, DEMO_USER) in config.iam_users:
        lines.append(f"IAM password: domain {DEMO_DOMAIN}, user {DEMO_USER}, password {DEMO_PASSWORD}")
    lines.append(f"instances:    {config.instances} (seed {config.seed})")
    return lines
