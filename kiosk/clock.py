"""The one place the app reads the time, so tests can move it.

Times are stored as naive UTC everywhere: SQLite keeps no time zone, and one convention on both
databases avoids comparing aware and naive values.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

_offset = {"seconds": 0.0}


def utcnow() -> datetime:
    """The current time as naive UTC (shifted when a test has moved the clock)."""
    return datetime.now(UTC).replace(tzinfo=None) + timedelta(seconds=_offset["seconds"])


def advance(seconds: float) -> None:
    """Move the app's clock forward (tests only)."""
    _offset["seconds"] += seconds


def reset() -> None:
    """Put the app's clock back to real time (tests only)."""
    _offset["seconds"] = 0.0


def local_now(tz_name: str) -> datetime:
    """The current wall-clock time in the center's time zone (aware)."""
    return utcnow().replace(tzinfo=UTC).astimezone(ZoneInfo(tz_name))


def to_local(moment: datetime, tz_name: str) -> datetime:
    """Convert a stored naive-UTC time to the center's wall clock (aware)."""
    return moment.replace(tzinfo=UTC).astimezone(ZoneInfo(tz_name))


def to_utc(local: datetime, tz_name: str) -> datetime:
    """Convert a wall-clock time in the center's zone (naive or aware) to naive UTC."""
    if local.tzinfo is None:
        local = local.replace(tzinfo=ZoneInfo(tz_name))
    return local.astimezone(UTC).replace(tzinfo=None)


def to_minute(moment: datetime) -> datetime:
    """A time cut to the minute: what is stored about when a person signed in or asked for help.

    research/reliability.md P5 (minimal metadata): seconds and microseconds would let anyone with
    the database line a sign-in up with a camera or a door log; the minute is all reports need.
    """
    return moment.replace(second=0, microsecond=0)
