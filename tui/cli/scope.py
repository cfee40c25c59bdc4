"""Which profiles one invocation works with, and the service that talks to them.

``--profile`` names one; otherwise every enabled profile of the config, with ``default_profile``
(when set) searched first for targets; with no config at all, the ``HUAWEICLOUD_SDK_*`` variables.
``--endpoint`` and ``--project-id`` override what the profiles say.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from tui.cli.options import CommonOptions
from tui.cli.output import err
from tui.config.model import Config, Profile
from tui.config.paths import config_path
from tui.config.store import env_profile, load_config
from tui.core.callfmt import format_call
from tui.core.errors import ConfigError
from tui.core.models import ApiCall
from tui.service import InstanceService, Runtime
from tui.service.factory import service_runtime, tls_warnings


@dataclass(frozen=True, slots=True)
class Scope:
    """The config file, the profiles to use (enabled, overrides applied) and the one searched first."""

    path: Path
    config: Config
    profiles: tuple[Profile, ...]
    preferred: str | None = None

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.profiles)


def resolve_scope(common: CommonOptions) -> Scope:
    """The profiles this invocation acts on; ConfigError when there are none."""
    path = common.config or config_path()
    config = load_config(path)
    preferred = None
    if common.profile:
        profiles = [config.profile(common.profile)]
    elif common.endpoint and not config.profiles:
        env = env_profile(endpoint=common.endpoint, project_id=common.project_id)
        if env is None:
            raise ConfigError(
                "--endpoint needs credentials: set HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK "
                "(and HUAWEICLOUD_SDK_PROJECT_ID or --project-id), or use a profile",
            )
        profiles = [env]
    else:
        profiles = list(config.enabled_profiles())
        names = [p.name for p in profiles]
        preferred = config.default_profile if config.default_profile in names else None
    if not profiles:
        env = env_profile(endpoint=common.endpoint, project_id=common.project_id)
        if env is None:
            raise ConfigError(f"no profile configured: run `modelarts-tui` to add one in settings ({path})")
        profiles = [env]
    overrides: dict[str, Any] = {"enabled": True}  # a profile named with --profile is used even if disabled
    if common.endpoint:
        overrides["endpoint"] = common.endpoint
    if common.project_id:
        overrides["project_id"] = common.project_id
    return Scope(path, config, tuple(replace(p, **overrides) for p in profiles), preferred)


def make_runtime() -> Runtime:
    """The Runtime of a command's service: the real clock and sleep (the test seam for waits)."""
    return Runtime()


def call_printer(common: CommonOptions) -> Any:
    """With ``-v``, a sink that prints every API call record on stderr."""
    if not common.verbose:
        return None

    def on_call(call: ApiCall) -> None:
        err(format_call(call))

    return on_call


@asynccontextmanager
async def open_service(
    common: CommonOptions, profiles: Sequence[Profile], config: Config | None = None
) -> AsyncIterator[InstanceService]:
    """The same InstanceService the TUI uses, for ``profiles`` (with ``config``'s ``[ui]`` limits:
    connections per host, refresh deadline); TLS warnings first, closed at the end."""
    for profile in profiles:
        for warning in tls_warnings(profile):
            err(f"warning: {warning}")
    runtime = service_runtime(make_runtime(), config or Config())
    service = InstanceService(list(profiles), on_call=call_printer(common), runtime=runtime)
    try:
        yield service
    finally:
        await service.aclose()
