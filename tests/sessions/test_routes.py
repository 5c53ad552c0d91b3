"""Staff pages for sessions: schedule, console and roster polling, walk-ins, tally, removal,
notes, the attendance sheet and the CSV download."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from typing import Any

import pytest
from babel.dates import format_datetime
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from kiosk import clock
from kiosk.extensions import db
from kiosk.sessions import services
from kiosk.sessions.models import GroupSession, SessionNote, SignIn
from kiosk.signin import services as signin_services
from tests.conftest import Staff, post_form
from tests.sessions.helpers import TZ, local_now, make_session

HX = {"HX-Request": "true"}


def _form(**changes: Any) -> dict[str, Any]:
    start = local_now() + timedelta(hours=2)
    data = {
        "title": "Thursday circle",
        "description": "",
        "format": "in_person",
        "room": "Room 1",
        "day": start.date().isoformat(),
        "start_time": "18:00",
        "end_time": "19:30",
        "facilitators": "Sam, Lee",
        "agreement": "",
        "collect_names": "y",
        "opens_minutes_before": "30",
        "repeat_weeks": "1",
    }
    data.update(changes)
    return data


def _count(model: Any) -> int:
    return int(db.session.scalar(select(func.count()).select_from(model)) or 0)


def test_schedule_a_weekly_series(facilitator_client: FlaskClient, app: Flask) -> None:
    response = post_form(facilitator_client, "/staff/sessions/new", _form(repeat_weeks="3"))
    assert response.status_code == 303
    with app.app_context():
        rows = db.session.scalars(select(GroupSession).order_by(GroupSession.starts_at)).all()
        assert len(rows) == 3 and len({r.series_id for r in rows}) == 1
        assert clock.to_local(rows[0].starts_at, TZ).strftime("%H:%M") == "18:00"
        assert rows[0].facilitators == "Sam, Lee"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": ""}, "This field is required."),
        ({"day": "not a date"}, "Not a valid date value."),
        ({"start_time": ""}, "This field is required."),
        ({"end_time": "25:00"}, "Not a valid time value."),
        ({"opens_minutes_before": "999"}, "Number must be between 0 and 240."),
        ({"repeat_weeks": "60"}, "Number must be between 1 and 52."),
        ({"format": "telepathy"}, "Not a valid choice."),
        ({"start_time": "18:00", "end_time": "07:00"}, "A session can last at most 12 hours."),
    ],
)
def test_bad_session_details_get_a_message_and_store_nothing(
    facilitator_client: FlaskClient, app: Flask, changes: dict[str, str], message: str
) -> None:
    response = post_form(facilitator_client, "/staff/sessions/new", _form(**changes))
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert _count(GroupSession) == 0


def test_edit_form_is_prefilled_and_saves(facilitator_client: FlaskClient, app: Flask) -> None:
    with app.app_context():
        group = make_session(starts_in_minutes=120, title="Old title", repeat_weeks=2)
        group_id, start = group.id, clock.to_local(group.starts_at, TZ)
    page = facilitator_client.get(f"/staff/sessions/{group_id}/edit").get_data(as_text=True)
    assert 'value="Old title"' in page and start.strftime("%H:%M") in page
    assert "This and later sessions of the series" in page
    response = post_form(
        facilitator_client,
        f"/staff/sessions/{group_id}/edit",
        _form(title="New title", day=start.date().isoformat(), scope="series"),
    )
    assert response.status_code == 303
    with app.app_context():
        assert {r.title for r in db.session.scalars(select(GroupSession))} == {"New title"}


def test_cancel(facilitator_client: FlaskClient, app: Flask) -> None:
    with app.app_context():
        group_id = make_session(starts_in_minutes=120).id
    response = post_form(
        facilitator_client,
        f"/staff/sessions/{group_id}/cancel",
        {"scope": "one"},
        page=f"/staff/sessions/{group_id}/edit",
    )
    assert response.status_code == 303
    with app.app_context():
        assert db.session.get_one(GroupSession, group_id).cancelled


def test_console_and_roster_as_page_and_fragment(
    facilitator_client: FlaskClient, app: Flask
) -> None:
    with app.app_context():
        group = make_session(title="Console circle")
        services.record_signin(group.id, form_token="a", name="Ana", visit="first")
        services.record_signin(group.id, form_token="b", visit="returning")
        group_id = group.id
    page = facilitator_client.get(f"/staff/sessions/{group_id}").get_data(as_text=True)
    assert "Console circle" in page and "Ana" in page and "Guest 1" in page
    assert 'hx-trigger="every 4s"' in page and "Add a walk-in" in page
    fragment = facilitator_client.get(f"/staff/sessions/{group_id}/roster", headers=HX)
    html = fragment.get_data(as_text=True)
    assert html.lstrip().startswith('<section id="roster"')
    assert "Ana" in html and "Guest 1" in html and "Add a walk-in" not in html
    assert 'data-count="total">2<' in html and 'data-count="first">1<' in html
    assert 'data-count="returning">1<' in html
    assert "HX-Request" in fragment.headers["Vary"]
    full = facilitator_client.get(f"/staff/sessions/{group_id}/roster").get_data(as_text=True)
    assert "<html" in full and "Add a walk-in" in full


def test_today_lists_todays_sessions(facilitator_client: FlaskClient, app: Flask) -> None:
    with app.app_context():
        make_session(title="Today circle")
        make_session(title="Next week circle", starts_in_minutes=7 * 24 * 60)
    page = facilitator_client.get("/staff/sessions").get_data(as_text=True)
    # The "Today" section only (the "Coming up" table lists today's sessions as well).
    today = page.split("<h2>Today</h2>", 1)[1].split("<h2>Coming up</h2>", 1)[0]
    assert "Today circle" in today and "No sessions today." not in today
    assert "Next week circle" not in today
    assert "Next week circle" in page


def test_walk_in_and_tally(facilitator_client: FlaskClient, app: Flask) -> None:
    with app.app_context():
        group_id = make_session().id
    console = f"/staff/sessions/{group_id}"
    assert (
        post_form(
            facilitator_client,
            f"{console}/walk-in",
            {"name": "Walker", "visit": "first"},
            page=console,
        ).status_code
        == 303
    )
    assert (
        post_form(facilitator_client, f"{console}/tally", {"count": "3"}, page=console).status_code
        == 303
    )
    with app.app_context():
        roster = services.roster(group_id)
        assert (roster.total, roster.first_time) == (4, 1)
        assert {e.source for e in roster.entries} == {"staff", "paper"}


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("walk-in", {"name": "x" * 41, "visit": "first"}),
        ("walk-in", {"name": "Ok", "visit": "sometimes"}),
        ("tally", {"count": "0"}),
        ("tally", {"count": "201"}),
        ("tally", {"count": "three"}),
        ("tally", {"count": ""}),
        (
            "notes",
            {"themes": "x", "follow_ups": "-1", "incidents": "0", "incident_outcome": "none"},
        ),
        (
            "notes",
            {"themes": "x", "follow_ups": "1", "incidents": "0", "incident_outcome": "arrest"},
        ),
        (
            "notes",
            {"themes": "x" * 2001, "follow_ups": "1", "incidents": "0", "incident_outcome": "none"},
        ),
    ],
)
def test_bad_console_input_is_refused(
    facilitator_client: FlaskClient, app: Flask, url: str, data: dict[str, str]
) -> None:
    with app.app_context():
        group_id = make_session().id
    console = f"/staff/sessions/{group_id}"
    response = post_form(facilitator_client, f"{console}/{url}", data, page=console)
    assert response.status_code == 400
    assert 'class="errors"' in response.get_data(as_text=True)
    with app.app_context():
        assert _count(SignIn) == 0 and _count(SessionNote) == 0


def test_remove_asks_first(facilitator_client: FlaskClient, app: Flask) -> None:
    with app.app_context():
        group_id = make_session().id
        entry_id = services.record_signin(group_id, form_token=None, name="Mistake").id
    url = f"/staff/sessions/{group_id}/entries/{entry_id}/remove"
    page = facilitator_client.get(url).get_data(as_text=True)
    # The name sits in its own dir="auto" span: compare the text, not the markup.
    assert "Remove Mistake?" in re.sub(r"<[^>]+>", "", page)
    with app.app_context():
        assert _count(SignIn) == 1
    assert post_form(facilitator_client, url).status_code == 303
    with app.app_context():
        assert _count(SignIn) == 0
    assert facilitator_client.get(url).status_code == 404


def test_notes_are_saved_with_guidance(facilitator_client: FlaskClient, app: Flask) -> None:
    with app.app_context():
        group_id = make_session().id
    console = f"/staff/sessions/{group_id}"
    assert "Keep notes de-identified" in facilitator_client.get(console).get_data(as_text=True)
    response = post_form(
        facilitator_client,
        f"{console}/notes",
        {
            "themes": "sleep; loneliness",
            "follow_ups": "2",
            "incidents": "1",
            "incident_outcome": "referred",
        },
        page=console,
    )
    assert response.status_code == 303
    with app.app_context():
        note = db.session.get_one(SessionNote, group_id)
        assert (note.themes, note.follow_ups, note.incidents, note.incident_outcome) == (
            "sleep; loneliness",
            2,
            1,
            "referred",
        )


def test_sheet_has_center_names_counts_blank_rows_and_no_codes(
    facilitator_client: FlaskClient, app: Flask
) -> None:
    with app.app_context():
        group = make_session(title="Sheet circle", facilitators="Sam Lee")
        code, digest = signin_services.create_code(signin_services.code_key("k"))
        services.record_signin(
            group.id, form_token="a", name="Ana", visit="first", visitor_code_hash=digest
        )
        services.record_signin(group.id, form_token="b", visit="returning")
        group_id = group.id
    html = facilitator_client.get(f"/staff/sessions/{group_id}/sheet").get_data(as_text=True)
    for expected in (
        "Porchlight",
        "Sheet circle",
        "Sam Lee",
        "Ana",
        "Guest 1",
        "Confidential",
        "Room 2",
    ):
        assert expected in html
    assert html.count('class="blank-row"') == 8
    assert code not in html and digest not in html
    assert "sheet-letter" in html
    assert "sheet-a4" in facilitator_client.get(
        f"/staff/sessions/{group_id}/sheet?paper=a4"
    ).get_data(as_text=True)


def test_blank_sheet(facilitator_client: FlaskClient) -> None:
    html = facilitator_client.get("/staff/sessions/blank-sheet").get_data(as_text=True)
    assert "Attendance sheet" in html and "Confidential" in html
    assert html.count('class="blank-row"') == 25


def test_csv_download_is_safe_and_round_trips(facilitator_client: FlaskClient, app: Flask) -> None:
    names = ['=HYPERLINK("x")', 'Quote "me", please', "Comma, here"]
    with app.app_context():
        group = make_session(title="CSV circle")
        for index, name in enumerate(names):
            services.record_signin(group.id, form_token=str(index), name=name, visit="first")
        services.record_signin(group.id, form_token=None, name="Line\nbreak", source="staff")
        group_id = group.id
    response = facilitator_client.get(f"/staff/sessions/{group_id}/attendance.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True), newline="")))
    assert rows[0][2] == "Name or guest"
    assert {row[2] for row in rows[1:]} == {
        '\'=HYPERLINK("x")',
        'Quote "me", please',
        "Comma, here",
        "Line break",
    }
    assert all(len(row) == 5 for row in rows)


def test_roster_polling_does_not_count_as_staff_activity(
    facilitator_client: FlaskClient, app: Flask
) -> None:
    from kiosk.auth.models import StaffSession

    with app.app_context():
        group_id = make_session().id

    def last_active() -> Any:
        with app.app_context():
            return db.session.scalars(select(StaffSession.last_active_at)).one()

    before = last_active()
    clock.advance(10 * 60)
    assert (
        facilitator_client.get(f"/staff/sessions/{group_id}/roster", headers=HX).status_code == 200
    )
    assert last_active() == before
    facilitator_client.get(f"/staff/sessions/{group_id}")
    assert last_active() > before


def test_the_console_shows_who_changed_the_notes_and_when(
    facilitator_client: FlaskClient, admin_client: FlaskClient, staff: Staff, app: Flask
) -> None:
    """Issue 9.6: each change (who, when on the center's clock to the minute, which fields) is
    shown to facilitators and admins where the notes are edited; never what the notes said."""
    with app.app_context():
        group_id = make_session().id
    console = f"/staff/sessions/{group_id}"
    assert "Changes to these notes" not in facilitator_client.get(console).get_data(as_text=True)
    notes = {"themes": "ZQ-first-themes", "follow_ups": "0", "incidents": "0"}
    notes["incident_outcome"] = "none"
    assert post_form(facilitator_client, f"{console}/notes", notes, page=console).status_code == 303
    clock.advance(7 * 60)  # within the staff idle timeout
    changed = {**notes, "themes": "ZQ-second-themes", "incidents": "1"}
    changed["incident_outcome"] = "referred"
    assert post_form(admin_client, f"{console}/notes", changed, page=console).status_code == 303
    with app.app_context():
        first, second = (change.changed_at for change in services.note_changes(group_id))
    shown = [
        format_datetime(clock.to_local(moment, TZ), "short", locale="en_US")
        for moment in (second, first)  # newest first
    ]
    assert ":" in shown[0] and shown[0] != shown[1]
    for client in (facilitator_client, admin_client):
        page = client.get(console).get_data(as_text=True)
        history = page[page.index("Changes to these notes") :]
        items = re.findall(r"<li>(.*?)</li>", history, re.S)[:2]
        assert [re.sub(r"<[^>]+>", "", item) for item in items] == [
            f"{shown[0]} · admin changed: Themes, Incidents, Incident outcome",
            # The first save writes every field.
            f"{shown[1]} · facilitator changed: Themes, Follow-ups needed, Incidents, "
            "Incident outcome",
        ]
        assert "ZQ-first-themes" not in history  # the old content is never kept or shown
    peer = staff.client_for("peer")
    assert peer.get(console).status_code == 403
