"""The projects one emulator serves: one per region named in ``EmulatorConfig.projects``.

The first keeps ``config.project_id`` (the id the demo credentials print); every other one gets a
stable id from its name, its own seeded instances (seed + 1000 * index) and its own images.
"""

from __future__ import annotations

import random

from tui.api.constants import plausible_region
from tui.emulator.auth import stable_id
from tui.emulator.clock import Clock
from tui.emulator.config import EmulatorConfig
from tui.emulator.context import ProjectSpace
from tui.emulator.images import ImageStore
from tui.emulator.seed import seed_others, seed_store
from tui.emulator.state import InstanceStore


def parse_projects(text: str) -> tuple[str, ...]:
    """``eu-de,cn-north-4`` -> the region names; ValueError for an empty, duplicate or odd name."""
    names = tuple(part.strip() for part in text.split(","))
    if (
        not names
        or any(not plausible_region(n) or n != n.lower() for n in names)
        or len(set(names)) < len(names)
    ):
        raise ValueError(text)
    return names


def project_names(config: EmulatorConfig) -> tuple[str, ...]:
    """The served project names, the first being the primary."""
    return config.projects or (config.project_name,)


def project_id_of(config: EmulatorConfig, index: int, name: str) -> str:
    """The primary keeps ``config.project_id``; the others get an id derived from their name."""
    return config.project_id if index == 0 else stable_id("project", name)


def build_spaces(config: EmulatorConfig, clock: Clock) -> dict[str, ProjectSpace]:
    """Every project with its seeded instances and its images, in the configured order."""
    start = clock()
    spaces: dict[str, ProjectSpace] = {}
    for index, name in enumerate(project_names(config)):
        store = InstanceStore(clock, config.transition_seconds, random.Random(config.seed + 1000 * index))
        seed_store(store, config.instances, start)
        seed_others(store, config.other_users, start)
        pid = project_id_of(config, index, name)
        spaces[pid] = ProjectSpace(pid, name, store, ImageStore(clock, config.transition_seconds, start))
    return spaces
