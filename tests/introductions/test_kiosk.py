""" "Meet a peer" and "Check my request" at the kiosk, driven through the real routes."""

from __future__ import annotations

import re
import time
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from kiosk.extensions import db
from kiosk.introductions import services
from kiosk.introductions.models import Introduction, State
from kiosk.start.confirmation import signed_in_screen
from tests.introductions.helpers import add_peer, enable, kiosk_post

STEP = "/introductions/step"
CHECK = "/introductions/check"


def _rows(app: Flask) -> list[Introduction]:
    with app.app_context():
        rows = list(db.session.scalars(select(Introduction)))
        db.session.expunge_all()
        return rows


def _press(client: FlaskClient, html: str, go: str, **fields: Any) -> str:
    response = kiosk_post(client, STEP, html, go=go, **fields)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def walk_to_consent(
    client: FlaskClient, *, contact: str = "", name: str = "Ana"
) -> tuple[str, str]:
    """From the first screen to the consent screen; returns (its html, the new code)."""
    html = client.get("/introductions/").get_data(as_text=True)
    assert "not a crisis service" in html
    html = _press(client, html, "next")
    assert "Which language" in html
    html = _press(client, html, "pick:es")
    html = _press(client, html, "skip")  # gender
    html = _press(client, html, "skip")  # age
    html = _press(client, html, "pick:in_person")
    assert "Anything you would like to share" in html
    html = _press(client, html, "skip")  # topics
    assert "How should we reach you?" in html
    if contact:
        html = _press(client, html, "pick:contact")
        assert "How can we contact you?" in html
        html = _press(client, html, "next", contact=contact)
    else:
        html = _press(client, html, "pick:group")
        assert "What name should the peer ask for?" in html
        html = _press(client, html, "next", first_name=name)
    assert "Use a visitor code" in html
    html = _press(client, html, "new")
    code = re.search(r'<p class="code-words">([a-z-]+)</p>', html)
    assert code
    html = _press(client, html, "next")
    assert "Before we pass on your request" in html
    return html, code.group(1)


def test_off_by_default_with_no_tiles(app: Flask, client: FlaskClient) -> None:
    assert client.get("/introductions/").status_code == 404
    assert client.get(CHECK).status_code == 404
    assert "Meet a peer" not in client.get("/").get_data(as_text=True)
    with app.test_request_context("/"):
        assert "Meet a peer" not in signed_in_screen().get_data(as_text=True)


def test_switched_on_the_tiles_appear_on_start_and_confirmation(
    app: Flask, client: FlaskClient
) -> None:
    with app.app_context():
        enable()
    start = client.get("/").get_data(as_text=True)
    assert "Meet a peer" in start and "Check my request" in start
    with app.test_request_context("/"):
        done = signed_in_screen().get_data(as_text=True)
    assert "Meet a peer" in done and "Thank you — you're all set" in done


def test_a_request_with_a_new_code_ends_on_the_sign_in_confirmation(
    app: Flask, client: FlaskClient
) -> None:
    with app.app_context():
        enable()
    html, _code = walk_to_consent(client)
    done = _press(client, html, "send", consent="y")
    assert "Thank you — you're all set" in done and 'id="flow"' in done
    [row] = _rows(app)
    assert (row.state, row.pref_language, row.pref_format, row.reach) == (
        State.REQUESTED,
        "es",
        "in_person",
        "group",
    )
    # Stored as a Fernet token (version byte 0x80 → "gAAAAA"), never as the words themselves. A
    # substring test for "Ana" would fail by chance: the token's base64 once held "Ana".
    assert row.code_hash and row.contact_token and row.contact_token.startswith("gAAAAA")
    assert row.contact_token != "Ana"
    with app.app_context():
        assert services.decrypt_contact(row.contact_token) == "Ana"
    # The same form sent twice (a double tap) is one request.
    _press(client, html, "send", consent="y")
    assert len(_rows(app)) == 1


