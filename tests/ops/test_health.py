"""The health page's figures, the clock check, and the banner on every staff page."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kiosk import clock
from kiosk.db import is_sqlite
from kiosk.ops import health, jobs
from kiosk.signin import services as signin
from tests.conftest import Staff, post_form
from tests.ops.conftest import move_clock_to

BANNER_BACKUP = "The last backup is more than 48 hours old."
BANNER_DISK = "The disk holding the data has less than 1 GB free."
BANNER_FAILED = "A scheduled job (purge or backup) failed."


def _sqlite(app: Flask) -> bool:
    with app.app_context():
        return is_sqlite()


def test_health_page_shows_each_figure(app: Flask, admin_client: FlaskClient) -> None:
    with app.app_context():
        device, _token = signin.enroll_kiosk("Front desk tablet", "admin")
        signin.touch_kiosk(device.id, clock.utcnow() - timedelta(minutes=7))
        signin.enroll_kiosk("Hall tablet", "admin")
        jobs.run_by_hand("purge")
        if is_sqlite():
            jobs.run_by_hand("backup")
    html = admin_client.get("/staff/health").get_data(as_text=True)
    for figure in (
        "Version",
        "0.1.0",
        "Database size",
        "SQLite version",
        "Free disk space",
        "Server time",
        "Front desk tablet",
        "7 minutes ago",
        "Hall tablet",
        "Not yet",
        "Last run",
        "names blanked",
        "Recent runs",
        "Download the center",
    ):
        assert figure in html, figure
    if _sqlite(app):
        backups = str(app.config["KIOSK"].backups_folder().resolve())
        assert "Last backup" in html and backups in html and "passed when it was written" in html
        assert "SQLite" in html
    else:
        # No false promise on PostgreSQL: the page says who backs it up, and how.
        assert "pg_dump" in html and "Last backup" not in html
        assert "PostgreSQL" in html
    assert BANNER_BACKUP not in html and BANNER_DISK not in html


def test_banner_for_an_old_backup(app: Flask, admin_client: FlaskClient, staff: Staff) -> None:
    if not _sqlite(app):
        pytest.skip("the app makes no backups on PostgreSQL (pg_dump does), so none is old")
    with app.app_context():
        jobs.run_by_hand("backup")
    assert BANNER_BACKUP not in admin_client.get("/staff/").get_data(as_text=True)
    clock.advance(timedelta(hours=49).total_seconds())
    admin_client = staff.client_for("admin")  # the first session ended after 12 hours
    page = admin_client.get("/staff/sessions").get_data(as_text=True)
    assert BANNER_BACKUP in page and "See the health page" in page
    facilitator = staff.client_for("facilitator")
    page = facilitator.get("/staff/").get_data(as_text=True)
    assert BANNER_BACKUP in page and "Please tell the program coordinator." in page
    # A fresh backup clears it (the cached alerts are dropped when a job finishes).
    with app.app_context():
        jobs.run_by_hand("backup")
    assert BANNER_BACKUP not in admin_client.get("/staff/").get_data(as_text=True)


def test_no_backup_at_all_is_old_after_two_days_of_use(
    app: Flask, admin_client: FlaskClient, staff: Staff
) -> None:
    if not _sqlite(app):
        pytest.skip("the app makes no backups on PostgreSQL")
    assert BANNER_BACKUP not in admin_client.get("/staff/").get_data(as_text=True)
    clock.advance(timedelta(hours=49).total_seconds())
    later = staff.client_for("admin")
    assert BANNER_BACKUP in later.get("/staff/").get_data(as_text=True)


def test_banner_for_low_disk(
    app: Flask, admin_client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert BANNER_DISK not in admin_client.get("/staff/").get_data(as_text=True)
    monkeypatch.setattr(health, "disk_free_bytes", lambda _path: 900_000_000)
    clock.advance(61)  # past the one-minute cache
    page = admin_client.get("/staff/").get_data(as_text=True)
    assert BANNER_DISK in page
    html = admin_client.get("/staff/health").get_data(as_text=True)
    assert "less than 1 GB" in html and "900.0 MB" in html


def test_banner_for_a_failed_job(app: Flask, staff: Staff, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken() -> dict[str, int]:
        raise OSError("read-only file system")

    monkeypatch.setattr("kiosk.ops.retention.purge_all", broken)
    move_clock_to(datetime(2027, 8, 2, 4, 0))
    assert jobs.run_due(app)
    admin_client = staff.client_for("admin")
    page = admin_client.get("/staff/").get_data(as_text=True)
    assert BANNER_FAILED in page
    html = admin_client.get("/staff/health").get_data(as_text=True)
    assert "Failed: OSError: read-only file system" in html


def test_kiosk_pages_never_show_the_banner(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(health, "disk_free_bytes", lambda _path: 1)
    assert BANNER_DISK not in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize(
    ("offset_seconds", "expected"),
    [
        (0, "agree (within 2 minutes)"),
        (110, "agree (within 2 minutes)"),
        (-300, "The clocks differ by 5 minutes."),
        (600, "The clocks differ by 10 minutes."),
    ],
)
def test_clock_check_compares_browser_and_server(
    admin_client: FlaskClient, offset_seconds: int, expected: str
) -> None:
    browser = clock.utcnow() + timedelta(seconds=offset_seconds)
    millis = int((browser - datetime(1970, 1, 1)).total_seconds() * 1000)
    response = post_form(
        admin_client,
        "/staff/health/clock",
        {"browser_ms": str(millis)},
        page="/staff/health",
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert expected in html
    assert "<h1>" not in html  # the fragment only
    if offset_seconds > 120:
        assert "The server is behind this computer." in html
    if offset_seconds < -120:
        assert "The server is ahead of this computer." in html


@pytest.mark.parametrize("raw", ["", "soon", "12", "9" * 40, "-5", "1e12"])
def test_clock_check_with_bad_input_says_so(admin_client: FlaskClient, raw: str) -> None:
    response = post_form(
        admin_client, "/staff/health/clock", {"browser_ms": raw}, page="/staff/health"
    )
    assert response.status_code == 200
    assert "did not report a usable time" in response.get_data(as_text=True)


def test_time_settings_reject_bad_times(app: Flask, admin_client: FlaskClient) -> None:
    response = post_form(
        admin_client,
        "/staff/admin/settings",
        {"setting-ops.purge_time": "25:00", "setting-ops.backup_time": "02:30"},
    )
    assert response.status_code == 400
    assert "Enter a time on the 24-hour clock, like 02:30." in response.get_data(as_text=True)


def test_the_banner_never_breaks_a_page(
    app: Flask, admin_client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy.exc import OperationalError

    def down(*_args: object) -> list[str]:
        raise OperationalError("SELECT 1", {}, Exception("database is locked"))

    monkeypatch.setattr(health, "alerts", down)
    clock.advance(61)
    response = admin_client.get("/staff/")
    assert response.status_code == 200
    assert "ops-banner" not in response.get_data(as_text=True)
