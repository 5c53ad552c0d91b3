"""Rules in the schema: the database refuses what the code would never write (kiosk/checks.py)."""

from __future__ import annotations

import re
from pathlib import Path

from flask import Flask
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from kiosk import checks
from kiosk.auth import services as auth_services
from kiosk.db import is_sqlite
from kiosk.extensions import db
from tests.conftest import sqlite_copy
from tests.sessions.helpers import make_session


def _refused(statement: str, **params: object) -> bool:
    try:
        with db.session.begin_nested():
            db.session.execute(text(statement), params)
    except IntegrityError:
        return True
    return False


def test_the_database_refuses_values_outside_the_enums(app_ctx: Flask) -> None:
    user = auth_services.create_user("rosa", "facilitator", "correct horse battery staple")
    group = make_session()
    db.session.execute(
        text(
            "INSERT INTO sign_ins (id, session_id, visit, source, created_at)"
            " VALUES ('s1', :sid, 'first', 'kiosk', CURRENT_TIMESTAMP)"
        ),
        {"sid": group.id},
    )
    db.session.commit()
    assert _refused("UPDATE users SET role = 'root' WHERE id = :id", id=user.id)
    assert _refused("UPDATE sign_ins SET visit = 'maybe'")
    assert _refused("UPDATE sign_ins SET source = 'email'")
    assert _refused("UPDATE group_sessions SET format = 'radio'")
    assert _refused("UPDATE group_sessions SET ends_at = starts_at")
    assert _refused("UPDATE group_sessions SET opens_minutes_before = -1")
    # The values the code writes are still accepted.
    assert not _refused("UPDATE users SET role = 'admin' WHERE id = :id", id=user.id)
    assert not _refused("UPDATE sign_ins SET visit = 'returning', source = 'paper'")
    assert not _refused("UPDATE group_sessions SET format = 'hybrid'")


def test_every_rule_is_in_the_database(app_ctx: Flask) -> None:
    inspector = inspect(db.engine)
    for check in checks.rules():
        names = {c["name"] for c in inspector.get_check_constraints(check.table)}
        assert f"ck_{check.table}_{check.name}" in names, check


def test_the_database_allows_exactly_what_the_enums_say(app_ctx: Flask) -> None:
    # A value added to an enum needs a migration that replaces the constraint; until then the
    # database would refuse it. This notices the day an enum changes without one (whichever
    # migration last wrote the constraint).
    inspector = inspect(db.engine)
    for check in checks.rules():
        if not check.values:
            continue
        found = {c["name"]: c["sqltext"] for c in inspector.get_check_constraints(check.table)}[
            f"ck_{check.table}_{check.name}"
        ]
        quoted = re.findall(r"'([^']*)'", str(found))
        assert sorted(set(quoted)) == sorted(check.values), check


def test_sqlite_rebuild_keeps_child_rows_and_the_search_index(
    tmp_path: Path, template_db: Path | None
) -> None:
    # Batch mode copies each table and drops the old one: with foreign keys on, that drop
    # would cascade-delete the hours of every service, and the search triggers would be lost.
    from flask_migrate import downgrade, upgrade

    app = sqlite_copy(template_db, tmp_path)  # SQLite batch mode only
    with app.app_context():
        assert is_sqlite()
        downgrade(revision="0004_help")
        db.session.execute(
            text(
                "INSERT INTO resource_organizations (id, uuid, name, description, website, email)"
                " VALUES (1, 'o1', 'Org', '', '', '')"
            )
        )
        columns = {c["name"] for c in inspect(db.engine).get_columns("resource_services")}
        values: dict[str, object] = dict.fromkeys(columns, "")
        values.update(
            id=1,
            uuid="s1",
            organization_id=1,
            name="Warmline",
            search_text="warmline listening",
            crisis=False,
            verify_locally=False,
            status="active",
            created_at="2026-01-01 00:00:00",
            updated_at="2026-01-01 00:00:00",
            verified_on=None,
        )
        names = ", ".join(values)
        placeholders = ", ".join(f":{name}" for name in values)
        insert = f"INSERT INTO resource_services ({names}) VALUES ({placeholders})"  # noqa: S608
        db.session.execute(text(insert), values)
        db.session.execute(
            text(
                "INSERT INTO resource_hours (service_id, weekday, opens, closes)"
                " VALUES (1, 2, '09:00', '17:00')"
            )
        )
        db.session.commit()
        upgrade()
        assert db.session.scalar(text("SELECT COUNT(*) FROM resource_hours")) == 1
        found = db.session.scalar(
            text("SELECT rowid FROM resource_search WHERE resource_search MATCH 'warmline'")
        )
        assert found == 1
        # The triggers are back: a renamed service is found by its new words.
        db.session.execute(text("UPDATE resource_services SET search_text = 'peer support'"))
        db.session.commit()
        assert (
            db.session.scalar(
                text("SELECT rowid FROM resource_search WHERE resource_search MATCH 'peer'")
            )
            == 1
        )
        assert _refused("UPDATE resource_hours SET weekday = 7")
        db.session.remove()
        db.engine.dispose()
