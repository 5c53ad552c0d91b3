"""Issue 9 point 3: every ``next`` is followed only within the site, read as a browser reads it."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from kiosk.inputs import safe_target
from tests.conftest import Staff, csrf_from

# Each of these, followed by a browser, would leave the site (or is not a plain path).
HOSTILE = [
    "/%09/evil.example",  # the tab is dropped by the browser: //evil.example
    "/%0a/evil.example",
    "/%0d%0a/evil.example",
    "//evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "https://evil.example/",
    "%20//evil.example",
    "/%00/evil.example",
    "javascript:alert(1)",
]


@pytest.mark.parametrize("target", HOSTILE)
def test_login_next_never_leaves_the_site(client: FlaskClient, staff: Staff, target: str) -> None:
    staff.create("fern")
    token = csrf_from(client.get("/staff/login").get_data(as_text=True))
    form = {"username": "fern", "password": "correct horse battery staple", "csrf_token": token}
    response = client.post(f"/staff/login?next={target}", data=form)
    assert response.status_code == 302
    assert response.headers["Location"] == "/staff/"


@pytest.mark.parametrize("target", HOSTILE)
def test_language_switch_never_leaves_the_site(client: FlaskClient, target: str) -> None:
    token = csrf_from(client.get("/").get_data(as_text=True))
    from urllib.parse import unquote

    response = client.post(
        "/language", data={"lang": "es", "next": unquote(target), "csrf_token": token}
    )
    assert response.status_code == 303
    assert response.headers["Location"] == "/"


def test_language_switch_returns_to_the_page() -> None:
    assert safe_target("/help?x=1", "/") == "/help?x=1"
    assert safe_target("/\t/evil.example", "/") == "/"
    assert safe_target("/a\r\nSet-Cookie: x=1", "/") == "/"
