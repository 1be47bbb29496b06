"""When a message may leave: business days and hours in the customer's timezone,
never on the customer's public holidays. Computed once per (timezone, country).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays
import pandas as pd

from dunwell.dunning.policy import Sending


@dataclass(frozen=True, slots=True)
class Moment:
    """The run for one customer: local time, whether sending is allowed, the earliest time."""

    local: datetime
    allowed: bool
    not_before: datetime


def zone(name: str, default: str) -> ZoneInfo:
    """The customer's timezone, or the policy's default when unknown or blank."""
    for candidate in (name, default, "UTC"):
        try:
            return ZoneInfo(candidate) if candidate else ZoneInfo(default)
        except (ZoneInfoNotFoundError, ValueError):
            continue
    return ZoneInfo("UTC")  # pragma: no cover


@lru_cache(maxsize=512)
def _holidays(country: str, year: int) -> frozenset[date]:
    try:
        return frozenset(holidays.country_holidays(country, years=[year, year + 1]).keys())
    except (NotImplementedError, KeyError, AttributeError):
        return frozenset()


def is_business_day(day: date, country: str, sending: Sending) -> bool:
    """A weekday the policy sends on that is no public holiday in the customer's country."""
    if day.weekday() not in sending.business_days:
        return False
    return not country or day not in _holidays(country, day.year)


def local_moment(as_of: date | datetime, tz: ZoneInfo, sending: Sending) -> datetime:
    """The run as the customer's local time; a bare date means that day at send time."""
    if isinstance(as_of, datetime):
        return as_of.astimezone(tz)
    return datetime.combine(as_of, sending.send_time, tzinfo=tz)


def moment(
    as_of: date | datetime, tz: ZoneInfo, country: str, sending: Sending,
    hours: tuple[time, time] | None = None,
) -> Moment:
    """Whether a message may leave now for this customer, and if not, the next allowed time."""
    start, end = hours or (sending.hours_start, sending.hours_end)
    local = local_moment(as_of, tz, sending)
    now_ok = start <= local.time().replace(tzinfo=None) < end
    if now_ok and is_business_day(local.date(), country, sending):
        return Moment(local, True, local)
    day = local.date() if local.time().replace(tzinfo=None) < start else local.date() + timedelta(1)
    for _ in range(60):
        if is_business_day(day, country, sending):
            break
        day += timedelta(1)
    return Moment(local, False, datetime.combine(day, start, tzinfo=tz))


def moments(
    frame: pd.DataFrame, as_of: date | datetime, sending: Sending,
    hours: tuple[time, time] | None = None,
) -> pd.Series:
    """A Moment per row of a frame with `timezone` and `country`, one computation per pair."""
    tz = frame["timezone"].fillna("").astype(str)
    country = frame["country"].fillna("").astype(str).str.upper()
    country = country.where(country != "", sending.default_country)
    pairs = pd.MultiIndex.from_arrays([tz, country])
    cache = {
        (t, c): moment(as_of, zone(t, sending.default_timezone), c, sending, hours)
        for t, c in pairs.unique()
    }
    return pd.Series([cache[p] for p in pairs], index=frame.index, dtype=object)


def format_not_before(value: datetime) -> str:
    """`2026-11-24T09:00+01:00`: minutes and the customer's UTC offset."""
    return value.isoformat(timespec="minutes")
