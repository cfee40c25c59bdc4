"""First run in three keys: import the credentials found on this machine, add every project they see, save.

    step 1  the import candidates (secrets masked), all ticked       enter: import the ticked ones
    step 2  the projects each imported credential sees (discovery)   enter: add the ticked ones
    step 3  the profiles to be saved, and where each one's secret is  enter: save, show the table

Space ticks and unticks; escape leaves for the settings form (a profile by hand). The screen calls
``tui.service.onboarding`` (the CLI's ``config import`` and ``config discover`` call the same)
and saves with the store (atomic, 0600); it returns the saved Config, or None.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Label, SelectionList, Static
from textual.widgets.selection_list import Selection

from tui.config.credentials import secret_source
from tui.config.model import Config, Profile
from tui.config.sources import Scan
from tui.core.errors import ModelArtsError
from tui.core.untrusted import visible
from tui.service import InstanceService
from tui.service.onboarding import Discovery, Found, add_profiles, discover
from tui.ui.screens.settings_form import shown_path, source_text

STEP_TITLES = {
    1: "First run · 1/3 · credentials found on this machine",
    2: "First run · 2/3 · projects they can see",
    3: "First run · 3/3 · profiles to save",
}
STEP_HELP = {
    1: "Import the ticked credentials (space ticks), then look for every project they can see.",
    2: "Add one profile per ticked project; each was tried with both API families.",
    3: "Save these profiles; secrets marked 'on disk' are kept in the config file (0600).",
}


@dataclass(frozen=True, slots=True)
class Looked:
    """What discovery gave for one imported profile: its projects, or why it could not list them."""

    source: Profile
    discovery: Discovery | None
    problem: str = ""


def _lines(lines: list[str]) -> Text:
    """Lines of text shown as they are, control characters made visible (paths and names are the user's)."""
    return Text("\n".join(visible(line) for line in lines))


def on_disk(profile: Profile) -> bool:
    """True when the profile's secret is written in the config file itself."""
    return secret_source(profile).startswith("config file")


class OnboardScreen(Screen["Config | None"]):
    """Import, discover, save: returns the saved Config, or None for "by hand"."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "next_step", "Next", id="onboard-next", priority=True),
        Binding("escape", "by_hand", "By hand", id="onboard-by-hand"),
    ]

    class Discovered(Message):
        """Discovery finished for every imported profile."""

        def __init__(self, looked: tuple[Looked, ...]) -> None:
            super().__init__()
            self.looked = looked

    def __init__(
        self, config: Config, path: Path, service: InstanceService, scan: Scan, *, home: Path | None = None
    ) -> None:
        """``home``: the folder written ``~`` in what is shown (the import's home folder)."""
        super().__init__()
        self._home = home or Path.home()
        self._config = config
        self._path = path
        self._service = service
        self._scan = scan
        self._step = 1
        self._imported: list[Profile] = []
        self._looked: tuple[Looked, ...] | None = None
        self._found: list[Found] = []
        self._to_save: list[Profile] = []

    def compose(self) -> ComposeResult:
        yield Label("", id="onboard-title")
        yield Static("", id="onboard-help")
        yield SelectionList[int](id="onboard-choices")
        yield Static("", id="onboard-details")
        yield Static("", id="onboard-result")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self._show_import()
        self.query_one("#onboard-choices").focus()

    # --- steps ----------------------------------------------------------------------------------
    def _header(self, step: int) -> None:
        self._step = step
        self.query_one("#onboard-title", Label).update(Text(STEP_TITLES[step]))
        self.query_one("#onboard-help", Static).update(Text(STEP_HELP[step]))

    def _choices(self, items: list[Selection[int]]) -> None:
        choices = self.query_one("#onboard-choices", SelectionList)
        choices.clear_options()
        choices.add_options(items)
        choices.highlighted = 0 if items else None

    def _show_import(self) -> None:
        self._header(1)
        width = max((len(c.profile.name) for c in self._scan.candidates), default=0)
        self._choices(
            [
                Selection(Text(f"{c.profile.name:<{width}}  {c.where}"), i, True)
                for i, c in enumerate(self._scan.candidates)
            ]
        )
        lines = [f"skipped {s.where}: {s.reason}" for s in self._scan.skipped]
        lines += [f"not read: {p}" for p in self._scan.problems]
        self._result("\n".join(lines), ok=None if not self._scan.problems else False)
        self._details_of_candidate(0)

    def _details_of_candidate(self, index: int) -> None:
        if not 0 <= index < len(self._scan.candidates):
            return
        candidate = self._scan.candidates[index]
        shown = "  ".join(f"{label} {value}" for label, value in candidate.shown if value != "(none)")
        lines = [shown, *(f"· {note}" for note in candidate.notes)]
        self.query_one("#onboard-details", Static).update(_lines(lines))

    def _show_projects(self, looked: tuple[Looked, ...]) -> None:
        self._header(2)
        self._looked = looked
        items: list[Selection[int]] = []
        skipped: list[str] = []
        found = [f for entry in looked if entry.discovery for f in entry.discovery.found]
        width = max((len(f.profile.name) for f in found if f.profile), default=0)
        for index, item in enumerate(found):
            if item.profile is None:
                skipped.append(f"skipped {item.project.name}: {item.note}")
                continue
            prompt = f"{item.profile.name:<{width}}  {item.project.id[:8]}…  {item.note}"
            items.append(Selection(Text(prompt), index, True))
        self._found = found
        self._choices(items)
        problems = [f"{e.source.name}: {e.problem}" for e in looked if e.problem]
        self.query_one("#onboard-details", Static).update(_lines(skipped))
        if problems:
            self._result("could not list projects for " + "; ".join(problems), ok=False)
        else:
            self._result(f"{len(items)} of {len(found)} projects answered", ok=True)

    def _show_review(self) -> None:
        self._header(3)
        choices = self.query_one("#onboard-choices", SelectionList)
        chosen = [self._found[i].profile for i in choices.selected]
        answered = {e.source.name for e in self._looked or () if e.discovery and e.discovery.profiles()}
        kept = [p for p in self._imported if p.name not in answered]  # its projects replace it
        self._to_save = [p for p in (*kept, *chosen) if p is not None]
        width = max((len(p.name) for p in self._to_save), default=0)
        self._choices([])
        choices.display = False
        lines = [
            f"{p.name:<{width}}  {p.api:<9}  secret: {source_text(p, self._home)}"
            + ("  (on disk)" if on_disk(p) else "")
            for p in self._to_save
        ]
        self.query_one("#onboard-details", Static).update(_lines(lines))
        where = shown_path(self._path)
        disk = sum(1 for p in self._to_save if on_disk(p))
        kept_off = "no secret is written there" if not disk else f"{disk} keep their secret there"
        self._result(f"enter saves {len(self._to_save)} to {where}; {kept_off}", ok=None)

    # --- keys -----------------------------------------------------------------------------------
    def action_next_step(self) -> None:
        if self._step == 1:
            choices = self.query_one("#onboard-choices", SelectionList)
            self._imported = [self._scan.candidates[i].profile for i in choices.selected]
            if not self._imported:
                self._result("tick at least one (space), or escape to fill in a profile by hand", ok=False)
                return
            self._step = 2
            self._result(f"looking for the projects of {', '.join(p.name for p in self._imported)}…", ok=None)
            self._discover(tuple(self._imported))
        elif self._step == 2 and self._looked is not None:
            self._show_review()
        elif self._step == 3:
            self._save()

    def action_by_hand(self) -> None:
        self.dismiss(None)

    @on(SelectionList.SelectionHighlighted)
    def _highlighted(self, event: SelectionList.SelectionHighlighted[int]) -> None:
        if self._step == 1:
            self._details_of_candidate(event.selection.value)

    # --- work -----------------------------------------------------------------------------------
    @work(exclusive=True, group="onboard-discover", exit_on_error=False)
    async def _discover(self, sources: tuple[Profile, ...]) -> None:
        looked = await asyncio.gather(*(self._look(p) for p in sources))
        self.post_message(self.Discovered(tuple(looked)))

    async def _look(self, source: Profile) -> Looked:
        try:
            found = await discover(source, runtime=self._service.runtime, on_call=self._service.on_call)
        except ModelArtsError as error:
            return Looked(source, None, error.summary())
        return Looked(source, found)

    def on_onboard_screen_discovered(self, message: Discovered) -> None:
        self._show_projects(message.looked)

    def _save(self) -> None:
        from tui.config.store import save_config

        config = add_profiles(self._config, self._to_save).config
        try:
            save_config(config, self._path)
        except (ModelArtsError, OSError) as error:
            self._result(f"not saved: {error}", ok=False)
            return
        self.dismiss(config)

    def _result(self, text: str, *, ok: bool | None) -> None:
        result = self.query_one("#onboard-result", Static)
        result.update(_lines(text.split("\n")))
        result.set_class(ok is False, "-error")
        result.set_class(ok is True, "-ok")