def test_the_consent_box_starts_unticked_and_is_needed(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        enable()
    html, _code = walk_to_consent(client)
    assert re.search(r'<input[^>]*name="consent"[^>]*>', html)
    assert "checked" not in re.search(r'<input[^>]*name="consent"[^>]*>', html).group(0)  # type: ignore[union-attr]
    again = _press(client, html, "send")
    assert "Tick the box to send your request" in again
    assert _rows(app) == []


def test_a_contact_over_120_characters_is_refused_and_nothing_kept(
    app: Flask, client: FlaskClient
) -> None:
    with app.app_context():
        enable()
    html = client.get("/introductions/").get_data(as_text=True)
    for go in ("next", "skip", "skip", "skip", "skip", "skip", "pick:contact"):
        html = _press(client, html, go)
    assert 'maxlength="120"' in html
    refused = _press(client, html, "next", contact="x" * 121)
    assert "That is too long" in refused
    assert _rows(app) == []


def test_every_step_can_be_skipped_and_back_goes_back(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        enable()
    html = client.get("/introductions/").get_data(as_text=True)
    html = _press(client, html, "next")
    back = _press(client, html, "back")
    assert "not a crisis service" in back
    for go in ("skip", "skip", "skip", "skip", "skip", "skip", "skip", "skip"):
        html = _press(client, html, go)
    assert "Before we pass on your request" in html
    _press(client, html, "send", consent="y")
    [row] = _rows(app)
    assert (row.pref_language, row.reach, row.code_hash, row.contact_token) == (
        "",
        "group",
        None,
        None,
    )
    response = kiosk_post(
        client, STEP, client.get("/introductions/").get_data(as_text=True), go="back"
    )
    assert response.status_code == 303 and response.headers["Location"].endswith("/reset")


def _without_csrf(html: str) -> str:
    # Every CSRF input, whatever its attribute order (tokens made in different seconds differ).
    html = re.sub(r'<input[^>]*name="csrf_token"[^>]*>', "CSRF", html)
    return re.sub(r'"X-CSRFToken": "[^"]+"', "CSRF", html)


def _check(client: FlaskClient, code: str) -> tuple[int, str, float]:
    page = client.get(CHECK).get_data(as_text=True)
    started = time.monotonic()
    response = kiosk_post(client, CHECK, page, go="check", code=code)
    return response.status_code, response.get_data(as_text=True), time.monotonic() - started


def test_wrong_codes_read_exactly_like_a_right_code_with_nothing_to_show(
    app: Flask, client: FlaskClient
) -> None:
    from kiosk.signin import services as codes

    with app.app_context():
        enable()
        known, _digest = codes.create_code(codes.code_key(app.config["SECRET_KEY"]))
    right = _check(client, known)
    wrong = _check(client, "wrong-words-here")
    assert right[0] == wrong[0] == 200
    # The same page, byte for byte, once the CSRF token (signed with the second) is set aside.
    assert _without_csrf(right[1]) == _without_csrf(wrong[1])
    assert _without_csrf(wrong[1]).count("CSRF") >= 2  # both tokens were set aside
    assert "There is no request to show for that code" in wrong[1]
    assert right[2] >= codes.CODE_CHECK_SECONDS and wrong[2] >= codes.CODE_CHECK_SECONDS


def test_the_sixth_wrong_try_in_ten_minutes_is_paused(app: Flask, client: FlaskClient) -> None:
    from kiosk.signin import services as codes

    with app.app_context():
        enable()
        known, _digest = codes.create_code(codes.code_key(app.config["SECRET_KEY"]))
    for n in range(5):
        status, html, _t = _check(client, f"wrong-try-{'x' * n}")
        assert "There is no request to show" in html, n
    status, html, _t = _check(client, known)
    assert status == 200 and "Code entry is paused on this tablet" in html


def test_check_my_request_through_every_state(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        enable()
        peer = add_peer("Robin")
    html, code = walk_to_consent(client)
    _press(client, html, "send", consent="y")
    [row] = _rows(app)
    _status, page, _t = _check(client, code)
    assert "We are looking for a peer for you" in page and "Robin" not in page
    with app.test_request_context("/"):
        services.propose(row.id, peer, "coord")
        assert "Robin" not in _check(client, code)[1]
        services.peer_answer(row.id, peer, True, "peer", "robin", meeting_note="Room 4, Tuesdays")
    _status, page, _t = _check(client, code)
    assert "A peer said yes" in page and "Robin" not in page
    page = kiosk_post(client, CHECK, page, go="confirm").get_data(as_text=True)
    assert "You are introduced to Robin" in page and "Room 4, Tuesdays" in page
    page = kiosk_post(client, CHECK, page, go="concern").get_data(as_text=True)
    assert "A coordinator will look at it" in page
    assert _rows(app)[0].concern_open is True
    page = kiosk_post(client, CHECK, page, go="end").get_data(as_text=True)
    assert "This request has ended" in page
    [row] = _rows(app)
    assert row.state == State.ENDED and row.contact_token is None


def test_withdraw_and_ask_for_a_different_peer(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        enable()
        peer = add_peer("Robin")
    html, code = walk_to_consent(client)
    _press(client, html, "send", consent="y")
    [row] = _rows(app)
    with app.test_request_context("/"):
        services.propose(row.id, peer, "coord")
        services.peer_answer(row.id, peer, True, "peer", "robin")
    page = _check(client, code)[1]
    page = kiosk_post(client, CHECK, page, go="different").get_data(as_text=True)
    assert "We will look for a different peer" in page
    assert _rows(app)[0].state == State.REQUESTED
    page = kiosk_post(client, CHECK, page, go="withdraw").get_data(as_text=True)
    assert "Your request is withdrawn" in page
    [row] = _rows(app)
    assert row.state == State.WITHDRAWN and row.contact_token is None


def test_a_forged_code_reference_shows_nothing(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        enable()
    page = client.get(CHECK).get_data(as_text=True)
    response = kiosk_post(client, CHECK, page, go="withdraw", code_ref="forged")
    assert response.status_code == 200
    assert "There is no request to show" in response.get_data(as_text=True)
