"""Statement files read by a second process while the run reads the invoices.

At a million rows, parsing the invoice export and the statements takes seconds each on
one core while the other waits: from `read_helper_bytes` of statement files, a helper
process (`python -m dunwell.connectors.sources.bank_reader <run pid>`) reads them and
hands the parsed files back. It reads what `read_bank` reads, in the same way. A file
it could not read for any reason is read again by the run itself, so that a bad file is
reported exactly as it would be without the helper (file, line, column; exit 2).
"""

from __future__ import annotations

import pickle
import subprocess
import sys
from pathlib import Path
from typing import IO, TYPE_CHECKING

from dunwell.connectors.children import as_helper, start_helper

if TYPE_CHECKING:
    from dunwell.connectors.sources.inputs import BankFile


class BankReader:
    """The run's end: start reading `paths` elsewhere now, collect the files with `files`."""

    def __init__(self, paths: list[Path], env: dict[str, str]) -> None:
        self.paths = paths
        self._process = start_helper("dunwell.connectors.sources.bank_reader", env,
                                     stderr=subprocess.DEVNULL)
        assert self._process.stdin is not None
        try:
            pickle.dump([str(p) for p in paths], self._process.stdin)
            self._process.stdin.close()
        except OSError:
            pass  # it died at once: `files` finds nothing, and the run reads every file itself

    def files(self) -> list[BankFile | None]:
        """Each path's file as read, or None where the run must read it itself."""
        assert self._process.stdout is not None
        try:
            read = pickle.load(self._process.stdout)  # noqa: S301 - our own helper
        except Exception:  # noqa: BLE001 - it ended without an answer: the run reads them
            read = None
        self._process.stdout.close()
        self._process.wait()
        if not isinstance(read, list) or len(read) != len(self.paths):
            return [None] * len(self.paths)
        return read


def serve(source: IO[bytes], sink: IO[bytes]) -> int:
    """As the helper: read each statement file; None for one that fails (the run reports it)."""
    from dunwell.connectors.sources.inputs import read_bank

    paths = pickle.load(source)  # noqa: S301 - from the run only
    files: list[BankFile | None] = []
    for path in paths:
        try:
            files.append(read_bank(Path(path)))
        except Exception:  # noqa: BLE001 - the run reads it again and says what is wrong
            files.append(None)
    try:
        data = pickle.dumps(files, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # noqa: BLE001 - something it could not hand over: the run reads all
        data = pickle.dumps(None)
    sink.write(data)
    sink.flush()
    return 0


if __name__ == "__main__":  # the helper process
    as_helper(1)
    from dunwell.connectors.sources import bank_reader  # BankFile pickled by the module's name

    sys.exit(bank_reader.serve(sys.stdin.buffer, sys.stdout.buffer))
