"""First run without default credentials: the one-time setup link and the create-user command."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from kiosk import clock
from kiosk.auth import services
from tests.conftest import post_form


def _token(app: Flask) -> str:
    with app.app_context():
        return services.issue_setup_token()


def test_setup_link_creates_first_admin_once(app: Flask, client: FlaskClient) -> None:
    token = _token(app)
    url = f"/staff/setup/{token}"
    page = client.get(url)
    assert page.status_code == 200
    assert "Create the first admin account" in page.get_data(as_text=True)
    response = post_form(
        client,
        url,
        {
            "username": "coordinator",
            "password": "our center opens at nine",
            "confirm": "our center opens at nine",
        },
    )
    assert response.status_code == 302
    assert client.get("/staff/admin/users").status_code == 200
    # Single use: the link is gone for everyone, even a new browser.
    assert app.test_client().get(url).status_code == 404
    with app.app_context():
        users = services.list_users()
    assert [(u.username, u.role) for u in users] == [("coordinator", "admin")]


def test_setup_link_expires_after_24_hours(app: Flask, client: FlaskClient) -> None:
    token = _token(app)
    clock.advance(24 * 3600 + 1)
    assert client.get(f"/staff/setup/{token}").status_code == 404


def test_setup_link_is_useless_once_an_admin_exists(app: Flask, client: FlaskClient) -> None:
    token = _token(app)
    with app.app_context():
        services.create_user("someone", "admin", "a long enough password")
    assert client.get(f"/staff/setup/{token}").status_code == 404


@pytest.mark.parametrize(
    "password,message",
    [
        ("short one", "Use at least 12 characters."),
        ("password1234", "That password is too common."),
        ("aaaaaaaaaaaaaaaa", "That password is too common."),
        ("coordinator-secret", "The password must not contain the username."),
    ],
)
def test_setup_refuses_weak_passwords(
    app: Flask, client: FlaskClient, password: str, message: str
) -> None:
    token = _token(app)
    response = post_form(
        client,
        f"/staff/setup/{token}",
        {"username": "coordinator", "password": password, "confirm": password},
    )
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert services.list_users() == []


def test_any_characters_are_allowed_in_passwords(app: Flask) -> None:
    with app.app_context():
        user = services.create_user("ana", "facilitator", 'ñandú 🦤 "quotes" <tags> ✓')
        assert services.authenticate("ana", 'ñandú 🦤 "quotes" <tags> ✓').id == user.id


def test_passwords_are_stored_as_scrypt_hashes(app: Flask) -> None:
    with app.app_context():
        user = services.create_user("ana", "facilitator", "a long enough password")
        assert user.password_hash.startswith("scrypt:")
        assert "a long enough password" not in user.password_hash


def test_create_user_from_stdin(app: Flask, runner: FlaskCliRunner) -> None:
    result = runner.invoke(
        args=["create-user", "Lee", "--role", "facilitator", "--password-stdin"],
        input="a long enough password\n",
    )
    assert result.exit_code == 0, result.output
    assert "Created facilitator account lee." in result.output
    with app.app_context():
        assert services.authenticate("lee", "a long enough password").role == "facilitator"


def test_create_user_prompts_for_password(app: Flask, runner: FlaskCliRunner) -> None:
    result = runner.invoke(
        args=["create-user", "kim", "--role", "admin"],
        input="a long enough password\na long enough password\n",
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert services.admin_exists()


@pytest.mark.parametrize(
    "args,stdin,message",
    [
        (
            ["create-user", "lee", "--role", "facilitator", "--password-stdin"],
            "short\n",
            "at least 12 characters",
        ),
        (
            ["create-user", "lee", "--role", "facilitator", "--password-stdin"],
            "password1234\n",
            "too common",
        ),
        (
            ["create-user", "bad name!", "--role", "admin", "--password-stdin"],
            "a long enough password\n",
            "Username",
        ),
        (
            ["create-user", "lee", "--role", "owner", "--password-stdin"],
            "a long enough password\n",
            "Invalid value",
        ),
    ],
)
def test_create_user_refuses_bad_input(
    app: Flask, runner: FlaskCliRunner, args: list[str], stdin: str, message: str
) -> None:
    result = runner.invoke(args=args, input=stdin)
    assert result.exit_code != 0
    assert message in result.output
    with app.app_context():
        assert services.list_users() == []


def test_create_user_refuses_duplicates(app: Flask, runner: FlaskCliRunner) -> None:
    args = ["create-user", "lee", "--role", "facilitator", "--password-stdin"]
    assert runner.invoke(args=args, input="a long enough password\n").exit_code == 0
    result = runner.invoke(args=args, input="another long password\n")
    assert result.exit_code != 0
    assert "exists already" in result.output


def test_only_the_test_suite_hashes_cheaply(app: Flask) -> None:
    from kiosk.auth.services import hash_password

    with app.app_context():
        assert hash_password("a long enough password").startswith("scrypt:1024:1:1$")
        app.config.pop("PASSWORD_HASH_METHOD")  # as in production: Settings.testing is False
        assert hash_password("a long enough password").startswith("scrypt:32768:8:1$")
