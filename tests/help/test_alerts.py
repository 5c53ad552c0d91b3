"""Staff alerts: polled on every staff page, claimed atomically, escalated, resolved by code."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from kiosk import clock
from kiosk.center import services as center
from kiosk.extensions import db
from kiosk.help import services
from kiosk.help.models import HelpDailyCount, ProfessionalHelpRequest, QuietWordRequest
from tests.conftest import Staff, post_form

HX = {"HX-Request": "true"}


def _quiet(app: Flask, find_me: str = "blue jacket") -> int:
    with app.app_context():
        services.send_quiet_word("now", find_me)
        return int(
            db.session.scalars(
                select(QuietWordRequest.id).order_by(QuietWordRequest.id.desc())
            ).first()
            or 0
        )


def test_every_staff_page_polls_the_alert_region(facilitator_client: FlaskClient) -> None:
    page = facilitator_client.get("/staff/").get_data(as_text=True)
    assert 'hx-get="/staff/help/alerts?v=' in page and 'hx-trigger="every 3s"' in page
    assert 'role="status" aria-live="polite"' in page
    assert "autofocus" not in page[page.index('id="help-alerts-live"') :][:400]


def test_the_login_page_does_not_poll(client: FlaskClient) -> None:
    assert "/staff/help/alerts" not in client.get("/staff/login").get_data(as_text=True)


@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "fragment"])
def test_a_new_quiet_word_shows_in_the_poll(
    facilitator_client: FlaskClient, app: Flask, headers: dict[str, str]
) -> None:
    _quiet(app)
    response = facilitator_client.get("/staff/help/alerts", headers=headers)
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Quiet word" in body and "blue jacket" in body and "Open the help queue" in body
    assert "1 open help request" in body and "1 quiet word now" in body
    assert ("<html" in body) is (headers == {})
    assert response.headers["Vary"].count("HX-Request") == 1


def test_an_unchanged_poll_swaps_nothing(facilitator_client: FlaskClient, app: Flask) -> None:
    _quiet(app)
    body = facilitator_client.get("/staff/help/alerts", headers=HX).get_data(as_text=True)
    digest = body.split("/staff/help/alerts?v=")[1].split('"')[0]
    assert facilitator_client.get(f"/staff/help/alerts?v={digest}", headers=HX).status_code == 204
    _quiet(app, "by the window")
    changed = facilitator_client.get(f"/staff/help/alerts?v={digest}", headers=HX)
    assert changed.status_code == 200 and "2 open help requests" in changed.get_data(as_text=True)


def test_anonymous_polls_are_sent_to_login(client: FlaskClient, app: Flask) -> None:
    _quiet(app)
    response = client.get("/staff/help/alerts", headers=HX)
    assert response.headers.get("HX-Redirect") == "/staff/login"
    assert "blue jacket" not in response.get_data(as_text=True)


def test_acknowledge_then_the_second_person_sees_who(staff: Staff, app: Flask) -> None:
    request_id = _quiet(app)
    first = staff.client_for("facilitator", "ana")
    second = staff.client_for("facilitator", "ben")
    url = f"/staff/help/alerts/quiet/{request_id}/acknowledge"
    assert post_form(first, url, page="/staff/help/").status_code == 303
    assert "You have acknowledged it" in first.get("/staff/help/").get_data(as_text=True)
    post_form(second, url, page="/staff/help/")
    assert "ana has already acknowledged it." in second.get("/staff/help/").get_data(as_text=True)
    with app.app_context():
        assert db.session.get_one(QuietWordRequest, request_id).acknowledged_by == "ana"


def test_two_simultaneous_acknowledgements_exactly_one_wins(app: Flask) -> None:
    request_id = _quiet(app)
    names = [f"staff-{n}" for n in range(6)]
    barrier = threading.Barrier(len(names))
    results: dict[str, Any] = {}

    def press(name: str) -> None:
        with app.app_context():
            barrier.wait()
            try:
                results[name] = services.acknowledge("quiet", request_id, name)
            except Exception as exc:  # the test reports any failure below
                results[name] = exc
            finally:
                db.session.remove()

    threads = [threading.Thread(target=press, args=(name,)) for name in names]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    winners = [name for name, claim in results.items() if getattr(claim, "won", False)]
    assert len(results) == len(names), results
    assert len(winners) == 1, results
    assert all(claim.by == winners[0] for claim in results.values()), results
    with app.app_context():
        assert db.session.get_one(QuietWordRequest, request_id).acknowledged_by == winners[0]
        (count,) = db.session.scalars(select(HelpDailyCount)).all()
        assert (count.requests, count.acknowledged) == (1, 1)


def test_unacknowledged_request_escalates_after_the_configured_minutes(
    facilitator_client: FlaskClient, app: Flask
) -> None:
    with app.app_context():
        center.save({"help.escalate_minutes": "5", "help.on_call_number": "555-0142"}, "admin")
    # Request times are stored to the minute (issue 9): start on a whole minute.
    now = clock.utcnow()
    clock.advance(60 - now.second - now.microsecond / 1e6)
    _quiet(app)
    clock.advance(4 * 60 + 50)
    body = facilitator_client.get("/staff/help/alerts", headers=HX).get_data(as_text=True)
    assert "alert-bar-attention" in body and "Not answered in time" not in body
    assert "555-0142" not in facilitator_client.get("/staff/help/").get_data(as_text=True)
    clock.advance(20)
    body = facilitator_client.get("/staff/help/alerts", headers=HX).get_data(as_text=True)
    assert "alert-bar-urgent" in body and "Not answered in time" in body
    queue = facilitator_client.get("/staff/help/").get_data(as_text=True)
    assert "On-call clinician: 555-0142" in queue


def test_default_escalation_is_three_minutes_and_acknowledging_stops_it(app: Flask) -> None:
    request_id = _quiet(app)
    with app.app_context():
        clock.advance(3 * 60 + 1)
        (alert,) = services.open_alerts()
        assert alert.escalated
        services.acknowledge("quiet", request_id, "ana")
        (alert,) = services.open_alerts()
        assert not alert.escalated


def test_resolve_with_an_outcome_code(facilitator_client: FlaskClient, app: Flask) -> None:
    # Request times are stored to the minute (issue 9): start on a whole minute.
    now = clock.utcnow()
    clock.advance(60 - now.second - now.microsecond / 1e6)
    request_id = _quiet(app)
    clock.advance(90)
    response = post_form(
        facilitator_client,
        f"/staff/help/alerts/quiet/{request_id}/resolve",
        {"outcome": "spoke_privately"},
        page="/staff/help/",
    )
    assert response.status_code == 303
    with app.app_context():
        row = db.session.get_one(QuietWordRequest, request_id)
        assert (row.outcome, row.acknowledged_by) == ("spoke_privately", "facilitator")
        count = db.session.scalars(select(HelpDailyCount)).one()
        assert count.acknowledged == 1 and 89 <= count.response_seconds_total <= 95
        assert services.open_alerts() == []
    page = facilitator_client.get("/staff/help/").get_data(as_text=True)
    assert "Spoke privately" in page


@pytest.mark.parametrize("outcome", ["", "gave advice", "spoke_privately; drop table"])
def test_resolve_refuses_unknown_outcomes(
    facilitator_client: FlaskClient, app: Flask, outcome: str
) -> None:
    request_id = _quiet(app)
    url = f"/staff/help/alerts/quiet/{request_id}/resolve"
    response = post_form(facilitator_client, url, {"outcome": outcome}, page=url)
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "There is a problem" in body and 'href="#outcome-0"' in body
    message = "Choose what happened before resolving." if outcome == "" else "Not a valid choice"
    assert message in body
    with app.app_context():
        assert db.session.get_one(QuietWordRequest, request_id).resolved_at is None


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/staff/help/alerts/quiet/999/acknowledge", 404),
        ("/staff/help/alerts/nope/1/acknowledge", 404),
        ("/staff/help/alerts/quiet/999/resolve", 404),
    ],
)
def test_unknown_requests_are_404(facilitator_client: FlaskClient, url: str, status: int) -> None:
    response = post_form(facilitator_client, url, {"outcome": "other"}, page="/staff/help/")
    assert response.status_code == status


def test_the_resolve_page_preselects_no_outcome(
    facilitator_client: FlaskClient, app: Flask
) -> None:
    request_id = _quiet(app)
    page = facilitator_client.get(f"/staff/help/alerts/quiet/{request_id}/resolve")
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and 'name="outcome"' in body
    assert body.count('type="radio"') == 6 and "checked" not in body


def test_resolving_twice_is_refused(facilitator_client: FlaskClient, app: Flask) -> None:
    request_id = _quiet(app)
    url = f"/staff/help/alerts/quiet/{request_id}/resolve"
    assert (
        post_form(facilitator_client, url, {"outcome": "other"}, page="/staff/help/").status_code
        == 303
    )
    assert (
        post_form(facilitator_client, url, {"outcome": "other"}, page="/staff/help/").status_code
        == 404
    )


def test_a_facilitator_raises_professional_help(
    facilitator_client: FlaskClient, app: Flask, staff: Staff
) -> None:
    response = post_form(
        facilitator_client, "/staff/help/professional", {"room": "Room 2", "help_type": "clinician"}
    )
    assert response.status_code == 303
    other = staff.client_for("admin", "coordinator")
    body = other.get("/staff/help/alerts", headers=HX).get_data(as_text=True)
    assert "Professional help needed" in body and "Room 2" in body
    assert "1 professional help" in body and "alert-bar-urgent" in body
    assert "Raised by facilitator" in other.get("/staff/help/").get_data(as_text=True)
    with app.app_context():
        flag = db.session.scalars(select(ProfessionalHelpRequest)).one()
        assert (flag.help_type, flag.group_session_id) == ("clinician", None)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"room": "x" * 61, "help_type": "clinician"},
            "Field cannot be longer than 60 characters.",
        ),
        ({"room": "2", "help_type": "exorcist"}, "Not a valid choice"),
    ],
)
def test_bad_professional_help_input(
    facilitator_client: FlaskClient, app: Flask, data: dict[str, str], message: str
) -> None:
    response = post_form(facilitator_client, "/staff/help/professional", data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(select(ProfessionalHelpRequest)).all() == []


def test_polling_does_not_keep_a_staff_session_alive(app: Flask, staff: Staff) -> None:
    client = staff.client_for("facilitator", "idle-fac")
    for _ in range(4):
        clock.advance(10 * 60)
        client.get("/staff/help/alerts", headers=HX)
    response = client.get("/staff/help/alerts", headers=HX)
    assert response.headers.get("HX-Redirect") == "/staff/login"


def test_the_console_can_link_professional_help_to_its_session(
    facilitator_client: FlaskClient, app: Flask
) -> None:
    from tests.sessions.helpers import make_session

    with app.app_context():
        group_id = make_session().id
    console = facilitator_client.get(f"/staff/sessions/{group_id}").get_data(as_text=True)
    url = f"/staff/help/professional?session={group_id}&amp;room=Room+2"
    assert url in console and "Professional help needed" in console  # the console's link
    url = url.replace("&amp;", "&")
    page = facilitator_client.get(url).get_data(as_text=True)
    assert 'value="Room 2"' in page and f'value="{group_id}"' in page
    response = post_form(
        facilitator_client,
        "/staff/help/professional",
        {"room": "Room 2", "help_type": "crisis_team", "group_session_id": group_id},
        page=url,
    )
    assert response.status_code == 303
    with app.app_context():
        flag = db.session.scalars(select(ProfessionalHelpRequest)).one()
        assert (flag.room, flag.group_session_id) == ("Room 2", group_id)


@pytest.mark.parametrize("session", ["0", "-3", "abc", "x" * 25])
def test_a_bad_session_id_is_refused(
    facilitator_client: FlaskClient, app: Flask, session: str
) -> None:
    response = post_form(
        facilitator_client,
        "/staff/help/professional",
        {"help_type": "other", "group_session_id": session},
    )
    assert response.status_code == 400
    assert "That group session is not valid." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(select(ProfessionalHelpRequest)).all() == []


def _session_now(app: Flask, minutes_left: int) -> str:
    from tests.sessions.helpers import make_session

    with app.app_context():
        return str(make_session(starts_in_minutes=-30, minutes=30 + minutes_left).id)


def test_after_the_group_escalates_only_after_its_group_ends(app: Flask) -> None:
    group_id = _session_now(app, minutes_left=40)
    with app.app_context():
        services.send_quiet_word("after", "", group_id)
        clock.advance(39 * 60)  # well past the 3 minutes, but the group is still on
        (alert,) = services.open_alerts()
        assert (alert.escalated, alert.urgency) == (False, "attention")
        clock.advance(60 + 3 * 60 + 1)  # the group ended more than 3 minutes ago
        (alert,) = services.open_alerts()
        assert (alert.escalated, alert.urgency) == (True, "urgent")


def test_after_the_group_with_no_group_chosen_waits_for_the_groups_open_then(app: Flask) -> None:
    _session_now(app, minutes_left=20)
    with app.app_context():
        services.send_quiet_word("after", "")
        clock.advance(20 * 60)
        assert not services.open_alerts()[0].escalated
        clock.advance(3 * 60 + 1)
        assert services.open_alerts()[0].escalated


def test_professional_help_is_urgent_at_once_and_first_in_the_queue(app: Flask) -> None:
    with app.app_context():
        services.send_quiet_word("after", "after one")
        services.send_quiet_word("now", "now one")
        clock.advance(60)
        services.raise_professional_help("2", "clinician", "ana")
        alerts = services.open_alerts()
        assert [(a.kind, a.when) for a in alerts] == [
            ("professional", ""),
            ("quiet", "now"),
            ("quiet", "after"),
        ]
        assert alerts[0].urgency == "urgent" and not alerts[0].escalated
        summary = services.summarize(alerts)
        assert (summary.professional, summary.quiet_now, summary.quiet_after) == (1, 1, 1)
        assert summary.top == alerts[0]


def test_minutes_use_plural_rules(facilitator_client: FlaskClient, app: Flask) -> None:
    # A request's time is stored cut to the minute (clock.to_minute), so "how long ago" counts
    # from the start of the minute it was sent in. Send it at the very start of a minute, or a
    # word sent at hh:mm:59 is already "2 minutes ago" 61 seconds later (seen once in CI).
    now = clock.utcnow()
    clock.advance(60 - now.second - now.microsecond / 1_000_000 + 0.01)
    _quiet(app)
    clock.advance(61)
    assert "(1 minute ago)" in facilitator_client.get("/staff/help/").get_data(as_text=True)
    clock.advance(60)
    assert "(2 minutes ago)" in facilitator_client.get("/staff/help/").get_data(as_text=True)
