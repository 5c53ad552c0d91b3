"""The center export: a zip of CSV files that csv.reader opens, with a README, and no secrets."""

from __future__ import annotations

import csv
import io
import zipfile

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from kiosk.auth.models import StaffSession, User
from kiosk.extensions import db
from kiosk.sessions import services as sessions
from kiosk.signin import services as signin
from kiosk.signin.models import KioskDevice, VisitorCode
from tests.conftest import post_form
from tests.sessions.helpers import make_session


def _export(admin_client: FlaskClient) -> zipfile.ZipFile:
    response = post_form(admin_client, "/staff/health/export", page="/staff/health")
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    assert "attachment" in response.headers["Content-Disposition"]
    return zipfile.ZipFile(io.BytesIO(response.get_data()))


def test_export_opens_with_csv_reader_and_holds_no_secret(
    app: Flask, admin_client: FlaskClient
) -> None:
    with app.app_context():
        row = make_session(title="Coffee =1+1 circle")
        sessions.record_signin(row.id, form_token=None, name="Rosa", source="staff")
        key = signin.code_key(app.config["SECRET_KEY"])
        _code, code_hash = signin.create_code(key)
        signin.enroll_kiosk("Front desk", "admin")
        secrets = {
            "secret key": app.config["SECRET_KEY"],
            "code hash": code_hash,
            "password hash": db.session.scalar(select(User.password_hash)),
            "kiosk token hash": db.session.scalar(select(KioskDevice.token_hash)),
            "staff session hash": db.session.scalar(select(StaffSession.token_hash)),
        }
        assert db.session.scalar(select(VisitorCode.code_hash)) == code_hash
    assert all(secrets.values())
    archive = _export(admin_client)
    names = archive.namelist()
    assert "README.txt" in names
    readme = archive.read("README.txt").decode()
    tables = {}
    for name in names:
        raw = archive.read(name)
        text = raw.decode("utf-8")
        for what, value in secrets.items():
            assert str(value) not in text, f"{what} found in {name}"
        if name.endswith(".csv"):
            rows = list(csv.reader(io.StringIO(text)))
            tables[name] = rows
            header = " ".join(rows[0]).lower()
            for word in ("hash", "token", "password", "secret"):
                assert word not in header, (name, rows[0])
            # Every file is documented in the README.
            assert name in readme
    assert {"users.csv", "sign_ins.csv", "group_sessions.csv", "kiosk_devices.csv"} <= set(tables)
    assert "visitor_codes.csv" not in tables and "staff_sessions.csv" not in tables
    sign_ins = tables["sign_ins.csv"]
    assert sign_ins[1][sign_ins[0].index("name")] == "Rosa"
    titles = [
        r[tables["group_sessions.csv"][0].index("title")] for r in tables["group_sessions.csv"][1:]
    ]
    assert titles == ["Coffee =1+1 circle"]
    assert [r[0] for r in tables["users.csv"][1:]] != []
    assert "left out: password_hash" in readme


def test_a_cell_that_looks_like_a_formula_stays_text(app: Flask, admin_client: FlaskClient) -> None:
    with app.app_context():
        row = make_session(title='=HYPERLINK("x")')
        sessions.record_signin(row.id, form_token=None, name="@Sam", source="staff")
    archive = _export(admin_client)
    rows = list(csv.reader(io.StringIO(archive.read("sign_ins.csv").decode())))
    assert rows[1][rows[0].index("name")] == "'@Sam"
    rows = list(csv.reader(io.StringIO(archive.read("group_sessions.csv").decode())))
    assert rows[1][rows[0].index("title")] == '\'=HYPERLINK("x")'
