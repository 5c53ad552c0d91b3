"""The roster poll carries its version: unchanged → 204 (htmx swaps nothing), changed → the
new roster with the new version in its poll URL."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, text

from kiosk.extensions import db
from kiosk.security import SECURITY_HEADERS
from kiosk.sessions import services
from tests.conftest import Staff
from tests.sessions.helpers import make_session

HX = {"HX-Request": "true"}


def _poll_url(html: str) -> str:
    match = re.search(r'<section id="roster"[^>]*hx-get="([^"]+)"', html)
    assert match, "the roster has no poll URL"
    return match.group(1).replace("&amp;", "&")


def test_unchanged_poll_is_204_then_a_sign_in_brings_the_new_roster(
    app: Flask, facilitator_client: FlaskClient
) -> None:
    with app.app_context():
        group_id = make_session(collect_names=False).id
        services.record_signin(group_id, form_token=None, visit="first")
    console = facilitator_client.get(f"/staff/sessions/{group_id}").get_data(as_text=True)
    url = _poll_url(console)
    unchanged = facilitator_client.get(url, headers=HX)
    assert unchanged.status_code == 204
    assert unchanged.get_data() == b""
    with app.app_context():
        services.record_signin(group_id, form_token=None, visit="returning")
    changed = facilitator_client.get(url, headers=HX)
    assert changed.status_code == 200
    html = changed.get_data(as_text=True)
    assert html.lstrip().startswith('<section id="roster"')  # the fragment, not the page
    assert "Guest 2" in html
    assert '<dd data-count="total">2</dd>' in html
    assert _poll_url(html) != url
    assert facilitator_client.get(_poll_url(html), headers=HX).status_code == 204


def test_removing_an_entry_or_purging_names_changes_the_version(
    app: Flask, facilitator_client: FlaskClient
) -> None:
    with app.app_context():
        group_id = make_session().id
        kept = services.record_signin(group_id, form_token=None, name="Ana").id
        gone = services.record_signin(group_id, form_token=None, name="Bo").id
        first = services.roster_version(group_id)
        services.remove_signin(group_id, gone)
        second = services.roster_version(group_id)
        assert second != first
        from kiosk.extensions import db
        from kiosk.sessions.models import SignIn

        db.session.get_one(SignIn, kept).name = None  # as the retention purge does
        db.session.commit()
        assert services.roster_version(group_id) != second


def test_a_full_page_load_of_the_poll_url_is_never_204(
    app: Flask, facilitator_client: FlaskClient
) -> None:
    with app.app_context():
        group_id = make_session().id
    url = _poll_url(facilitator_client.get(f"/staff/sessions/{group_id}").get_data(as_text=True))
    response = facilitator_client.get(url)
    assert response.status_code == 200
    assert "<html" in response.get_data(as_text=True)


def test_polling_a_session_that_is_gone_is_404_not_204(facilitator_client: FlaskClient) -> None:
    # The version and the session's existence come from one query; "0.0.0" is what an empty
    # roster's poll carries, so an unknown session must not be taken for an unchanged one.
    response = facilitator_client.get("/staff/sessions/nope/roster?v=0.0.0", headers=HX)
    assert response.status_code == 404


# ---- the unchanged poll's short path (issue 14): one query, and nothing cached ----------------


def _polling_facilitator(app: Flask, staff: Staff) -> tuple[FlaskClient, int, str]:
    """A logged-in facilitator's client, their account id, and an unchanged roster poll URL."""
    user_id = staff.create("poller")
    client = app.test_client()
    staff.login(client, "poller")
    with app.app_context():
        group_id = make_session().id
    url = _poll_url(client.get(f"/staff/sessions/{group_id}").get_data(as_text=True))
    assert client.get(url, headers=HX).status_code == 204
    return client, user_id, url


def _sql(app: Flask, statement: str, **params: object) -> None:
    with app.app_context(), db.engine.begin() as connection:
        connection.execute(text(statement), params)


@contextmanager
def _selects(app: Flask) -> Iterator[list[str]]:
    """The SELECT statements the app runs inside the block."""
    statements: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def test_the_unchanged_204_keeps_the_security_headers(app: Flask, staff: Staff) -> None:
    client, _user_id, url = _polling_facilitator(app, staff)
    response = client.get(url, headers=HX)
    assert response.status_code == 204
    for name, value in SECURITY_HEADERS.items():
        assert response.headers[name] == value
    assert response.headers["Cache-Control"] == "no-store"


