"""The quiet word: sent from the kiosk, ends on the very same screen as an ordinary sign-in (P4)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from flask import Flask, template_rendered
from flask.testing import FlaskClient
from sqlalchemy import select

from kiosk import clock
from kiosk.extensions import db
from kiosk.help.models import QuietWordRequest
from kiosk.start.confirmation import signed_in_screen
from tests.conftest import csrf_from
from tests.help.conftest import snapshot

HX = {"HX-Request": "true"}


@contextmanager
def templates_used(app: Flask) -> Iterator[list[str]]:
    names: list[str] = []

    def record(_sender: Any, template: Any, **_extra: Any) -> None:
        names.append(template.name)

    template_rendered.connect(record, app)
    try:
        yield names
    finally:
        template_rendered.disconnect(record, app)


def _ordinary(app: Flask, headers: dict[str, str] | None = None) -> tuple[int, str, list[str]]:
    """What an ordinary sign-in ends with: kiosk.start.confirmation.signed_in_screen()."""
    with templates_used(app) as names, app.test_request_context("/", headers=headers or {}):
        response = signed_in_screen()
        return response.status_code, response.get_data(as_text=True), list(names)


def quiet_form(client: FlaskClient) -> dict[str, str]:
    """The hidden fields of a fresh quiet-word screen: CSRF and the one-time token."""
    html = client.get("/quiet-word").get_data(as_text=True)
    token = re.search(r'name="token" type="hidden" value="([^"]+)"', html)
    assert token, "no one-time token on the quiet-word screen"
    return {"csrf_token": csrf_from(html), "token": token.group(1)}


def _send(client: FlaskClient, headers: dict[str, str] | None = None, **data: str) -> Any:
    return client.post("/quiet-word", data={**quiet_form(client), **data}, headers=headers or {})


def _main(html: str) -> str:
    """The screen's own part: <main>, or the fragment less the shared header sent along with it
    (test_p4_on_the_wire compares the whole body, header included)."""
    if "<main" in html:
        return html[html.index("<main") : html.index("</main>")]
    return html.split('<header class="kiosk-header"', 1)[0]


@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "fragment"])
def test_the_quiet_word_ends_on_the_ordinary_sign_in_screen(
    client: FlaskClient, app: Flask, headers: dict[str, str]
) -> None:
    status, ordinary, ordinary_templates = _ordinary(app, headers)
    form = quiet_form(client)
    with templates_used(app) as names:
        response = client.post(
            "/quiet-word", headers=headers, data={**form, "when": "after", "find_me": "blue jacket"}
        )
    body = response.get_data(as_text=True)
    assert response.status_code == status == 200
    # The same templates, in the same order (the layouts included), as the ordinary screen.
    assert names == ordinary_templates
    assert abs(len(body) - len(ordinary)) <= 0.05 * len(ordinary)
    assert _main(body) == _main(ordinary)
    words = _main(body).lower()
    for word in ("help", "crisis", "talk", "request", "sent", "blue jacket"):
        assert word not in words.replace('href="/quiet-word"', "")
    with app.app_context():
        row = db.session.scalars(select(QuietWordRequest)).one()
        assert (row.timing, row.find_me) == ("after", "blue jacket")


@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "fragment"])
def test_the_quiet_word_screen(client: FlaskClient, headers: dict[str, str]) -> None:
    response = client.get("/quiet-word", headers=headers)
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "I&#39;d like a quiet word with someone" in body
    assert "look just like an ordinary sign-in" in body
    assert ("<html" in body) is (headers == {})


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"when": "tomorrow"}, "Not a valid choice"),
        ({"find_me": "x" * 61}, "Please keep it short: a few words."),
    ],
)
def test_bad_input_gets_a_message_and_stores_nothing(
    client: FlaskClient, app: Flask, data: dict[str, str], message: str
) -> None:
    client.get("/quiet-word")
    before = snapshot(app)
    response = _send(client, headers=None, **data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert snapshot(app) == before


def test_a_missing_csrf_token_goes_back_to_the_start_and_stores_nothing(
    client: FlaskClient, app: Flask
) -> None:
    before = snapshot(app)
    response = client.post("/quiet-word", data={"when": "now"})
    assert response.status_code == 303
    assert snapshot(app) == before


def test_sending_with_nothing_chosen_is_fine(client: FlaskClient, app: Flask) -> None:
    assert _send(client).status_code == 200
    with app.app_context():
        row = db.session.scalars(select(QuietWordRequest)).one()
        assert (row.timing, row.find_me, row.group_session_id) == ("now", "", None)


def test_the_tile_is_on_the_start_screen_and_on_the_confirmation(
    client: FlaskClient, app: Flask
) -> None:
    assert 'href="/quiet-word"' in client.get("/").get_data(as_text=True)
    assert 'href="/quiet-word"' in _ordinary(app)[1]


def test_staff_can_change_the_tile_wording(client: FlaskClient, app: Flask) -> None:
    from kiosk.center import services as center

    with app.app_context():
        center.save({"help.quiet_word_label": "Have a word"}, "admin")
    assert ">Have a word</span></a>" in client.get("/").get_data(as_text=True)
    assert ">Have a word</span></a>" in _ordinary(app)[1]


def test_the_person_can_say_which_open_group_they_are_in(
    client: FlaskClient, app: Flask, staff: Any
) -> None:
    from tests.sessions.helpers import make_session

    with app.app_context():
        group_id = make_session(title="Tuesday circle").id
        make_session(title="Later group", starts_in_minutes=600)
    page = client.get("/quiet-word").get_data(as_text=True)
    assert "Are you in one of these groups? (optional)" in page
    assert "Tuesday circle · Room 2" in page and "Later group" not in page
    response = _send(client, when="now", group=group_id)
    assert "Thank you — you're all set" in response.get_data(as_text=True)
    with app.app_context():
        row = db.session.scalars(select(QuietWordRequest)).one()
        assert row.group_session_id == group_id
    alerts = staff.client_for("facilitator", "fac").get("/staff/help/alerts")
    # The group's name sits in its own dir="auto" element: compare the text, not the markup.
    assert "in: Tuesday circle" in re.sub(r"<[^>]+>", "", alerts.get_data(as_text=True))


@pytest.mark.parametrize("group", ["not-a-session", "x" * 30])
def test_a_group_that_is_not_open_is_dropped_and_the_request_still_sent(
    client: FlaskClient, app: Flask, group: str
) -> None:
    """Issue 9: the chosen group closed while the screen was open; the request still reaches
    staff, without the group, and the screen looks like any sign-in."""
    from tests.sessions.helpers import make_session

    with app.app_context():
        make_session(title="Tuesday circle")
    response = _send(client, when="now", group=group)
    assert response.status_code == 200
    assert "Thank you — you're all set" in response.get_data(as_text=True)
    with app.app_context():
        row = db.session.scalars(select(QuietWordRequest)).one()
        assert row.group_session_id is None


def _without_csrf(html: str) -> str:
    html = re.sub(r'<input[^>]*name="csrf_token"[^>]*>', "CSRF", html)
    return re.sub(r'"X-CSRFToken": "[^"]+"', "CSRF", html)


def test_a_double_tap_on_send_is_one_request(client: FlaskClient, app: Flask) -> None:
    form = {**quiet_form(client), "when": "now", "find_me": "red hat"}
    first = client.post("/quiet-word", data=form, headers=HX)
    second = client.post("/quiet-word", data=form, headers=HX)
    assert first.status_code == second.status_code == 200
    # The same screen both times; CSRF tokens signed in different seconds differ, so set aside.
    assert _without_csrf(first.get_data(as_text=True)) == _without_csrf(
        second.get_data(as_text=True)
    )
    with app.app_context():
        assert len(db.session.scalars(select(QuietWordRequest)).all()) == 1


@pytest.mark.parametrize("token", ["", "forged.token.value"])
def test_a_missing_or_forged_one_time_token_asks_again_and_stores_nothing(
    client: FlaskClient, app: Flask, token: str
) -> None:
    form = {**quiet_form(client), "token": token, "when": "now"}
    response = client.post("/quiet-word", data=form)
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "Please press Send again." in body
    assert 'name="token" type="hidden" value="' in body  # a fresh token to try with
    with app.app_context():
        assert db.session.scalars(select(QuietWordRequest)).all() == []


def test_a_token_from_a_screen_left_open_for_hours_asks_again(
    client: FlaskClient, app: Flask
) -> None:
    form = {**quiet_form(client), "when": "now"}
    clock.advance(5 * 3600)
    response = client.post("/quiet-word", data=form)
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalars(select(QuietWordRequest)).all() == []
