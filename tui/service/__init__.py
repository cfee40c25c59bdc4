"""The service layer: one owner of the clients and the instance snapshot (no Textual here)."""

from tui.service.models import ActionOutcome, ProfileStatus, RefreshResult, Row, row_key
from tui.service.service import InstanceService, describe_error

__all__ = [
    "ActionOutcome",
    "InstanceService",
    "ProfileStatus",
    "RefreshResult",
    "Row",
    "describe_error",
    "row_key",
]
