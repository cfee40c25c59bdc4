"""The ``[ui]`` settings: how the app looks and polls (part of ``tui.config.model``'s values)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from tui.core.errors import ValidationError


@dataclass(frozen=True, slots=True)
class UiSettings:
    """How the app looks and polls."""

    poll_interval_s: float = field(default=10.0, metadata={"toml": "poll_interval"})
    """Seconds between polls while every instance is in a stable state."""
    fast_poll_interval_s: float = field(default=2.0, metadata={"toml": "fast_poll_interval"})
    """Seconds between polls while some instance is starting or stopping."""
    log_panel: bool = True
    """Show the API call log panel at start."""
    keys: dict[str, str] = field(default_factory=dict, hash=False)
    """Binding id -> key, to remap keys (``start = "S"``)."""
    low_bandwidth: bool = False
    """Poll less and render less (a slow or metered link)."""
    bulk_concurrency: int = 8
    """How many start/stop requests run at once for marked rows."""
    connections_per_host: int = 24
    """Connections (and profile refreshes) open at once to one endpoint host, all profiles on it."""
    refresh_deadline_s: float = field(default=90.0, metadata={"toml": "refresh_deadline"})
    """Seconds one profile's refresh may take once its turn came; then it is failed, rows kept."""
    max_pages: int = 1000
    """Pages one instance list reads at most (50,000 notebooks at 50 a page); a list cut there says so."""
    theme: str = ""
    """Textual theme name; empty = automatic."""

    def validate(self) -> list[ValidationError]:
        """Every out-of-range value, each naming its key as written in the file."""
        errors: list[ValidationError] = []
        for name in ("poll_interval_s", "fast_poll_interval_s", "refresh_deadline_s"):
            value = getattr(self, name)
            if not (math.isfinite(value) and value > 0):
                errors.append(ValidationError(name.removesuffix("_s"), "must be a number of seconds above 0"))
        for name in ("bulk_concurrency", "connections_per_host", "max_pages"):
            if getattr(self, name) < 1:
                errors.append(ValidationError(name, "must be 1 or more"))
        for binding, key in self.keys.items():
            if not key.strip():
                errors.append(ValidationError(f"keys.{binding}", "the key is empty"))
        return errors
