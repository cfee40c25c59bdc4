"""First run: import the credentials already on this machine, then discover every project they see.

Both front ends call these; neither builds a request or reads a credentials file itself.

    scan = find_candidates(only="sdk-file")                 # what is there, secrets masked
    result = add_profiles(config, [c.profile for c in scan.candidates])
    found = await discover(profile, on_call=log)            # one profile per project that answers
    result = add_profiles(config, found.profiles())

``discover`` lists the projects with IAM (``GET /v3/auth/projects`` with a token, ``GET /v3/projects``
signed with AK/SK), maps each project's region to its ModelArts endpoint (Huawei Cloud or OTC),
and tries both API families with one list call each: the profile gets the family that answers.
Regions without ModelArts, disabled projects and projects neither family answers for are listed
with the reason. A discovered profile keeps the source's credentials (by reference when the
source references them) and its endpoint overrides, so discovery against the emulator works.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import httpx

from tui.api.auth import AkSkAuth
from tui.api.constants import (
    CLOUD_LABELS,
    CLOUD_OTC,
    MODELARTS_REGIONS,
    PROJECT_ID_RE,
    modelarts_endpoint,
    plausible_region,
)
from tui.api.iam import IamClient, Project
from tui.api.runtime import Runtime, Sleep
from tui.config.model import API_FAMILIES, AUTH_AKSK, Config, Profile
from tui.config.sources import Place, Scan, profile_name, scan_all
from tui.core.errors import ModelArtsError
from tui.service.factory import CallSink, build_auth, build_client

PROBE_CONCURRENCY = 4
"""How many projects are probed at once."""


def find_candidates(place: Place | None = None, only: str | None = None) -> Scan:
    """What the import sources hold (``only``: one of ``tui.config.sources.SOURCES``)."""
    return scan_all(place, only)


@dataclass(frozen=True, slots=True)
class Added:
    """The config after adding profiles, and which names went in or were there already."""

    config: Config
    added: tuple[str, ...]
    existing: tuple[str, ...]
    """Names a profile already had: those were left as they are (importing twice adds nothing)."""


def add_profiles(config: Config, profiles: Sequence[Profile]) -> Added:
    """``config`` with each profile whose name is new appended (in order); nothing is written."""
    added: list[str] = []
    existing: list[str] = []
    for profile in profiles:
        if profile.name in config.names():
            existing.append(profile.name)
            continue
        config = config.with_profile(profile)
        added.append(profile.name)
    return Added(config, tuple(added), tuple(existing))


@dataclass(frozen=True, slots=True)
class Found:
    """One project IAM listed: the profile made for it, or why there is none."""

    project: Project
    profile: Profile | None
    """None when the project was skipped."""
    note: str
    """``notebooks API answered (3 instances)``, or the reason it was skipped."""


@dataclass(frozen=True, slots=True)
class Discovery:
    """What one credential can reach."""

    source: str
    """The profile discovered from."""
    found: tuple[Found, ...]

    def profiles(self) -> list[Profile]:
        """The working profiles, one per project, in IAM's order."""
        return [f.profile for f in self.found if f.profile is not None]

    def skipped(self) -> list[Found]:
        """The projects with no profile, each with its reason."""
        return [f for f in self.found if f.profile is None]


def modelarts_cloud(region: str) -> str | None:
    """The cloud whose ModelArts serves ``region``; None when no cloud lists ModelArts there."""
    for cloud, regions in MODELARTS_REGIONS.items():
        if region in regions:
            return cloud
    return None


def _skip_reason(project: Project) -> str:
    if not project.enabled:
        return "the project is disabled in IAM"
    if not plausible_region(project.region):
        return f"{project.name!r} is not a region project (no ModelArts)"
    if not PROJECT_ID_RE.fullmatch(project.id):
        return f"the project id {project.id!r} is not 32 hex characters"
    if modelarts_cloud(project.region) is None:
        if project.region == "eu-nl":
            return (
                f"no ModelArts endpoint in eu-nl ({CLOUD_LABELS[CLOUD_OTC]} offers ModelArts only in eu-de)"
            )
        return f"no ModelArts endpoint is known for region {project.region}"
    return ""


def project_profile(source: Profile, project: Project, cloud: str) -> Profile:
    """The profile for ``project``: the source's credentials, the project's cloud, region and id."""
    derived = modelarts_endpoint(source.cloud, source.region)
    endpoint = "" if source.modelarts_url == derived else source.endpoint  # a real override only
    return replace(
        source,
        name=profile_name(cloud, project.name),
        cloud=cloud,
        region=project.region,
        project_id=project.id,
        endpoint=endpoint,
        instances=(),
        imported_from=f"discovered from profile {source.name}",
    )


def _iam_auth(profile: Profile, clock: Callable[[], float]) -> httpx.Auth:
    if profile.auth == AUTH_AKSK:  # account-wide listing: no X-Project-Id
        token = profile.resolved_security_token() or None
        return AkSkAuth(profile.resolved_ak(), profile.resolved_sk(), security_token=token, clock=clock)
    return build_auth(profile, clock)


def _verify(profile: Profile) -> bool | str:
    return False if profile.insecure else profile.ca_bundle or True


async def discover(
    profile: Profile,
    *,
    runtime: Runtime | None = None,
    on_call: CallSink | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    clock: Callable[[], float] | None = None,
    sleep: Sleep | None = None,
    timeout: float | None = None,
) -> Discovery:
    """Every project ``profile``'s credential sees, each probed with both API families.

    Raises ModelArtsError when the projects cannot be listed (bad credential, IAM unreachable);
    a project that cannot be reached is a ``Found`` with the reason, never an exception.
    ``transport``, ``clock``, ``sleep`` and ``timeout`` change single fields of ``runtime``.
    """
    runtime = (runtime or Runtime()).but(transport=transport, clock=clock, sleep=sleep, timeout=timeout)
    problems = [p for p in profile.validate() if p.field not in ("region", "project_id")]
    if problems:
        raise problems[0]
    auth = await asyncio.to_thread(_iam_auth, profile, runtime.clock)  # a *_command must not block the loop
    async with IamClient(profile.iam_url, auth, runtime, on_call=on_call, verify=_verify(profile)) as iam:
        projects = await iam.list_projects()
    limit = asyncio.Semaphore(PROBE_CONCURRENCY)

    async def one(project: Project) -> Found:
        reason = _skip_reason(project)
        cloud = modelarts_cloud(project.region)
        if reason or cloud is None:
            return Found(project, None, reason)
        async with limit:
            return await _probe(project, project_profile(profile, project, cloud), on_call, runtime)

    found = await asyncio.gather(*(one(p) for p in projects))
    return Discovery(profile.name, tuple(found))


async def _probe(
    project: Project,
    candidate: Profile,
    on_call: CallSink | None,
    runtime: Runtime,
) -> Found:
    """The candidate with the first API family that lists instances (its own family first)."""
    families = [candidate.api, *(f for f in API_FAMILIES if f != candidate.api)]
    errors: list[str] = []
    for family in families:
        trial = replace(candidate, api=family)
        try:
            client = await asyncio.to_thread(build_client, trial, runtime, on_call=on_call)
            async with client:
                listed = await client.list_instances()
        except ModelArtsError as error:
            errors.append(f"{family}: {error.summary()}")
            continue
        return Found(project, trial, f"{family} API answered ({len(listed)} instances)")
    return Found(project, None, "neither API family answered: " + "; ".join(errors))
