"""Staff upkeep: create and edit with validation, verify, stale queue, archive, audit trail."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from kiosk.center import services as center
from kiosk.extensions import db
from kiosk.resources import services
from kiosk.resources.models import ResourceChange, ResourceService, ResourceViewCount
from tests.conftest import csrf_from, post_form

FORM = {
    "name": "Harbor Counseling",
    "organization_name": "Harbor Org",
    "phone": "202 555 0123",
    "website": "https://example.org/harbor",
    "email": "intake@example.org",
    "hours": "Mon-Fri 09:00-17:00",
    "hours_exceptions": "2026-12-25 closed",
    "cost": "free",
    "languages": "en, es",
    "categories": "counseling",
    "status": "active",
    "address": "1 Main St",
    "city": "Springfield",
    "region": "IL",
    "postal_code": "62701",
}


def _count(app: Flask) -> int:
    with app.app_context():
        return int(db.session.scalar(select(func.count()).select_from(ResourceService)) or 0)


def test_create_normalizes_and_records_who(app: Flask, facilitator_client: FlaskClient) -> None:
    response = post_form(facilitator_client, "/staff/resources/new", FORM)
    assert response.status_code == 303
    with app.app_context():
        service = services.list_services()[0]
        assert service.phone == "+12025550123"
        assert service.languages == "en,es"
        assert [c.slug for c in service.categories] == ["counseling"]
        assert service.updated_by == "facilitator"
        assert service.verified_on is None  # editing is not verifying
        change = services.history(service.uuid)[0]
        assert (change.by, change.action) == ("facilitator", "created")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "This is required."),
        ("organization_name", "", "This is required."),
        ("phone", "12", "Enter a phone number that can be dialled"),
        ("phone", "+1 999 999 9999 9", "Enter a phone number that can be dialled"),
        ("text_phone", "text me", "Enter a phone number that can be dialled"),
        ("website", "example.org", "Enter a web address starting with http"),
        ("website", "ftp://example.org", "Enter a web address starting with http"),
        ("email", "intake@", "Enter an email address"),
        ("hours", "9 to 5", "Write hours like"),
        ("hours_exceptions", "Dec 25 closed", "Write each exception like"),
        ("languages", "english", "Use language codes"),
        ("city", "", "With a street address"),
        ("cost", "cheap", "Choose free, sliding, fee"),
        ("categories", "made-up", "Unknown category."),
        ("name", "x" * 201, "That is too long."),
    ],
)
def test_bad_input_is_refused_with_a_message(
    app: Flask, facilitator_client: FlaskClient, field: str, value: str, message: str
) -> None:
    response = post_form(facilitator_client, "/staff/resources/new", {**FORM, field: value})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert _count(app) == 0


def test_edit_records_changed_fields(
    app: Flask, facilitator_client: FlaskClient, add_service: Any
) -> None:
    with app.app_context():
        service = add_service(**FORM)
    url = f"/staff/resources/{service.uuid}/edit"
    page = facilitator_client.get(url).get_data(as_text=True)
    assert "Harbor Counseling" in page and "Mon-Fri 09:00-17:00" in page
    response = post_form(
        facilitator_client, url, {**FORM, "phone": "202-555-0199", "hours": "Mon-Sat 09:00-17:00"}
    )
    assert response.status_code == 303
    with app.app_context():
        change = services.history(service.uuid)[0]
        assert change.action == "edited" and change.by == "facilitator"
        assert change.fields.split(",") == ["hours", "phone"]
    history = facilitator_client.get(f"/staff/resources/{service.uuid}/history")
    assert "hours, phone" in history.get_data(as_text=True)


def test_verify_is_separate_from_edit(
    app: Flask, facilitator_client: FlaskClient, add_service: Any
) -> None:
    with app.app_context():
        service = add_service(name="Verify Me")
        edited_at = service.updated_at
    response = post_form(
        facilitator_client, f"/staff/resources/{service.uuid}/verify", page="/staff/resources/stale"
    )
    assert response.status_code == 303
    with app.app_context():
        fresh = services.get_service(service.uuid)
        assert fresh.verified_on is not None and fresh.verified_by == "facilitator"
        assert fresh.updated_at == edited_at


def test_verify_as_fragment(app: Flask, facilitator_client: FlaskClient, add_service: Any) -> None:
    with app.app_context():
        service = add_service(name="Verify Me")
    token = csrf_from(facilitator_client.get("/staff/resources/stale").get_data(as_text=True))
    response = facilitator_client.post(
        f"/staff/resources/{service.uuid}/verify",
        data={"csrf_token": token},
        headers={"HX-Request": "true"},
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body
    assert "Last verified" in body and "facilitator" in body


def test_stale_queue_uses_the_configured_months(
    app: Flask, facilitator_client: FlaskClient, add_service: Any
) -> None:
    today = date.today()
    with app.app_context():
        add_service(name="Never Checked")
        add_service(
            name="Checked Long Ago", last_verified=(today - timedelta(days=200)).isoformat()
        )
        add_service(name="Checked Lately", last_verified=(today - timedelta(days=40)).isoformat())
        add_service(name="Archived Old", status="inactive")
    page = facilitator_client.get("/staff/resources/stale").get_data(as_text=True)
    assert "Never Checked" in page and "Checked Long Ago" in page
    assert "Checked Lately" not in page and "Archived Old" not in page
    with app.app_context():
        center.save({"resources.stale_months": "1"}, "admin")
    page = facilitator_client.get("/staff/resources/stale").get_data(as_text=True)
    assert "Checked Lately" in page
    fragment = facilitator_client.get("/staff/resources/stale", headers={"HX-Request": "true"})
    assert "<html" not in fragment.get_data(as_text=True)


def test_stale_months_setting_is_validated(admin_client: FlaskClient) -> None:
    response = post_form(
        admin_client, "/staff/admin/settings", {"setting-resources.stale_months": "0"}
    )
    assert response.status_code == 400


def test_archive_and_restore(
    app: Flask, facilitator_client: FlaskClient, client: FlaskClient, add_service: Any
) -> None:
    with app.app_context():
        service = add_service(name="Going Away")
    assert client.get(f"/resources/{service.uuid}").status_code == 200
    url = f"/staff/resources/{service.uuid}/history"
    assert (
        post_form(
            facilitator_client, f"/staff/resources/{service.uuid}/archive", page=url
        ).status_code
        == 303
    )
    assert client.get(f"/resources/{service.uuid}").status_code == 404
    assert (
        post_form(
            facilitator_client, f"/staff/resources/{service.uuid}/restore", page=url
        ).status_code
        == 303
    )
    assert client.get(f"/resources/{service.uuid}").status_code == 200
    with app.app_context():
        actions = [c.action for c in services.history(service.uuid)]
        assert actions == ["restored", "archived", "created"]


def test_views_are_anonymous_daily_counts(
    app: Flask, client: FlaskClient, facilitator_client: FlaskClient, add_service: Any
) -> None:
    with app.app_context():
        service = add_service(name="Popular Place")
    for _ in range(3):
        assert client.get(f"/resources/{service.uuid}").status_code == 200
    with app.app_context():
        rows = db.session.scalars(select(ResourceViewCount)).all()
        assert [(r.service_id, r.views) for r in rows] == [(service.id, 3)]
        # The table holds a service, a day and a number: nothing about who looked.
        assert set(ResourceViewCount.__table__.columns.keys()) == {
            "id",
            "service_id",
            "day",
            "views",
        }
        assert db.session.scalar(select(func.count()).select_from(ResourceChange)) == 1
    page = facilitator_client.get("/staff/resources").get_data(as_text=True)
    assert "<td>3</td>" in page


def test_unknown_service_is_404_not_500(facilitator_client: FlaskClient) -> None:
    unknown = "00000000-0000-4000-8000-000000000000"
    assert facilitator_client.get(f"/staff/resources/{unknown}/history").status_code == 404
    response = post_form(
        facilitator_client, f"/staff/resources/{unknown}/verify", page="/staff/resources"
    )
    assert response.status_code == 404


def test_closed_today(
    app: Flask, facilitator_client: FlaskClient, client: FlaskClient, add_service: Any
) -> None:
    service = add_service(name="Always Open", hours="24/7")
    assert "Open now" in client.get(f"/resources/{service.uuid}").get_data(as_text=True)
    url = f"/staff/resources/{service.uuid}/history"
    response = post_form(
        facilitator_client, f"/staff/resources/{service.uuid}/closed-today", page=url
    )
    assert response.status_code == 303
    page = client.get(f"/resources/{service.uuid}").get_data(as_text=True)
    assert "Closed now" in page and "Closed today" in page
    with app.app_context():
        change = services.history(service.uuid)[0]
        assert (change.action, change.fields) == ("edited", "hours_exceptions")


@pytest.mark.parametrize(("field", "keeps"), [("phone", False), ("city", True)])
def test_changing_the_phone_clears_the_verified_date(
    app: Flask, facilitator_client: FlaskClient, field: str, keeps: bool
) -> None:
    post_form(facilitator_client, "/staff/resources/new", FORM)
    with app.app_context():
        service = services.list_services()[0]
        services.verify(service.uuid, "sam", date(2026, 11, 1))
        uuid = service.uuid
    edit = f"/staff/resources/{uuid}/edit"
    changed = {"phone": "202 555 0199", "city": "Shelbyville"}[field]
    response = post_form(facilitator_client, edit, {**FORM, field: changed}, page=edit)
    assert response.status_code == 303
    with app.app_context():
        fresh = db.session.scalars(select(ResourceService)).one()
        assert (fresh.verified_on is not None) is keeps
