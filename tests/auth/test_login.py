"""Staff login, logout, throttling and revocable sessions (research/reliability.md A-items)."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kiosk import clock
from kiosk.auth import services
from kiosk.auth.access import SESSION_TOKEN_KEY
from tests.conftest import PASSWORD, Staff, csrf_from, post_form


def test_login_then_staff_home(client: FlaskClient, staff: Staff) -> None:
    staff.create("rosa", "facilitator")
    response = staff.login(client, "rosa")
    assert response.status_code == 302
    assert response.headers["Location"] == "/staff/"
    assert "Hello, rosa" in client.get("/staff/").get_data(as_text=True)


def test_login_names_are_case_insensitive(client: FlaskClient, staff: Staff) -> None:
    staff.create("rosa", "facilitator")
    assert staff.login(client, "ROSA").status_code == 302


@pytest.mark.parametrize(
    ("username", "password"),
    [
        ("rosa", "wrong password entirely"),
        ("nobody", PASSWORD),
        ("rosa", ""),
        ("", PASSWORD),
    ],
)
def test_bad_login_is_refused_with_one_message(
    client: FlaskClient, staff: Staff, username: str, password: str
) -> None:
    staff.create("rosa", "facilitator")
    response = staff.login(client, username, password)
    assert response.status_code in (400, 401)
    assert client.get("/staff/").status_code == 302
    if username and password:
        assert "That username and password do not match." in response.get_data(as_text=True)


def test_next_parameter_is_followed_only_within_the_site(client: FlaskClient, staff: Staff) -> None:
    staff.create("rosa", "admin")
    token = csrf_from(client.get("/staff/login").get_data(as_text=True))
    form = {"username": "rosa", "password": PASSWORD, "csrf_token": token}
    response = client.post("/staff/login?next=//evil.example/x", data=form)
    assert response.headers["Location"] == "/staff/"
    client.post("/staff/logout", data={"csrf_token": token})
    token = csrf_from(client.get("/staff/login").get_data(as_text=True))
    form["csrf_token"] = token
    response = client.post("/staff/login?next=/staff/admin/users", data=form)
    assert response.headers["Location"] == "/staff/admin/users"


def test_staff_page_redirects_anonymous_to_login(client: FlaskClient) -> None:
    response = client.get("/staff/admin/users")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/staff/login")


def test_htmx_request_without_session_gets_hx_redirect(client: FlaskClient) -> None:
    response = client.get("/staff/", headers={"HX-Request": "true"})
    assert response.headers["HX-Redirect"] == "/staff/login"


def test_cookie_replayed_after_logout_lands_on_login(
    app: Flask, client: FlaskClient, staff: Staff
) -> None:
    staff.create("rosa", "admin")
    staff.login(client, "rosa")
    stolen = client.get_cookie("porchlight")
    assert stolen is not None
    post_form(client, "/staff/logout", page="/staff/")
    thief = app.test_client()
    thief.set_cookie("porchlight", stolen.value)
    response = thief.get("/staff/admin/users")
    assert response.status_code == 302
    assert "/staff/login" in response.headers["Location"]


def test_the_language_chosen_on_the_login_page_stays_after_login_and_logout(
    client: FlaskClient, staff: Staff
) -> None:
    staff.create("rosa", "facilitator")
    page = client.get("/staff/login").get_data(as_text=True)
    client.post(
        "/language", data={"lang": "es", "next": "/staff/login", "csrf_token": csrf_from(page)}
    )
    staff.login(client, "rosa")
    home = client.get("/staff/").get_data(as_text=True)
    assert '<html lang="es"' in home
    post_form(client, "/staff/logout", page="/staff/")
    assert '<html lang="es"' in client.get("/staff/login").get_data(as_text=True)


def test_session_id_rotates_at_login(app: Flask, client: FlaskClient, staff: Staff) -> None:
    staff.create("rosa", "facilitator")
    staff.login(client, "rosa")
    with client.session_transaction() as first:
        first_token = first[SESSION_TOKEN_KEY]
    post_form(client, "/staff/logout", page="/staff/")
    staff.login(client, "rosa")
    with client.session_transaction() as second:
        assert second[SESSION_TOKEN_KEY] != first_token
    with app.app_context():
        # Only the hash of the token is stored; the cookie's token is not in the database.
        assert services.db.session.get(services.StaffSession, first_token) is None


def test_six_wrong_passwords_throttle_that_account_only(client: FlaskClient, staff: Staff) -> None:
    staff.create("rosa", "facilitator")
    staff.create("sam", "facilitator")
    for _ in range(5):
        assert staff.login(client, "rosa", "not the password").status_code == 401
    sixth = staff.login(client, "rosa", "not the password")
    assert sixth.status_code == 429
    assert "Too many tries for this account" in sixth.get_data(as_text=True)
    # Even the right password waits out the minute...
    assert staff.login(client, "rosa").status_code == 429
    # ...while another account is untouched.
    other = staff.app.test_client()
    assert staff.login(other, "sam").status_code == 302
    clock.advance(61)
    assert staff.login(client, "rosa").status_code == 302


def test_unknown_names_are_throttled_too(client: FlaskClient) -> None:
    from tests.conftest import Staff as _Staff

    helper = _Staff(client.application)
    statuses = [helper.login(client, "ghost", "whatever it is").status_code for _ in range(6)]
    assert statuses == [401] * 5 + [429]


def test_idle_timeout_after_30_minutes(client: FlaskClient, staff: Staff) -> None:
    staff.create("rosa", "facilitator")
    staff.login(client, "rosa")
    clock.advance(29 * 60)
    assert client.get("/staff/").status_code == 200
    clock.advance(29 * 60)  # activity above reset the idle clock
    assert client.get("/staff/").status_code == 200
    clock.advance(31 * 60)
    assert client.get("/staff/").status_code == 302


def test_absolute_timeout_after_12_hours(client: FlaskClient, staff: Staff) -> None:
    staff.create("rosa", "facilitator")
    staff.login(client, "rosa")
    for _ in range(25):  # busy all day: never idle, yet the session ends at 12 h
        clock.advance(29 * 60)
        if client.get("/staff/").status_code != 200:
            break
    assert client.get("/staff/").status_code == 302


def test_polling_does_not_count_as_activity(app: Flask, client: FlaskClient, staff: Staff) -> None:
    from kiosk.auth.access import staff_required
    from kiosk.web import polling

    @app.route("/staff/test-poll")
    @polling
    @staff_required
    def poll() -> str:
        return "fresh"

    staff.create("rosa", "facilitator")
    staff.login(client, "rosa")
    for _ in range(10):  # 40 minutes of polling every 4 minutes
        clock.advance(4 * 60)
        client.get("/staff/test-poll")
    assert client.get("/staff/").status_code == 302


def test_disabling_an_account_ends_its_sessions(
    app: Flask, staff: Staff, admin_client: FlaskClient
) -> None:
    user_id = staff.create("rosa", "facilitator")
    rosa = app.test_client()
    staff.login(rosa, "rosa")
    assert rosa.get("/staff/").status_code == 200
    post_form(
        admin_client,
        f"/staff/admin/users/{user_id}/active",
        {"active": "0"},
        page="/staff/admin/users",
    )
    assert rosa.get("/staff/").status_code == 302
    assert staff.login(app.test_client(), "rosa").status_code == 401


def test_password_reset_ends_existing_sessions(
    app: Flask, staff: Staff, admin_client: FlaskClient
) -> None:
    user_id = staff.create("rosa", "facilitator")
    rosa = app.test_client()
    staff.login(rosa, "rosa")
    url = f"/staff/admin/users/{user_id}/password"
    response = post_form(
        admin_client,
        url,
        {"password": "a brand new passphrase", "confirm": "a brand new passphrase"},
    )
    assert response.status_code == 303
    assert rosa.get("/staff/").status_code == 302
    assert staff.login(app.test_client(), "rosa", "a brand new passphrase").status_code == 302
