"""Every action on an instance, declared once: ``ACTIONS`` is the one table the client, the
service, the CLI and the UI read (verb, pending marker, phases, confirmation, read-only rule).

Adding an action means one ``Action`` here, one client method (the request) and one service
method that hands ``InstanceService.run`` the call to make; refusals, the in-flight marker,
the outcome text, the "already happened" check after an ambiguous failure and the title the
UI shows all follow from the entry.

* An action that **needs parameters** names them in ``params``; the service method takes them
  and closes over them in the call it passes to ``run`` (the UI asks for them before sending).
* An action that **creates a row** sets ``creates_row``: the service reserves the key it will
  create (``profile/<name>``), not an existing row, so no phase check applies.
* A **multi-step** action (stop, resize, start again) is one service method that awaits its
  steps inside the one reservation ``run`` holds for it; ``target`` is where the last step ends.
"""

from __future__ import annotations

from dataclasses import dataclass

from tui.core.models import FAMILY_NOTEBOOKS, Phase

# Phases an instance may be started from: anything settled that is not already running.
_SETTLED_NOT_RUNNING = frozenset({Phase.STOPPED, Phase.FAILED, Phase.DELETED, Phase.UNKNOWN})


@dataclass(frozen=True, slots=True)
class Action:
    """One thing a user can do to an instance (or a profile, for ``creates_row``)."""

    name: str
    """The verb in code, config keys and ``Row.pending``: ``start``."""
    title: str
    """The verb in titles and help: ``Start``."""
    pending: str
    """The status cell while our request is in flight: ``starting…``."""
    done: str
    """The outcome line once the service accepted it: ``<name>: starting``."""
    starts_from: frozenset[Phase]
    """The phases the action may be sent from; any other is refused locally (nothing is sent)."""
    on_its_way: frozenset[Phase] = frozenset()
    """Phases a fresh read may show after an ambiguous failure that mean the action happened."""
    target: Phase | None = None
    """The phase the instance settles in (``--wait`` polls for it); None when the phase stays."""
    confirm: bool = False
    """Ask before sending (it interrupts work or costs something hard to undo)."""
    confirm_by_name: bool = False
    """Ask for the instance's name typed back (it cannot be undone: delete)."""
    save_first: bool = False
    """Its confirmation offers "save as image first" (what is outside the work folder is lost)."""
    writes: bool = True
    """Read-only profiles refuse it."""
    family: str | None = None
    """The API family it needs (None: either)."""
    params: tuple[str, ...] = ()
    """Keyword parameters the service method takes (the UI asks for them first)."""
    creates_row: bool = False
    """It makes a new instance: the reserved key is the one it will create."""
    key: str = ""
    """The binding id of its key (``tui.ui.bindings``), for the help and the palette."""
    help: str = ""
    """One line for the help screen and the command palette."""
    family_refusal: str = ""
    """Why a row of another API family cannot do it (``{name}`` is the row), before any phase check:
    no state of such a row would help."""

    def phase_refusal(self, name: str, phase: Phase, status: str) -> str | None:
        """Why the action cannot go from ``phase`` (``status`` as the service names it), or None."""
        if self.creates_row or phase in self.starts_from:
            return None
        if len(self.starts_from) == 1:  # one phase to go from: name it
            (only,) = self.starts_from
            return f"{name} is {status}, not {only.name}"
        if phase is self.target:
            return f"{name} is already {status}"
        if phase.transitional:
            return f"{name} is {status}; wait until it settles"
        allowed = ", ".join(sorted(p.name for p in self.starts_from))
        return f"{name} is {status}, not one of {allowed}"


START = Action(
    "start",
    "Start",
    "starting…",
    "starting",
    starts_from=_SETTLED_NOT_RUNNING,
    on_its_way=frozenset({Phase.STARTING, Phase.RUNNING, Phase.QUEUED}),
    target=Phase.RUNNING,
    key="start",
    help="Start marked rows, else the cursor row",
)
STOP = Action(
    "stop",
    "Stop",
    "stopping…",
    "stopping",
    starts_from=frozenset({Phase.RUNNING}),
    on_its_way=frozenset({Phase.STOPPING, Phase.STOPPED}),
    target=Phase.STOPPED,
    confirm=True,
    save_first=True,
    key="stop",
    help="Stop marked rows, else the cursor row (asks first)",
)
PROLONG = Action(
    "prolong",
    "Prolong",
    "prolonging…",
    "prolonged",
    starts_from=frozenset({Phase.RUNNING}),
    family=FAMILY_NOTEBOOKS,
    params=("hours",),
    key="prolong",
    help="Renew the auto-stop lease by 1-72 h (notebooks API)",
)

