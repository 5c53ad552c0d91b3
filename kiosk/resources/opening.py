"""When nothing is open right now: which of the matching places open next, and when.

"Open now" with no results is not a dead end: the kiosk names the nearest openings ("Next to
open: Eastside Food Pantry, Tuesday at 9:00 AM") instead of suggesting a shorter word.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from . import hours as hours_mod
from . import services


@dataclass(frozen=True)
class NextOpening:
    """A closed place that matched the search, and when it opens (center wall-clock time)."""

    service: services.Found
    at: datetime
    days_away: int
    name: str = ""  # in the display language (the Spanish name when staff gave one)


def next_to_open(
    query: str,
    *,
    category: str = "",
    language: str = "",
    free: bool = False,
    now: datetime,
    limit: int = 3,
    locale: str = "en",
) -> list[NextOpening]:
    """The places matching the same search and filters (open or not) that open soonest.

    Places with unknown hours are left out: we cannot say when they open.
    """
    found = []
    for listing in services.find(
        query,
        category=category,
        language=language,
        free=free,
        open_now=False,
        now=now,
        locale=locale,
    ):
        at = hours_mod.next_opening(now, list(listing.weekly), list(listing.exceptions))
        if at is not None:
            days_away = (at.date() - now.date()).days
            found.append(NextOpening(listing.service, at, days_away, listing.name))
    found.sort(key=lambda item: (item.at, item.name))
    return found[:limit]
