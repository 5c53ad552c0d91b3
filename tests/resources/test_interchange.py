"""Import and export: CSV template, HSDS 3.0 JSON and tabular package; preview; all-or-nothing."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import func, select

from kiosk.extensions import db
from kiosk.resources import interchange, services
from kiosk.resources.demo import demo_rows
from kiosk.resources.models import ResourceService
from tests.conftest import csrf_from

from . import hsds


def _fill_demo() -> None:
    from kiosk.db import write_transaction

    with write_transaction() as session:
        for row in demo_rows("US"):
            services.apply_input(session, row, "test")


def _count() -> int:
    return int(db.session.scalar(select(func.count()).select_from(ResourceService)) or 0)


@pytest.fixture
def filled(app_ctx: Flask) -> Flask:
    """A directory with the demo data (overnight, unknown hours, exceptions, crisis lines)."""
    _fill_demo()
    return app_ctx


def test_hsds_json_export_validates_strictly(filled: Flask) -> None:
    items = json.loads(interchange.export_hsds_json())
    assert len(items) >= 40
    for item in items:
        assert hsds.errors("service", item, strict=True) == [], item["name"]


def test_strict_validation_catches_unknown_fields(filled: Flask) -> None:
    item = json.loads(interchange.export_hsds_json())[0]
    item["phone"] = item.pop("phones")  # a typo an exporter could make
    assert hsds.errors("service", item, strict=False) == []
    assert hsds.errors("service", item, strict=True) != []
    item = json.loads(interchange.export_hsds_json())[0]
    item["id"] = "not-a-uuid"
    assert hsds.errors("service", item, strict=False) != []


def test_hsds_csv_package_validates_against_datapackage(filled: Flask) -> None:
    package = interchange.export_hsds_csv()
    assert hsds.package_errors(package) == []
    names = set(zipfile.ZipFile(io.BytesIO(package)).namelist())
    assert {
        "datapackage.json",
        "services.csv",
        "organizations.csv",
        "schedules.csv",
        "phones.csv",
        "attributes.csv",
        "taxonomy_terms.csv",
    } <= names


def test_package_check_catches_a_broken_table(filled: Flask) -> None:
    package = zipfile.ZipFile(io.BytesIO(interchange.export_hsds_csv()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as broken:
        for name in package.namelist():
            data = package.read(name)
            if name == "services.csv":
                data = data.replace(b",active,", b",open,", 1)
            broken.writestr(name, data)
    assert any("status" in p for p in hsds.package_errors(out.getvalue()))


@pytest.mark.parametrize("kind", interchange.FORMATS)
def test_export_import_export_is_identical(filled: Flask, kind: str, tmp_path: Path) -> None:
    first = interchange.export(kind)
    # Into the same directory: everything is unchanged.
    preview = interchange.read_file(f"x.{kind}", first, "US")
    assert preview.errors == []
    assert (preview.new, preview.changed, preview.unchanged) == (0, 0, _count())
    # Into an empty directory: everything is new, and the export comes back byte for byte.
    db.session.execute(ResourceService.__table__.delete())
    db.session.commit()
    name = {"csv": "x.csv", "hsds-json": "x.json", "hsds-csv": "x.zip"}[kind]
    preview = interchange.read_file(name, first, "US")
    assert preview.errors == [] and preview.new == len(preview.rows) >= 40
    interchange.apply_import(preview, "test")
    assert interchange.export(kind) == first


def test_official_json_example_imports(app_ctx: Flask) -> None:
    content = (hsds.HSDS / "examples" / "service_full.json").read_bytes()
    preview = interchange.read_file("service_full.json", content, "US")
    assert preview.errors == [] and preview.new == 1
    interchange.apply_import(preview, "test")
    service = services.get_service("ac148810-d857-441c-9679-408f346de14b")
    assert service.name == "Community Counselling"
    assert service.phone == "+441234234567"
    assert [(h.weekday, h.opens, h.closes) for h in service.hours] == [
        (3, "10:00", "18:00"),
        (4, "10:00", "18:00"),
    ]
    assert "ur" in service.languages.split(",")
    # Re-exported, it is valid HSDS too.
    for item in json.loads(interchange.export_hsds_json()):
        assert hsds.errors("service", item) == []


def test_official_csv_example_package_imports(app_ctx: Flask) -> None:
    preview = interchange.read_file("examples.zip", hsds.example_package(), "US")
    assert preview.errors == [] and preview.new == 1
    interchange.apply_import(preview, "test")
    service = services.get_service("ac148810-d857-441c-9679-408f346de14b")
    assert service.organization.name
    assert service.hours
    assert hsds.package_errors(interchange.export_hsds_csv()) == []


def _csv(rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=interchange.CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return out.getvalue().encode()


GOOD = {
    "organization": "Good Org",
    "name": "Good Service",
    "phone": "(202) 555-0123",
    "hours": "Mon-Fri 09:00-17:00",
    "categories": "counseling",
    "languages": "en, es",
}


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("phone", "call us", "phone"),
        ("website", "javascript:alert(1)", "url"),
        ("email", "not an email", "email"),
        ("hours", "weekdays 9 to 5", "hours"),
        ("hours_exceptions", "Christmas closed", "hours_exceptions"),
        ("cost", "cheap", "cost"),
        ("categories", "nonsense", "category"),
        ("languages", "klingon!", "language"),
        ("name", "", "required"),
        ("crisis", "maybe", "yes_no"),
        ("last_verified", "yesterday", "date"),
        ("id", "42", "uuid"),
    ],
)
def test_one_bad_row_imports_nothing_and_names_row_and_field(
    app_ctx: Flask, field: str, value: str, code: str
) -> None:
    rows = [
        dict(GOOD, name="First"),
        {**GOOD, "name": "Second", field: value},
        dict(GOOD, name="Third"),
    ]
    preview = interchange.read_file("directory.csv", _csv(rows), "US")
    expected_code = {"hours_exceptions": "exceptions"}.get(code, code)
    assert [(e.row, e.field, e.code) for e in preview.errors] == [(2, field, expected_code)]
    with pytest.raises(interchange.ImportFailed):
        interchange.apply_import(preview, "test")
    assert _count() == 0


def test_cli_import_reports_row_and_field_and_imports_nothing(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(_csv([GOOD, dict(GOOD, name="Bad", phone="12")]))
    result = runner.invoke(args=["resources", "import", str(path)])
    assert result.exit_code != 0
    assert "row 2, field phone" in result.output
    with app.app_context():
        assert _count() == 0


def test_cli_import_then_export(app: Flask, runner: FlaskCliRunner, tmp_path: Path) -> None:
    path = tmp_path / "good.csv"
    path.write_bytes(_csv([GOOD, dict(GOOD, name="Another")]))
    result = runner.invoke(args=["resources", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "new: 2" in result.output
    for kind in interchange.FORMATS:
        out = tmp_path / f"out.{kind}"
        result = runner.invoke(args=["resources", "export", "--format", kind, str(out)])
        assert result.exit_code == 0 and out.stat().st_size > 0
    with app.app_context():
        assert _count() == 2
        stored = services.list_services()[0]
        assert stored.phone == "+12025550123"  # normalized with the center's country


def test_cli_rejects_unreadable_file(runner: FlaskCliRunner, tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text("[{not json")
    result = runner.invoke(args=["resources", "import", str(path)])
    assert result.exit_code != 0 and "cannot read" in result.output


def _upload(client: FlaskClient, name: str, content: bytes) -> Any:
    token = csrf_from(client.get("/staff/resources/import").get_data(as_text=True))
    return client.post(
        "/staff/resources/import",
        data={"csrf_token": token, "file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


def test_admin_upload_previews_then_applies(app: Flask, admin_client: FlaskClient) -> None:
    response = _upload(admin_client, "directory.csv", _csv([GOOD, dict(GOOD, name="Two")]))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "New: 2 · Changed: 0 · Unchanged: 0" in page
    with app.app_context():
        assert _count() == 0  # a preview saves nothing
    token = page.split('name="token" value="')[1].split('"')[0]
    response = admin_client.post(
        "/staff/resources/import/apply", data={"csrf_token": csrf_from(page), "token": token}
    )
    assert response.status_code == 303
    with app.app_context():
        assert _count() == 2
    # The staged file is gone: applying twice does nothing.
    again = admin_client.post(
        "/staff/resources/import/apply", data={"csrf_token": csrf_from(page), "token": token}
    )
    assert again.status_code == 400


def test_admin_upload_with_bad_row_shows_errors(app: Flask, admin_client: FlaskClient) -> None:
    response = _upload(
        admin_client, "directory.csv", _csv([GOOD, dict(GOOD, name="Bad", email="nope")])
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "<td>2</td><td>email</td>" in page
    assert "Apply this import" not in page
    with app.app_context():
        assert _count() == 0


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("x.json", b"[{broken", "not valid JSON"),
        ("x.zip", b"PK\x03\x04broken", "not a zip"),
        ("x.csv", b"nothing,useful\n1,2\n", "no “name” column"),
        ("x.csv", b"\xff\xfe\x00bad", "not UTF-8"),
    ],
)
def test_admin_upload_of_unreadable_file(
    admin_client: FlaskClient, name: str, content: bytes, message: str
) -> None:
    response = _upload(admin_client, name, content)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_upload_may_exceed_the_general_request_limit(app: Flask, admin_client: FlaskClient) -> None:
    rows = [dict(GOOD, name=f"Service {n}", description="x" * 1500) for n in range(800)]
    content = _csv(rows)
    assert len(content) > app.config["MAX_CONTENT_LENGTH"]
    response = _upload(admin_client, "big.csv", content)
    assert response.status_code == 200
    assert "New: 800" in response.get_data(as_text=True)


def test_exports_download(filled: Flask, admin_client: FlaskClient) -> None:
    response = admin_client.get("/staff/resources/export/hsds-json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    assert len(response.get_json()) >= 40


def test_upload_without_csrf_token_is_refused(app: Flask, admin_client: FlaskClient) -> None:
    response = admin_client.post(
        "/staff/resources/import",
        data={"file": (io.BytesIO(_csv([GOOD])), "x.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "expired" in response.get_data(as_text=True)
    with app.app_context():
        assert _count() == 0


def test_upload_over_the_import_limit_is_refused(app: Flask, admin_client: FlaskClient) -> None:
    app.config["KIOSK"] = app.config["KIOSK"].with_overrides(max_upload_bytes=50_000)
    response = _upload(admin_client, "big.csv", b"name\n" + b"x" * 60_000)
    assert response.status_code == 413


def test_stale_previews_expire(app: Flask, admin_client: FlaskClient) -> None:
    import os
    import time

    page = _upload(admin_client, "x.csv", _csv([GOOD])).get_data(as_text=True)
    token = page.split('name="token" value="')[1].split('"')[0]
    staged = next((app.config["KIOSK"].data_dir / "resource-imports").glob(f"{token}.*"))
    hours_ago = time.time() - 7200
    os.utime(staged, (hours_ago, hours_ago))
    response = admin_client.post(
        "/staff/resources/import/apply", data={"csrf_token": csrf_from(page), "token": token}
    )
    assert response.status_code == 400
    assert "expired" in response.get_data(as_text=True)
    with app.app_context():
        assert _count() == 0


@pytest.mark.parametrize("token", ["../../secret_key", "short", "a" * 100, ""])
def test_apply_refuses_odd_tokens(admin_client: FlaskClient, token: str) -> None:
    token_field = csrf_from(admin_client.get("/staff/resources/import").get_data(as_text=True))
    response = admin_client.post(
        "/staff/resources/import/apply", data={"csrf_token": token_field, "token": token}
    )
    assert response.status_code == 400


def test_hsds_service_naming_its_organization_by_id_keeps_the_name(filled: Flask) -> None:
    item = json.loads(interchange.export_hsds_json())[0]
    organization_name = item["organization"]["name"]
    del item["organization"]
    item["name"] = "Renamed Service"
    preview = interchange.read_file("x.json", json.dumps([item]).encode(), "US")
    assert preview.errors == [] and preview.changed == 1
    interchange.apply_import(preview, "test")
    service = services.get_service(item["id"])
    assert service.name == "Renamed Service"
    assert service.organization.name == organization_name
