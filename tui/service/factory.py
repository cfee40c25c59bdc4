"""Profile -> authenticated ModelArtsClient: the one place that turns settings into a client.

What is unsafe about a profile's endpoints: ``tui.service.tls`` (``tls_warnings``, re-exported here)."""

from __future__ import annotations

import time
from collections.abc import Callable

import httpx

from tui.api.auth import AkSkAuth, IamPasswordAuth, TokenAuth
from tui.api.client import ModelArtsClient
from tui.api.client_notebooks import page_bound
from tui.api.pool import HostPools
from tui.api.runtime import Runtime
from tui.config.model import Config, Profile
from tui.core.errors import ValidationError
from tui.core.limits import MIB
from tui.core.models import ApiCall
from tui.service.tls import tls_warnings as tls_warnings

CallSink = Callable[[ApiCall], None]


def build_auth(profile: Profile, clock: Callable[[], float] = time.time) -> httpx.Auth:
    """The httpx.Auth for the profile's auth method, secrets resolved from fields or env vars."""
    if profile.auth == "aksk":
        token = profile.resolved_security_token() or None
        return AkSkAuth(
            profile.resolved_ak(),
            profile.resolved_sk(),
            project_id=profile.project_id or None,
            security_token=token,
            clock=clock,
        )
    if profile.auth == "token":
        return TokenAuth(profile.resolved_token())
    if profile.auth == "password":
        return IamPasswordAuth(
            profile.iam_url,
            profile.domain,
            profile.user,
            profile.resolved_password(),
            project_id=profile.project_id or None,
            project_name=None if profile.project_id else profile.region,
            clock=clock,
        )
    raise ValidationError("auth", f"unknown auth method {profile.auth!r}")


def build_client(
    profile: Profile,
    runtime: Runtime | None = None,
    *,
    on_call: CallSink | None = None,
    pools: HostPools | None = None,
) -> ModelArtsClient:
    """A client for one profile; raises ValidationError when the profile cannot work.

    TLS: certificates are verified against the system store, or ``ca_bundle`` when set;
    ``insecure`` turns checks off (``tls_warnings`` says so). ``HTTPS_PROXY``/``HTTP_PROXY``/
    ``NO_PROXY`` from the environment are honoured (httpx ``trust_env``). With ``pools`` (and no
    transport in ``runtime``) the client borrows its host's shared connection pool.
    """
    problems = profile.validate()
    if problems:
        raise problems[0]
    verify: bool | str = True
    if profile.insecure:
        verify = False
    elif profile.ca_bundle:
        verify = profile.ca_bundle
    runtime = (runtime or Runtime()).but(
        max_body_bytes=int(profile.max_answer_mb * MIB), deadline_s=profile.request_deadline
    )
    if pools is not None and runtime.transport is None:
        url = profile.modelarts_url
        pages = pools.pages(url, page_bound(pools.per_host))  # shared by the host's listings
        runtime = runtime.but(transport=pools.transport_for(url, verify), pages=pages)
    return ModelArtsClient(
        profile.modelarts_url,
        profile.project_id,
        build_auth(profile, runtime.clock),
        family=profile.api,
        runtime=runtime,
        on_call=on_call,
        verify=verify,
    )


def service_runtime(base: Runtime, config: Config) -> Runtime:
    """``base`` with the ``[ui]`` limits of ``config``: bulk concurrency, connections per host, the
    per-profile refresh deadline and the pages of one list (the app and the CLI build their service
    on this)."""
    ui = config.ui
    return base.but(
        concurrency=ui.bulk_concurrency,
        per_host=ui.connections_per_host,
        refresh_deadline=ui.refresh_deadline_s,
        max_pages=ui.max_pages,
    )
