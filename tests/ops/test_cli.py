"""`flask --app kiosk purge` and `backup` by hand: they still work, and are recorded like
scheduled runs."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner

from kiosk.db import is_sqlite
from kiosk.ops import backup
from tests.ops.conftest import runs


def test_purge_by_hand_prints_counts_and_is_recorded(app: Flask, runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["purge"])
    assert result.exit_code == 0, result.output
    assert "Anonymized 0 sign-in name(s); forgot 0 visitor code(s); purged 0 help" in result.output
    with app.app_context():
        (run,) = runs("purge")
        assert (run.trigger, run.slot, run.status) == ("hand", None, "ok")


def test_a_failing_purge_by_hand_says_so(
    app: Flask, runner: FlaskCliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken() -> dict[str, int]:
        raise OSError("no space left on device")

    monkeypatch.setattr("kiosk.ops.retention.purge_all", broken)
    result = runner.invoke(args=["purge"])
    assert result.exit_code != 0
    assert "The purge failed: OSError: no space left on device" in result.output
    with app.app_context():
        assert [run.status for run in runs("purge")] == ["failed"]


def test_backup_by_hand_into_the_backups_folder(app: Flask, runner: FlaskCliRunner) -> None:
    with app.app_context():
        sqlite = is_sqlite()
    result = runner.invoke(args=["backup"])
    if not sqlite:
        assert result.exit_code != 0 and "use pg_dump" in result.output
        return
    assert result.exit_code == 0, result.output
    folder = app.config["KIOSK"].backups_folder()
    assert f"into {folder} (integrity ok; 1 kept, 0 removed by rotation)" in result.output
    (only,) = backup.list_backups(folder)
    assert (only[1] / "porchlight.db").is_file() and (only[1] / "secret_key").is_file()
    with app.app_context():
        (run,) = runs("backup")
        assert run.trigger == "hand" and run.location == str(only[1])
