"""`flask --app kiosk backup FILE`: a consistent copy of the live SQLite database."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from flask import Flask
from flask.testing import FlaskCliRunner

from kiosk.auth import services
from kiosk.db import is_sqlite


def test_backup_holds_the_data_and_passes_integrity(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    with app.app_context():
        services.create_user("rosa", "admin", "a long enough password")
        sqlite = is_sqlite()
    target = tmp_path / "copy.db"
    result = runner.invoke(args=["backup", str(target)])
    if not sqlite:
        # On PostgreSQL the command says what to use instead and writes nothing.
        assert result.exit_code != 0 and "use pg_dump" in result.output
        assert not target.exists()
        return
    assert result.exit_code == 0, result.output
    with sqlite3.connect(target) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert copy.execute("SELECT username FROM users").fetchall() == [("rosa",)]
    # Never overwrite an earlier backup.
    again = runner.invoke(args=["backup", str(target)])
    assert again.exit_code != 0 and "exists already" in again.output