SAVE_IMAGE = Action(
    "save_image",
    "Save as image",
    "saving image…",
    "image saved",
    starts_from=frozenset({Phase.RUNNING}),
    family=FAMILY_NOTEBOOKS,
    params=("name", "tag", "namespace"),
    key="save_image",
    help="Save the notebook's environment as an image (name, tag; notebooks API)",
)
TAG = Action(
    "tag",
    "Tag",
    "tagging…",
    "tagged",
    starts_from=frozenset(Phase) - {Phase.DELETED},
    family=FAMILY_NOTEBOOKS,
    params=("tags",),
    key="tag",
    help="Add key=value tags (details; notebooks API)",
)
UNTAG = Action(
    "untag",
    "Untag",
    "untagging…",
    "untagged",
    starts_from=frozenset(Phase) - {Phase.DELETED},
    family=FAMILY_NOTEBOOKS,
    params=("keys",),
    key="untag",
    help="Remove tags by key (details; notebooks API)",
)
START_AVAILABLE = Action(
    "start_available",
    "Start when available",
    "waiting for capacity…",
    "started",
    starts_from=_SETTLED_NOT_RUNNING,
    on_its_way=START.on_its_way,
    target=Phase.RUNNING,
    params=("timeout",),
    key="start_available",
    help="Start, retrying with backoff while the flavor is sold out or short (again: cancel)",
)

CREATE = Action(
    "create",
    "Create",
    "creating…",
    "creating",
    starts_from=frozenset(),
    target=Phase.RUNNING,
    family=FAMILY_NOTEBOOKS,
    params=("spec",),
    creates_row=True,
    key="create",
    help="Create a notebook: name, flavor, image, storage, auto-stop, SSH (notebooks API)",
)
DELETE = Action(
    "delete",
    "Delete",
    "deleting…",
    "deleting",
    starts_from=frozenset({Phase.RUNNING, Phase.STOPPED, Phase.FAILED, Phase.UNKNOWN}),
    on_its_way=frozenset({Phase.DELETING, Phase.DELETED}),
    target=Phase.DELETED,
    confirm=True,
    confirm_by_name=True,
    save_first=True,
    key="delete",
    help="Delete marked rows, else the cursor row, with their storage (type the name to confirm)",
)
RESIZE = Action(
    "resize",
    "Resize",
    "resizing…",
    "resized",
    starts_from=frozenset({Phase.RUNNING, Phase.STOPPED}),
    family=FAMILY_NOTEBOOKS,
    params=("flavor", "storage_gb"),
    key="resize",
    help="Change the flavor (stop, change, start again) or grow the storage (notebooks API)",
)
CONNECT = Action(
    "connect",
    "Connect",
    "connecting…",
    "connected",
    starts_from=frozenset({Phase.RUNNING, Phase.STOPPED, Phase.STARTING, Phase.QUEUED, Phase.CREATING}),
    target=Phase.RUNNING,
    writes=False,
    family=FAMILY_NOTEBOOKS,
    key="connect",
    help="SSH to the cursor row with the system ssh (a stopped one: start, wait, then connect)",
    # STARTING, QUEUED, CREATING: waited for; STOPPED: started only when the user said so.
    family_refusal="{name}: the v1 DevEnviron API exposes no SSH; use a notebooks-API profile",
)
"""Local: the service starts a stopped one and plans (``tui.service.connect``), the front end runs ssh."""

ACTIONS: dict[str, Action] = {
    a.name: a
    for a in (START, STOP, PROLONG, SAVE_IMAGE, TAG, UNTAG, START_AVAILABLE, CREATE, DELETE, RESIZE, CONNECT)
}
"""Every action by name: the one table. Tests add a dummy entry to see it flow through."""


def in_flight_text(name: str, pending: str) -> str:
    """The one text for a second press while action ``pending`` is in flight on ``name``."""
    return f"{name}: {pending} already in flight"


def action_named(name: str) -> Action:
    """The declared action ``name``; KeyError for a verb nobody declared."""
    return ACTIONS[name]
