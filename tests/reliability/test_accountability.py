"""Issue 9 points 6-9: take-over, note authorship, hidden names dropped, the login audit, flood
grouping, and times stored to the minute."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from kiosk import clock
from kiosk.auth import services as auth_services
from kiosk.auth.models import LoginEvent
from kiosk.extensions import db
from kiosk.help import services as help
from kiosk.help.models import QuietWordRequest
from kiosk.sessions import services as sessions
from kiosk.sessions.models import SignIn
from tests.conftest import PASSWORD, Staff, csrf_from
from tests.help.test_quiet_word import quiet_form
from tests.sessions.helpers import make_session

HX = {"HX-Request": "true"}


# ---- 6. who may act on what ---------------------------------------------------------------


def test_resolving_someone_elses_request_needs_an_explicit_take_over(
    app_ctx: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    help.send_quiet_word("now", "blue jacket")
    request_id = db.session.scalars(select(QuietWordRequest.id)).one()
    assert help.acknowledge("quiet", request_id, "ana").won
    with pytest.raises(help.HeldByOther) as held:
        help.resolve("quiet", request_id, "spoke_privately", "ben")
    assert held.value.holder == "ana"
    db.session.expire_all()
    assert db.session.get_one(QuietWordRequest, request_id).resolved_at is None
    caplog.set_level("INFO", logger="kiosk.help.services")
    help.resolve("quiet", request_id, "spoke_privately", "ben", take_over=True)
    db.session.expire_all()
    row = db.session.get_one(QuietWordRequest, request_id)
    assert (row.resolved_by, row.acknowledged_by, row.taken_over_from) == ("ben", "ben", "ana")
    assert "taken over by ben from ana" in caplog.text
    assert "blue jacket" not in caplog.text


def test_take_over_through_the_staff_page(app: Flask, staff: Staff) -> None:
    with app.app_context():
        help.send_quiet_word("now", "")
        request_id = db.session.scalars(select(QuietWordRequest.id)).one()
        help.acknowledge("quiet", request_id, "ana")
    ben = staff.client_for("facilitator", "ben")
    url = f"/staff/help/alerts/quiet/{request_id}/resolve"
    page = ben.get(url).get_data(as_text=True)
    assert "Take over and resolve" in page
    token = csrf_from(page)
    ben.post(url, data={"csrf_token": token, "outcome": "other"})
    with app.app_context():
        assert db.session.get_one(QuietWordRequest, request_id).resolved_at is None
    ben.post(url, data={"csrf_token": token, "outcome": "other", "take_over": "1"})
    with app.app_context():
        assert db.session.get_one(QuietWordRequest, request_id).resolved_by == "ben"


def test_session_notes_record_who_changed_what(app_ctx: Flask) -> None:
    group = make_session()
    values: dict[str, Any] = {
        "themes": "sleep",
        "follow_ups": 1,
        "incidents": 0,
        "incident_outcome": "none",
    }
    sessions.save_note(group.id, **values, by="ana")
    sessions.save_note(group.id, **{**values, "follow_ups": 2}, by="ben")
    sessions.save_note(group.id, **{**values, "follow_ups": 2}, by="cy")  # nothing changed
    changes = [(c.changed_by, c.fields) for c in sessions.note_changes(group.id)]
    first = "themes,follow_ups,incidents,incident_outcome"  # a new note: every field is new
    assert changes == [("ana", first), ("ben", "follow_ups")]


def test_a_hidden_name_posted_to_a_group_without_names_is_dropped(app_ctx: Flask) -> None:
    group = make_session(collect_names=False)
    sessions.record_signin(group.id, form_token="t1", name="Alice", visit="first")
    assert db.session.scalars(select(SignIn.name)).one() is None


# ---- 7. staff log-ins audited ---------------------------------------------------------------


def test_logins_are_audited_with_name_and_time_never_an_address(
    app: Flask, client: FlaskClient, staff: Staff
) -> None:
    staff.create("ana")
    staff.login(client, "ana", "wrong password")
    for _ in range(6):
        staff.login(client, "ana", "wrong password")
    clock.advance(61)
    staff.login(client, "ana", PASSWORD)
    with app.app_context():
        events = [(e.username, e.outcome) for e in auth_services.login_events()][::-1]
    assert events[0] == ("ana", "failure")
    assert ("ana", "throttled") in events
    assert events[-1] == ("ana", "success")
    columns = {c.name for c in LoginEvent.__table__.columns}
    assert columns == {"id", "username", "outcome", "at"}  # no address, no browser


def test_admins_see_the_login_audit_and_purge_keeps_twelve_months(app: Flask, staff: Staff) -> None:
    admin = staff.client_for("admin", "boss")
    assert "boss" in admin.get("/staff/admin/logins").get_data(as_text=True)
    facilitator = staff.client_for("facilitator", "fern")
    assert facilitator.get("/staff/admin/logins").status_code == 403
    clock.advance(364 * 86400)
    result = app.test_cli_runner().invoke(args=["purge"])
    assert "purged 0 staff log-in record(s)" in result.output
    clock.advance(2 * 86400)
    result = app.test_cli_runner().invoke(args=["purge"])
    assert "purged 2 staff log-in record(s)" in result.output


# ---- 8. a flood is one alert with a count -------------------------------------------------


def test_a_flood_from_one_tablet_is_one_alert_with_a_count(app_ctx: Flask) -> None:
    for _ in range(30):
        help.send_quiet_word("now", "", device="kiosk-1")
        clock.advance(5)
    help.send_quiet_word("now", "by the window", device="kiosk-2")
    alerts = help.open_alerts()
    assert [(a.count, a.find_me) for a in alerts] == [(30, ""), (1, "by the window")]
    # Nothing was refused: every request is stored.
    assert len(db.session.scalars(select(QuietWordRequest)).all()) == 31
    clock.advance(10 * 60)
    help.send_quiet_word("now", "", device="kiosk-1")  # later: a new alert of its own
    assert [a.count for a in help.open_alerts()] == [30, 1, 1]
    # Resolving the flood's alert resolves the requests folded into it, and only those.
    help.resolve("quiet", help.open_alerts()[0].id, "other", "ana")
    assert [(a.count, a.find_me) for a in help.open_alerts()] == [(1, "by the window"), (1, "")]


def test_the_kiosk_says_which_tablet_sent_it(client: FlaskClient, app: Flask) -> None:
    client.post("/quiet-word", data={**quiet_form(client), "when": "now"}, headers=HX)
    with app.app_context():
        assert db.session.scalars(select(QuietWordRequest.device)).one() == "unenrolled"


# ---- 9. times to the minute ---------------------------------------------------------------


def test_sign_in_and_request_times_are_stored_to_the_minute(app_ctx: Flask) -> None:
    clock.advance(17.25)
    group = make_session()
    sessions.record_signin(group.id, form_token="t1", name="", visit="first")
    sessions.add_tally(group.id, 2)
    help.send_quiet_word("now", "")
    help.raise_professional_help("Room 2", "clinician", "ana")
    times = [*db.session.scalars(select(SignIn.created_at))]
    times += [row.created_at for model in help.KINDS.values() for row in model.query.all()]
    assert len(times) == 5
    assert all(moment.second == 0 and moment.microsecond == 0 for moment in times), times
    assert all(clock.utcnow() - moment < timedelta(minutes=1) for moment in times)
