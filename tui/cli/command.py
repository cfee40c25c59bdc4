"""One subcommand as data: its name, its arguments, how its typed options are built, and its handler.

Adding a subcommand is one ``Command`` value in the ``COMMANDS`` tuple of ``tui.cli.parser`` (or in
a parent's ``children``, like ``config path``); nothing else keeps a list of commands.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

OptionsT = TypeVar("OptionsT")


def no_arguments(parser: argparse.ArgumentParser) -> None:
    """For commands that take nothing but the common options."""


@dataclass(frozen=True, slots=True)
class Command(Generic[OptionsT]):
    """A subcommand; ``run`` gets what ``options`` built from the namespace and returns an exit code."""

    name: str
    help: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    options: Callable[[argparse.Namespace], OptionsT]
    run: Callable[[OptionsT], int]
    children: tuple[Command[Any], ...] = ()
    json: bool = True
    """Whether ``--json`` is offered (every command but the emulator server)."""
    common: bool = True
    """Whether the common options (``--profile``, ``--config``, …) are offered."""

    def __call__(self, ns: argparse.Namespace) -> int:
        return self.run(self.options(ns))
