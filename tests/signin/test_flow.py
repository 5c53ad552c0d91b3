"""The kiosk sign-in flow through HTTP: steps, Back, skipping, one-time tokens, visitor codes,
and what never reaches the cookie or the URL."""

from __future__ import annotations

import base64
import json
import re
import zlib
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from kiosk.extensions import db
from kiosk.sessions.models import SignIn
from kiosk.signin import services as signin_services
from tests.conftest import csrf_from
from tests.sessions.helpers import make_session

HX = {"HX-Request": "true"}
# reliability.md P2: the cookie may hold the CSRF secret and Flask-Login's flag, nothing else.
ALLOWED_COOKIE_KEYS = {"csrf_token", "_fresh", "_flashes"}
HIDDEN_RE = re.compile(r'<input[^>]*type="hidden"[^>]*>')


def hidden_fields(html: str) -> dict[str, str]:
    """The hidden inputs of the step form (name -> value)."""
    fields = {}
    for tag in HIDDEN_RE.findall(html):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name:
            fields[name.group(1)] = (value.group(1) if value else "").replace("&#34;", '"')
    return fields


class Kiosk:
    """Drives the flow like a browser with htmx: each answer posts the current form."""

    def __init__(self, client: FlaskClient, headers: dict[str, str] | None = None) -> None:
        self.client = client
        self.headers = headers if headers is not None else HX
        self.html = client.get("/").get_data(as_text=True)
        self.last: Any = None

    def tap(self, go: str, **typed: str) -> Any:
        """Press a button on the current screen (optionally after typing)."""
        form = hidden_fields(self.html)
        form.update(typed)
        form["go"] = go
        self.last = self.client.post("/signin/step", data=form, headers=self.headers)
        self.html = self.last.get_data(as_text=True)
        return self.last

    def start(self, session_id: str) -> Any:
        """Tap a session tile on the start page."""
        return self.tap("start", session_id=session_id, csrf_token=csrf_from(self.html))


def signins() -> list[SignIn]:
    return list(db.session.scalars(select(SignIn)))


def decode_cookie(client: FlaskClient) -> dict[str, Any]:
    cookie = client.get_cookie("porchlight")
    if cookie is None:
        return {}
    payload = (
        cookie.value.split(".")[0]
        if not cookie.value.startswith(".")
        else cookie.value.split(".")[1]
    )
    raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    if cookie.value.startswith("."):
        raw = zlib.decompress(raw)
    decoded: dict[str, Any] = json.loads(raw)
    return decoded


def test_start_page_lists_open_sessions_only(client: FlaskClient, app: Flask) -> None:
    with app.app_context():
        make_session(title="Open circle")
        make_session(title="Later circle", starts_in_minutes=180)
        make_session(title="Cancelled circle").cancelled = True
        db.session.commit()
    page = client.get("/").get_data(as_text=True)
    assert "Open circle" in page
    assert "Later circle" not in page and "Cancelled circle" not in page


def test_start_page_says_when_the_next_session_is(client: FlaskClient, app: Flask) -> None:
    with app.app_context():
        make_session(title="Evening circle", starts_in_minutes=180)
    page = client.get("/").get_data(as_text=True)
    assert "No group is open for sign-in right now" in page
    assert "Evening circle" in page and "starts" in page


def test_fastest_path_is_four_taps_and_records_one_anonymous_sign_in(
    client: FlaskClient, app: Flask
) -> None:
    with app.app_context():
        group_id = make_session(agreement="We keep what is said here private.").id
    kiosk = Kiosk(client)
    kiosk.start(group_id)  # tap 1: the session
    assert "What should the facilitator call you?" in kiosk.html
    kiosk.tap("skip")  # tap 2: skip the name
    assert "Is this your first time here?" in kiosk.html
    kiosk.tap("visit-unknown")  # tap 3: prefer not to say
    assert "We keep what is said here private." in kiosk.html
    done = kiosk.tap("agree")  # tap 4: the agreement
    assert done.status_code == 200 and "Thank you — you're all set" in kiosk.html
    with app.app_context():
        rows = signins()
        assert [(r.name, r.visit, r.source) for r in rows] == [(None, "unknown", "kiosk")]


def test_confirmation_is_the_shared_screen_without_the_session_title(
    client: FlaskClient, app: Flask
) -> None:
    with app.app_context():
        group_id = make_session(title="Grief circle", collect_names=False).id
    kiosk = Kiosk(client)
    kiosk.start(group_id)
    kiosk.tap("visit-first")
    with app.test_request_context(headers=HX):
        from kiosk.start.confirmation import signed_in_screen

        shared = signed_in_screen().get_data(as_text=True)
    # The header's language switch carries this browser's CSRF token, which no other matches.
    token = re.compile(r'(name="csrf_token" value=")[^"]*')
    assert token.sub(r"\1", kiosk.html) == token.sub(r"\1", shared)
    assert "Grief circle" not in kiosk.html


