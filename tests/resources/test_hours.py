"""Open now, at fixed clock times: normal, overnight, dated exceptions and unknown hours."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from flask.testing import FlaskClient

from kiosk import clock
from kiosk.resources import hours
from kiosk.resources.hours import OpenState

OPEN, CLOSED, UNKNOWN = OpenState.OPEN, OpenState.CLOSED, OpenState.UNKNOWN

# 2026-12-21 is a Monday; 2026-12-25 a Friday.
CASES = [
    # hours text, exceptions text, local time, expected
    ("Mon-Fri 09:00-17:00", "", "2026-12-21 08:59", CLOSED),
    ("Mon-Fri 09:00-17:00", "", "2026-12-21 09:00", OPEN),
    ("Mon-Fri 09:00-17:00", "", "2026-12-21 16:59", OPEN),
    ("Mon-Fri 09:00-17:00", "", "2026-12-21 17:00", CLOSED),
    ("Mon-Fri 09:00-17:00", "", "2026-12-26 12:00", CLOSED),  # Saturday
    ("Mon-Fri 09:00-12:00; Mon-Fri 13:00-17:00", "", "2026-12-21 12:30", CLOSED),
    # overnight: Monday 22:00 to Tuesday 06:00
    ("Mon 22:00-06:00", "", "2026-12-21 21:59", CLOSED),
    ("Mon 22:00-06:00", "", "2026-12-21 23:30", OPEN),
    ("Mon 22:00-06:00", "", "2026-12-22 03:00", OPEN),  # Tuesday morning, from Monday night
    ("Mon 22:00-06:00", "", "2026-12-22 06:00", CLOSED),
    ("Mon 22:00-06:00", "", "2026-12-23 03:00", CLOSED),  # Wednesday morning: Tuesday had none
    ("Sun 22:00-06:00", "", "2026-12-21 02:00", OPEN),  # wraps the week: Sunday into Monday
    ("24/7", "", "2026-12-23 04:00", OPEN),
    # dated exceptions
    ("Mon-Fri 09:00-17:00", "2026-12-25 closed", "2026-12-25 12:00", CLOSED),
    ("Mon-Fri 09:00-17:00", "2026-12-25 closed", "2026-12-24 12:00", OPEN),
    ("Mon-Fri 09:00-17:00", "2026-12-24 09:00-12:00", "2026-12-24 13:00", CLOSED),
    ("Mon-Fri 09:00-17:00", "2026-12-24 09:00-12:00", "2026-12-24 11:00", OPEN),
    ("Sat 10:00-12:00", "2026-12-23 10:00-14:00", "2026-12-23 11:00", OPEN),  # extra day
    ("Thu 22:00-06:00", "2026-12-24 closed", "2026-12-25 02:00", CLOSED),  # no night before
    ("", "2026-12-24 22:00-02:00", "2026-12-25 01:00", OPEN),  # overnight exception
    # unknown: no weekly hours says nothing about today
    ("", "", "2026-12-21 12:00", UNKNOWN),
    ("", "2026-12-25 closed", "2026-12-21 12:00", UNKNOWN),
    ("", "2026-12-25 closed", "2026-12-25 12:00", CLOSED),
]


@pytest.mark.parametrize(("weekly", "exceptions", "at", "expected"), CASES)
def test_open_state(weekly: str, exceptions: str, at: str, expected: OpenState) -> None:
    now = datetime.fromisoformat(at)
    state = hours.open_state(now, hours.parse_weekly(weekly), hours.parse_exceptions(exceptions))
    assert state == expected


@pytest.mark.parametrize(
    "text", ["Mon 9-5", "Funday 09:00-17:00", "Mon 25:00-26:00", "Mon-Fri", "Mon 09:00 to 17:00"]
)
def test_bad_weekly_hours_are_refused(text: str) -> None:
    with pytest.raises(hours.HoursError):
        hours.parse_weekly(text)


@pytest.mark.parametrize("text", ["2026-13-01 closed", "tomorrow closed", "2026-12-25 9-12"])
def test_bad_exceptions_are_refused(text: str) -> None:
    with pytest.raises(hours.HoursError):
        hours.parse_exceptions(text)


@pytest.mark.parametrize(
    "text",
    [
        "Mon-Fri 09:00-17:00",
        "Mon,Wed,Fri 10:00-14:00; Sat 22:00-06:00",
        "24/7",
        "Sat-Mon 08:00-12:00",
    ],
)
def test_hours_text_round_trips(text: str) -> None:
    slots = hours.parse_weekly(text)
    assert hours.parse_weekly(hours.format_weekly(slots)) == slots


def _move_clock_to(utc: datetime) -> None:
    clock.reset()
    clock.advance((utc - clock.utcnow()).total_seconds())


@pytest.mark.parametrize(
    ("utc", "expected"),
    [
        # The center is in America/New_York (UTC-5 in December): 03:00 UTC is 22:00 local Monday.
        (datetime(2026, 12, 22, 3, 30, tzinfo=UTC), "Open now"),
        (datetime(2026, 12, 22, 10, 30, tzinfo=UTC), "Open now"),  # 05:30 local Tuesday
        (datetime(2026, 12, 22, 11, 30, tzinfo=UTC), "Closed now"),  # 06:30 local Tuesday
        (datetime(2026, 12, 21, 23, 0, tzinfo=UTC), "Closed now"),  # 18:00 local Monday
    ],
)
def test_detail_screen_uses_center_time_zone(
    client: FlaskClient, add_service: Any, utc: datetime, expected: str
) -> None:
    service = add_service(name="Overnight Warm Line", phone="+12025550111", hours="Mon 22:00-06:00")
    _move_clock_to(utc.replace(tzinfo=None))
    page = client.get(f"/resources/{service.uuid}").get_data(as_text=True)
    assert expected in page
    assert {"Open now", "Closed now"} - {expected} <= {
        s for s in ("Open now", "Closed now") if s not in page
    }


def test_unknown_hours_say_call_first(client: FlaskClient, add_service: Any) -> None:
    service = add_service(name="No Hours Known", phone="+12025550111")
    page = client.get(f"/resources/{service.uuid}").get_data(as_text=True)
    assert "Hours unknown: call first" in page
    assert "Open now" not in page
