"""Sign-in look (issue 13): the group named on every step, Skip secondary, and the confirmation
panel naming the rooms of the groups open now, the same after a quiet word."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from tests.help.test_quiet_word import quiet_form
from tests.sessions.helpers import make_session
from tests.signin.test_flow import HX, Kiosk


def words(html: str) -> str:
    """The text of a page, tags dropped (names sit in their own dir="auto" spans)."""
    return re.sub(r"<[^>]+>", "", html)


def test_every_step_names_the_group(client: FlaskClient, app: Flask) -> None:
    with app.app_context():
        group_id = make_session(title="Coffee & Connection", agreement="Be kind").id
    kiosk = Kiosk(client)
    kiosk.start(group_id)
    for go in ("skip", "code", "visit-unknown"):
        assert "Signing in to: Coffee &amp; Connection · Room 2" in words(kiosk.html)
        kiosk.tap(go)
    assert "Our group agreement" in kiosk.html
    assert "Signing in to: Coffee &amp; Connection · Room 2" in words(kiosk.html)


def test_skip_is_not_styled_as_the_primary_action(client: FlaskClient, app: Flask) -> None:
    with app.app_context():
        group_id = make_session().id
    kiosk = Kiosk(client)
    kiosk.start(group_id)
    assert 'value="next" class="button button-primary"' in kiosk.html
    assert 'value="skip" class="button button-secondary"' in kiosk.html


def test_the_confirmation_names_the_room_after_a_sign_in_and_after_a_quiet_word(
    app: Flask,
) -> None:
    with app.app_context():
        group_id = make_session(title="Tuesday circle", collect_names=False).id
    kiosk = Kiosk(app.test_client())
    kiosk.start(group_id)
    kiosk.tap("visit-first")
    assert 'class="confirmation-panel"' in kiosk.html
    assert "Where groups meet now: Room 2" in " ".join(words(kiosk.html).split())
    assert "Tuesday circle" not in kiosk.html
    quiet = app.test_client()
    form = quiet_form(quiet)
    answer = quiet.post("/quiet-word", headers=HX, data={**form, "when": "now"})
    assert "Where groups meet now: Room 2" in " ".join(words(answer.get_data(as_text=True)).split())
