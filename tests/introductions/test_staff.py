"""The coordinator queue, the roster, and a peer supporter's own page (role ``peer``)."""

from __future__ import annotations

import re
from datetime import date

from flask import Flask
from flask.testing import FlaskClient

from kiosk.center import services as center
from kiosk.extensions import db
from kiosk.introductions import services
from kiosk.introductions.models import Introduction, PeerSupporter, State
from tests.conftest import Staff, csrf_from, post_form
from tests.introductions.helpers import add_peer, add_request, today


def _state(app: Flask, intro_id: int) -> str:
    with app.app_context():
        row = db.session.get(Introduction, intro_id)
        assert row is not None
        return row.state


def _peer_login(app: Flask, staff: Staff, name: str, peer_name: str) -> tuple[FlaskClient, int]:
    user_id = staff.create(name, "peer")
    with app.app_context():
        peer_id = add_peer(peer_name, user_id=user_id)
    client = app.test_client()
    staff.login(client, name)
    return client, peer_id


def test_the_queue_ranks_candidates_and_shows_who_cannot_be_proposed(
    app: Flask, admin_client: FlaskClient
) -> None:
    with app.app_context():
        add_peer("Robin Fit", languages="es", formats="in_person")
        add_peer("Casey Overdue", languages="es", refresher_due=today().replace(year=2000))
        intro = add_request("n1", language="es", format="in_person")
    queue = admin_client.get("/staff/introductions/").get_data(as_text=True)
    assert "Waiting for a match (1)" in queue and "Robin Fit" in queue
    page = admin_client.get(f"/staff/introductions/{intro}").get_data(as_text=True)
    assert "Propose to Robin Fit" in page and "Offers the format asked for" in page
    assert "Casey Overdue — Safety refresher overdue" in page
    assert "Propose to Casey Overdue" not in page


def test_a_coordinator_proposes_and_the_second_is_told_who(app: Flask, staff: Staff) -> None:
    with app.app_context():
        robin, sam = add_peer("Robin"), add_peer("Sam")
        intro = add_request("n1")
    ana, ben = staff.client_for("admin", "ana"), staff.client_for("admin", "ben")
    url = f"/staff/introductions/{intro}"
    ana_page, ben_page = ana.get(url).get_data(as_text=True), ben.get(url).get_data(as_text=True)
    version = re.search(r'name="version" value="(\d+)"', ana_page).group(1)  # type: ignore[union-attr]
    first = ana.post(
        f"{url}/act",
        data={
            "go": "propose",
            "peer_id": robin,
            "version": version,
            "csrf_token": csrf_from(ana_page),
        },
    )
    assert first.status_code == 303
    second = ben.post(
        f"{url}/act",
        data={
            "go": "propose",
            "peer_id": sam,
            "version": version,
            "csrf_token": csrf_from(ben_page),
        },
        follow_redirects=True,
    )
    assert "Someone else acted first (ana)" in second.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Introduction, intro).peer_id == robin  # type: ignore[union-attr]
        assert db.session.get(PeerSupporter, sam).active_count == 0  # type: ignore[union-attr]


def test_facilitators_coordinate_only_when_settings_allow(
    app: Flask, facilitator_client: FlaskClient
) -> None:
    assert facilitator_client.get("/staff/introductions/").status_code == 403
    with app.app_context():
        center.save({"introductions.facilitators": "yes"}, "admin")
    assert facilitator_client.get("/staff/introductions/").status_code == 200
    assert facilitator_client.get("/staff/introductions/peers").status_code == 403


def test_a_peer_sees_only_their_own_proposal_and_no_identity(app: Flask, staff: Staff) -> None:
    robin_client, robin = _peer_login(app, staff, "robin", "Robin")
    sam_client, _sam = _peer_login(app, staff, "sam", "Sam")
    with app.test_request_context("/"):
        intro = add_request("n1", first_name="Ana Secretname", format="in_person")
        services.propose(intro, robin, "coord")
    home = robin_client.get("/staff/", follow_redirects=True)
    page = home.get_data(as_text=True)
    assert home.request.path == "/staff/peer/"
    assert "In person" in page and "Secretname" not in page
    # The badge counts what waits for this peer; the nav offers nothing else.
    assert re.search(r'My introductions <span class="badge">1', page)
    assert "Sessions" not in page and "help-alerts" not in page
    assert "No proposal is waiting for you" in sam_client.get("/staff/peer/").get_data(as_text=True)
    # Another peer cannot answer it.
    refused = post_form(sam_client, f"/staff/peer/{intro}", {"go": "accept"}, page="/staff/peer/")
    assert refused.status_code == 303 and _state(app, intro) == State.PROPOSED
    accepted = post_form(
        robin_client,
        f"/staff/peer/{intro}",
        {"go": "accept", "meeting_note": "Room 2"},
        page="/staff/peer/",
    )
    assert accepted.status_code == 303 and _state(app, intro) == State.PEER_ACCEPTED
    assert "Secretname" not in robin_client.get("/staff/peer/").get_data(as_text=True)
    with app.app_context():
        services.confirm(intro, "attendee")
    assert "Ana Secretname" in robin_client.get("/staff/peer/").get_data(as_text=True)
    # Everything else is closed to the peer role.
    for path in ("/staff/introductions/", f"/staff/introductions/{intro}", "/staff/sessions/"):
        assert robin_client.get(path).status_code == 403, path


