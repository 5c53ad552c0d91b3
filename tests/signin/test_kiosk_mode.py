"""Enrolled kiosks: the admin enrolls this browser, the kiosk reaches only kiosk pages, leaving
needs a staff password, admins list and revoke."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from kiosk.extensions import db
from kiosk.signin.models import KioskDevice
from kiosk.signin.routes import KIOSK_ALLOWED_STAFF_ENDPOINTS, KIOSK_COOKIE
from tests.conftest import Staff, csrf_from
from tests.role_matrix import load_all


def enroll(client: FlaskClient, name: str = "Lobby tablet") -> Any:
    token = csrf_from(client.get("/staff/kiosks").get_data(as_text=True))
    return client.post("/staff/kiosks", data={"name": name, "csrf_token": token})


def _cookie(client: FlaskClient) -> str:
    """The kiosk cookie's value (the test fails here when it was not set)."""
    cookie = client.get_cookie(KIOSK_COOKIE)
    assert cookie is not None
    return cookie.value


def test_admin_enrolls_this_browser_which_is_logged_out(
    admin_client: FlaskClient, app: Flask
) -> None:
    response = enroll(admin_client)
    assert response.status_code == 303 and response.headers["Location"] == "/"
    cookie_header = next(
        v for k, v in response.headers.items() if k == "Set-Cookie" and v.startswith(KIOSK_COOKIE)
    )
    assert "HttpOnly" in cookie_header and "SameSite=Lax" in cookie_header
    token = _cookie(admin_client)
    with app.app_context():
        device = db.session.scalars(select(KioskDevice)).one()
        assert device.name == "Lobby tablet" and device.token_hash != token
        assert token not in device.token_hash
    # The admin's staff session on this browser ended.
    assert admin_client.get("/staff/").headers["Location"] == "/"


@pytest.mark.parametrize("name", ["", "   ", "x" * 61])
def test_kiosk_needs_a_name(admin_client: FlaskClient, app: Flask, name: str) -> None:
    response = enroll(admin_client, name)
    assert response.status_code == 400
    assert admin_client.get_cookie(KIOSK_COOKIE) is None
    with app.app_context():
        assert db.session.scalars(select(KioskDevice)).all() == []


def test_facilitators_cannot_enroll(facilitator_client: FlaskClient) -> None:
    assert facilitator_client.get("/staff/kiosks").status_code == 403


def _all_staff_requests(app: Flask, values: dict[str, Any]) -> list[tuple[str, str]]:
    """Every staff rule in the url_map with every method, ids filled from the matrix setup."""
    routes, _ = load_all()
    requests = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/staff") or rule.endpoint in KIOSK_ALLOWED_STAFF_ENDPOINTS:
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            # Use the matrix's path for this endpoint if there is one (real ids), else the rule.
            cases = [c for c in routes.get(rule.endpoint, []) if c.method == method]
            path = cases[0].path.format(**values) if cases else rule.rule
            path = re.sub(r"<(?:int:)?[a-z_]+>", "1", path)
            requests.append((method, path))
    return requests


