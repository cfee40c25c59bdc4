"""The notebook actions beyond start/stop/prolong that ``InstanceService`` is made of (one base).

Save as image and tags (``images_tags``), start when available (``capacity``), connect
(``connect_action``), and the step labels their rows show (``steps``).
"""

from __future__ import annotations

from tui.service.capacity import CapacityStart
from tui.service.connect_action import ConnectActions
from tui.service.images_tags import ImageTagActions
from tui.service.steps import RowSteps


class NotebookActions(ImageTagActions, CapacityStart, ConnectActions, RowSteps):
    """``save_image``, ``tag``, ``untag``, ``start_available``, ``cancel_waiting``, ``connect``, step labels."""
