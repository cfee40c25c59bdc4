"""The config file's bytes: read only a regular file up to a size cap; write atomically, 0600;
remove the temporary file a killed save left behind.

A save writes a temporary ``.<name>.<random>.tmp`` beside the file, holding an exclusive
``flock`` on it, and renames it over the file. A save killed by SIGKILL (or a power cut) leaves
that temporary file, secrets and all; the next start removes every such file whose lock nobody
holds, so one being written right now by another app is left alone.
"""

from __future__ import annotations

import os
import stat
import tempfile
from contextlib import suppress
from pathlib import Path

from tui.core.errors import ConfigError

try:
    import fcntl
except ImportError:  # Windows: no flock, no cleanup (mkstemp files there are the user's only)
    fcntl = None  # type: ignore[assignment]

FILE_MODE = 0o600
FOLDER_MODE = 0o700
TEMP_SUFFIX = ".tmp"


MAX_CONFIG_BYTES = 16 * 1024 * 1024
"""A config file is read up to this size (10,000 profiles take some 3 MB)."""


def read_text(path: Path) -> str | None:
    """The file's text; None when it does not exist; ConfigError when it cannot be read.

    Only a regular file is read, and at most ``MAX_CONFIG_BYTES``: a FIFO would block forever and
    a link to ``/dev/zero`` would fill the memory. ``O_NONBLOCK`` keeps even the open of a FIFO
    from waiting for a writer.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise ConfigError("this is a folder, not a config file", path=str(path)) from None
    except OSError as error:
        raise ConfigError(f"cannot read the file: {error.strerror or error}", path=str(path)) from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise ConfigError("this is a folder, not a config file", path=str(path))
        if not stat.S_ISREG(info.st_mode):
            raise ConfigError(f"not a regular file ({_kind_of(info.st_mode)}); not read", path=str(path))
        with os.fdopen(fd, "rb", closefd=False) as handle:
            raw = handle.read(MAX_CONFIG_BYTES + 1)
    except OSError as error:
        raise ConfigError(f"cannot read the file: {error.strerror or error}", path=str(path)) from None
    finally:
        os.close(fd)
    if len(raw) > MAX_CONFIG_BYTES:
        raise ConfigError(f"larger than {MAX_CONFIG_BYTES // 2**20} MB; not read", path=str(path))
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise ConfigError(f"not UTF-8 text (byte {error.start})", path=str(path), line=line) from None


def _kind_of(mode: int) -> str:
    kinds = (
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISCHR, "a device"),
        (stat.S_ISBLK, "a device"),
        (stat.S_ISSOCK, "a socket"),
    )
    return next((name for test, name in kinds if test(mode)), "not a plain file")


def _temp_prefix(target: Path) -> str:
    return f".{target.name}."


def _fsync_folder(folder: Path) -> None:
    # Makes the rename durable; not every platform can open a folder.
    with suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def write_atomic(target: Path, text: str) -> None:
    """Replace ``target`` with ``text`` (0600, fsync'd), through a locked temporary file beside it."""
    target.parent.mkdir(parents=True, exist_ok=True, mode=FOLDER_MODE)
    fd, temp = tempfile.mkstemp(dir=target.parent, prefix=_temp_prefix(target), suffix=TEMP_SUFFIX)
    try:
        with os.fdopen(fd, "wb") as handle:
            if fcntl is not None:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX)  # "being written": the cleanup keeps it
            if hasattr(os, "fchmod"):
                os.fchmod(handle.fileno(), FILE_MODE)
            handle.write(text.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
            os.replace(temp, target)  # still locked: a cleanup never races the rename
    except BaseException:
        with suppress(OSError):
            os.unlink(temp)
        raise
    _fsync_folder(target.parent)


def remove_stale_temps(path: Path) -> list[Path]:
    """Remove the temporary files of killed saves of ``path`` (those nobody holds a lock on)."""
    if fcntl is None:
        return []
    try:
        target = Path(os.path.realpath(path))
        names = os.listdir(target.parent)
    except OSError:
        return []
    prefix, removed = _temp_prefix(target), []
    for name in names:
        if not (name.startswith(prefix) and name.endswith(TEMP_SUFFIX)):
            continue
        temp = target.parent / name
        try:
            fd = os.open(temp, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
        except OSError:
            continue
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                continue
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                continue  # a save in progress
            with suppress(OSError):
                os.unlink(temp)
                removed.append(temp)
        finally:
            os.close(fd)
    return removed
