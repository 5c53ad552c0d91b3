"""Security headers, friendly errors and health (research/reliability.md A4, A8, A10, B3)."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.exc import OperationalError

from kiosk.security import CONTENT_SECURITY_POLICY

EXPECTED_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
}


@pytest.mark.parametrize(
    "path", ["/", "/staff/login", "/healthz", "/no-such-page", "/static/css/base.css"]
)
def test_every_response_carries_security_headers(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    for name, value in EXPECTED_HEADERS.items():
        assert response.headers[name] == value
    csp = response.headers["Content-Security-Policy"]
    assert csp == CONTENT_SECURITY_POLICY
    for directive in (
        "default-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ):
        assert directive in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "Server" not in response.headers


@pytest.mark.parametrize("path", ["/", "/staff/login", "/no-such-page"])
def test_pages_are_never_stored(client: FlaskClient, path: str) -> None:
    assert client.get(path).headers["Cache-Control"] == "no-store"


def test_no_inline_script_or_style_in_pages(client: FlaskClient) -> None:
    for path in ("/", "/staff/login"):
        html = client.get(path).get_data(as_text=True)
        assert "<script>" not in html and "<style" not in html and " style=" not in html
        assert " onclick=" not in html and "javascript:" not in html


def test_friendly_404_has_no_internals(client: FlaskClient) -> None:
    response = client.get("/does/not/exist")
    body = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "We could not find that page." in body
    assert "Traceback" not in body and "werkzeug" not in body.lower()


def test_friendly_405(client: FlaskClient) -> None:
    response = client.delete("/")
    assert response.status_code == 405
    assert "That action is not available here." in response.get_data(as_text=True)


def test_request_too_large_gets_friendly_413(client: FlaskClient) -> None:
    response = client.post("/staff/login", data={"username": "x" * 2_000_000})
    assert response.status_code == 413
    assert "too much to send" in response.get_data(as_text=True)


def test_unexpected_error_is_a_friendly_500_without_traceback(
    app: Flask, client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    from flask import request

    @app.route("/boom")
    def boom() -> str:
        raise RuntimeError(f"detail typed by a visitor: {request.args['name']}")

    response = client.get("/boom?name=Alice")
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Something went wrong on our side" in body
    assert "Traceback" not in body and "Alice" not in body
    # The log says where it broke but not the message or the query, which may identify someone.
    assert "RuntimeError" in caplog.text
    assert "Alice" not in caplog.text


def test_healthz_ok(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "version": "0.1.0", "database": "ok", "disk": "ok"}


def test_healthz_503_when_database_unreachable(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kiosk.extensions import db

    def broken(*_args: object, **_kwargs: object) -> None:
        raise OperationalError("SELECT 1", {}, Exception("unable to open database file"))

    monkeypatch.setattr(db.session, "execute", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.get_json()
    assert body is not None
    assert (body["status"], body["database"]) == ("error", "unreachable")
