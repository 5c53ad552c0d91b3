"""One declaration of a service's fields; Spanish public text; the field-by-field import preview."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from collections.abc import Callable
from functools import partial
from typing import Any

import pytest
from babel.localedata import locale_identifiers
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import inspect

from kiosk import checks
from kiosk.resources import fields, forms, interchange, services
from kiosk.resources.models import Organization, ResourceService
from kiosk.resources.validation import ServiceInput
from tests.conftest import csrf_from


def test_every_declared_field_is_an_input_attribute_and_every_stored_one_a_column() -> None:
    """The dataclass and the model are written out: they must hold every field of FIELDS."""
    declared = {spec.input_attr for spec in fields.FIELDS}
    assert declared == {f.name for f in dataclasses.fields(ServiceInput)}
    model = inspect(ResourceService)
    columns = {c.key for c in model.columns}
    for spec in fields.FIELDS:
        if spec.organization:
            assert spec.organization in inspect(Organization).columns, spec.name
        elif spec.column:
            assert spec.input_attr in columns, spec.name
        else:  # the id, or rows of their own table (categories, hours, exceptions)
            held = {spec.name, spec.input_attr} & {*columns, *model.relationships.keys()}
            assert held, spec.name
    assert {"name_es", "description_es", "languages"} <= {f.input_attr for f in fields.COLUMNS}
    assert interchange.CSV_COLUMNS[:3] == ("id", "organization", "name")


def test_every_column_holds_its_fields_longest_text() -> None:
    """A declared limit longer than its column would store a cut text (SQLite) or fail with an
    error page (PostgreSQL)."""
    checked = 0
    for spec in fields.FIELDS:
        table = Organization if spec.organization else ResourceService
        column = inspect(table).columns.get(spec.organization or spec.input_attr)
        if column is None:
            continue  # categories, hours, exceptions: rows of their own tables
        length = getattr(column.type, "length", None)
        if length is not None:
            assert spec.limit <= length, (spec.name, spec.limit, length)
            assert all(len(value) <= length for value in spec.values), spec.name
            checked += 1
    assert checked >= 20


def test_the_edit_form_has_every_field_with_a_place_and_nothing_else(app: Flask) -> None:
    places = [spec.form for spec in fields.ON_FORM] + [forms.STAFF_NOTES_PLACE]
    assert sorted(places) == list(range(1, len(places) + 1))  # each place once, no gaps
    with app.test_request_context():
        form = forms.ServiceForm(meta={"csrf": False})
        assert [f.name for f in form] == [
            *(spec.name for spec in fields.ON_FORM if spec.form < forms.STAFF_NOTES_PLACE),
            "staff_notes",
            *(spec.name for spec in fields.ON_FORM if spec.form > forms.STAFF_NOTES_PLACE),
        ]
        for spec in fields.ON_FORM:
            assert form[spec.name].label.text == spec.label
        assert [choice.value for choice in form["cost"].choices] == list(
            fields.BY_NAME["cost"].values
        )


def test_a_choice_allows_in_the_database_what_the_form_and_validation_allow() -> None:
    by_name = {check.name: check for check in checks.rules() if check.table == "resource_services"}
    for spec in fields.FIELDS:
        if spec.kind == "choice":
            assert by_name[f"{spec.name}_valid"].values == spec.values
    assert ("", *services.COSTS) == fields.BY_NAME["cost"].values
    assert fields.BY_NAME["status"].values == services.STATUSES
    assert set(interchange.COST_OPTIONS) == set(services.COSTS)  # HSDS's words for them


def test_hsds_rows_hold_the_hsds_fields_and_an_import_leaves_the_others(
    app: Flask, add_service: Callable[..., Any]
) -> None:
    """A field HSDS does not carry must be left alone by an HSDS import, not blanked."""
    for spec in fields.FIELDS:
        assert spec.hsds or spec.optional_in_import, spec.name
    add_service(
        name="Night Shelter",
        name_es="Albergue nocturno",
        last_verified="2026-01-02",
        verified_by="dana",
    )
    with app.app_context():
        content = interchange.export("hsds-json")
        rows, _new = interchange._hsds_rows(json.loads(content))
        assert set(rows[0]) == {spec.name for spec in fields.FIELDS if spec.hsds}
        preview = interchange.read_file("x.json", content, "US")
        assert (preview.changed, preview.unchanged) == (0, 1)
        interchange.apply_import(preview, "test")
        stored = services.list_services()[0]
        assert (stored.verified_by, stored.name_es) == ("dana", "Albergue nocturno")


def test_an_input_left_blank_is_the_dataclass_defaults() -> None:
    """ServiceInput's defaults (demo rows rely on them) are what the parser makes of nothing."""
    blank = services.parse_input({"name": "A", "organization_name": "B"}, "", set())
    assert blank == ServiceInput(name="A", organization_name="B")


