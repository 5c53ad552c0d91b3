"""The staff edit form, built from ``fields.FIELDS``, renders byte for byte as the hand-written
form did (issue 10 point 4): a new and a stored service, a refused save with errors on several
fields, in English and in Spanish.

The references in ``reference/`` are the ``<form>`` of ``/staff/resources/new`` and
``/staff/resources/<id>/edit`` as the hand-written ``ServiceForm`` and ``edit.html`` rendered
them, with the CSRF token masked.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kiosk.resources import services
from tests.conftest import csrf_from

REFERENCE = Path(__file__).parent / "reference"
FORM_RE = re.compile(r'<form method="post" novalidate>.*?</form>', re.DOTALL)
TOKEN_RE = re.compile(r'(name="csrf_token" type="hidden" value=")[^"]+(")')

STORED = {
    "name": "Maple Counseling",
    "name_es": "Consejería Maple",
    "organization_name": "Maple Health <Co>",
    "description": "Talk with a counselor.\nSecond line & more.",
    "description_es": "Hable con un consejero.",
    "categories": "counseling;food-pantry",
    "phone": "202-555-0100",
    "text_phone": "+12025550101",
    "website": "https://maple.example.org",
    "email": "help@maple.example.org",
    "address": "1 Main St",
    "city": "Springfield",
    "region": "IL",
    "postal_code": "62701",
    "hours": "Mon-Fri 09:00-17:00; Sat 10:00-14:00",
    "hours_exceptions": "2026-12-25 closed",
    "cost": "sliding",
    "cost_note": "Pay what you can",
    "eligibility": "Adults in the county",
    "languages": "en,es",
    "accessibility": "Step-free entrance",
    "crisis": "yes",
    "verify_locally": "yes",
    "status": "inactive",
}
# A refused save: errors on fields of every kind, and one (an unknown category) with no field.
REFUSED = {
    "name": "",
    "organization_name": "Org",
    "name_es": "x" * 201,
    "categories": "no-such-category",
    "phone": "12",
    "website": "maple.example.org",
    "email": "not an email",
    "address": "1 Main St",
    "hours": "sometimes",
    "hours_exceptions": "tomorrow",
    "cost": "expensive",
    "languages": "english!",
    "crisis": "y",
    "status": "gone",
    "staff_notes": "Call first.",
}


def _form_html(page: str) -> str:
    match = FORM_RE.search(page)
    assert match, "no edit form on the page"
    return TOKEN_RE.sub(r"\1TOKEN\2", match.group(0))


def _spanish(client: FlaskClient) -> None:
    token = csrf_from(client.get("/").get_data(as_text=True))
    client.post("/language", data={"lang": "es", "next": "/", "csrf_token": token})


def _stored(app: Flask, add_service: Callable[..., Any]) -> str:
    saved = add_service(**STORED)
    with app.app_context():
        data = services.parse_input({**STORED, "uuid": saved.uuid}, "US", services.category_slugs())
        services.save_service(data, "tester", saved.uuid, staff_notes="Call first <b>.")
    return f"/staff/resources/{saved.uuid}/edit"


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("case", ["new", "stored", "refused"])
def test_the_edit_form_renders_as_the_hand_written_one(
    app: Flask,
    admin_client: FlaskClient,
    add_service: Callable[..., Any],
    language: str,
    case: str,
) -> None:
    if language == "es":
        _spanish(admin_client)
    if case == "new":
        response = admin_client.get("/staff/resources/new")
    elif case == "stored":
        response = admin_client.get(_stored(app, add_service))
    else:
        page = admin_client.get("/staff/resources/new").get_data(as_text=True)
        data: dict[str, Any] = {**REFUSED, "csrf_token": csrf_from(page)}
        data["categories"] = ["counseling", REFUSED["categories"]]
        response = admin_client.post("/staff/resources/new", data=data)
        with app.app_context():
            assert services.list_services() == []
    assert response.status_code == (400 if case == "refused" else 200)
    target = REFERENCE / f"edit_form_{case}_{language}.html"
    if not target.exists():
        target.write_text(_form_html(response.get_data(as_text=True)), encoding="utf-8")
    # Bytes: WTForms starts a textarea's text with "\r\n", which read_text would turn into "\n".
    expected = (REFERENCE / f"edit_form_{case}_{language}.html").read_bytes().decode()
    assert _form_html(response.get_data(as_text=True)) == expected


def test_every_error_summary_link_leads_to_its_field(
    admin_client: FlaskClient,
) -> None:
    page = admin_client.get("/staff/resources/new").get_data(as_text=True)
    data: dict[str, Any] = {**REFUSED, "csrf_token": csrf_from(page)}
    data["categories"] = ["counseling", REFUSED["categories"]]
    html = admin_client.post("/staff/resources/new", data=data).get_data(as_text=True)
    summary = html.split('class="error-summary-list"', 1)[1].split("</ul>", 1)[0]
    targets = re.findall(r'href="#([^"]+)"', summary)
    assert "categories" in targets
    for target in targets:
        assert f'id="{target}"' in html, f"the summary links to #{target}, which is not on the page"
    # The category's own error is shown in its group and tied to it for screen readers.
    fieldset = html.split('id="categories"', 1)[1].split("</fieldset>", 1)[0]
    assert 'aria-describedby="categories-errors"' in fieldset
    assert "Unknown category." in fieldset
