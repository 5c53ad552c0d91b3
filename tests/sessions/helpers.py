"""Shared helpers for the sessions and sign-in tests."""

from __future__ import annotations

from datetime import datetime, timedelta

from kiosk import clock
from kiosk.sessions import services
from kiosk.sessions.models import GroupSession

TZ = "America/New_York"


def local_now() -> datetime:
    """The center's wall-clock time now (naive)."""
    return clock.to_local(clock.utcnow(), TZ).replace(tzinfo=None)


def make_session(
    *,
    starts_in_minutes: int = 0,
    minutes: int = 60,
    title: str = "Tuesday circle",
    agreement: str = "",
    collect_names: bool = True,
    repeat_weeks: int = 1,
    facilitators: str = "Sam",
) -> GroupSession:
    """Create a session (inside an app context) starting relative to now."""
    start = local_now() + timedelta(minutes=starts_in_minutes)
    details = services.SessionDetails(
        title=title,
        starts_local=start,
        ends_local=start + timedelta(minutes=minutes),
        agreement=agreement,
        collect_names=collect_names,
        facilitators=facilitators,
        room="Room 2",
    )
    return services.create_sessions(details, TZ, repeat_weeks=repeat_weeks)[0]