def test_too_many_language_codes_for_their_column_get_a_message_and_nothing_is_stored(
    app: Flask, admin_client: FlaskClient
) -> None:
    codes = sorted({code.split("_")[0] for code in locale_identifiers()} - {"root"})
    codes = [code for code in codes if len(code) == 2][:80]  # 239 characters joined
    page = admin_client.get("/staff/resources/new").get_data(as_text=True)
    form = {
        "csrf_token": csrf_from(page),
        "name": "Many Tongues",
        "organization_name": "Org",
        "languages": ", ".join(codes),
        "status": "active",
    }
    response = admin_client.post("/staff/resources/new", data=form)
    assert response.status_code == 400
    assert "That is too long." in response.get_data(as_text=True)
    with app.app_context():
        assert services.list_services() == []
    form["languages"] = ",".join(codes[:66])  # 200 characters: fits
    assert admin_client.post("/staff/resources/new", data=form).status_code == 303


def _upload(client: FlaskClient, content: bytes) -> Any:
    token = csrf_from(client.get("/staff/resources/import").get_data(as_text=True))
    return client.post(
        "/staff/resources/import",
        data={"csrf_token": token, "file": (io.BytesIO(content), "directory.csv")},
        content_type="multipart/form-data",
    )


def _export_rows(app: Flask) -> list[dict[str, str]]:
    with app.app_context():
        text = interchange.export("csv").decode()
    return list(csv.DictReader(io.StringIO(text)))


