"""The command palette (: or ctrl+p) offers only commands that work here (issue 11)."""

from __future__ import annotations

from typing import Any

from textual.command import CommandList, CommandPalette
from textual.pilot import Pilot

from tests.ui.uihelpers import MakeApp, settle


async def _listed(pilot: Pilot[Any], query: str = "") -> list[str]:
    """The command names the palette lists for ``query`` (every one, scrolled or not)."""
    if query:
        await pilot.press(*query)
    await settle(pilot)  # the palette searches in a worker
    await pilot.pause(0.3)  # it shows its hits after a short debounce
    results = pilot.app.screen.query_one(CommandList)
    names = []
    for index in range(results.option_count):
        prompt = results.get_option_at_index(index).prompt
        names.append(str(getattr(prompt, "plain", prompt)).split("\n")[0])
    return names


async def test_colon_opens_the_palette_without_textuals_broken_commands(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("colon")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        names = await _listed(pilot)
        for gone in ("Keys", "Screenshot", "Maximize", "Minimize"):
            assert not any(name.startswith(gone) for name in names), (gone, names)
        for kept in ("Start", "Stop", "Refresh", "Filter", "Help", "Theme", "Quit"):
            assert any(name.startswith(kept) for name in names), (kept, names)


async def test_a_search_for_a_dropped_command_finds_nothing(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("colon")
        assert await _listed(pilot, "screenshot") == []
        await pilot.press(*["backspace"] * len("screenshot"))
        assert not any(n.startswith("Keys") for n in await _listed(pilot, "keys"))
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is app.main_screen
