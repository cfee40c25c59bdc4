"""The chaos figures in the terminal summary (also printed by the tests, visible with ``-s``)."""

from __future__ import annotations

from typing import Any


def pytest_terminal_summary(terminalreporter: Any) -> None:
    from tests.chaos.test_chaos import SUMMARIES

    if SUMMARIES:
        terminalreporter.section("chaos")
        for line in SUMMARIES:
            terminalreporter.write_line(line)
