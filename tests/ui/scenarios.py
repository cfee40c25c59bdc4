"""The screens the snapshot tests compare and ``screenshots/make.py`` draws: one definition for both.

Each scenario builds the app with the real factory on the emulator (its seeded data, on a
ManualClock) and says what to do before the picture is taken. The profile uses the endpoints
derived from its cloud and region, and a transport that carries every request to the emulator, so
no host or port of this machine appears on screen.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from textual.pilot import Pilot

from tests.ui.uihelpers import settle as first_poll  # wait for the first refresh to be on screen
from tui.config.model import Config, Profile, UiSettings
from tui.config.sources import Place
from tui.core.secret import Secret
from tui.emulator import DEMO_AK, DEMO_PROJECT_ID, DEMO_SK, Emulator, ManualClock
from tui.emulator.record import InstanceRecord
from tui.ui.app import ModelArtsApp, make_app

THEME = "textual-dark"
CONFIG_SHOWN = Path("/tmp/modelarts-tui-snapshot/config.toml")
"""The config path the settings screen names: fixed, so pictures do not show a temporary folder.
No scenario saves settings."""
SNAPSHOT_HOME = Path("/tmp/modelarts-tui-snapshot/home")
"""The home folder of the first-run scenarios: fixed, so pictures show the same paths."""


class ToEmulator(httpx.AsyncBaseTransport):
    """Sends every request to the emulator, keeping the Host header the request was signed with."""

    def __init__(self, url: str) -> None:
        self._target = httpx.URL(url)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        request.url = request.url.copy_with(
            scheme=self._target.scheme, host=self._target.host, port=self._target.port
        )
        # A transport per request: the service hands one transport to several clients, and each
        # client closes its transport on exit.
        async with httpx.AsyncHTTPTransport() as inner:
            response = await inner.handle_async_request(request)
            await response.aread()
            return response


def scenario_profile(name: str = "demo", **changes: Any) -> Profile:
    """A profile with cloud-derived endpoints (no local port on screen) and the demo AK/SK."""
    fields: dict[str, Any] = {
        "name": name,
        "cloud": "otc",
        "region": "eu-de",
        "project_id": DEMO_PROJECT_ID,
        "ak": DEMO_AK,
        "sk": Secret(DEMO_SK),
        "notify_minutes": 0,
    }
    fields.update(changes)
    return Profile(**fields)


def _key(app: ModelArtsApp, name: str) -> str:
    return next(k for k, r in app.service.rows.items() if r.instance.name == name)


def _cursor(app: ModelArtsApp, name: str) -> None:
    app.main_screen.table.move_to(_key(app, name))


Before = Callable[[Pilot[Any], Emulator, ManualClock], Awaitable[None]]


async def _nothing(pilot: Pilot[Any], emulator: Emulator, clock: ManualClock) -> None:
    await first_poll(pilot)


async def _top(pilot: Pilot[Any], emulator: Emulator, clock: ManualClock) -> None:
    """The first poll, the cursor on the top row: which profile's rows came in first decides which
    row the cursor stayed on (it follows its row as others sort in above it)."""
    await first_poll(pilot)
    app = pilot.app
    assert isinstance(app, ModelArtsApp)
    top = app.main_screen.table.ordered_rows[0].key.value
    assert top is not None
    app.main_screen.table.move_to(top)
    await pilot.pause()


async def _busy(pilot: Pilot[Any], emulator: Emulator, clock: ManualClock) -> None:
    """A start sent, two rows marked, an instance started elsewhere so our start is refused."""
    await first_poll(pilot)
    app = pilot.app
    assert isinstance(app, ModelArtsApp)
    _cursor(app, "asr-whisper-8")
    await pilot.press("s")
    await first_poll(pilot)
    key = _key(app, "cv-lab-gpu")
    emulator.store.set_status(key.split("/", 1)[1], "RUNNING")
    _cursor(app, "cv-lab-gpu")
    await pilot.press("s")
    await first_poll(pilot)
    for name in ("nlp-playground", "mindspore-demo"):
        _cursor(app, name)
        await pilot.press("space")
    _cursor(app, "llm-eval-74")
    await first_poll(pilot)


async def _stop_two(pilot: Pilot[Any], emulator: Emulator, clock: ManualClock) -> None:
    await first_poll(pilot)
    app = pilot.app
    assert isinstance(app, ModelArtsApp)
    for name in ("bert-finetune-6", "llm-eval-74"):
        _cursor(app, name)
        await pilot.press("space")
    await pilot.press("x")
    await pilot.pause()


async def _details(pilot: Pilot[Any], emulator: Emulator, clock: ManualClock) -> None:
    await first_poll(pilot)
    app = pilot.app
    assert isinstance(app, ModelArtsApp)
    _cursor(app, "bert-finetune-6")
    await pilot.press("enter")
    await first_poll(pilot)


async def _press(keys: tuple[str, ...], pilot: Pilot[Any]) -> None:
    await first_poll(pilot)
    await pilot.press(*keys)
    await first_poll(pilot)


async def _settings(pilot: Pilot[Any], emulator: Emulator, clock: ManualClock) -> None:
    await _press(("e",), pilot)


async def _help(pilot: Pilot[Any], emulator: Emulator, clock: ManualClock) -> None:
    await _press(("question_mark",), pilot)


async def _filter(pilot: Pilot[Any], emulator: Emulator, clock: ManualClock) -> None:
    await _press(("slash", *"gpu !running", "enter"), pilot)


async def _sorted(pilot: Pilot[Any], emulator: Emulator, clock: ManualClock) -> None:
    await _press(("T",), pilot)


async def _refused(pilot: Pilot[Any], emulator: Emulator, clock: ManualClock) -> None:
    """Start pressed on a running row: the flash line says why nothing was sent."""
    await first_poll(pilot)
    app = pilot.app
    assert isinstance(app, ModelArtsApp)
    running = [k for k, r in app.service.rows.items() if r.instance.status == "RUNNING"]
    app.main_screen.table.move_to(running[0])
    await pilot.press("s")
    await first_poll(pilot)


async def _prolong(pilot: Pilot[Any], emulator: Emulator, clock: ManualClock) -> None:
    await first_poll(pilot)
    app = pilot.app
    assert isinstance(app, ModelArtsApp)
    running = [k for k, r in app.service.rows.items() if r.instance.status == "RUNNING"]
    app.main_screen.table.move_to(running[0])
    await pilot.press("p")
    await pilot.pause()


async def _onboard(presses: int, pilot: Pilot[Any]) -> None:
    await first_poll(pilot)
    for _ in range(presses):
        await pilot.press("enter")
        await first_poll(pilot)


async def _onboard_import(pilot: Pilot[Any], emulator: Emulator, clock: ManualClock) -> None:
    await _onboard(0, pilot)


async def _onboard_projects(pilot: Pilot[Any], emulator: Emulator, clock: ManualClock) -> None:
    await _onboard(1, pilot)


async def _onboard_review(pilot: Pilot[Any], emulator: Emulator, clock: ManualClock) -> None:
    await _onboard(2, pilot)


def credentials_home() -> Place:
    """A fixed home folder holding the SDK's credentials file (signing into the emulator), nothing else."""
    home = SNAPSHOT_HOME
    path = home / ".huaweicloud" / "credentials"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f"[basic]\nak = {DEMO_AK}\nsk = {DEMO_SK}\niam_endpoint = https://iam.eu-de.otc.t-systems.com\n",
        encoding="utf-8",
    )
    path.chmod(0o600)
    return Place(environ={}, home=home, cwd=home, etc=home / "etc")


