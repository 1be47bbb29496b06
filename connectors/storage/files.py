"""Files that appear whole or not at all: the one atomic-write helper of the product.

A file is written under a hidden temporary name in its target's folder and renamed
into place when complete, so a reader (or the next run after a crash) sees the old
file or the new one, never half of one. Output files get the usual 0644 mode (the
umask's), not mkstemp's 0600: they are for people and other programs to read.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any


def readable_mode() -> int:
    """0666 less the umask (0644 as usual): a plain `open()`'s mode, where mkstemp gives 0600."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


@contextmanager
def atomic_text(path: Path) -> Iterator[IO[str]]:
    """A UTF-8 text handle (no newline translation) whose file appears at `path` on success."""
    with _atomic(Path(path), "w", encoding="utf-8", newline="") as handle:
        yield handle


def write_atomic(path: Path, content: bytes | str) -> Path:
    """Write `content` (text as UTF-8) to `path` atomically; returns the path."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    with _atomic(Path(path), "wb") as handle:
        handle.write(data)
    return Path(path)


@contextmanager
def _atomic(path: Path, mode: str, encoding: str | None = None,
            newline: str | None = None) -> Iterator[IO[Any]]:
    """A handle on a temporary file beside `path`, renamed onto it if nothing raised."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
    try:
        handle = os.fdopen(fd, mode, encoding=encoding, newline=newline)
    except BaseException:
        os.close(fd)
        os.unlink(tmp)
        raise
    try:
        with handle:
            os.fchmod(handle.fileno(), readable_mode())
            yield handle
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
