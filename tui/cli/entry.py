"""``main``: parse, dispatch, and turn every failure into one clear line and an exit code.

No traceback reaches the user: a known error is explained, anything else is reported as an
internal error (exit 2); a closed stdout (``| head``) ends the run quietly.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Sequence

from tui.api.redact import redact
from tui.cli.exits import Exit, UsageError
from tui.cli.options import AppOptions
from tui.cli.output import err, explain
from tui.cli.parser import build_parser
from tui.core.errors import ConfigError, ModelArtsError, ValidationError

INTERNAL_DETAIL = 200
"""Characters of an unexpected exception's message shown (secret-looking fields masked)."""


class _OneLine(logging.Handler):
    """Log records of the headless commands as one line on stderr: the message, never a traceback."""

    def emit(self, record: logging.LogRecord) -> None:
        err(f"modelarts-tui: {record.levelname.lower()}: {record.getMessage()}")


def _quiet_logging() -> logging.Handler:
    handler = _OneLine(logging.WARNING)
    logging.getLogger().addHandler(handler)
    return handler


def _dispatch(argv: Sequence[str] | None) -> int:
    try:
        ns = build_parser().parse_args(argv)
    except SystemExit as stop:  # --help, or a usage error argparse already explained
        return stop.code if isinstance(stop.code, int) else Exit.USAGE
    if ns.handler is None:
        from tui.cli.app import run_app

        return run_app(AppOptions.from_namespace(ns))
    handler = _quiet_logging()
    try:
        return int(ns.handler(ns))
    finally:
        logging.getLogger().removeHandler(handler)


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so the interpreter's last flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # stdout without a descriptor (a test's capture)
        pass


def main(argv: Sequence[str] | None = None) -> int:
    """The ``modelarts-tui`` console script and ``python -m tui``."""
    try:
        return _dispatch(argv)
    except KeyboardInterrupt:
        err("interrupted")
        return Exit.INTERRUPTED
    except BrokenPipeError:
        _silence_stdout()
        return Exit.PIPE_CLOSED
    except (ConfigError, ValidationError, UsageError) as error:
        err(f"modelarts-tui: {error}")
        return Exit.USAGE
    except ModelArtsError as error:
        err(f"modelarts-tui: {explain(error)}")
        return Exit.API
    except Exception as error:  # the last line of defence: one clear line, never a traceback
        detail = redact(str(error))[:INTERNAL_DETAIL]
        err(f"modelarts-tui: internal error ({type(error).__name__}: {detail}); please report it")
        return Exit.USAGE
