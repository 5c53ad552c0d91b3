"""Admins list, add, disable, re-role and reset staff accounts."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kiosk.auth import services
from tests.conftest import Staff, post_form

USERS = "/staff/admin/users"


def _accounts(app: Flask) -> dict[str, tuple[str, bool]]:
    with app.app_context():
        return {u.username: (u.role, u.active) for u in services.list_users()}


def test_users_page_and_fragment(admin_client: FlaskClient) -> None:
    page = admin_client.get(USERS).get_data(as_text=True)
    assert "<html" in page and "Add an account" in page
    fragment = admin_client.get(USERS, headers={"HX-Request": "true"})
    assert fragment.headers["Vary"] and "HX-Request" in fragment.headers["Vary"]
    body = fragment.get_data(as_text=True)
    assert "<html" not in body and 'id="users"' in body


def test_admin_adds_an_account(app: Flask, admin_client: FlaskClient) -> None:
    response = post_form(
        admin_client,
        USERS,
        {
            "username": "Jo",
            "role": "facilitator",
            "password": "sunny mornings by the sea",
            "confirm": "sunny mornings by the sea",
        },
    )
    assert response.status_code == 303
    assert _accounts(app)["jo"] == ("facilitator", True)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"username": "jo", "role": "facilitator", "password": "short", "confirm": "short"},
            "Use at least 12 characters.",
        ),
        (
            {
                "username": "jo",
                "role": "facilitator",
                "password": "sunny mornings by the sea",
                "confirm": "sunny evenings by the sea",
            },
            "The two passwords are not the same.",
        ),
        (
            {
                "username": "no spaces!",
                "role": "facilitator",
                "password": "sunny mornings by the sea",
                "confirm": "sunny mornings by the sea",
            },
            "Use 2 to 64 letters",
        ),
        (
            {
                "username": "jo",
                "role": "owner",
                "password": "sunny mornings by the sea",
                "confirm": "sunny mornings by the sea",
            },
            "Not a valid choice",
        ),
        (
            {
                "username": "admin",
                "role": "admin",
                "password": "sunny mornings by the sea",
                "confirm": "sunny mornings by the sea",
            },
            "That username is taken.",
        ),
    ],
)
def test_bad_new_account_is_refused_and_nothing_stored(
    app: Flask, admin_client: FlaskClient, data: dict[str, str], message: str
) -> None:
    before = _accounts(app)
    response = post_form(admin_client, USERS, data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert _accounts(app) == before


def test_change_role(app: Flask, staff: Staff, admin_client: FlaskClient) -> None:
    user_id = staff.create("jo", "facilitator")
    post_form(admin_client, f"{USERS}/{user_id}/role", {"role": "admin"}, page=USERS)
    assert _accounts(app)["jo"] == ("admin", True)


def test_the_last_admin_cannot_be_disabled_or_demoted(
    app: Flask, admin_client: FlaskClient
) -> None:
    with app.app_context():
        admin_id = next(u.id for u in services.list_users() if u.username == "admin")
    response = post_form(admin_client, f"{USERS}/{admin_id}/active", {"active": "0"}, page=USERS)
    assert response.status_code == 303
    post_form(admin_client, f"{USERS}/{admin_id}/role", {"role": "facilitator"}, page=USERS)
    assert _accounts(app)["admin"] == ("admin", True)
    assert "at least one active admin" in admin_client.get(USERS).get_data(as_text=True)


def test_disable_and_enable(app: Flask, staff: Staff, admin_client: FlaskClient) -> None:
    user_id = staff.create("jo", "facilitator")
    post_form(admin_client, f"{USERS}/{user_id}/active", {"active": "0"}, page=USERS)
    assert _accounts(app)["jo"] == ("facilitator", False)
    post_form(admin_client, f"{USERS}/{user_id}/active", {"active": "1"}, page=USERS)
    assert _accounts(app)["jo"] == ("facilitator", True)


def test_reset_password_refuses_a_common_one(
    app: Flask, staff: Staff, admin_client: FlaskClient
) -> None:
    user_id = staff.create("jo", "facilitator")
    response = post_form(
        admin_client,
        f"{USERS}/{user_id}/password",
        {"password": "password1234", "confirm": "password1234"},
    )
    assert response.status_code == 400
    assert "too common" in response.get_data(as_text=True)
    with app.app_context():
        assert services.authenticate("jo", "correct horse battery staple")
