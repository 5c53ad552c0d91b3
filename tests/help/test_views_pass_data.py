"""Templates get data from views, never by calling query helpers (issue 10.3)."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from kiosk import ROOT
from kiosk.center import services as center
from kiosk.help import services
from tests.conftest import Staff, post_form

# The helpers that used to be template globals (a template calling them ran queries).
OLD_GLOBALS = ("quiet_word_label", "help_alert_context", "ops_alerts")


def test_no_template_calls_the_old_query_helpers(app: Flask) -> None:
    calls = re.compile(r"\b(" + "|".join(OLD_GLOBALS) + r")\s*\(")
    found = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "templates").rglob("*.html")
        if calls.search(path.read_text(encoding="utf-8"))
    ]
    assert found == []
    with app.test_request_context("/"):
        context: dict[str, object] = {}
        app.update_template_context(context)
    assert not set(OLD_GLOBALS) & set(context)
    assert not set(OLD_GLOBALS) & set(app.jinja_env.globals)


def test_the_centers_label_reaches_every_tile(client: FlaskClient, app: Flask) -> None:
    with app.app_context():
        center.save({"help.quiet_word_label": "Have a word with Sam"}, "admin")
    for path in ("/", "/help", "/quiet-word"):
        assert "Have a word with Sam" in client.get(path).get_data(as_text=True), path


def test_a_staff_page_has_the_alert_bar_filled_in(
    facilitator_client: FlaskClient, app: Flask
) -> None:
    with app.app_context():
        services.send_quiet_word("now", "by the window")
    page = facilitator_client.get("/staff/").get_data(as_text=True)
    bar = page[page.index('id="help-alerts-live"') :][:3000]
    assert "1 open help request" in bar and "by the window" in bar


def test_a_form_sent_back_after_a_post_still_gets_the_bar(
    admin_client: FlaskClient, app: Flask
) -> None:
    response = post_form(
        admin_client,
        "/staff/help/lines/new",
        {"country": "US", "name": "", "number": "12345", "how": "call"},
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    bar = page[page.index('id="help-alerts-live"') :][:600]
    assert 'hx-get="/staff/help/alerts?v=' in bar and "No open help requests." in bar


def test_peers_and_the_kiosk_do_not_get_the_bar(client: FlaskClient, staff: Staff) -> None:
    assert "help-alerts-live" not in client.get("/").get_data(as_text=True)
    peer = staff.client_for("peer")
    assert "help-alerts-live" not in peer.get("/staff/").get_data(as_text=True)