def test_name_and_visit_are_recorded_and_never_in_the_cookie(
    client: FlaskClient, app: Flask
) -> None:
    with app.app_context():
        group_id = make_session().id
    kiosk = Kiosk(client)
    kiosk.start(group_id)
    kiosk.tap("next", name="Alice-Marker")
    assert "Alice-Marker" in kiosk.html  # carried in the form, nowhere else
    assert set(decode_cookie(client)) <= ALLOWED_COOKIE_KEYS
    kiosk.tap("visit-first")
    assert "Thank you — you're all set" in kiosk.html and "Alice-Marker" not in kiosk.html
    # No kiosk page lists who came (no roster, count or "recent" list).
    next_person = Kiosk(client)
    assert "Alice-Marker" not in next_person.html
    next_person.start(group_id)
    assert "Alice-Marker" not in next_person.html
    cookie = decode_cookie(client)
    assert set(cookie) <= ALLOWED_COOKIE_KEYS
    assert "Alice" not in json.dumps(cookie)
    with app.app_context():
        assert [(r.name, r.visit) for r in signins()] == [("Alice-Marker", "first")]


def test_double_submit_and_back_then_submit_leave_one_row(client: FlaskClient, app: Flask) -> None:
    with app.app_context():
        group_id = make_session(collect_names=False).id
    kiosk = Kiosk(client)
    kiosk.start(group_id)
    visit_screen = kiosk.html
    kiosk.tap("visit-first")
    # Double tap: the same final form posted again.
    again = client.post(
        "/signin/step", data={**hidden_fields(visit_screen), "go": "visit-first"}, headers=HX
    )
    assert again.status_code == 200 and "Thank you — you're all set" in again.get_data(as_text=True)
    # Back to the earlier screen (its HTML still in hand) and submit a different answer.
    client.post(
        "/signin/step", data={**hidden_fields(visit_screen), "go": "visit-returning"}, headers=HX
    )
    with app.app_context():
        assert len(signins()) == 1


def test_back_goes_one_step_back_and_start_over_is_offered_everywhere(
    client: FlaskClient, app: Flask
) -> None:
    with app.app_context():
        group_id = make_session(agreement="Be kind.").id
    kiosk = Kiosk(client)
    kiosk.start(group_id)
    assert "Start over" in kiosk.html and "Back" in kiosk.html
    kiosk.tap("next", name="Bo")
    kiosk.tap("visit-first")
    assert "Be kind." in kiosk.html and "Start over" in kiosk.html
    kiosk.tap("back")
    assert "Is this your first time here?" in kiosk.html
    kiosk.tap("back")
    assert "What should the facilitator call you?" in kiosk.html
    assert 'value="Bo"' in kiosk.html  # the person's own answer, still theirs to change
    kiosk.tap("code")  # not a button on this screen: stays put
    assert "What should the facilitator call you?" in kiosk.html
    with app.app_context():
        assert signins() == []


def test_each_step_as_page_and_as_fragment(client: FlaskClient, app: Flask) -> None:
    with app.app_context():
        group_id = make_session().id
    fragment = Kiosk(client)
    fragment.start(group_id)
    assert fragment.html.lstrip().startswith('<section id="flow"')
    page = Kiosk(client, headers={})
    page.start(group_id)
    assert "<html" in page.html and 'id="flow"' in page.html
    assert page.last.headers["Vary"] and "HX-Request" in page.last.headers["Vary"]


def test_inputs_do_not_autocomplete(client: FlaskClient, app: Flask) -> None:
    with app.app_context():
        group_id = make_session().id
    kiosk = Kiosk(client)
    kiosk.start(group_id)
    assert 'autocomplete="off"' in _input(kiosk.html, "name")
    kiosk.tap("skip")
    kiosk.tap("code")
    assert 'autocomplete="off"' in _input(kiosk.html, "code")


def _input(html: str, name: str) -> str:
    return next(tag for tag in re.findall(r"<input[^>]*>", html) if f'name="{name}"' in tag)


