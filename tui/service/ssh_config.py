"""``~/.ssh/config``: one managed block per profile, between marker lines, written atomically.

Only the lines between a profile's two markers belong to the tool; every other line of the file
is kept byte for byte. Writing again replaces the block in place (never a second copy); a
profile's first block goes at the end of the file. The file is written to a temporary file in
the same folder (0600, fsync) that replaces it, through a symlink to its target (dotfiles).
A file whose markers do not pair up is refused: fixing it by hand is safer than guessing.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path

from tui.core.errors import ConfigError

BEGIN = "# >>> modelarts-tui {profile} >>> (managed: `modelarts-tui ssh-config --write` rewrites it)"
END = "# <<< modelarts-tui {profile} <<<"
_PROXY_JUMP_RE = re.compile(r"[A-Za-z0-9_.@:\[\]%-]{1,255}(,[A-Za-z0-9_.@:\[\]%-]{1,255}){0,7}")


def check_proxy_jump(value: str) -> str:
    """A ``--proxy-jump`` value as ssh_config takes it (``[user@]host[:port]``, comma-separated)."""
    if value.startswith("-") or not _PROXY_JUMP_RE.fullmatch(value):
        raise ConfigError(
            f"--proxy-jump {value!r} is not [user@]host[:port] (a list separated by commas, no spaces)"
        )
    return value


def managed_block(profile: str, blocks: Iterable[str]) -> str:
    """A profile's whole managed text, markers included."""
    body = "\n".join(block.rstrip("\n") + "\n" for block in blocks)
    return f"{BEGIN.format(profile=profile)}\n{body}{END.format(profile=profile)}\n"


def _spans(lines: list[str], profile: str, path: Path) -> list[tuple[int, int]]:
    begin, end = BEGIN.format(profile=profile), END.format(profile=profile)
    spans: list[tuple[int, int]] = []
    start: int | None = None
    for number, line in enumerate(lines):
        text = line.rstrip("\r\n")
        if text == begin:
            if start is not None:
                raise ConfigError(
                    f"two begin markers for profile {profile} without an end", path=str(path), line=number + 1
                )
            start = number
        elif text == end:
            if start is None:
                raise ConfigError(
                    f"an end marker for profile {profile} without a begin", path=str(path), line=number + 1
                )
            spans.append((start, number))
            start = None
    if start is not None:
        raise ConfigError(
            f"the begin marker for profile {profile} has no end marker", path=str(path), line=start + 1
        )
    return spans


def merge(text: str, profile: str, block: str, path: Path) -> str:
    """``text`` with ``profile``'s managed block replaced by ``block`` (appended when absent)."""
    lines = text.splitlines(keepends=True)
    spans = _spans(lines, profile, path)
    if not spans:
        if lines and not lines[-1].endswith("\n"):
            lines[-1] += "\n"
        gap = ["\n"] if lines and lines[-1].strip() else []
        return "".join([*lines, *gap, block])
    first, _ = spans[0]
    kept = [line for n, line in enumerate(lines) if not any(a <= n <= b for a, b in spans)]
    before = sum(1 for n in range(first) if not any(a <= n <= b for a, b in spans))
    return "".join([*kept[:before], block, *kept[before:]])


def write_managed(path: Path, blocks: dict[str, str]) -> bool:
    """Put each profile's block (``managed_block``) into the file at ``path``; True when it changed."""
    target = path.resolve() if path.is_symlink() else path
    try:
        old = target.read_text(encoding="utf-8")
    except FileNotFoundError:
        old = ""
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"cannot read it: {error}", path=str(path)) from None
    new = old
    for profile, block in blocks.items():
        new = merge(new, profile, block, path)
    if new == old and target.exists():
        return False
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    handle, temp = tempfile.mkstemp(prefix=".config.", dir=target.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(new)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, 0o600)
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return True
