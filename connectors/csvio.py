"""Reading and writing the contract's CSV files: encoding, header, atomic writes.

Input is UTF-8 (a BOM is accepted); anything that is not valid UTF-8 is read
as Windows-1252 with a warning. Output is written to a temporary file beside
the target and renamed into place, so a failure never leaves half a file.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from dunwell.errors import InputError


@dataclass(frozen=True, slots=True)
class RawTable:
    """A CSV read as text: every cell a str, with its physical line numbers."""

    source: str
    frame: pd.DataFrame
    warnings: list[str] = field(default_factory=list)


def decode(path: Path, encoding: str | None = None) -> tuple[str, list[str]]:
    """Text of a file: the profile's encoding, else UTF-8 (BOM ok), else cp1252 with a warning."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(str(path), "file not found") from None
    except IsADirectoryError:
        raise InputError(str(path), "is a folder, not a file") from None
    except OSError as exc:
        raise InputError(str(path), f"cannot read: {exc.strerror}") from None
    if encoding:
        return data.decode(encoding, errors="replace"), []
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        warning = f"{path}:{line}: not valid UTF-8; read as Windows-1252"
        return data.decode("cp1252", errors="replace"), [warning]


def read_table(path: Path, required: Sequence[str]) -> RawTable:
    """Read a canonical CSV into a text frame with a `line` column; check required columns."""
    text, warnings = decode(Path(path))
    source = str(path)
    if not text.strip():
        raise InputError(source, "file is empty; expected a header row", line=1)
    if "\x00" in text:
        raise InputError(source, "binary content (NUL byte); expected a CSV file")
    frame = _parse(source, text)
    header = [c.strip() for c in frame.columns]
    frame.columns = header
    missing = [c for c in required if c not in header]
    if missing:
        raise InputError(source, f"missing required column(s): {', '.join(missing)}", line=1,
                         column=missing[0])
    return RawTable(source, frame, warnings)


def _parse(source: str, text: str) -> pd.DataFrame:
    """Parse CSV text; physical line numbers are exact even with quoted newlines."""
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False,
                            na_filter=False, skipinitialspace=False)
    except pd.errors.ParserError as exc:
        raise InputError(source, f"not a well-formed CSV: {_first_line(exc)}") from None
    except pd.errors.EmptyDataError:
        raise InputError(source, "file is empty; expected a header row", line=1) from None
    if frame.columns.duplicated().any():
        dup = frame.columns[frame.columns.duplicated()][0]
        raise InputError(source, f"column {dup!r} appears twice in the header", line=1, column=dup)
    if "\n" in text.split("\n", 1)[-1].rstrip("\n") and _has_multiline_cells(frame):
        frame["line"] = _physical_lines(text)[: len(frame)]
    else:
        frame["line"] = range(2, len(frame) + 2)
    frame["line"] = frame["line"].astype("int64")
    return frame


def _has_multiline_cells(frame: pd.DataFrame) -> bool:
    return any(frame[c].str.contains("\n", regex=False).any() for c in frame.columns)


def _physical_lines(text: str) -> list[int]:
    """Physical start line of each data record (header is line 1)."""
    reader = csv.reader(io.StringIO(text))
    next(reader, None)
    starts: list[int] = []
    last = reader.line_num
    for _ in reader:
        starts.append(last + 1)
        last = reader.line_num
    return starts


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0]


def write_csv_atomic(frame: pd.DataFrame, path: Path, columns: Sequence[str]) -> Path:
    """Write `columns` of a frame as UTF-8 CSV, atomically."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with _atomic(path) as handle:
        frame.to_csv(handle, columns=list(columns), index=False, lineterminator="\n")
    return path


def write_rows_atomic(rows: Iterable[Sequence[str]], path: Path, header: Sequence[str]) -> Path:
    """Write plain rows as CSV, atomically."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with _atomic(path) as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    return path


class _atomic:  # noqa: N801 - used as a context manager
    """A text file that appears at `path` only when closed without error."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __enter__(self) -> io.TextIOWrapper:
        fd, self.tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", dir=self.path.parent)
        self.handle = os.fdopen(fd, "w", encoding="utf-8", newline="")
        return self.handle

    def __exit__(self, exc_type: object, *_: object) -> None:
        self.handle.close()
        if exc_type is None:
            os.replace(self.tmp, self.path)
        else:
            os.unlink(self.tmp)