def test_get_and_bad_posts_start_over_without_error(client: FlaskClient, app: Flask) -> None:
    with app.app_context():
        group_id = make_session().id
    assert client.get("/signin/step").status_code == 303
    token = csrf_from(client.get("/").get_data(as_text=True))
    for data in (
        {"session_id": "nope", "go": "start"},
        {"session_id": group_id, "go": "visit-first", "step": "visit", "token": "forged"},
        {"session_id": group_id, "go": "agree", "step": "agreement", "token": ""},
    ):
        response = client.post("/signin/step", data={**data, "csrf_token": token}, headers=HX)
        # htmx cannot see a 303, so it gets a 200 that tells it to load the start page.
        assert response.status_code == 200 and response.get_data() == b""
        assert response.headers["HX-Redirect"] == "/"
        plain = client.post("/signin/step", data={**data, "csrf_token": token})
        assert plain.status_code == 303 and plain.headers["Location"] == "/"
    # No CSRF token at all: back to the start, never a bare 400.
    response = client.post("/signin/step", data={"session_id": group_id, "go": "start"})
    assert response.status_code == 303
    with app.app_context():
        assert signins() == []


def test_token_for_another_session_is_refused(client: FlaskClient, app: Flask) -> None:
    with app.app_context():
        first = make_session(collect_names=False).id
        second = make_session(collect_names=False, title="Other").id
    kiosk = Kiosk(client)
    kiosk.start(first)
    form = hidden_fields(kiosk.html)
    form.update(session_id=second, go="visit-first")
    assert client.post("/signin/step", data=form, headers=HX).headers["HX-Redirect"] == "/"
    with app.app_context():
        assert signins() == []


def test_session_closing_mid_flow_says_so(client: FlaskClient, app: Flask) -> None:
    from kiosk import clock

    with app.app_context():
        group_id = make_session(collect_names=False, minutes=10).id
    kiosk = Kiosk(client)
    kiosk.start(group_id)
    clock.advance(15 * 60)
    kiosk.tap("visit-first")
    assert "Sign-in for this group has closed" in kiosk.html
    with app.app_context():
        assert signins() == []


def test_new_visitor_code_is_shown_once_and_counts_later_visits_as_returning(
    client: FlaskClient, app: Flask
) -> None:
    with app.app_context():
        group_id = make_session(collect_names=False).id
    kiosk = Kiosk(client)
    kiosk.start(group_id)
    kiosk.tap("newcode")
    code = re.search(r'<p class="code-words">([a-z-]+)</p>', kiosk.html).group(1)  # type: ignore[union-attr]
    assert len(code.split("-")) == 3
    kiosk.tap("visit-first")
    assert "Thank you — you're all set" in kiosk.html and code not in kiosk.html
    with app.app_context():
        first = signins()[0]
        assert first.visit == "first" and first.visitor_code_hash
        assert code not in json.dumps([first.visitor_code_hash])

    # Next week, another person at the same kiosk types the code (spaces and capitals are fine).
    again = Kiosk(app.test_client())
    again.start(group_id)
    again.tap("code")
    again.tap("check", code=code.replace("-", " ").upper())
    assert "Thank you — you're all set" in again.html
    with app.app_context():
        rows = sorted(signins(), key=lambda r: r.created_at)
        assert [r.visit for r in rows] == ["first", "returning"]
        assert rows[0].visitor_code_hash == rows[1].visitor_code_hash


def test_new_code_with_prefer_not_to_say_is_not_counted_as_returning(
    client: FlaskClient, app: Flask
) -> None:
    with app.app_context():
        group_id = make_session(collect_names=False).id
    kiosk = Kiosk(client)
    kiosk.start(group_id)
    kiosk.tap("newcode")
    kiosk.tap("visit-unknown")
    with app.app_context():
        [row] = signins()
        assert row.visit == "unknown" and row.visitor_code_hash


def test_wrong_code_says_so_stores_nothing_and_is_rate_limited(
    client: FlaskClient, app: Flask
) -> None:
    with app.app_context():
        group_id = make_session(collect_names=False).id
    kiosk = Kiosk(client)
    kiosk.start(group_id)
    kiosk.tap("code")
    for _ in range(signin_services.MAX_WRONG_CODES):
        response = kiosk.tap("check", code="not-a-real-code")
        assert response.status_code == 200
        assert "know that code" in kiosk.html
        assert "not-a-real-code" not in kiosk.html
    kiosk.tap("check", code="still-wrong-code")
    assert "paused on this tablet" in kiosk.html
    kiosk.tap("visit-unknown")
    assert "Thank you — you're all set" in kiosk.html
    with app.app_context():
        assert [r.visitor_code_hash for r in signins()] == [None]


