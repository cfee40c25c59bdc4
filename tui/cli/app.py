"""Opening the Textual app: from the user's config, or ``--demo`` on the in-process emulator.

The only module of the CLI that reaches ``tui.ui``, and only inside ``run_app``.
"""

from __future__ import annotations

import tempfile
from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path

from tui.cli.exits import Exit
from tui.cli.options import AppOptions
from tui.cli.output import err
from tui.cli.scope import resolve_scope
from tui.config.model import Config, Profile
from tui.config.paths import config_path
from tui.config.store import load_config
from tui.core.errors import ConfigError
from tui.core.secret import Secret

DEMO_PROFILE = "demo"
DEMO_REGIONS = ("eu-de", "cn-north-4")
"""The demo emulator's projects: an OTC region and a Huawei Cloud one, on one port."""


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


def demo_profiles(url: str) -> tuple[Profile, Profile]:
    """The two profiles of ``--demo``, so every key works on first launch: ``otc`` (OTC eu-de, the
    v1 DevEnviron API) and ``huawei`` (Huawei Cloud cn-north-4, the notebooks API with leases, so
    ``p`` prolongs), one table across both."""
    from tui.emulator.config import EmulatorConfig
    from tui.emulator.projects import project_id_of

    otc = replace(demo_profile(url), name="otc")
    huawei = replace(
        otc,
        name="huawei",
        cloud="huawei",
        region=DEMO_REGIONS[1],
        api="notebooks",
        project_id=project_id_of(EmulatorConfig(), 1, DEMO_REGIONS[1]),
    )
    return otc, huawei


def _user_config(opts: AppOptions) -> tuple[Path, Config]:
    common = opts.common
    if common.endpoint or common.profile:
        scope = resolve_scope(common)
        return scope.path, replace(scope.config, profiles=scope.profiles)
    path = common.config or config_path()
    return path, load_config(path)


def run_app(opts: AppOptions) -> int:
    """Open the app; exit 2 with the file and line when the config cannot be read."""
    with ExitStack() as stack:
        if opts.demo:
            from tui.emulator import Emulator, EmulatorConfig

            emulator = stack.enter_context(
                Emulator(
                    EmulatorConfig(
                        instances=opts.instances,
                        seed=opts.seed,
                        transition_seconds=opts.transition_seconds,
                        projects=DEMO_REGIONS,  # demo_profiles reads the second one
                    )
                )
            )
            # Settings saved in the demo go to a temporary file, never to the user's config.
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="modelarts-demo-")))
            path = folder / "config.toml"
            profiles = demo_profiles(emulator.url)
            config = Config(profiles=profiles, default_profile=profiles[0].name)
            first_run = False
        else:
            try:
                path, config = _user_config(opts)
            except ConfigError as error:
                err(f"modelarts-tui: {error}")
                return Exit.USAGE
            first_run = not config.profiles
        from tui.ui.app import make_app

        app = make_app(config, path, demo=opts.demo, low_bandwidth=opts.low_bandwidth, first_run=first_run)
        app.run()
        return int(app.return_code or 0)
