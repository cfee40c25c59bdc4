"""The README's examples stay true: its config example loads, its keys exist."""

from __future__ import annotations

import re
from pathlib import Path

from tui.config.store import parse_config

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_config_example_loads() -> None:
    block = re.search(r"```toml\n(.*?)```", README.read_text(), re.S)
    assert block is not None
    config = parse_config(block.group(1), str(README))
    assert [p.name for p in config.profiles] == ["otc-prod"]
    assert config.ui.keys == {"start": "S"}


def test_readme_exit_codes_are_the_codes_words() -> None:
    from tui.cli.exits import Exit

    section = README.read_text().split("## The headless CLI", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| (\d+) \| (.+) \|$", section, re.M)
    assert [(int(code), text) for code, text in rows] == [(e.value, e.meaning) for e in Exit]
