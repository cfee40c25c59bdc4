"""A faithful emulator of the ModelArts DevEnviron APIs (v1 demanager and notebooks) and IAM.

Real HTTP on a loopback socket, the documented paths, shapes and error codes, gateway-grade
authentication (tokens, SDK-HMAC-SHA256, AK lockout), a lifecycle driven by an injectable clock,
and fault knobs. Imports only ``tui.core``, ``tui.api.constants`` and ``tui.api.signer``.
"""

from typing import TYPE_CHECKING, Any

from tui.emulator.clock import DEFAULT_START, ManualClock
from tui.emulator.config import (
    DEMO_AK,
    DEMO_DOMAIN,
    DEMO_PASSWORD,
    DEMO_PROJECT_ID,
    DEMO_PROJECT_NAME,
    DEMO_SK,
    DEMO_TOKEN,
    DEMO_USER,
    EmulatorConfig,
)
from tui.emulator.faults import Faults
from tui.emulator.state import InstanceRecord, InstanceStore

if TYPE_CHECKING:
    from tui.emulator.server import Emulator, RecordedRequest


def __getattr__(name: str) -> Any:
    """The server on first use: ``python -m tui`` builds the ``emulator`` subcommand's options
    (``tui.emulator.cli``) on every start, and the HTTP server's modules cost ~35 ms of it."""
    if name in ("Emulator", "RecordedRequest"):
        from tui.emulator import server

        return getattr(server, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "DEFAULT_START",
    "DEMO_AK",
    "DEMO_DOMAIN",
    "DEMO_PASSWORD",
    "DEMO_PROJECT_ID",
    "DEMO_PROJECT_NAME",
    "DEMO_SK",
    "DEMO_TOKEN",
    "DEMO_USER",
    "Emulator",
    "EmulatorConfig",
    "Faults",
    "InstanceRecord",
    "InstanceStore",
    "ManualClock",
    "RecordedRequest",
]
