"""Staff-only words never reach attendees (issue 8, point 7).

Crisis lines and resources keep public text and staff notes apart; attendees see "Checked by
staff in <Month Year>" only when staff did check, and nothing at all when not.
"""

from __future__ import annotations

import flask_migrate
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, text

from kiosk import clock
from kiosk.extensions import db
from kiosk.help import services
from kiosk.help.models import CrisisLine
from kiosk.i18n import month_year
from tests.conftest import post_form
from tests.resources.conftest import make_service

STAFF_ONLY = "The keyword varies by campaign; check it."


def _month(app: Flask) -> str:
    with app.test_request_context():
        return month_year(clock.utcnow())


def test_get_help_now_shows_public_text_only(client: FlaskClient, app: Flask) -> None:
    page = client.get("/help").get_data(as_text=True)
    assert STAFF_ONLY not in page and "check it" not in page
    assert "TTY or relay users can dial 711 then 988." in page  # public text still shown
    # Nothing was checked yet: no "checked" line, and no "not checked" line either.
    assert "Checked by staff" not in page and "not" + " yet checked" not in page.lower()
    with app.app_context():
        line = db.session.scalars(
            select(CrisisLine).where(CrisisLine.name == "988 Suicide & Crisis Lifeline")
        ).one()
        services.verify_line(line.id, "admin")
    page = client.get("/help").get_data(as_text=True)
    assert page.count(f"Checked by staff in {_month(app)}") == 1


def test_staff_see_their_notes_on_the_lines_page(admin_client: FlaskClient, app: Flask) -> None:
    admin_client.get("/help")  # seeds the starter lines
    page = admin_client.get("/staff/help/lines?country=US").get_data(as_text=True)
    assert STAFF_ONLY in page


def test_resource_staff_notes_stay_on_staff_pages(
    admin_client: FlaskClient, client: FlaskClient, app: Flask
) -> None:
    with app.app_context():
        service = make_service(name="Harbor Warm Line", phone="(202) 555-0123")
    detail = client.get(f"/resources/{service.uuid}").get_data(as_text=True)
    assert "Checked by staff" not in detail and "checked by staff." not in detail
    edit_url = f"/staff/resources/{service.uuid}/edit"
    form = admin_client.get(edit_url).get_data(as_text=True)
    assert 'name="staff_notes"' in form
    data = {"name": "Harbor Warm Line", "organization_name": "Test Org", "phone": "(202) 555-0123"}
    data.update(cost="", status="active", staff_notes="Ask for Dana; intake is slow on Mondays.")
    response = post_form(admin_client, edit_url, data, page=edit_url)
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    assert "Ask for Dana" in admin_client.get(edit_url).get_data(as_text=True)
    for path in (f"/resources/{service.uuid}", f"/resources/{service.uuid}/slip"):
        assert "Ask for Dana" not in client.get(path).get_data(as_text=True)
    from kiosk.resources import interchange

    with app.app_context():
        for kind in interchange.FORMATS:
            assert b"Ask for Dana" not in interchange.export(kind)
    post_form(admin_client, f"/staff/resources/{service.uuid}/verify", {}, page=edit_url)
    detail = client.get(f"/resources/{service.uuid}").get_data(as_text=True)
    assert f"Checked by staff in {_month(app)}" in detail


@pytest.mark.parametrize(
    ("old", "public", "staff"),
    [
        (STAFF_ONLY, "", STAFF_ONLY),
        ("Free to call.", "Free to call.", ""),
        ("Ask Sam before sharing this one.", "", "Ask Sam before sharing this one."),
    ],
)
def test_migration_splits_existing_notes(app: Flask, old: str, public: str, staff: str) -> None:
    with app.app_context():
        # Only the old line below (the fixture seeded the starter lines, as start-up does).
        db.session.execute(text("DELETE FROM crisis_lines"))
        db.session.commit()
        flask_migrate.downgrade(revision="0004_help")
        try:
            db.session.execute(
                text(
                    "INSERT INTO crisis_lines (country, name, number, how, hours, languages,"
                    " notes, is_emergency, sort_order, created_at) VALUES ('US', 'L', '1',"
                    " 'call', '', '', :notes, false, 1, CURRENT_TIMESTAMP)"
                ),
                {"notes": old},
            )
            db.session.commit()
        finally:
            db.session.remove()
            flask_migrate.upgrade()
        row = db.session.execute(text("SELECT public_note, staff_notes FROM crisis_lines")).one()
        assert tuple(row) == (public, staff)
