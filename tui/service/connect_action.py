"""The connect action of ``InstanceService`` (``c`` in the TUI): a stopped notebook is started and
waited for, its endpoint read again, and the connection planned (``tui.service.connect``).

The front end runs the system ``ssh`` with the plan; nothing here starts a process. A press
reserves the row (``claim("connect", [key])``) before anything is sent; ``connect`` releases it.
While a start is waited for, the row shows the step ``action_progress`` says is under way
(``Instance.progress``).
Also here: the JupyterLab URL as a user may see and copy it (never the notebook's token).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from tui.api.redact import is_secret_key
from tui.core.errors import InstanceFailedError, WaitTimeoutError
from tui.core.models import Instance, Phase
from tui.service.connect import ConnectPlan, ConnectRefused, find_ssh, plan_connection

if TYPE_CHECKING:
    from tui.api.client import ModelArtsClient
    from tui.api.runtime import Runtime
    from tui.config.model import Profile
    from tui.service.models import Claim, Row
    from tui.service.profiles import ProfileState

T = TypeVar("T")
POLL_S = 3.0
"""Seconds between reads while a started notebook is not RUNNING yet."""
START_TIMEOUT_S = 900.0
STALE_READ_S = 30.0
"""How long after a start a read may still say STOPPED (the answer lags the POST) before it counts."""
"""How long ``c`` on a stopped notebook waits for RUNNING."""
MAX_URL_CHARS = 4096
"""A longer JupyterLab URL is not offered (it is in every OSC 8 link painted and the OSC 52 copy)."""


def jupyter_url(instance: Instance) -> str:
    """The instance's JupyterLab URL with any secret-named query value (``token=``) and any
    ``user:password@`` left out."""
    url = instance.url.strip()
    if not url or len(url) > MAX_URL_CHARS or any(not c.isprintable() for c in url):
        return ""
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return ""
    netloc = parts.netloc.rpartition("@")[2]  # a user:password@ is never shown nor copied
    pairs = parse_qsl(parts.query.replace(";", "&"), keep_blank_values=True)
    query = [(k, v) for k, v in pairs if not is_secret_key(k)]
    return urlunsplit((parts.scheme, netloc, parts.path, urlencode(query), ""))


class ConnectActions:
    """``connect_refusal`` and ``connect`` of ``InstanceService``."""

    if TYPE_CHECKING:
        _states: dict[str, ProfileState]
        _clock: Callable[[], float]

        @property
        def rows(self) -> Mapping[str, Row]: ...
        @property
        def profiles(self) -> tuple[Profile, ...]: ...

        runtime: Runtime

        def refusal(self, key: str, action: str, *, in_flight_ok: bool = False) -> str | None: ...
        def release(self, claim: Claim, keys: Iterable[str] | None = None) -> None: ...
        async def details(self, key: str) -> Instance: ...
        async def _guarded(self, name: str, call: Callable[[ModelArtsClient], Awaitable[T]]) -> T: ...
        def _show_step(self, key: str, label: str | None) -> None: ...

    def _profile_of(self, key: str) -> Profile:
        name = key.partition("/")[0]
        return next(p for p in self.profiles if p.name == name)

    def connect_refusal(self, key: str, state_dir: Path, *, identity: str = "") -> str | None:
        """Why ``c`` on ``key`` cannot go ahead, checked locally on the last poll (nothing is sent):
        the declared refusals, the start a stopped one needs, the ssh client, the key file."""
        reason = self.refusal(key, "connect")
        if reason:
            return reason
        instance = self.rows[key].instance
        running = instance.phase is Phase.RUNNING
        if instance.phase is Phase.STOPPED:
            start = self.refusal(key, "start")
            if start:
                return f"cannot start it: {start}"
        try:
            find_ssh()
            plan_connection(self._profile_of(key), instance, state_dir, identity=identity, running=running)
        except ConnectRefused as error:
            return str(error)
        return None

    async def connect(
        self,
        claim: Claim,
        state_dir: Path,
        *,
        identity: str = "",
        start: bool = False,
        interval: float = POLL_S,
        timeout: float = START_TIMEOUT_S,
        on_step: Callable[[str], None] | None = None,
    ) -> ConnectPlan:
        """The plan for the claimed row, read fresh: a STOPPED one is started first when ``start``
        (the user said so), one on its way is waited for (its endpoint moves with every start).
        Raises ConnectRefused or ModelArtsError; the claim is released either way.
        ``on_step(text)`` hears each start step as it begins."""
        (key,) = claim.keys
        profile = self._profile_of(key)
        try:
            instance = await self.details(key)
            if instance.phase is not Phase.RUNNING:  # what does not need it running, before a start
                plan_connection(profile, instance, state_dir, identity=identity, running=False)
            if instance.phase is Phase.STOPPED:
                if not start:  # it stopped since the poll the user saw: start nothing unasked
                    raise ConnectRefused(
                        f"{instance.name} is {instance.status} now; c again offers to start it"
                    )
                instance_id = key.partition("/")[2]
                self._show_step(key, "starting")
                await self._guarded(profile.name, lambda c: c.start(instance_id))
                if on_step is not None:
                    on_step(f"{instance.name}: starting, then connecting once RUNNING")
            if instance.phase is not Phase.RUNNING:
                instance = await self._until_running(key, interval, timeout, on_step)
            return plan_connection(profile, instance, state_dir, identity=identity)
        finally:
            self._show_step(key, None)
            self.release(claim)

    async def _until_running(
        self, key: str, interval: float, timeout: float, on_step: Callable[[str], None] | None
    ) -> Instance:
        started = self._clock()
        deadline = started + timeout
        told = None
        while True:
            instance = await self.details(key)
            if instance.phase is Phase.RUNNING:
                return instance
            lagging = instance.phase is Phase.STOPPED and self._clock() - started < STALE_READ_S
            if instance.phase is Phase.FAILED or not (instance.phase.transitional or lagging):
                raise InstanceFailedError(f"{instance.name} is {instance.status}, not RUNNING; not connected")
            if self._clock() >= deadline:
                raise WaitTimeoutError(
                    f"{instance.name} is {instance.status} after {timeout:g}s, not RUNNING"
                )
            progress = instance.progress  # "2/4 Pulling the image", parsed from action_progress
            if progress and progress != told:
                told = progress
                self._show_step(key, progress)
                if on_step is not None:
                    on_step(f"{instance.name}: start step {progress}")
            await self.runtime.sleep(interval)
