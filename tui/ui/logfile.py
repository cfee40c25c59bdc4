"""The rotating call log on disk: one line per API call, in the XDG state folder.

Records arrive already redacted; nothing else (no config, no profile) is ever written here.
"""

from __future__ import annotations

import itertools
import logging
import logging.handlers
import os
import time
from pathlib import Path

from tui.core.callfmt import explain_call, format_call
from tui.core.models import ApiCall
from tui.core.untrusted import shown

LOG_NAME = "modelarts-tui.log"
MAX_BYTES = 1_000_000
BACKUPS = 3
MAX_LINE_CHARS = 4_000
"""A record is one line of at most this many characters (plus a note of what was left out)."""
_ids = itertools.count(1)


class _PrivateRotatingHandler(logging.handlers.RotatingFileHandler):
    """A rotating handler whose every new file is readable by the owner only."""

    def _open(self):  # type: ignore[no-untyped-def]
        stream = super()._open()
        os.chmod(self.baseFilename, 0o600)
        return stream


class CallLogFile:
    """Appends call records to ``<folder>/modelarts-tui.log`` (1 MB, 3 backups, mode 0600)."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.path = folder / LOG_NAME
        self._handler = _PrivateRotatingHandler(
            self.path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8"
        )
        self._handler.setFormatter(logging.Formatter("%(message)s"))
        # A private logger per app, so tests with several apps never share handlers.
        self._logger = logging.getLogger(f"modelarts_tui.calls.{next(_ids)}")
        self._logger.propagate = False
        self._logger.setLevel(logging.INFO)
        self._logger.addHandler(self._handler)

    def write(self, call: ApiCall) -> None:
        """One line for the call (ISO time from the call's clock), plus its meaning when it failed."""
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(call.at))
        line = f"{stamp} {format_call(call, with_time=False)}"
        explanation = explain_call(call)
        if explanation:
            line += f" | {explanation}"
        self._logger.log(logging.WARNING if not call.ok else logging.INFO, shown(line, MAX_LINE_CHARS))

    def write_text(self, text: str) -> None:
        """A line that is not an API call (an unexpected error in the app)."""
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S")
        self._logger.error(f"{stamp} {shown(text, MAX_LINE_CHARS)}")

    def close(self) -> None:
        """Flush and detach the file handler."""
        self._logger.removeHandler(self._handler)
        self._handler.close()


def open_call_log(folder: Path | None) -> tuple[CallLogFile | None, str | None]:
    """The call log in ``folder`` (default: the XDG state folder), or None and why not."""
    try:
        if folder is None:
            from tui.config.paths import log_dir

            folder = Path(log_dir())
        return CallLogFile(folder), None
    except (OSError, ImportError) as error:
        return None, f"log file disabled: {error}"
