"""Resource exports are formula-safe, like the attendance CSV, and still round-trip (issue 8.4).

Opened as a spreadsheet would read them (the csv module, cell by cell): no text cell may start
with a formula character; importing the export takes the neutralizing apostrophe off again.
"""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from flask import Flask

from kiosk import csvsafe
from kiosk.extensions import db
from kiosk.resources import interchange, services
from kiosk.resources.models import ResourceService
from tests.resources.conftest import make_service

NAME = '=HYPERLINK("http://x") Drop-in'
DESCRIPTION = "@SUM(1+1) every day"


@pytest.fixture
def risky(app_ctx: Flask) -> Flask:
    make_service(
        name=NAME, description=DESCRIPTION, phone="+1 202 555 0100", organization_name="-Org"
    )
    make_service(name="'=already quoted", phone="(202) 555-0123")
    return app_ctx


def _cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def _assert_no_formula(cells: list[str]) -> None:
    assert cells, "no cells read"
    for cell in cells:
        assert not cell.startswith(csvsafe.FORMULA_STARTS), cell


def test_simple_csv_export_is_formula_safe(risky: Flask) -> None:
    cells = _cells(interchange.export_simple_csv().decode())
    _assert_no_formula(cells)
    assert "'" + NAME in cells and "'+12025550100" in cells and "'-Org" in cells


def test_hsds_csv_package_is_formula_safe(risky: Flask) -> None:
    package = zipfile.ZipFile(io.BytesIO(interchange.export_hsds_csv()))
    services_csv = package.read("services.csv").decode()
    phones_csv = package.read("phones.csv").decode()
    _assert_no_formula(_cells(services_csv) + _cells(phones_csv))
    _assert_no_formula(_cells(package.read("organizations.csv").decode()))
    assert "'" + NAME in _cells(services_csv)
    assert "'+12025550100" in _cells(phones_csv)


@pytest.mark.parametrize("kind", ["csv", "hsds-csv"])
def test_neutralized_export_round_trips_byte_for_byte(risky: Flask, kind: str) -> None:
    first = interchange.export(kind)
    db.session.execute(ResourceService.__table__.delete())
    db.session.commit()
    preview = interchange.read_file("x.csv" if kind == "csv" else "x.zip", first, "US")
    assert preview.errors == []
    interchange.apply_import(preview, "test")
    # The apostrophes came off on the way in: the names are the ones staff typed.
    names = {s.name for s in services.list_services()}
    assert {NAME, "'=already quoted"} <= names
    assert interchange.export(kind) == first


@pytest.mark.parametrize(
    "cell", ["=1+1", "+1", "-1", "@x", "\tx", "\rx", "'=x", "''+1", "'plain", "Ana", "", "a=b"]
)
def test_restore_undoes_neutralize(cell: str) -> None:
    assert csvsafe.restore(csvsafe.neutralize(cell)) == cell
    assert not csvsafe.neutralize(cell).startswith(csvsafe.FORMULA_STARTS)
