"""Attendee-facing topic names (issue 13): plain words in sentence case on the kiosk, while the
Open Eligibility (HSDS) names stay in exports; and when closed places open next."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from kiosk.resources import hours
from kiosk.resources.categories import ATTENDEE_NAMES, BY_SLUG, CATEGORIES
from kiosk.start.icons import ICONS, icon

CLINICAL = ("psychiatric", "emergency services", "addiction", "bereavement", "advocacy")


def test_every_shipped_category_has_a_plain_sentence_case_name_and_an_icon() -> None:
    assert set(ATTENDEE_NAMES) == set(BY_SLUG)
    for entry in ATTENDEE_NAMES.values():
        for name in (entry.name, entry.name_es):
            assert name[0].isupper() and name[1:] == name[1:].lower(), name
            assert not any(word in name.lower() for word in CLINICAL), name
        assert (ICONS / f"{entry.icon}.svg").is_file()
        assert 'aria-hidden="true"' in icon(entry.icon)


def test_the_kiosk_says_plain_words(client: FlaskClient, add_service: Any) -> None:
    service = add_service(
        name="Walk-in Crisis Center", categories="psychiatric-emergency", phone="988"
    )
    page = client.get("/resources").get_data(as_text=True)
    assert "Urgent mental health help" in page
    assert "Psychiatric" not in page and "Food Pantry" not in page and "Food pantry" in page
    detail = client.get(f"/resources/{service.uuid}").get_data(as_text=True)
    assert "Urgent mental health help" in detail and "Psychiatric" not in detail


def test_the_hsds_export_keeps_the_open_eligibility_name(app: Flask, add_service: Any) -> None:
    from kiosk.resources import interchange

    add_service(name="Walk-in Crisis Center", categories="psychiatric-emergency", phone="988")
    with app.app_context():
        text = interchange.export_hsds_json().decode("utf-8")
    assert '"name": "Psychiatric Emergency Services"' in text
    assert "Urgent mental health help" not in text


def test_the_searchable_words_include_the_plain_names() -> None:
    entry = BY_SLUG["psychiatric-emergency"]
    assert "urgent mental health" in entry.keywords
    assert {c.slug for c in CATEGORIES} == set(ATTENDEE_NAMES)


# ---- next opening --------------------------------------------------------------------------

MONDAY_8PM = datetime(2026, 11, 23, 20, 0)  # a Monday


def test_next_opening_is_the_first_start_after_now() -> None:
    weekly = hours.parse_weekly("Tue 14:00-16:00; Wed 09:00-12:00")
    assert hours.next_opening(MONDAY_8PM, weekly, []) == datetime(2026, 11, 24, 14, 0)


def test_later_today_counts_and_an_opening_already_past_does_not() -> None:
    weekly = hours.parse_weekly("Mon 09:00-12:00; Mon 21:00-23:00")
    assert hours.next_opening(MONDAY_8PM, weekly, []) == datetime(2026, 11, 23, 21, 0)


def test_a_closed_day_is_skipped_and_special_hours_count() -> None:
    weekly = hours.parse_weekly("Tue 14:00-16:00; Thu 10:00-11:00")
    closed = hours.parse_exceptions("2026-11-24 closed")
    assert hours.next_opening(MONDAY_8PM, weekly, closed) == datetime(2026, 11, 26, 10, 0)
    special = hours.parse_exceptions("2026-11-24 08:00-09:00")
    assert hours.next_opening(MONDAY_8PM, weekly, special) == datetime(2026, 11, 24, 8, 0)


def test_unknown_hours_give_no_next_opening() -> None:
    assert hours.next_opening(MONDAY_8PM, [], []) is None
    # Only an exception in the past: still nothing to say.
    past = hours.parse_exceptions("2026-11-01 09:00-10:00")
    assert hours.next_opening(MONDAY_8PM, [], past) is None


def test_a_weekly_opening_a_week_away_is_found() -> None:
    weekly = hours.parse_weekly("Mon 09:00-10:00")
    assert hours.next_opening(MONDAY_8PM, weekly, []) == datetime(2026, 11, 30, 9, 0)
    assert hours.next_opening(MONDAY_8PM, weekly, [], days=3) is None


def test_icons_are_vendored_with_their_licence() -> None:
    folder = Path(ICONS)
    assert (folder / "LICENSE").read_text().startswith("ISC License")
    assert "lucide-static" in (folder / "SOURCE.md").read_text()
