"""A start whose answer was lost (issue 10, point 9): "outcome unknown" until a read settles it.

The emulator's fault knobs act on real sockets: ``drop_next`` cuts the next answers off mid-body
after the request was handled (the start did happen), ``fail_next`` answers 5xx before handling
it (the start did not happen). When the client's own fresh read after the lost answer fails too
(4 dropped GETs: the first and its 3 retries), nobody knows whether the instance started: the
service, the row, the log, the flash line and the CLI say "outcome unknown", a second start is
refused, and the next read says the truth.
"""

from __future__ import annotations

import textwrap
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

import httpx
import pytest

from tests.ui.uihelpers import NO_TIMER_POLLS, cell, settle
from tui.cli import main
from tui.cli import scope as cli_scope
from tui.config.model import Config, Profile
from tui.core.errors import OutcomeUnknownError
from tui.core.secret import Secret
from tui.emulator import DEMO_AK, DEMO_PROJECT_ID, DEMO_SK, Emulator, EmulatorConfig
from tui.service import InstanceService, Runtime
from tui.ui.app import make_app
from tui.ui.widgets.log_panel import LogPanel

READS = 4
"""GETs of one read: the first and its 3 retries (``Limits.get_retries``)."""
NAME = "lost-answer"
UNKNOWN = (
    f"{NAME}: start: outcome unknown: its answer was lost (ConnectionDroppedError: connection to "
    f"{{url}}/v1/{DEMO_PROJECT_ID}/demanager/instances/{{id}}/action dropped before a whole answer "
    "arrived: peer closed connection without sending complete message body (received 28 bytes, "
    "expected 56)); a fresh read failed too "
    "(ConnectionDroppedError) — The request was sent, but its answer was lost: it may or may not have happened."
)
HAPPENED = f"{NAME}: start happened after all: it is STARTING (its answer had been lost)"
NOT_HAPPENED = f"{NAME}: start did not happen: it is STOPPED (its answer had been lost); it may be sent again"


@pytest.fixture
def emu() -> Iterator[Emulator]:
    with Emulator(EmulatorConfig(instances=0)) as emulator:
        yield emulator


def _profile(emu: Emulator) -> Profile:
    return Profile(
        name="p",
        endpoint=emu.url,
        iam_endpoint=emu.url,
        project_id=DEMO_PROJECT_ID,
        ak=DEMO_AK,
        sk=Secret(DEMO_SK),
        notify_minutes=0,
    )


def _posts(emu: Emulator) -> list[int]:
    return [r.status for r in emu.requests if r.method == "POST"]


async def test_a_start_whose_answer_and_reread_are_lost_is_unknown_until_the_next_refresh(
    emu: Emulator, no_sleep: Callable[[float], Awaitable[None]]
) -> None:
    uid = emu.store.add(NAME, "STOPPED")
    service = InstanceService([_profile(emu)], runtime=Runtime(sleep=no_sleep))
    try:
        await service.refresh()
        (key,) = service.rows
        emu.faults.drop_next = 1 + READS
        (outcome,) = await service.start([key])
        assert not outcome.ok and isinstance(outcome.error, OutcomeUnknownError)
        assert outcome.message == UNKNOWN.format(url=emu.url.removeprefix("http://"), id=uid)
        assert service.rows[key].unknown == "start"
        assert service.refusal(key, "start") == (
            f"{NAME}: the outcome of start is unknown (its answer was lost); refresh (r) first"
        )
        assert _posts(emu) == [200], "sent once, and not again"
        result = await service.refresh()
        assert result.settled == (HAPPENED,)
        assert service.rows[key].unknown is None
        assert (await service.refresh()).settled == (), "said once"
    finally:
        await service.aclose()


async def test_a_start_refused_by_a_5xx_with_the_reread_lost_settles_as_not_happened(
    emu: Emulator, no_sleep: Callable[[float], Awaitable[None]]
) -> None:
    emu.store.add(NAME, "STOPPED")
    service = InstanceService([_profile(emu)], runtime=Runtime(sleep=no_sleep))
    try:
        await service.refresh()
        (key,) = service.rows
        emu.faults.fail_next, emu.faults.drop_next = 1, READS
        (outcome,) = await service.start([key])
        assert isinstance(outcome.error, OutcomeUnknownError)
        assert service.rows[key].unknown == "start"
        result = await service.refresh()
        assert result.settled == (NOT_HAPPENED,)
        assert service.refusal(key, "start") is None, "it may be sent again"
    finally:
        await service.aclose()