async def _create(pilot: Pilot[Any], emulator: Emulator, clock: ManualClock) -> None:
    """The create form with its pickers filled, a GPU flavor chosen, and a name typed."""
    await _press(("n",), pilot)
    screen = pilot.app.screen
    picker = screen.query_one("#create-flavors")
    picker.highlighted = [f.id for f in screen.flavors].index("modelarts.vm.gpu.t4")  # type: ignore[attr-defined]
    await pilot.press(*"gpu-lab-2")
    await first_poll(pilot)


async def _delete(pilot: Pilot[Any], emulator: Emulator, clock: ManualClock) -> None:
    """The typed-name delete of one stopped instance, half typed."""
    await first_poll(pilot)
    app = pilot.app
    assert isinstance(app, ModelArtsApp)
    _cursor(app, "yolo-detect-4")
    await pilot.press("ctrl+d")
    await pilot.press(*"yolo")
    await pilot.pause()


async def _resize(pilot: Pilot[Any], emulator: Emulator, clock: ManualClock) -> None:
    """The resize picker of a RUNNING GPU instance, its switchable flavors listed."""
    await first_poll(pilot)
    app = pilot.app
    assert isinstance(app, ModelArtsApp)
    _cursor(app, "resnet50-train")
    await pilot.press("R")
    await first_poll(pilot)


async def _tags(pilot: Pilot[Any], emulator: Emulator, clock: ManualClock) -> None:
    """The details of a notebook with the add-tags form open over them, a tag typed."""
    await first_poll(pilot)
    app = pilot.app
    assert isinstance(app, ModelArtsApp)
    _cursor(app, "nlp-playground")
    await pilot.press("enter")
    await first_poll(pilot)
    await pilot.press("t")
    await pilot.press(*"team=cv")
    await pilot.pause()


async def _stop_one(pilot: Pilot[Any], emulator: Emulator, clock: ManualClock) -> None:
    """The stop confirmation of one RUNNING notebook: it offers to save an image first."""
    await first_poll(pilot)
    app = pilot.app
    assert isinstance(app, ModelArtsApp)
    _cursor(app, "nlp-playground")
    await pilot.press("x")
    await pilot.pause()


