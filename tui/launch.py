"""Opening the Textual app: from the user's config, or ``--demo`` on the in-process emulator."""

from __future__ import annotations

import argparse
import sys
import tempfile
from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path

from tui.config.model import Config, Profile
from tui.core.errors import ConfigError
from tui.core.secret import Secret

DEMO_PROFILE = "demo"


def demo_profile(url: str) -> Profile:
    """A throwaway profile pointing at the emulator at ``url`` with its demo credentials."""
    from tui.emulator import DEMO_AK, DEMO_PROJECT_ID, DEMO_SK

    return Profile(
        name=DEMO_PROFILE,
        cloud="otc",
        region="eu-de",
        project_id=DEMO_PROJECT_ID,
        endpoint=url,
        iam_endpoint=url,
        auth="aksk",
        ak=DEMO_AK,
        sk=Secret(DEMO_SK),
    )


def run_app(args: argparse.Namespace) -> int:
    """Open the app; exit 2 with the file and line when the config cannot be read."""
    from tui.commands import resolve
    from tui.config.paths import config_path

    with ExitStack() as stack:
        if args.demo:
            from tui.emulator import Emulator, EmulatorConfig

            emulator = stack.enter_context(
                Emulator(
                    EmulatorConfig(
                        instances=args.instances,
                        seed=args.seed,
                        transition_seconds=args.transition_seconds,
                    )
                )
            )
            # Settings saved in the demo go to a temporary file, never to the user's config.
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="modelarts-demo-")))
            path = folder / "config.toml"
            config = Config(profiles=(demo_profile(emulator.url),), default_profile=DEMO_PROFILE)
            first_run = False
        else:
            path = Path(args.config) if args.config else config_path()
            try:
                if args.endpoint or args.profile:
                    path, config, profiles = resolve(args)
                    config = replace(config, profiles=tuple(profiles))
                else:
                    from tui.config.store import load_config

                    config = load_config(path)
            except ConfigError as error:
                print(f"modelarts-tui: {error}", file=sys.stderr)
                return 2
            first_run = not config.profiles
        from tui.ui.app import make_app

        app = make_app(config, path, demo=args.demo, low_bandwidth=args.low_bandwidth, first_run=first_run)
        app.run()
        return int(app.return_code or 0)
