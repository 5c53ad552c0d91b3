"""``flask --app kiosk purge`` really deletes: the purged values leave the database file AND
the WAL (issue 10 point 6, research/reliability.md P6).

Every retention rule deletes through ``kiosk.db.purge_transaction()`` (secure_delete on) and
``purge_all()`` ends with one WAL checkpoint. One marker per rule, so a failure names the rule.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import event

from kiosk import clock
from kiosk.auth.models import LoginEvent
from kiosk.db import write_transaction
from kiosk.extensions import db
from kiosk.help import services as help_services
from kiosk.reports.models import PostSessionAnswer
from kiosk.sessions import services as session_services
from tests.conftest import TEST_DATABASE_URL
from tests.sessions.helpers import make_session

pytestmark = pytest.mark.skipif(bool(TEST_DATABASE_URL), reason="the SQLite files' bytes")

MARKERS = {
    "sign-in name": "ZQ-NAME-MARKER-7F3A",
    "quiet word": "ZQ-QUIET-MARKER-7F3A",
    "staff log-in": "ZQ-LOGIN-MARKER-7F3A",
    "post-session story": "ZQ-STORY-MARKER-7F3A",
}


def _file_bytes(app: Flask) -> dict[str, bytes]:
    data_dir = Path(app.config["KIOSK"].data_dir)
    return {
        path.name: path.read_bytes()
        for path in data_dir.glob("porchlight.db*")
        if path.name in {"porchlight.db", "porchlight.db-wal"}
    }


def _found(app: Flask) -> dict[str, list[str]]:
    files = _file_bytes(app)
    return {
        rule: [name for name, content in files.items() if marker.encode() in content]
        for rule, marker in MARKERS.items()
    }


def _secure_delete_off(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.execute("PRAGMA secure_delete=OFF")


def test_purged_values_are_gone_from_the_database_file_and_the_wal(
    app: Flask, runner: FlaskCliRunner
) -> None:
    with app.app_context():
        # Debian's SQLite is built with secure_delete on by default; turn it off on every
        # connection so the test shows the purge helper itself turns it on.
        event.listen(db.engine, "connect", _secure_delete_off)
        db.engine.dispose()
        group = make_session(title="Morning circle")
        session_services.record_signin(group.id, form_token="m", name=MARKERS["sign-in name"])
        help_services.send_quiet_word("now", MARKERS["quiet word"])
        with write_transaction() as session:
            session.add(LoginEvent(username=MARKERS["staff log-in"], outcome="failure"))
            session.add(
                PostSessionAnswer(
                    answered_on=clock.utcnow().date(),
                    feeling="a_lot",
                    story=MARKERS["post-session story"],
                )
            )
        db.session.remove()
    # The markers are on disk (in the file, the WAL or both) before the purge: not vacuous.
    assert all(_found(app).values()), _found(app)
    clock.advance(timedelta(days=400).total_seconds())  # past every rule's retention period
    result = runner.invoke(args=["purge"])
    assert result.exit_code == 0, result.output
    assert "Anonymized 1 sign-in name(s)" in result.output
    assert "purged 1 help request(s); purged 1 staff log-in record(s)" in result.output
    assert "deleted 1 post-session text(s)" in result.output
    assert _found(app) == {rule: [] for rule in MARKERS}
