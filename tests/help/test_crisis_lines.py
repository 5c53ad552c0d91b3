"""Crisis lines: seeded per country (start-up, country change, CLI), flagged until verified."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape
from sqlalchemy import func, select

from kiosk import clock
from kiosk.center import services as center
from kiosk.extensions import db
from kiosk.help import services
from kiosk.help.models import CrisisLine
from kiosk.help.seeds import COUNTRIES, SEEDS
from tests.conftest import post_form


@pytest.mark.parametrize("country", sorted(COUNTRIES))
def test_every_country_seeds_with_the_emergency_number_first(app_ctx: Flask, country: str) -> None:
    services.ensure_seeded(country)
    lines = services.lines_for(country)
    assert len(lines) == len(SEEDS[country]) >= 2
    assert lines[0].is_emergency
    assert all(services.line_status(line) == "unverified" for line in lines)


def test_seeding_happens_once_even_after_all_lines_are_removed(app_ctx: Flask) -> None:
    assert services.lines_for("GB") == []  # only the center's country is seeded at start-up
    services.ensure_seeded("GB")
    services.ensure_seeded("GB")
    gb_count = select(func.count()).select_from(CrisisLine).where(CrisisLine.country == "GB")
    assert db.session.scalar(gb_count) == len(SEEDS["GB"])
    emergency = [line for line in services.lines_for("GB") if line.is_emergency]
    for line in services.lines_for("GB"):
        if not line.is_emergency:
            services.delete_line(line.id)
    services.ensure_seeded("GB")
    assert services.lines_for("GB") == emergency


def test_the_emergency_number_cannot_be_removed(app_ctx: Flask) -> None:
    (emergency,) = [line for line in services.lines_for("US") if line.is_emergency]
    with pytest.raises(services.EmergencyLine):
        services.delete_line(emergency.id)
    assert db.session.get(CrisisLine, emergency.id) is not None


def test_us_seed_has_988_911_and_the_text_line(app_ctx: Flask) -> None:
    numbers = {(line.number, line.how) for line in services.lines_for("US")}
    assert {("911", "call"), ("988", "call"), ("988", "text"), ("741741", "text")} <= numbers


def test_a_line_goes_stale_six_months_after_it_was_verified(app_ctx: Flask) -> None:
    services.ensure_seeded("NZ")
    line = services.lines_for("NZ")[1]
    services.verify_line(line.id, "sam")
    db.session.expire_all()
    line = services.get_line(line.id)
    assert services.line_status(line) == "current"
    assert line.verified_by == "sam"
    clock.advance(183 * 86400)
    assert services.line_status(line) == "stale"


def test_dial_uris() -> None:
    assert services.dial_uri(CrisisLine(number="116 123", how="call")) == "tel:116123"
    assert services.dial_uri(CrisisLine(number="85258", how="text", text_keyword="SHOUT")) == (
        "sms:85258?body=SHOUT"
    )
    assert services.dial_uri(CrisisLine(number="https://x.example/chat", how="chat")) == (
        "https://x.example/chat"
    )
    assert services.dial_uri(CrisisLine(number="ask at desk", how="call")) is None


def test_admin_sees_the_flags_and_verifies_a_line(admin_client: FlaskClient, app: Flask) -> None:
    page = admin_client.get("/staff/help/lines").get_data(as_text=True)
    assert "Verify locally" in page and "988 Suicide" in page
    with app.app_context():
        line_id = services.lines_for("US")[1].id
    response = post_form(
        admin_client, f"/staff/help/lines/{line_id}/verify", page="/staff/help/lines"
    )
    assert response.status_code == 303
    with app.app_context():
        line = services.get_line(line_id)
        assert line.verified_by == "admin" and line.verified_at is not None


def _line_data(**changes: str) -> dict[str, str]:
    data = {
        "country": "US",
        "name": "Warm line",
        "how": "call",
        "number": "202 555 0100",
        "text_keyword": "",
        "hours": "6pm-10pm",
        "languages": "English",
        "public_note": "",
        "staff_notes": "",
        "sort_order": "50",
    }
    data.update(changes)
    return data


def test_admin_adds_and_edits_a_line_and_editing_the_number_clears_verification(
    admin_client: FlaskClient, app: Flask
) -> None:
    response = post_form(admin_client, "/staff/help/lines/new", _line_data())
    assert response.status_code == 303
    with app.app_context():
        line = db.session.scalars(select(CrisisLine).where(CrisisLine.name == "Warm line")).one()
        services.verify_line(line.id, "admin")
        line_id = line.id
    response = post_form(
        admin_client, f"/staff/help/lines/{line_id}", _line_data(number="202 555 0199")
    )
    assert response.status_code == 303
    with app.app_context():
        line = services.get_line(line_id)
        assert line.number == "202 555 0199" and line.verified_at is None
    assert "202 555 0199" in admin_client.get("/help").get_data(as_text=True)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": ""}, "This field is required."),
        ({"number": ""}, "This field is required."),
        ({"number": "call the desk"}, "Enter a phone number."),
        ({"how": "chat", "number": "988"}, "For chat, enter the web address"),
        ({"number": "12345"}, "That number cannot be dialed in this country."),
        ({"number": "12345", "how": "text"}, "That number cannot be dialed in this country."),
        ({"number": "555 0100"}, "That number cannot be dialed in this country."),
        ({"number": "116 123", "country": "US"}, "That number cannot be dialed in this country."),
        ({"how": "fax"}, "Not a valid choice"),
        ({"country": "FR"}, "Not a valid choice"),
        ({"name": "x" * 121}, "Field cannot be longer than 120 characters."),
        ({"sort_order": "-1"}, "Number must be between 0 and 1000."),
        ({"sort_order": "many"}, "Not a valid integer value."),
    ],
)
def test_bad_line_input_is_refused_with_a_message_and_nothing_stored(
    admin_client: FlaskClient, app: Flask, changes: dict[str, str], message: str
) -> None:
    with app.app_context():
        before = db.session.scalar(select(func.count()).select_from(CrisisLine))
    response = post_form(admin_client, "/staff/help/lines/new", _line_data(**changes))
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert message in body
    # The error summary at the top links to the field with the problem.
    field = "number" if "number" in changes else next(iter(changes))
    assert "There is a problem" in body and f'<a href="#{field}">{message}' in body
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(CrisisLine)) == before


@pytest.mark.parametrize(
    ("country", "number", "how"),
    [
        ("US", "741741", "text"),
        ("US", "988", "call"),
        ("GB", "116 123", "call"),
        ("NZ", "1737", "text"),
    ],
)
def test_real_short_numbers_are_dialable(country: str, number: str, how: str) -> None:
    assert services.dialable(number, how, country)


def test_the_emergency_number_has_no_remove_button_and_is_refused(
    admin_client: FlaskClient, app: Flask
) -> None:
    with app.app_context():
        (emergency,) = [line for line in services.lines_for("US") if line.is_emergency]
        other = next(line for line in services.lines_for("US") if not line.is_emergency)
        emergency_id, other_id, other_name = emergency.id, other.id, other.name
    listing = admin_client.get("/staff/help/lines").get_data(as_text=True)
    assert f"/staff/help/lines/{emergency_id}/delete" not in listing
    assert f"/staff/help/lines/{other_id}/delete" in listing
    for method in ("GET", "POST"):
        url = f"/staff/help/lines/{emergency_id}/delete"
        response = (
            admin_client.get(url)
            if method == "GET"
            else post_form(admin_client, url, page="/staff/help/lines")
        )
        assert response.status_code == 303
    assert "The emergency number cannot be removed" in admin_client.get(
        "/staff/help/lines"
    ).get_data(as_text=True)
    confirm = admin_client.get(f"/staff/help/lines/{other_id}/delete").get_data(as_text=True)
    assert "Remove this crisis line?" in confirm and str(escape(other_name)) in confirm
    with app.app_context():
        assert db.session.get(CrisisLine, emergency_id) is not None
        assert db.session.get(CrisisLine, other_id) is not None


def test_the_country_setting_chooses_the_kiosk_lines(client: FlaskClient, app: Flask) -> None:
    assert "911" in client.get("/help").get_data(as_text=True)
    with app.app_context():
        center.save({"help.country": "AU"}, "admin")
    page = client.get("/help").get_data(as_text=True)
    assert "13 11 14" in page and "000" in page and "988" not in page


def test_the_country_setting_refuses_unknown_countries(admin_client: FlaskClient) -> None:
    data: dict[str, Any] = {
        f"setting-{key}": str(setting.default) for key, setting in center.REGISTRY.items()
    }
    data["setting-help.country"] = "FR"
    response = post_form(admin_client, "/staff/admin/settings", data)
    assert response.status_code == 400
