"""The command palette (ctrl+p): every main-screen action by name, and "switch profile"."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from tui.ui.bindings import APP_BINDINGS, MAIN_BINDINGS


class ActionCommands(Provider):
    """Actions of the screen under the palette, plus showing one profile or all."""

    def _commands(self) -> list[tuple[str, object, str]]:
        from tui.ui.screens.main import MainScreen

        screen = self.screen
        out: list[tuple[str, object, str]] = []
        if isinstance(screen, MainScreen):
            for binding in MAIN_BINDINGS:
                if binding.id in ("clear",):
                    continue
                out.append((binding.description, partial(screen.run_action, binding.action), binding.tooltip))
            names = [p.name for p in screen.service.profiles if p.enabled]
            if len(names) > 1 or screen.table.scope is not None:
                out.append(
                    ("Switch profile: all", partial(screen.set_scope, None), "Show every enabled profile")
                )
            for name in names:
                out.append(
                    (f"Switch profile: {name}", partial(screen.set_scope, name), f"Show only profile {name}")
                )
        for binding in APP_BINDINGS:
            if binding.action in ("open_help",):
                out.append(
                    (binding.description, partial(self.app.run_action, binding.action), binding.tooltip)
                )
        return out

    async def discover(self) -> Hits:
        for name, callback, help_text in self._commands():
            yield DiscoveryHit(name, callback, help=help_text)  # type: ignore[arg-type]

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, callback, help_text in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, text=name, help=help_text)  # type: ignore[arg-type]