@pytest.mark.parametrize("typed", ["", " ", "=HYPERLINK(1)", "🙂🙂🙂", "acorn bench"])
def test_odd_code_input_gets_a_message_not_an_error(
    client: FlaskClient, app: Flask, typed: str
) -> None:
    with app.app_context():
        group_id = make_session(collect_names=False).id
    kiosk = Kiosk(client)
    kiosk.start(group_id)
    kiosk.tap("code")
    response = kiosk.tap("check", code=typed)
    assert response.status_code == 200
    assert "We don&#39;t know that code" in kiosk.html
    assert (
        'id="code" maxlength="80" name="code" spellcheck="false" type="text" value=""' in kiosk.html
    )
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SignIn)) == 0


def test_overlong_code_starts_over_with_a_message(client: FlaskClient, app: Flask) -> None:
    # Longer than the field's maxlength: only a forged form sends it; the form is refused.
    with app.app_context():
        group_id = make_session(collect_names=False).id
    kiosk = Kiosk(client)
    kiosk.start(group_id)
    kiosk.tap("code")
    response = kiosk.tap("check", code="x" * 81)
    assert response.status_code == 200 and response.headers["HX-Redirect"] == "/"
    assert "Sorry, that took a while" in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize("typed", ["x" * 41, "A" * 500])
def test_overlong_names_never_store(client: FlaskClient, app: Flask, typed: str) -> None:
    with app.app_context():
        group_id = make_session().id
    kiosk = Kiosk(client)
    kiosk.start(group_id)
    name_screen = hidden_fields(kiosk.html)
    # Typed on the name screen: the form is refused and the kiosk starts over.
    response = kiosk.tap("next", name=typed)
    assert response.status_code == 200 and response.headers["HX-Redirect"] == "/"
    # Carried to the last screen in a forged form: refused there too, nothing stored.
    forged = {**name_screen, "step": "visit", "name": typed, "go": "visit-first"}
    response = client.post("/signin/step", data=forged, headers=HX)
    assert response.status_code == 200 and response.headers["HX-Redirect"] == "/"
    with app.app_context():
        assert signins() == []
    # The same path with a name that fits does store, so the refusal above is the length.
    client.post("/signin/step", data={**forged, "name": "Ana"}, headers=HX)
    with app.app_context():
        assert [row.name for row in signins()] == ["Ana"]


def test_a_screen_the_session_does_not_ask_is_not_an_error(client: FlaskClient, app: Flask) -> None:
    # A forged "name" step for a session that asks no names was a 500 (ValueError).
    with app.app_context():
        group_id = make_session(collect_names=False).id
    kiosk = Kiosk(client)
    kiosk.start(group_id)
    response = kiosk.tap("skip", step="name")
    assert response.status_code == 200 and "Is this your first time here?" in kiosk.html
    with app.app_context():
        assert signins() == []


def test_flow_in_spanish(client: FlaskClient, app: Flask) -> None:
    with app.app_context():
        group_id = make_session(collect_names=False, title="Círculo").id
    token = csrf_from(client.get("/").get_data(as_text=True))
    client.post("/language", data={"lang": "es", "next": "/", "csrf_token": token})
    kiosk = Kiosk(client)
    assert "Regístrese en un grupo" in kiosk.html
    kiosk.start(group_id)
    assert "¿Es su primera vez aquí?" in kiosk.html and "Empezar de nuevo" in kiosk.html
    kiosk.tap("newcode")
    assert "Su código de visitante" in kiosk.html


def test_kiosk_left_open_overnight_still_signs_in(client: FlaskClient, app: Flask) -> None:
    """reliability.md F7: a start page left open for 25 hours works at the next tap."""
    from kiosk import clock

    kiosk = Kiosk(client)
    clock.advance(25 * 3600)
    with app.app_context():
        group_id = make_session(collect_names=False).id
    kiosk.start(group_id)
    kiosk.tap("visit-first")
    assert "Thank you — you're all set" in kiosk.html
    with app.app_context():
        assert len(signins()) == 1


def test_flow_abandoned_for_hours_starts_over_with_a_message(
    client: FlaskClient, app: Flask
) -> None:
    from kiosk import clock

    with app.app_context():
        group_id = make_session(collect_names=False, minutes=12 * 60).id
    kiosk = Kiosk(client)
    kiosk.start(group_id)
    clock.advance(signin_services.FORM_TOKEN_MAX_AGE + 60)
    response = kiosk.tap("visit-first")
    assert response.status_code == 200 and response.headers["HX-Redirect"] == "/"
    assert "Let&#39;s start again" in client.get("/").get_data(as_text=True)
    with app.app_context():
        assert signins() == []