def test_enrolled_kiosk_gets_no_staff_data_from_any_staff_url(app: Flask, staff: Staff) -> None:
    _, setups = load_all()
    values: dict[str, Any] = {}
    with app.app_context():
        for setup in setups:
            values.update(setup(app))
    # An admin enrolls this browser, then logs in again on it: even a logged-in admin's
    # browser, once it is a kiosk, gets nothing from staff URLs.
    kiosk = staff.client_for("admin", "kiosk-admin")
    assert enroll(kiosk).status_code == 303
    staff.login(kiosk, "kiosk-admin")
    requests = _all_staff_requests(app, values)
    assert len(requests) > 20
    token = csrf_from(kiosk.get("/").get_data(as_text=True))
    for method, path in requests:
        response = kiosk.open(path, method=method, data={"csrf_token": token})
        body = response.get_data(as_text=True)
        assert response.status_code == 303, (method, path, response.status_code)
        assert response.headers["Location"] == "/signin/kiosk-mode", (method, path)
        assert "Matrix" not in body and "kiosk-admin" not in body, (method, path)
    # Without a CSRF token too: the gate answers before the CSRF check's staff error page.
    for method, path in requests:
        if method == "POST":
            response = kiosk.post(path)
            assert response.status_code == 303, (path, response.status_code)
            assert "kiosk-admin" not in response.get_data(as_text=True)
    # htmx requests get the redirect as a header too.
    response = kiosk.get(
        f"/staff/sessions/{values['session']}/roster", headers={"HX-Request": "true"}
    )
    assert response.headers["HX-Redirect"] == "/signin/kiosk-mode"
    leave_page = kiosk.get("/signin/kiosk-mode").get_data(as_text=True)
    assert "Matrix" not in leave_page
    # Logged out, the kiosk is sent to its start page instead.
    kiosk.post("/staff/logout", data={"csrf_token": token})
    token = csrf_from(kiosk.get("/").get_data(as_text=True))
    for method, path in requests:
        response = kiosk.open(path, method=method, data={"csrf_token": token})
        assert response.status_code == 303 and response.headers["Location"] == "/", path
        assert "Matrix" not in response.get_data(as_text=True)
    assert kiosk.get("/").status_code == 200


def test_leaving_kiosk_mode_needs_a_staff_login(
    admin_client: FlaskClient, app: Flask, staff: Staff
) -> None:
    staff.create("sam", "facilitator")
    enroll(admin_client)
    page = admin_client.get("/signin/kiosk-mode").get_data(as_text=True)
    assert "Lobby tablet" in page and "Staff login" in page
    # Not logged in: the button does nothing but ask for a login.
    token = csrf_from(page)
    response = admin_client.post("/signin/kiosk-mode", data={"csrf_token": token})
    assert "/staff/login" in response.headers["Location"]
    assert admin_client.get("/staff/sessions").headers["Location"] == "/"  # still a kiosk
    # A wrong password changes nothing.
    assert staff.login(admin_client, "sam", "not the password").status_code == 401
    assert admin_client.get("/staff/sessions").headers["Location"] == "/"
    # Logged in on the kiosk: every staff URL leads to the leave page, never to staff data.
    staff.login(admin_client, "sam")
    assert admin_client.get("/staff/").headers["Location"] == "/signin/kiosk-mode"
    page = admin_client.get("/signin/kiosk-mode").get_data(as_text=True)
    response = admin_client.post("/signin/kiosk-mode", data={"csrf_token": csrf_from(page)})
    assert response.status_code == 303 and response.headers["Location"] == "/staff/"
    assert admin_client.get_cookie(KIOSK_COOKIE) is None
    assert admin_client.get("/staff/").status_code == 200
    with app.app_context():
        assert db.session.scalars(select(KioskDevice)).one().revoked_at is not None


def test_admin_lists_and_revokes_kiosks(app: Flask, staff: Staff) -> None:
    tablet = staff.client_for("admin", "tablet-admin")
    enroll(tablet, "Hall tablet")
    token = _cookie(tablet)
    admin = staff.client_for("admin", "office-admin")
    listing = admin.get("/staff/kiosks").get_data(as_text=True)
    assert "Hall tablet" in listing and token not in listing
    with app.app_context():
        device_id = db.session.scalars(select(KioskDevice.id)).one()
    csrf = csrf_from(listing)
    assert (
        admin.post(f"/staff/kiosks/{device_id}/revoke", data={"csrf_token": csrf}).status_code
        == 303
    )
    assert "Revoked" in admin.get("/staff/kiosks").get_data(as_text=True)
    # The revoked cookie means nothing: staff pages answer as for anyone (the login page).
    assert "/staff/login" in tablet.get("/staff/sessions").headers["Location"]