async def _waiting(pilot: Pilot[Any], emulator: Emulator, clock: ManualClock) -> None:
    """Start when available on a sold-out GPU notebook: its row waits for capacity (the real
    backoff sleep is still running when the picture is taken, so no worker is waited for)."""
    flavor = "modelarts.vm.gpu.v100"
    emulator.capacity.sell_out(flavor)
    await first_poll(pilot)
    app = pilot.app
    assert isinstance(app, ModelArtsApp)
    name = next(r.name for r in emulator.store.all() if r.status == "STOPPED" and r.flavor == flavor)
    _cursor(app, name)
    await pilot.press("w")
    key = _key(app, name)
    for _ in range(200):
        await pilot.pause()
        if (app.service.rows[key].pending or "").startswith("waiting for capacity ("):
            break
    await pilot.pause()


TEAM_TAGS = {"nlp-playground": {"team": "nlp"}, "bert-finetune-6": {"team": "nlp", "cost": "gpu"}}


def _tagged(record: InstanceRecord, now: float) -> None:
    record.tags = dict(TEAM_TAGS[record.name])


async def _tag_column(pilot: Pilot[Any], emulator: Emulator, clock: ManualClock) -> None:
    """Two notebooks carry tags: the TAGS column appears (the ID column makes room at 80)."""
    await first_poll(pilot)
    for record in emulator.store.all():
        if record.name in TEAM_TAGS:
            emulator.store.mutate(record.uid, _tagged)
    await pilot.press("r")
    await first_poll(pilot)


@dataclass(frozen=True)
class Scenario:
    """One picture: the terminal size, the profiles, and what to do before it is taken."""

    size: tuple[int, int]
    before: Before = _nothing
    profiles: tuple[dict[str, Any], ...] = field(default_factory=lambda: ({},))
    theme: str = THEME
    first_run: bool = False
    credentials: bool = False
    """The first-run import finds an SDK credentials file (``credentials_home``)."""


SCENARIOS: dict[str, Scenario] = {
    "main-80x24": Scenario((80, 24)),
    "main-160x48": Scenario((160, 48), _busy),
    "main-60x20": Scenario((60, 20)),
    "main-ansi-80x24": Scenario((80, 24), _busy, theme="ansi-dark"),
    "main-ansi-light-80x24": Scenario((80, 24), _busy, theme="ansi-light"),
    "filter-80x24": Scenario((80, 24), _filter),
    "flash-80x24": Scenario((80, 24), _refused),
    "sorted-80x24": Scenario((80, 24), _sorted),
    "two-profiles-100x30": Scenario(
        (100, 30), _top, profiles=({"name": "lab"}, {"name": "prod", "read_only": True})
    ),
    "confirm-stop-80x24": Scenario((80, 24), _stop_two),
    "details-80x24": Scenario((80, 24), _details),
    "settings-80x24": Scenario((80, 24), _settings),
    "settings-first-run-80x24": Scenario((80, 24), profiles=(), first_run=True),
    "help-80x24": Scenario((80, 24), _help),
    "onboard-import-80x24": Scenario((80, 24), _onboard_import, profiles=(), credentials=True),
    "onboard-projects-80x24": Scenario((80, 24), _onboard_projects, profiles=(), credentials=True),
    "onboard-review-80x24": Scenario((80, 24), _onboard_review, profiles=(), credentials=True),
    "prolong-80x24": Scenario((80, 24), _prolong, profiles=({"api": "notebooks"},)),
    "create-80x24": Scenario((80, 24), _create, profiles=({"api": "notebooks"},)),
    "delete-80x24": Scenario((80, 24), _delete, profiles=({"api": "notebooks"},)),
    "resize-80x24": Scenario((80, 24), _resize, profiles=({"api": "notebooks"},)),
    "details-connect-80x24": Scenario((80, 24), _details, profiles=({"api": "notebooks"},)),
    "tags-80x24": Scenario((80, 24), _tags, profiles=({"api": "notebooks"},)),
    "admin-80x24": Scenario((80, 24), profiles=({"api": "notebooks", "scope": "all"},)),
    "stop-save-first-80x24": Scenario((80, 24), _stop_one, profiles=({"api": "notebooks"},)),
    "waiting-80x24": Scenario((80, 24), _waiting, profiles=({"api": "notebooks"},)),
    "tag-column-80x24": Scenario((80, 24), _tag_column, profiles=({"api": "notebooks"},)),
}


def build(name: str, emulator: Emulator, clock: ManualClock, folder: Path) -> tuple[ModelArtsApp, Scenario]:
    """The app of scenario ``name`` on a running emulator; settings and logs go under ``folder``."""
    scenario = SCENARIOS[name]
    profiles = tuple(scenario_profile(**p) for p in scenario.profiles)
    # Fast polls every 10 s, not 2: no poll of the tick's own starts while a picture is being taken.
    ui = UiSettings(theme=scenario.theme, fast_poll_interval_s=10.0)
    config = Config(profiles=profiles, ui=ui)
    app = make_app(
        config,
        CONFIG_SHOWN,
        clock=clock,
        first_run=scenario.first_run,
        log_dir=folder / "logs",
        stable_log=True,
        transport=ToEmulator(emulator.url),
        place=credentials_home() if scenario.credentials else Place(environ={}, home=folder, cwd=folder),
    )
    return app, scenario
