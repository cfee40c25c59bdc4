"""A faithful emulator of the ModelArts DevEnviron APIs (v1 demanager and notebooks) and IAM.

Real HTTP on a loopback socket, the documented paths, shapes and error codes, gateway-grade
authentication (tokens, SDK-HMAC-SHA256, AK lockout), a lifecycle driven by an injectable clock,
and fault knobs. Imports only ``tui.core``, ``tui.api.constants`` and ``tui.api.signer``.
"""

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
from tui.emulator.server import Emulator, RecordedRequest
from tui.emulator.state import InstanceRecord, InstanceStore

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
