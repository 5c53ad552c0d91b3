"""The session cookie is verified once per distinct cookie (kiosk/session_cookie.py)."""

from __future__ import annotations

from flask import Flask, session
from flask.sessions import SecureCookieSessionInterface

from kiosk.session_cookie import RememberingSessionInterface


def _cookie(app: Flask, values: dict[str, object]) -> str:
    serializer = SecureCookieSessionInterface().get_signing_serializer(app)
    assert serializer is not None
    return str(serializer.dumps(values))


def _open(app: Flask, cookie: str) -> dict[str, object]:
    name = app.config["SESSION_COOKIE_NAME"]
    with app.test_request_context("/", headers={"Cookie": f"{name}={cookie}"}):
        return dict(session)


def test_the_app_uses_the_remembering_interface(app: Flask) -> None:
    assert isinstance(app.session_interface, RememberingSessionInterface)


def test_each_request_gets_its_own_session_from_a_remembered_cookie(app: Flask) -> None:
    cookie = _cookie(app, {"lang": "es"})
    name = app.config["SESSION_COOKIE_NAME"]
    with app.test_request_context("/", headers={"Cookie": f"{name}={cookie}"}):
        session["lang"] = "en"  # this request's change, not yet sent back as a cookie
        session["extra"] = "x"
    assert _open(app, cookie) == {"lang": "es"}
    assert _open(app, cookie) == {"lang": "es"}


def test_a_tampered_cookie_is_not_trusted(app: Flask) -> None:
    cookie = _cookie(app, {"lang": "es"})
    assert _open(app, cookie) == {"lang": "es"}
    _payload, _, signature = cookie.partition(".")
    forged = _cookie(app, {"lang": "en"}).partition(".")[0] + "." + signature
    assert _open(app, forged) == {}


def test_a_flash_is_shown_once_even_from_the_same_cookie(app: Flask) -> None:
    cookie = _cookie(app, {"_flashes": [("info", "Hello")]})
    name = app.config["SESSION_COOKIE_NAME"]
    for _ in range(2):
        with app.test_request_context("/", headers={"Cookie": f"{name}={cookie}"}):
            assert session["_flashes"] == [("info", "Hello")]
            session["_flashes"].pop()  # what get_flashed_messages does
