"""The exception tree.

    DunwellError                 anything dunwell raises on purpose
    +-- InputError               a user's file or argument is wrong (exit 2)
    |     carries source, line, column, problem; str() is the one-line message
    |   +-- FormatNotRecognised  a statement whose format we cannot tell
    +-- InputErrors              several InputError at once (exit 2, one line each)
    +-- ConfigError              config/*.yaml or settings are wrong (exit 2)
    +-- CriticalQualityFailure   a critical data-quality suite failed: stop before sending
    +-- DeliveryError            email could not be delivered after retries
    +-- Unavailable              something dunwell needs cannot be reached now (exit 1)
    |     +-- ConcurrentRunError   another run holds the lock
    |     +-- DatabaseUnavailable  the database does not answer (also a ConfigError)
    +-- InvariantBroken          dunwell broke a rule of its own (a bug): exit 1, not 2
    +-- Forbidden                the person's role does not allow this action

Bugs are not wrapped: they surface as ordinary exceptions.
"""

from __future__ import annotations

from collections.abc import Sequence


class DunwellError(Exception):
    """Base of every error dunwell raises on purpose."""


class InputError(DunwellError):
    """Bad input from a user: names the file, line and column of the problem.

    `line` is the physical line of the file (the header of a CSV is line 1);
    `column` is a column name for CSV, a tag or field for other formats.
    """

    def __init__(
        self,
        source: str,
        problem: str,
        line: int | None = None,
        column: str | int | None = None,
    ) -> None:
        self.source = str(source)
        self.problem = problem
        self.line = line
        self.column = column
        super().__init__(self.message)

    @property
    def message(self) -> str:
        where = self.source
        if self.line is not None:
            where += f":{self.line}"
        if self.column is not None and self.column != "":
            where += f": column {self.column}"
        return f"{where}: {self.problem}"

    def __str__(self) -> str:
        return self.message


class FormatNotRecognised(InputError):
    """The content matches none of the statement formats we read."""


class InputErrors(DunwellError):
    """Several input problems found in one pass; each is reported on its own line."""

    def __init__(self, errors: Sequence[InputError]) -> None:
        self.errors = list(errors)
        super().__init__("\n".join(e.message for e in self.errors))


class ConfigError(DunwellError):
    """A configuration file or setting is invalid."""


class CriticalQualityFailure(DunwellError):
    """A data-quality suite marked critical failed; nothing was sent."""


class DeliveryError(DunwellError):
    """A message could not be delivered after its retries."""


class Unavailable(DunwellError):
    """Not the user's input: a database, server or lock is not available now (exit 1)."""


class ConcurrentRunError(Unavailable):
    """Another run holds the lock for the same work."""


class DatabaseUnavailable(Unavailable, ConfigError):
    """The configured database cannot be reached (down, wrong host or port, locked)."""


class InvariantBroken(DunwellError):
    """dunwell's own results break a rule that must always hold: a bug, never the user's input."""
class Forbidden(DunwellError):
    """The signed-in person's role does not allow the action (HTTP 403 in the workbench)."""
