"""The exit codes of ``modelarts-tui``: one meaning each, in one place (the README's table reads the same)."""

from __future__ import annotations

import enum

from tui.core.errors import ModelArtsError


class Exit(enum.IntEnum):
    """What the process tells its caller; ``meaning`` is the text the README and ``--help`` show."""

    OK = 0
    API = 1
    USAGE = 2
    TIMEOUT = 3
    FAILED = 4
    REFUSED = 5
    DECLINED = 6
    INTERRUPTED = 130
    PIPE_CLOSED = 141

    @property
    def meaning(self) -> str:
        return MEANINGS[self]


MEANINGS = {
    Exit.OK: "done",
    Exit.API: "the API or the network failed (an error answer, or no answer)",
    Exit.USAGE: (
        "usage or config error: a bad option or config file, a target that names no instance or "
        "several, or an internal error"
    ),
    Exit.TIMEOUT: "--wait (or start --until-available, or a step of resize): the final state was not reached within --timeout",
    Exit.FAILED: "--wait: the instance (or the saved image) ended in a failed state",
    Exit.REFUSED: (
        "refused locally, nothing sent: the state does not allow the action (start on RUNNING, "
        "prolong on STOPPED or on the v1 API), a read-only profile, an action already in flight"
    ),
    Exit.DECLINED: "the stop or delete prompt was declined, nothing sent",
    Exit.INTERRUPTED: "interrupted (ctrl+c)",
    Exit.PIPE_CLOSED: "stdout was closed early (piped into `head`): the rest of the output was dropped quietly",
}


def epilog() -> str:
    """The exit code table for ``--help``."""
    return "exit codes:\n" + "\n".join(f"  {code.value:>3}  {code.meaning}" for code in Exit)


class UsageError(ModelArtsError):
    """The command line cannot be carried out as given (exit 2): no instance or several for a target,
    ``stop`` off a terminal without ``--yes``."""