def test_an_unchanged_poll_is_one_query(app: Flask, staff: Staff) -> None:
    client, _user_id, url = _polling_facilitator(app, staff)
    with _selects(app) as statements:
        assert client.get(url, headers=HX).status_code == 204
    assert len(statements) == 1, statements


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        # Logout elsewhere, disable, password reset: the session rows are deleted.
        ("DELETE FROM staff_sessions WHERE user_id = :user_id", "login"),
        # An account switched off without its sessions deleted (by hand, another process).
        ("UPDATE users SET active = false WHERE id = :user_id", "login"),
        # Idle past the limit.
        (
            "UPDATE staff_sessions SET last_active_at = '2000-01-01 00:00:00' "
            "WHERE user_id = :user_id",
            "login",
        ),
        # Made a peer supporter: no console any more.
        ("UPDATE users SET role = 'peer' WHERE id = :user_id", "forbidden"),
    ],
)
def test_an_unchanged_poll_sees_the_session_end_at_once(
    app: Flask, staff: Staff, change: str, expected: str
) -> None:
    client, user_id, url = _polling_facilitator(app, staff)
    _sql(app, change, user_id=user_id)  # outside this process's ORM, as another process would
    response = client.get(url, headers=HX)
    if expected == "login":
        assert response.status_code == 200
        assert response.headers["HX-Redirect"] == "/staff/login"
    else:
        assert response.status_code == 403


# ---- the changed poll's short path (issue 14): two queries, the same people, the same headers --


def _stale(url: str) -> str:
    """The poll URL as a console showing an older roster sends it."""
    return re.sub(r"v=[^&]*", "v=older", url)


def test_a_changed_poll_is_two_queries_and_keeps_the_headers(app: Flask, staff: Staff) -> None:
    client, _user_id, url = _polling_facilitator(app, staff)
    with _selects(app) as statements:
        response = client.get(_stale(url), headers=HX)
    assert response.status_code == 200
    assert response.get_data(as_text=True).lstrip().startswith('<section id="roster"')
    # The staff session with the version, then the roster: no account, alert bar or group row.
    assert len(statements) == 2, statements
    for name, value in SECURITY_HEADERS.items():
        assert response.headers[name] == value
    assert response.headers["Cache-Control"] == "no-store"
    assert "HX-Request" in response.headers["Vary"]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ("DELETE FROM staff_sessions WHERE user_id = :user_id", "login"),
        ("UPDATE users SET active = false WHERE id = :user_id", "login"),
        (
            "UPDATE staff_sessions SET last_active_at = '2000-01-01 00:00:00' "
            "WHERE user_id = :user_id",
            "login",
        ),
        (
            "UPDATE staff_sessions SET created_at = '2000-01-01 00:00:00' WHERE user_id = :user_id",
            "login",
        ),
        ("UPDATE users SET role = 'peer' WHERE id = :user_id", "forbidden"),
    ],
)
def test_a_changed_poll_shows_no_names_once_the_session_ended(
    app: Flask, staff: Staff, change: str, expected: str
) -> None:
    client, user_id, url = _polling_facilitator(app, staff)
    group_id = url.split("/")[3]
    with app.app_context():
        services.record_signin(group_id, form_token=None, name="Rosalind")
    assert "Rosalind" in client.get(_stale(url), headers=HX).get_data(as_text=True)
    _sql(app, change, user_id=user_id)  # outside this process's ORM, as another process would
    response = client.get(_stale(url), headers=HX)
    assert "Rosalind" not in response.get_data(as_text=True)
    if expected == "login":
        assert response.status_code == 200
        assert response.headers["HX-Redirect"] == "/staff/login"
    else:
        assert response.status_code == 403


def test_a_changed_poll_of_a_session_that_is_gone_is_404(app: Flask, staff: Staff) -> None:
    client, _user_id, url = _polling_facilitator(app, staff)
    assert client.get(_stale(url.replace(url.split("/")[3], "nope")), headers=HX).status_code == 404