def _csv(rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=interchange.CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def test_preview_shows_the_changed_phone_then_applies_the_checked_rows(
    app: Flask,
    admin_client: FlaskClient,
    add_service: Callable[..., Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    add_service(name="Maple Counseling", phone="+12025550100")
    add_service(name="Quiet Pantry", status="active")
    rows = _export_rows(app)
    for row in rows:
        if row["name"] == "Maple Counseling":
            row["phone"] = "+12025550199"
        else:
            row["status"] = "inactive"
    rows.append({"organization": "New Org", "name": "Brand New Drop-in"})
    response = _upload(admin_client, _csv(rows))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Phone (call): +12025550100 → +12025550199" in page
    assert "Status: active → inactive" in page
    assert "Services that will be archived" in page and "Brand New Drop-in" in page
    with app.app_context():
        assert services.list_services()[0].phone == "+12025550100"  # nothing saved yet

    # Apply uses the rows checked for the preview: the file is not read again.
    def no_second_read(*_args: Any) -> None:
        raise AssertionError("the upload was parsed twice")

    monkeypatch.setattr(interchange, "read_file", no_second_read)
    token = page.split('name="token" value="')[1].split('"')[0]
    applied = admin_client.post(
        "/staff/resources/import/apply", data={"csrf_token": csrf_from(page), "token": token}
    )
    assert applied.status_code == 303
    with app.app_context():
        by_name = {s.name: s for s in services.list_services()}
        assert by_name["Maple Counseling"].phone == "+12025550199"
        assert by_name["Quiet Pantry"].status == "inactive"
        assert "Brand New Drop-in" in by_name


def test_preview_lists_at_most_the_first_services_then_how_many_more(
    app: Flask, admin_client: FlaskClient, add_service: Callable[..., Any]
) -> None:
    from kiosk.resources import routes

    for number in range(routes.PREVIEW_SHOWN + 3):
        add_service(name=f"Service {number:02d}")
    rows = _export_rows(app)
    for row in rows:
        row["description"] = "Changed"
    page = _upload(admin_client, _csv(rows)).get_data(as_text=True)
    assert page.count("What it is for: (empty) → Changed") == routes.PREVIEW_SHOWN
    assert "and 3 more services" in page


def _spanish(client: FlaskClient) -> None:
    token = csrf_from(client.get("/").get_data(as_text=True))
    client.post("/language", data={"lang": "es", "next": "/", "csrf_token": token})


def test_spanish_kiosk_shows_the_spanish_text_and_falls_back_to_english(
    client: FlaskClient, add_service: Callable[..., Any]
) -> None:
    both = add_service(
        name="Food Pantry North",
        name_es="Despensa Norte",
        description="Groceries every week.",
        description_es="Comida cada semana.",
    )
    english_only = add_service(name="Legal Clinic", description="Free advice.")
    english = client.get(f"/resources/{both.uuid}").get_data(as_text=True)
    assert "Food Pantry North" in english and "Despensa Norte" not in english
    _spanish(client)
    page = client.get(f"/resources/{both.uuid}").get_data(as_text=True)
    assert "Despensa Norte" in page and "Comida cada semana." in page
    assert "Groceries every week." not in page
    slip = client.get(f"/resources/{both.uuid}/slip").get_data(as_text=True)
    assert "Despensa Norte" in slip
    fallback = client.get(f"/resources/{english_only.uuid}").get_data(as_text=True)
    assert "Legal Clinic" in fallback and "Free advice." in fallback


def test_spanish_text_is_searchable_and_named_in_results(
    app: Flask, add_service: Callable[..., Any]
) -> None:
    add_service(name="Night Shelter", name_es="Albergue nocturno")
    with app.app_context():
        found = services.find("albergue", locale="es")
        assert [listing.name for listing in found] == ["Albergue nocturno"]
        assert [listing.name for listing in services.find("albergue")] == ["Night Shelter"]


def test_staff_fill_the_spanish_fields_on_the_edit_form(
    app: Flask, admin_client: FlaskClient, add_service: Callable[..., Any]
) -> None:
    saved = add_service(name="Drop-in Center")
    url = f"/staff/resources/{saved.uuid}/edit"
    page = admin_client.get(url).get_data(as_text=True)
    assert "Service name in Spanish" in page
    form = {
        "csrf_token": csrf_from(page),
        "name": "Drop-in Center",
        "organization_name": "Test Org",
        "name_es": "Centro de acogida",
        "description_es": "Un lugar tranquilo.",
        "status": "active",
    }
    assert admin_client.post(url, data=form).status_code == 303
    with app.app_context():
        stored = services.get_service(saved.uuid)
        assert (stored.name_es, stored.description_es) == (
            "Centro de acogida",
            "Un lugar tranquilo.",
        )
        changes = services.history(saved.uuid)
        assert "name_es" in changes[0].fields


def test_spanish_text_travels_in_the_simple_csv_and_hsds_leaves_it(
    app: Flask, add_service: Callable[..., Any]
) -> None:
    add_service(name="Night Shelter", name_es="Albergue nocturno")
    rows = _export_rows(app)
    assert rows[0]["name_es"] == "Albergue nocturno"
    with app.app_context():
        hsds = interchange.export("hsds-json")
        assert "Albergue" not in hsds.decode()  # HSDS 3.0 has no per-language fields
        item = json.loads(hsds)[0]
        item["name"] = "Night Shelter (renamed)"
        preview = interchange.read_file("x.json", json.dumps([item]).encode(), "US")
        assert preview.errors == [] and preview.changed == 1
        assert [c.field for c in preview.updates[0].changes] == ["name"]
        interchange.apply_import(preview, "test")
        stored = services.list_services()[0]
        assert (stored.name, stored.name_es) == ("Night Shelter (renamed)", "Albergue nocturno")
    rows[0]["name_es"] = ""
    with app.app_context():
        preview = interchange.read_file("x.csv", _csv(rows), "US")
        assert [(c.field, c.old, c.new) for c in preview.updates[0].changes] == [
            ("name", "Night Shelter (renamed)", "Night Shelter"),
            ("name_es", "Albergue nocturno", ""),
        ]


def test_bad_spanish_text_gets_a_message_and_nothing_is_stored(
    app: Flask, admin_client: FlaskClient
) -> None:
    page = admin_client.get("/staff/resources/new").get_data(as_text=True)
    form = {
        "csrf_token": csrf_from(page),
        "name": "Too Long",
        "organization_name": "Org",
        "name_es": "x" * 201,
        "status": "active",
    }
    response = admin_client.post("/staff/resources/new", data=form)
    assert response.status_code == 400
    assert "That is too long." in response.get_data(as_text=True)
    with app.app_context():
        assert services.list_services() == []


def _statements(app: Flask, action: Callable[[], Any]) -> int:
    from sqlalchemy import event

    from kiosk.extensions import db

    count = 0

    def seen(*_args: Any) -> None:
        nonlocal count
        count += 1

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", seen)
        try:
            action()
        finally:
            event.remove(db.engine, "before_cursor_execute", seen)
    return count


def test_preview_apply_and_reindex_do_not_query_once_per_row(
    app: Flask, add_service: Callable[..., Any], runner: Any
) -> None:
    counts = []
    for size in (3, 12):
        for number in range(size - (3 if size == 12 else 0)):
            add_service(name=f"Listing {size}-{number}", categories="counseling")
        rows = _export_rows(app)
        for row in rows:
            row["description"] = f"Changed for {size}"
        more = [{"organization": f"Org {n}", "name": f"New {size}-{n}"} for n in range(size)]
        content = _csv(rows + more)
        with app.app_context():
            preview = interchange.read_file("x.csv", content, "US")
        counts.append(
            (
                _statements(app, partial(interchange.read_file, "x.csv", content, "US")),
                # As "tester" (add_service's name), so every update changes the same columns.
                _statements(app, partial(interchange.apply_import, preview, "tester")),
                _statements(app, lambda: runner.invoke(args=["resources", "reindex"])),
            )
        )
    assert counts[0] == counts[1], counts
