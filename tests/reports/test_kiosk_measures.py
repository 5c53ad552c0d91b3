"""The optional questions after a sign-in with a due visitor code."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from kiosk import clock
from kiosk.extensions import db
from kiosk.reports.models import MeasureAnswer
from kiosk.signin import services as signin_services
from tests.conftest import csrf_from

from .helpers import Screen, enable_measures, new_code, sign_in_with_code

OFFER = "A few optional questions (about a minute)?"


def answers() -> list[MeasureAnswer]:
    return list(db.session.scalars(select(MeasureAnswer).order_by(MeasureAnswer.id)))


def test_due_code_is_offered_and_answers_store_with_hmac_and_date_only(
    client: FlaskClient, app: Flask
) -> None:
    enable_measures(app)
    words = new_code(app)
    screen = sign_in_with_code(app, client, words)
    assert OFFER in screen.html
    # "Not today" is exactly as prominent as "Yes": same element, same classes.
    assert 'value="yes" class="button button-primary"' in screen.html
    assert 'value="no" class="button button-primary"' in screen.html
    screen.tap("yes")
    assert "How often do you feel that you lack companionship?" in screen.html
    assert "Question 1 of 4" in screen.html
    screen.tap("answer-3")
    assert "How often do you feel left out?" in screen.html
    screen.tap("skip")
    screen.tap("back")  # Back works: the skipped item again
    assert "How often do you feel left out?" in screen.html
    screen.tap("skip")
    assert "How often do you feel isolated from others?" in screen.html
    screen.tap("answer-2")
    assert "How often do you feel lonely?" in screen.html
    screen.tap("answer-1")
    assert "You're signed in" in screen.html
    assert "score" not in screen.html.lower()
    with app.app_context():
        rows = answers()
        digest = signin_services.hash_code(
            words, signin_services.code_key(str(app.config["SECRET_KEY"]))
        )
        assert [(r.measure, r.answers, r.score) for r in rows] == [
            ("ucla3", "3,,2", None),  # a skipped item: no score
            ("ons_lonely", "1", None),
        ]
        assert all(r.code_hash == digest for r in rows)
        assert all(isinstance(r.answered_on, date) for r in rows)
        assert words not in repr([(r.code_hash, r.answers) for r in rows])


def test_not_asked_again_the_next_day_but_after_28_days(client: FlaskClient, app: Flask) -> None:
    enable_measures(app)
    words = new_code(app)
    screen = sign_in_with_code(app, client, words)
    screen.tap("yes")
    for _ in range(4):
        screen.tap("answer-1")
    clock.advance(24 * 3600)
    try:
        again = sign_in_with_code(app, app.test_client(), words)
        assert OFFER not in again.html and "You're signed in" in again.html
        clock.advance(27 * 24 * 3600)
        later = sign_in_with_code(app, app.test_client(), words)
        assert OFFER in later.html
    finally:
        clock.reset()


def test_not_today_stores_nothing(client: FlaskClient, app: Flask) -> None:
    enable_measures(app)
    screen = sign_in_with_code(app, client, new_code(app))
    screen.tap("no")
    assert "You're signed in" in screen.html
    with app.app_context():
        assert answers() == []


def test_without_a_code_nothing_is_asked(client: FlaskClient, app: Flask) -> None:
    enable_measures(app)
    from tests.sessions.helpers import make_session

    with app.app_context():
        group_id = make_session(collect_names=False).id
    screen = Screen(client)
    screen.tap("start", session_id=group_id, csrf_token=csrf_from(screen.html))
    screen.tap("visit-first")
    assert "You're signed in" in screen.html and OFFER not in screen.html


def test_measures_off_by_default(client: FlaskClient, app: Flask) -> None:
    screen = sign_in_with_code(app, client, new_code(app))
    assert OFFER not in screen.html and "You're signed in" in screen.html


def test_spanish_kiosk_skips_measures(client: FlaskClient, app: Flask) -> None:
    enable_measures(app)
    words = new_code(app)
    token = csrf_from(client.get("/").get_data(as_text=True))
    client.post("/language", data={"lang": "es", "next": "/", "csrf_token": token})
    screen = sign_in_with_code(app, client, words)
    # The Spanish screen after the code is the ordinary confirmation, not an offer in any words.
    assert "Ya está registrado/a" in screen.html
    assert "/checkin/measures" not in screen.html and 'value="yes"' not in screen.html
    with app.app_context():
        assert answers() == []


def test_forged_answers_store_nothing_and_show_the_usual_screen(
    client: FlaskClient, app: Flask
) -> None:
    enable_measures(app)
    screen = sign_in_with_code(app, client, new_code(app))
    screen.tap("yes")
    screen.tap("answer-9")  # not on the scale
    for _ in range(3):
        screen.tap("answer-1")
    assert "You're signed in" in screen.html
    with app.app_context():
        assert answers() == []


def test_pearlin_short_form_and_swemwbs_need_settings(client: FlaskClient, app: Flask) -> None:
    enable_measures(
        app, **{"reports.measure_pearlin": "5", "reports.measure_swemwbs": "registered"}
    )
    screen = sign_in_with_code(app, client, new_code(app))
    screen.tap("yes")
    assert "Question 1 of 16" in screen.html  # 3 + 1 + 5 + 7
    for _ in range(9):
        screen.tap("answer-1")
    assert "optimistic about the future" in screen.html
    assert "© NHS Health Scotland, University of Warwick and University of Edinburgh" in screen.html
    for _ in range(7):
        screen.tap("answer-4")
    with app.app_context():
        rows = {r.measure: r for r in answers()}
        assert rows["pearlin5"].score == 20 and rows["swemwbs"].score == Decimal("25.03")  # raw 28


def test_get_and_bad_posts_start_over(client: FlaskClient, app: Flask) -> None:
    assert client.get("/checkin/measures").status_code == 303
    response = client.post("/checkin/measures", data={"go": "yes"}, headers={"HX-Request": "true"})
    assert response.status_code in (200, 400)
