"""What every task shares: retry only what may heal, and the run's clock."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

from dunwell.errors import DunwellError, InputError


def retry_unless_user_error(_task: Any, _run: Any, state: Any) -> bool:
    """Retry outages; a user's bad file or config will not heal by waiting."""
    try:
        state.result(raise_on_failure=True)
    except DunwellError:
        return False
    except Exception:  # noqa: BLE001 - anything else may be transient
        return True
    return False


def parse_as_of(value: str | date | datetime | None, default_time: time = time(9, 0),
                source: str = "--as-of") -> datetime:
    """--as-of: a date (that day at the send time) or an ISO datetime; naive means UTC.

    `source` names the argument in the error (a promise date is not --as-of).
    """
    if value is None or value == "":
        return datetime.now(UTC)
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime.combine(value, default_time, tzinfo=UTC)
    text = str(value).strip()
    try:
        if len(text) == 10:
            return datetime.combine(date.fromisoformat(text), default_time, tzinfo=UTC)
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise InputError(source, f"{text!r} is not a date (YYYY-MM-DD) or ISO datetime") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def plan_moment(value: str | date | datetime | None, when: datetime) -> date | datetime:
    """What the dunning plan gets: a bare date stays a date, so that each customer's
    reminder is due at the policy's send time in the customer's own timezone
    (CONTRACT: "a date alone means that day at the policy's send time")."""
    if isinstance(value, datetime):
        return when
    if isinstance(value, date) or (isinstance(value, str) and len(value.strip()) == 10):
        return when.date()
    return when
