"""Everything the CLI writes: human text (control characters made visible), JSON, and stderr lines.

Server text is untrusted: every string a human line carries passes through ``safe`` here, so no
escape sequence, bell or carriage return reaches the terminal. JSON escapes them itself
(``ensure_ascii``), so ``--json`` stays valid JSON whatever the server sent.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Sequence
from typing import Any

from tui.core.errors import ModelArtsError

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def safe(text: object) -> str:
    """``text`` with every C0/C1 control character, ESC and DEL shown as ``\\x1b``: visible, inert."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", str(text))


def out(text: str = "") -> None:
    """One line of human output on stdout."""
    print(safe(text))


def err(text: str) -> None:
    """One line on stderr (diagnostics, refusals, ``-v`` records)."""
    print(safe(text), file=sys.stderr)


def emit_json(value: Any) -> None:
    """``value`` as indented JSON on stdout; non-ASCII and control characters escaped."""
    print(json.dumps(value, indent=2, ensure_ascii=True))


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """Columns padded to the widest cell of all rows (every profile), the last one unpadded;
    nothing at all, not even the header, when there are no rows."""
    if not rows:
        return
    cells = [[safe(c) for c in row] for row in [header, *rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    for row in cells:
        padded = [c.ljust(w) for c, w in zip(row[:-1], widths, strict=False)]
        print("  ".join([*padded, row[-1]]).rstrip())


def _words(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def explain(error: ModelArtsError) -> str:
    """The error in one line, then its meaning unless the message already says it."""
    message, meaning = str(error), error.meaning
    if not meaning or _words(meaning) in _words(message):
        return message
    return f"{message} — {meaning}"
