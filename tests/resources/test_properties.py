"""Property tests: any typed text is a safe search; hours text survives a round trip."""

from __future__ import annotations

from typing import Any

from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.resources import hours, services


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=st.text(max_size=40))
def test_any_text_is_a_safe_search(app_ctx: Flask, add_service: Any, query: str) -> None:
    if not services.list_services():
        add_service(name="Maple Counseling", categories="counseling", phone="+12025550101")
    found = services.find(query)
    assert all(listing.service.status == "active" for listing in found)


slot = st.builds(
    hours.WeeklySlot,
    weekday=st.integers(0, 6),
    opens=st.sampled_from(["00:00", "06:30", "09:00", "17:00", "22:00"]),
    closes=st.sampled_from(["00:00", "06:00", "12:00", "17:00", "23:59"]),
)


@given(st.lists(slot, max_size=10))
def test_weekly_hours_round_trip(slots: list[hours.WeeklySlot]) -> None:
    unique = sorted(set(slots), key=lambda s: (s.weekday, s.opens, s.closes))
    text = hours.format_weekly(unique)
    assert hours.parse_weekly(text) == sorted(
        set(hours.parse_weekly(text)), key=lambda s: (s.weekday, s.opens, s.closes)
    )
    if text != "24/7":
        assert set(hours.parse_weekly(text)) == set(unique)
