"""Opening hours: a small text format staff can type, and the three-state "open now".

Weekly lines look like ``Mon-Fri 09:00-17:00`` or ``Fri,Sat 22:00-06:00`` (past midnight);
``24/7`` means always open. Dated exceptions look like ``2026-12-25 closed`` or
``2026-12-24 09:00-12:00``. Everything is the center's wall-clock time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
HSDS_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_TIME = r"([01]\d|2[0-3]):([0-5]\d)"
_RANGE_RE = re.compile(rf"^{_TIME}-{_TIME}$")


class HoursError(ValueError):
    """Hours text that cannot be read; the message names the part."""


class OpenState(StrEnum):
    """Whether a service is open at a moment: open, closed, or we do not know (call first)."""

    OPEN = "open"
    CLOSED = "closed"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class WeeklySlot:
    """One weekly opening."""

    weekday: int
    opens: str
    closes: str


@dataclass(frozen=True)
class DatedException:
    """A day whose hours differ from the week's: closed, or open these hours instead."""

    on: date
    closed: bool
    opens: str = ""
    closes: str = ""


def _minutes(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


def _parse_range(text: str) -> tuple[str, str]:
    match = _RANGE_RE.match(text.replace(" ", ""))
    if not match:
        raise HoursError(f"time range {text!r}")
    opens, closes = text.replace(" ", "").split("-")
    return opens, closes


def _parse_days(text: str) -> list[int]:
    days: list[int] = []
    lowered = [name.lower() for name in DAY_NAMES]
    for raw in text.split(","):
        part = raw.strip().lower()[:7]
        if "-" in part:
            first, last = (p.strip()[:3] for p in part.split("-", 1))
            if first not in lowered or last not in lowered:
                raise HoursError(f"days {text!r}")
            start, end = lowered.index(first), lowered.index(last)
            span = range(start, end + 1) if start <= end else [*range(start, 7), *range(end + 1)]
            days.extend(span)
        elif part[:3] in lowered:
            days.append(lowered.index(part[:3]))
        else:
            raise HoursError(f"days {text!r}")
    return days


def parse_weekly(text: str) -> list[WeeklySlot]:
    """Read weekly hours from lines or ``;``-separated parts; blank means unknown."""
    slots: list[WeeklySlot] = []
    for raw in re.split(r"[;\n]", text):
        line = raw.strip()
        if not line:
            continue
        if line.lower() in ("24/7", "24h", "24 hours"):
            slots.extend(WeeklySlot(day, "00:00", "00:00") for day in range(7))
            continue
        parts = line.rsplit(" ", 1)
        if len(parts) != 2:
            raise HoursError(f"line {line!r}")
        opens, closes = _parse_range(parts[1])
        slots.extend(WeeklySlot(day, opens, closes) for day in _parse_days(parts[0]))
    return sorted(set(slots), key=lambda s: (s.weekday, s.opens, s.closes))


def parse_exceptions(text: str) -> list[DatedException]:
    """Read dated exceptions from lines or ``;``-separated parts."""
    found: list[DatedException] = []
    for raw in re.split(r"[;\n]", text):
        line = raw.strip()
        if not line:
            continue
        parts = line.split(None, 1)
        try:
            on = date.fromisoformat(parts[0])
        except ValueError as exc:
            raise HoursError(f"date {parts[0]!r}") from exc
        rest = parts[1].strip() if len(parts) > 1 else ""
        if rest.lower() in ("closed", "cerrado"):
            found.append(DatedException(on, True))
        else:
            opens, closes = _parse_range(rest)
            found.append(DatedException(on, False, opens, closes))
    return sorted(found, key=lambda e: e.on)


def format_weekly(slots: list[WeeklySlot], day_names: tuple[str, ...] = DAY_NAMES) -> str:
    """Write weekly hours back in the text format (days with equal hours grouped).

    Other ``day_names`` (e.g. Spanish abbreviations) make a summary for people to read.
    """
    if len(slots) == 7 and all(s.opens == s.closes == "00:00" for s in slots):
        return "24/7"
    by_range: dict[tuple[str, str], list[int]] = {}
    for slot in sorted(slots, key=lambda s: (s.weekday, s.opens, s.closes)):
        by_range.setdefault((slot.opens, slot.closes), []).append(slot.weekday)
    lines = []
    for (opens, closes), days in sorted(by_range.items(), key=lambda item: item[1][0]):
        lines.append(f"{_format_days(days, day_names)} {opens}-{closes}")
    return "; ".join(lines)


def _format_days(days: list[int], names: tuple[str, ...]) -> str:
    groups: list[list[int]] = []
    for day in sorted(days):
        if groups and groups[-1][-1] == day - 1:
            groups[-1].append(day)
        else:
            groups.append([day])
    return ",".join(names[g[0]] if len(g) == 1 else f"{names[g[0]]}-{names[g[-1]]}" for g in groups)


def format_exceptions(found: list[DatedException]) -> str:
    """Write dated exceptions back in the text format."""
    return "; ".join(
        f"{e.on.isoformat()} closed" if e.closed else f"{e.on.isoformat()} {e.opens}-{e.closes}"
        for e in found
    )


def _day_ranges(
    day: date, weekly: list[WeeklySlot], exceptions: dict[date, list[DatedException]]
) -> list[tuple[int, int]]:
    """Opening intervals starting on ``day``, in minutes from that day's midnight."""
    if day in exceptions:
        ranges = []
        for exc in exceptions[day]:
            if not exc.closed:
                ranges.append(_interval(exc.opens, exc.closes))
        return ranges
    return [_interval(s.opens, s.closes) for s in weekly if s.weekday == day.weekday()]


def _interval(opens: str, closes: str) -> tuple[int, int]:
    start, end = _minutes(opens), _minutes(closes)
    if end <= start:
        end += 24 * 60  # runs past midnight (or all day when equal)
    return start, end


def open_state(
    now: datetime, weekly: list[WeeklySlot], exceptions: list[DatedException]
) -> OpenState:
    """Whether the service is open at ``now`` (the center's wall-clock time).

    No weekly hours and no exception touching now means we do not know: the kiosk says
    "call first" rather than guess (research/resources.md: a missing schedule must not count
    as open).
    """
    by_day: dict[date, list[DatedException]] = {}
    for exc in exceptions:
        by_day.setdefault(exc.on, []).append(exc)
    today = now.date()
    yesterday = today - timedelta(days=1)
    if not weekly and today not in by_day and yesterday not in by_day:
        return OpenState.UNKNOWN
    minute = now.hour * 60 + now.minute
    for start, end in _day_ranges(today, weekly, by_day):
        if start <= minute < end:
            return OpenState.OPEN
    for start, end in _day_ranges(yesterday, weekly, by_day):
        if start <= minute + 24 * 60 < end:
            return OpenState.OPEN
    if not weekly and today not in by_day:
        return OpenState.UNKNOWN
    return OpenState.CLOSED


def hours_on(
    day: date, weekly: list[WeeklySlot], exceptions: list[DatedException]
) -> list[tuple[time, time]] | None:
    """The openings that start on ``day`` (None when nothing is known for it)."""
    by_day: dict[date, list[DatedException]] = {}
    for exc in exceptions:
        by_day.setdefault(exc.on, []).append(exc)
    if not weekly and day not in by_day:
        return None
    return [
        (time(start // 60, start % 60), time((end // 60) % 24, end % 60))
        for start, end in _day_ranges(day, weekly, by_day)
    ]


def next_opening(
    now: datetime, weekly: list[WeeklySlot], exceptions: list[DatedException], days: int = 7
) -> datetime | None:
    """When a service next opens after ``now`` (the center's wall-clock time), within ``days``.

    None when its hours are unknown or it does not open in that time: the kiosk then says
    nothing about when, rather than guess.
    """
    by_day: dict[date, list[DatedException]] = {}
    for exc in exceptions:
        by_day.setdefault(exc.on, []).append(exc)
    today = now.date()
    for offset in range(days + 1):
        day = today + timedelta(days=offset)
        if not weekly and day not in by_day:
            continue
        midnight = datetime.combine(day, time(0, 0))
        starts = sorted(
            midnight + timedelta(minutes=start) for start, _end in _day_ranges(day, weekly, by_day)
        )
        for moment in starts:
            if moment > now:
                return moment
    return None
