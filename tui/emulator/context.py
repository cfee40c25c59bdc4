"""What every route handler may use: settings, clock, store, tokens and who the demo user is."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from tui.emulator.auth import TokenStore, stable_id
from tui.emulator.capacity import Capacity
from tui.emulator.clock import Clock
from tui.emulator.config import DEMO_DOMAIN, DEMO_USER, EmulatorConfig
from tui.emulator.images import ImageStore
from tui.emulator.state import InstanceStore


@dataclass(frozen=True)
class ProjectSpace:
    """One project (a region's project): its id and name, its instances and its images."""

    id: str
    name: str
    store: InstanceStore
    images: ImageStore

    @property
    def region(self) -> str:
        """The region id (a sub-project ``eu-de_team`` is in ``eu-de``)."""
        return self.name.split("_")[0]


@dataclass
class AppContext:
    """Shared state of one emulator; ``base_url()`` is the URL it listens on (for the IAM catalog)."""

    config: EmulatorConfig
    clock: Clock
    store: InstanceStore
    tokens: TokenStore
    base_url: Callable[[], str]
    images: ImageStore
    capacity: Capacity
    projects: dict[str, ProjectSpace] = field(default_factory=dict)

    def space(self, params: dict[str, str]) -> ProjectSpace:
        """The project a route's ``project_id`` names (the app checked that it is served)."""
        found = self.projects.get(params.get("project_id", ""))
        return found if found is not None else self.primary

    @property
    def primary(self) -> ProjectSpace:
        """The first project: ``config.project_id`` (what the demo credentials print)."""
        return next(iter(self.projects.values()))

    @property
    def domain_name(self) -> str:
        """The account (domain) that owns the project: the first IAM user's domain."""
        return next(iter(self.config.iam_users), (DEMO_DOMAIN, DEMO_USER))[0]

    @property
    def user_name(self) -> str:
        """The IAM user shown as the owner of every instance."""
        return next(iter(self.config.iam_users), (DEMO_DOMAIN, DEMO_USER))[1]

    @property
    def domain_id(self) -> str:
        """The account id."""
        return stable_id("domain", self.domain_name)

    @property
    def user_id(self) -> str:
        """The owner's IAM user id."""
        return stable_id("user", self.user_name)