def test_the_coordinator_records_answers_given_in_person(
    app: Flask, admin_client: FlaskClient
) -> None:
    with app.app_context():
        peer = add_peer("Robin")
        intro = add_request("n1", first_name="Ana")
    url = f"/staff/introductions/{intro}"
    for go, state in (
        ("propose", State.PROPOSED),
        ("peer_yes", State.PEER_ACCEPTED),
        ("person_yes", State.INTRODUCED),
    ):
        page = admin_client.get(url).get_data(as_text=True)
        assert "Ana" not in page.split("<main", 1)[1]
        version = re.search(r'name="version" value="(\d+)"', page).group(1)  # type: ignore[union-attr]
        admin_client.post(
            f"{url}/act",
            data={"go": go, "peer_id": peer, "version": version, "csrf_token": csrf_from(page)},
        )
        assert _state(app, intro) == state
    assert "Ana" in admin_client.get(url).get_data(as_text=True).split("<main", 1)[1]


def test_the_roster_lists_reasons_and_saves_with_checks(
    app: Flask, admin_client: FlaskClient
) -> None:
    with app.app_context():
        add_peer("Taylor", paused=True)
    roster = admin_client.get("/staff/introductions/peers").get_data(as_text=True)
    assert "No: Paused (self-care)" in roster
    bad = post_form(
        admin_client, "/staff/introductions/peers/new", {"display_name": "", "capacity": "3"}
    )
    assert bad.status_code == 400 and "This field is required" in bad.get_data(as_text=True)
    huge = post_form(
        admin_client, "/staff/introductions/peers/new", {"display_name": "Big", "capacity": "999"}
    )
    assert huge.status_code == 400
    saved = post_form(
        admin_client,
        "/staff/introductions/peers/new",
        {
            "display_name": "Jo",
            "capacity": "1",
            "languages": ["en", "es"],
            "formats": ["online"],
            "trained_on": "2026-01-05",
            "conduct_accepted_on": "2026-01-05",
        },
    )
    assert saved.status_code == 303
    with app.app_context():
        jo = next(p for p in services.all_peers() if p.display_name == "Jo")
        assert (jo.languages, jo.formats, str(jo.refresher_due)) == (
            "en,es",
            "online",
            "2027-01-05",
        )
        jo_id = jo.id
        services.propose(add_request("n1"), jo_id, "coord")
    too_low = post_form(
        admin_client, f"/staff/introductions/peers/{jo_id}", {"display_name": "Jo", "capacity": "0"}
    )
    assert too_low.status_code == 400
    with app.app_context():
        trained = date(2026, 1, 5)
        services.save_peer(
            {
                "display_name": "Jo",
                "capacity": 2,
                "trained_on": trained,
                "conduct_accepted_on": trained,
            },
            jo_id,
        )
        services.propose(add_request("n2"), jo_id, "coord")
    too_low = post_form(
        admin_client, f"/staff/introductions/peers/{jo_id}", {"display_name": "Jo", "capacity": "1"}
    )
    assert too_low.status_code == 400
    assert "more introductions now than that capacity" in too_low.get_data(as_text=True)


def test_the_badge_counts_requests_for_the_coordinator(
    app: Flask, admin_client: FlaskClient
) -> None:
    with app.app_context():
        add_request("n1")
        add_request("n2")
    page = admin_client.get("/staff/").get_data(as_text=True)
    assert re.search(r'Introductions <span class="badge">2', page)


def test_apply_deadlines_now_button(app: Flask, admin_client: FlaskClient) -> None:
    from datetime import timedelta

    from kiosk import clock

    with app.app_context():
        intro = add_request("n1")
        # Requested 31 days ago (moving the whole clock would end the admin's login too).
        db.session.execute(
            db.update(Introduction).values(requested_at=clock.utcnow() - timedelta(days=31))
        )
        db.session.commit()
    # Reading the queue does not write: the request is still there until deadlines apply.
    admin_client.get("/staff/introductions/")
    assert _state(app, intro) == State.REQUESTED
    response = post_form(
        admin_client, "/staff/introductions/deadlines", page="/staff/introductions/"
    )
    assert response.status_code == 303 and _state(app, intro) == State.EXPIRED
