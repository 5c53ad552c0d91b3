"""The roster poll carries its version: unchanged → 204 (htmx swaps nothing), changed → the
new roster with the new version in its poll URL."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from kiosk.sessions import services
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
