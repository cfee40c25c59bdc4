"""The service layer: one owner of the clients and the instance snapshot (no Textual here)."""

from tui.api.runtime import Limits, Runtime, Transport
from tui.service.models import ActionOutcome, Claim, ProfileStatus, RefreshResult, Row, row_key
from tui.service.service import InstanceService, describe_error

__all__ = [
    "ActionOutcome",
    "Claim",
    "InstanceService",
    "Limits",
    "ProfileStatus",
    "RefreshResult",
    "Row",
    "Runtime",
    "Transport",
    "describe_error",
    "row_key",
]
