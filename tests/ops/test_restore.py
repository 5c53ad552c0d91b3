"""Restore: the drill (backup under load, restore, compare), the checks before anything is
replaced, and the refusal while a server runs on the data dir."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import threading
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from flask import Flask
from flask.testing import FlaskCliRunner
from flask_migrate import upgrade

from kiosk import ROOT, create_app
from kiosk.auth import services as auth
from kiosk.config import Settings
from kiosk.db import is_sqlite
from kiosk.extensions import db
from kiosk.ops import backup, jobs
from kiosk.sessions import services as sessions
from tests.conftest import PASSWORD, Staff, free_port
from tests.ops.conftest import start_server, stop_server, wait_until_up
from tests.sessions.helpers import make_session


@pytest.fixture
def sqlite_only(app: Flask) -> None:
    with app.app_context():
        if not is_sqlite():
            pytest.skip("the app restores SQLite; PostgreSQL is restored with pg_restore")


def _counts(database_file: Path) -> dict[str, int]:
    with sqlite3.connect(database_file) as connection:
        names = [
            r[0]
            for r in connection.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' "
                "AND name NOT LIKE '%search%'"
            )
        ]
        query = 'SELECT count(*) FROM "{}"'  # names from sqlite_master, not from input
        counts = {n: connection.execute(query.format(n)).fetchone()[0] for n in names}
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    return counts


def _database(app: Flask) -> Path:
    return app.config["KIOSK"].data_dir / "porchlight.db"


def test_restore_drill_backup_under_load(
    app: Flask, runner: FlaskCliRunner, staff: Staff, sqlite_only: None
) -> None:
    staff.create("rosa", "admin")
    with app.app_context():
        session_id = make_session(starts_in_minutes=-5).id
    stop = threading.Event()
    written = [0, 0, 0]

    def writer(slot: int) -> None:
        with app.app_context():
            while not stop.is_set() and written[slot] < 400:
                sessions.record_signin(session_id, form_token=None, name=f"n{slot}", source="staff")
                written[slot] += 1
            db.session.remove()

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(3)]
    for thread in threads:
        thread.start()
    while sum(written) < 60:  # the load is really on before the backup starts
        threading.Event().wait(0.01)
    at_start = sum(written)
    with app.app_context():
        counts = jobs.run_by_hand("backup")
    stop.set()
    for thread in threads:
        thread.join(timeout=30)
    assert counts["bytes"] > 0
    (folder,) = [p for _m, p in backup.list_backups(app.config["KIOSK"].backups_folder())]
    in_backup = _counts(folder / "porchlight.db")
    assert in_backup["sign_ins"] >= at_start
    live = _counts(_database(app))
    assert live["sign_ins"] == sum(written) >= in_backup["sign_ins"]
    # The backup folder is private and holds what a restore needs.
    manifest = json.loads((folder / "MANIFEST.json").read_text())
    assert manifest["integrity_check"] == "ok" and "secret_key" in manifest["key_files"]
    # One self-contained file (no -wal/-shm left beside it), the manifest and every key file.
    keys = {p.name for p in backup.key_files(app.config["KIOSK"].data_dir)}
    assert "secret_key" in keys
    assert {p.name for p in folder.iterdir()} == {"MANIFEST.json", "porchlight.db"} | keys
    for path in folder.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700

    result = runner.invoke(args=["restore", str(folder)])
    assert result.exit_code == 0, result.output
    assert "integrity ok" in result.output and "before-restore" in result.output
    assert _counts(_database(app)) == in_backup
    before = _database(app).with_name("porchlight.db.before-restore")
    assert _counts(before)["sign_ins"] == live["sign_ins"]
    # The restored database works: a fresh app on it logs rosa in.
    fresh = create_app(Settings(data_dir=app.config["KIOSK"].data_dir, testing=True))
    client = fresh.test_client()
    assert Staff(fresh).login(client, "rosa", PASSWORD).status_code == 302
    with fresh.app_context():
        db.engine.dispose()


def test_restore_upgrades_an_older_backup(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path, sqlite_only: None
) -> None:
    old_dir = tmp_path / "old"
    old = create_app(Settings(data_dir=old_dir, testing=True))
    with old.app_context():
        upgrade(revision="0004_help")
        auth.create_user("olduser", "admin", PASSWORD)
        db.engine.dispose()
    result = runner.invoke(args=["restore", str(old_dir / "porchlight.db")])
    assert result.exit_code == 0, result.output
    assert "Upgraded its schema from 0004_help to" in result.output
    head = ScriptDirectory(str(ROOT / "migrations")).get_current_head()
    assert backup.schema_revision(_database(app)) == head
    with sqlite3.connect(_database(app)) as connection:
        assert connection.execute("SELECT username FROM users").fetchall() == [("olduser",)]
        assert connection.execute("SELECT count(*) FROM operation_runs").fetchone() == (0,)


@pytest.mark.usefixtures("sqlite_only")
@pytest.mark.parametrize("damage", ["garbage", "newer", "not porchlight", "missing"])
def test_restore_refuses_a_bad_backup_and_changes_nothing(
    app: Flask,
    runner: FlaskCliRunner,
    tmp_path: Path,
    staff: Staff,
    damage: str,
) -> None:
    staff.create("keeper", "admin")
    source = tmp_path / "bad.db"
    if damage == "garbage":
        source.write_bytes(b"SQLite format 3\x00" + os.urandom(8192))
    elif damage == "newer":
        with app.app_context():
            backup.backup_sqlite(_database(app), source)
        with sqlite3.connect(source) as connection:
            connection.execute("UPDATE alembic_version SET version_num = '9999_future'")
    elif damage == "not porchlight":
        with sqlite3.connect(source) as connection:
            connection.execute("CREATE TABLE t (x)")
    else:
        source = tmp_path / "empty-folder"
        source.mkdir()
    before = _database(app).read_bytes()
    result = runner.invoke(args=["restore", str(source)])
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    expected = {
        "garbage": "not a sound SQLite database",
        "newer": "newer Porchlight",
        "not porchlight": "not a Porchlight database",
        "missing": "holds no porchlight.db",
    }
    assert expected[damage] in result.output
    assert _database(app).read_bytes() == before
    assert not list(_database(app).parent.glob("*.before-restore"))
    assert not list(_database(app).parent.glob("*.restoring"))


def test_restore_refuses_while_a_server_runs(
    app: Flask, runner: FlaskCliRunner, sqlite_only: None
) -> None:
    with app.app_context():
        jobs.run_by_hand("backup")
        db.engine.dispose()
    (folder,) = [p for _m, p in backup.list_backups(app.config["KIOSK"].backups_folder())]
    data_dir = app.config["KIOSK"].data_dir
    port = free_port()
    # Scheduler off: its catch-up backup would rotate away the folder this test restores.
    server = start_server(data_dir, port, scheduler=False)
    try:
        wait_until_up(port, server)
        before = _database(app).stat().st_ino
        result = runner.invoke(args=["restore", str(folder)])
        assert result.exit_code != 0
        assert "A server is running on this data folder" in result.output
        assert "Stop the server first" in result.output
        assert _database(app).stat().st_ino == before
    finally:
        stop_server(server)
    # Stopped: the same restore goes through.
    result = runner.invoke(args=["restore", str(folder)])
    assert result.exit_code == 0, result.output
    assert "Restored" in result.output


def test_restore_brings_back_the_key_files(
    app: Flask, runner: FlaskCliRunner, sqlite_only: None
) -> None:
    data_dir = app.config["KIOSK"].data_dir
    (data_dir / "contacts.key").write_text("contacts-key-1")
    os.chmod(data_dir / "contacts.key", 0o600)
    with app.app_context():
        jobs.run_by_hand("backup")
    (folder,) = [p for _m, p in backup.list_backups(app.config["KIOSK"].backups_folder())]
    assert (folder / "contacts.key").read_text() == "contacts-key-1"
    (data_dir / "contacts.key").write_text("a different key")
    result = runner.invoke(args=["restore", str(folder)])
    assert result.exit_code == 0, result.output
    assert (data_dir / "contacts.key").read_text() == "contacts-key-1"
    assert (data_dir / "contacts.key.before-restore").read_text() == "a different key"
    assert "Restored the key file contacts.key." in result.output


def test_restore_on_postgresql_says_what_to_use(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    with app.app_context():
        if is_sqlite():
            pytest.skip("SQLite restores itself")
    source = tmp_path / "x.db"
    source.write_bytes(b"")
    result = runner.invoke(args=["restore", str(source)])
    assert result.exit_code != 0 and "pg_restore" in result.output