async def test_a_listing_that_started_before_the_answer_was_lost_does_not_settle_it(
    emu: Emulator, no_sleep: Callable[[float], Awaitable[None]]
) -> None:
    emu.store.add(NAME, "STOPPED")
    service = InstanceService([_profile(emu)], runtime=Runtime(sleep=no_sleep))
    try:
        await service.refresh()
        (key,) = service.rows
        state = service._states["p"]  # a listing read before the start: what a poll in flight brings
        before = await (await service._client("p")).list_instances()
        seq = state.listings = state.listings + 1
        emu.faults.drop_next = 1 + READS
        await service.start([key])
        service._refresher.take(state, before, seq)
        assert service.rows[key].unknown == "start", "a listing older than the lost answer tells nothing"
    finally:
        await service.aclose()


async def test_the_tui_shows_outcome_unknown_on_the_row_log_and_flash_then_the_truth(
    emu: Emulator, tmp_path: Path
) -> None:
    emu.store.add(NAME, "STOPPED")
    config = Config(profiles=(_profile(emu),), ui=NO_TIMER_POLLS)
    app = make_app(config, tmp_path / "config.toml", log_dir=tmp_path, stable_log=True)
    app.service.runtime = app.service.runtime.but(sleep=_no_wait)
    async with app.run_test(size=(160, 30)) as pilot:
        await settle(pilot)
        (key,) = app.service.rows
        emu.faults.drop_next = 1 + READS + READS  # the start, its re-read, and the refresh after it
        await pilot.press("s")
        await settle(pilot)
        screen = app.main_screen
        assert cell(app, key, "status").startswith("? start unknown")
        assert screen.flash_line.text.startswith(f"Start: outcome unknown: {NAME}: start: outcome unknown")
        panel = screen.query_one(LogPanel)
        assert any("start: outcome unknown: its answer was lost" in s.text for s in panel.lines)
        await pilot.press("r")
        await settle(pilot)
        assert cell(app, key, "status").startswith("◐ STARTING")
        assert any(s.text.endswith(HAPPENED) for s in panel.lines)
        assert _posts(emu) == [200]


async def _no_wait(_seconds: float) -> None:
    return None


class DropsFromThePost(httpx.AsyncBaseTransport):
    """The real network, arming the emulator's ``drop_next`` as the first POST leaves (the CLI
    lists its targets first: those GETs must get through). Nothing is kept alive: the CLI's event
    loop ends before this transport could be closed."""

    def __init__(self, emu: Emulator, drops: int) -> None:
        self._inner = httpx.AsyncHTTPTransport(limits=httpx.Limits(max_keepalive_connections=0))
        self._emu, self._drops = emu, drops

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "POST" and self._drops:
            self._emu.faults.drop_next, self._drops = self._drops, 0
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()


def _config(tmp_path: Path, emu: Emulator) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(
        textwrap.dedent(f"""\
            [[profiles]]
            name = "p"
            endpoint = "{emu.url}"
            project_id = "{DEMO_PROJECT_ID}"
            ak = "{DEMO_AK}"
            sk = "{DEMO_SK}"
            """)
    )
    path.chmod(0o600)
    return path


@pytest.mark.parametrize(
    ("lost", "code", "truth"),
    [(1 + READS, 0, HAPPENED), (1 + READS + READS, 1, None)],
    ids=["settled-by-its-read", "still-unknown"],
)
def test_the_cli_says_outcome_unknown_then_reads_once_more_for_the_truth(
    emu: Emulator,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    lost: int,
    code: int,
    truth: str | None,
) -> None:
    uid = emu.store.add(NAME, "STOPPED")
    monkeypatch.setenv("MODELARTS_TUI_CONFIG", str(_config(tmp_path, emu)))
    transport = DropsFromThePost(emu, lost)
    monkeypatch.setattr(cli_scope, "make_runtime", lambda: Runtime(sleep=_no_wait, transport=transport))
    assert main(["start", uid]) == code
    out, err = capsys.readouterr()
    unknown = UNKNOWN.format(url=emu.url.removeprefix("http://"), id=uid)
    assert err.splitlines() == [unknown]
    assert out.splitlines() == ([truth] if truth else [])
    assert _posts(emu) == [200]
