"""CSRF on every POST; failures are gentle on the kiosk; old kiosk pages keep working."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from kiosk import clock
from tests.conftest import csrf_from


def test_post_without_token_on_kiosk_returns_to_start_with_message(client: FlaskClient) -> None:
    response = client.post("/language", data={"lang": "es"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    page = client.get("/").get_data(as_text=True)
    assert "Let&#39;s start again." in page or "Let's start again." in page
    assert 'lang="en"' in page  # nothing from the failed request was applied


def test_htmx_post_without_token_on_kiosk_redirects_whole_page(client: FlaskClient) -> None:
    response = client.post("/language", data={"lang": "es"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response.headers["HX-Redirect"] == "/"


def test_post_with_wrong_token_is_refused(client: FlaskClient) -> None:
    client.get("/")
    response = client.post("/language", data={"lang": "es", "csrf_token": "forged"})
    assert response.status_code == 303
    assert 'lang="en"' in client.get("/").get_data(as_text=True)


def test_staff_csrf_failure_is_a_friendly_400(client: FlaskClient) -> None:
    response = client.post("/staff/login", data={"username": "a", "password": "b"})
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "That form had expired." in body
    assert "token is missing" not in body and "Bad Request" not in body


def test_token_in_htmx_header_is_accepted(client: FlaskClient) -> None:
    html = client.get("/").get_data(as_text=True)
    assert '"X-CSRFToken": "' in html  # htmx sends it from <body hx-headers>
    token = csrf_from(html)
    response = client.post(
        "/language",
        data={"lang": "es", "next": "/"},
        headers={"X-CSRFToken": token, "HX-Request": "true"},
    )
    assert response.status_code == 303
    assert 'lang="es"' in client.get("/").get_data(as_text=True)


def test_kiosk_page_left_open_12_hours_still_works(app: Flask, client: FlaskClient) -> None:
    token = csrf_from(client.get("/").get_data(as_text=True))
    clock.advance(12 * 3600 + 60)
    import time

    real = time.time
    try:
        # Flask-WTF reads time.time() for token age; move it as a real night would.
        time.time = lambda: real() + 12 * 3600 + 60
        response = client.post("/language", data={"lang": "es", "next": "/", "csrf_token": token})
    finally:
        time.time = real
    assert response.status_code == 303
    assert 'lang="es"' in client.get("/").get_data(as_text=True)
