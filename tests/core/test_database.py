"""SQLite done right: pragmas on every pooled connection and IMMEDIATE write transactions."""

from __future__ import annotations

import threading

import pytest
from flask import Flask
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from kiosk.db import PendingChanges, is_sqlite, write_transaction
from kiosk.extensions import db


def test_every_pooled_sqlite_connection_has_the_pragmas(app: Flask) -> None:
    with app.app_context():
        if not is_sqlite():
            pytest.skip("SQLite pragmas do not apply to PostgreSQL runs")
        connections = [db.engine.connect() for _ in range(3)]  # three distinct pooled connections
        try:
            for connection in connections:
                assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
                assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar_one() >= 5000
                assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        finally:
            for connection in connections:
                connection.close()


def test_write_transaction_serializes_writers(app: Flask) -> None:
    with app.app_context():
        statements: list[str] = []
        from sqlalchemy import event

        def record(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
            statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", record)
        try:
            with write_transaction() as session:
                session.execute(text("SELECT 1"))
        finally:
            event.remove(db.engine, "before_cursor_execute", record)
        if is_sqlite():
            assert statements[0] == "BEGIN IMMEDIATE"
        else:
            assert statements[0].startswith("SELECT pg_advisory_xact_lock")


def test_write_transaction_rolls_back_on_error(app: Flask) -> None:
    with app.app_context():
        db.session.execute(text("CREATE TABLE scratch (n INTEGER)"))
        db.session.commit()
        with pytest.raises(RuntimeError), write_transaction() as session:
            session.execute(text("INSERT INTO scratch VALUES (1)"))
            raise RuntimeError("boom")
        assert db.session.execute(text("SELECT COUNT(*) FROM scratch")).scalar() == 0
        db.session.execute(text("DROP TABLE scratch"))
        db.session.commit()


def _scratch_rows() -> list[int]:
    return list(db.session.scalars(text("SELECT n FROM scratch ORDER BY n")))


def test_nested_write_transaction_is_undone_by_the_outer_failure(app: Flask) -> None:
    with app.app_context():
        db.session.execute(text("CREATE TABLE scratch (n INTEGER)"))
        db.session.commit()
        with pytest.raises(RuntimeError), write_transaction() as outer:
            outer.execute(text("INSERT INTO scratch VALUES (1)"))
            with write_transaction() as inner:
                inner.execute(text("INSERT INTO scratch VALUES (2)"))
            raise RuntimeError("the outer write fails after the inner one finished")
        assert _scratch_rows() == []
        # An inner failure undoes only the inner write; the outer one still commits.
        with write_transaction() as outer:
            outer.execute(text("INSERT INTO scratch VALUES (1)"))
            with pytest.raises(RuntimeError), write_transaction() as inner:
                inner.execute(text("INSERT INTO scratch VALUES (2)"))
                raise RuntimeError("boom")
            outer.execute(text("INSERT INTO scratch VALUES (3)"))
        assert _scratch_rows() == [1, 3]
        db.session.execute(text("DROP TABLE scratch"))
        db.session.commit()


def test_write_transaction_refuses_pending_orm_changes(app: Flask) -> None:
    from kiosk.help.models import CrisisLineSeed

    with app.app_context():
        db.session.add(CrisisLineSeed(country="ZZ"))
        with pytest.raises(PendingChanges), write_transaction():
            pass
        db.session.rollback()
        assert db.session.get(CrisisLineSeed, "ZZ") is None


def test_concurrent_read_then_write_loses_nothing(app: Flask) -> None:
    """8 threads x 25 read-modify-write increments: no 'database is locked', no lost update."""
    with app.app_context():
        db.session.execute(text("CREATE TABLE counter (n INTEGER)"))
        db.session.execute(text("INSERT INTO counter VALUES (0)"))
        db.session.commit()
    errors: list[BaseException] = []

    def work() -> None:
        with app.app_context():
            for _ in range(25):
                try:
                    with write_transaction() as session:
                        current = session.execute(text("SELECT n FROM counter")).scalar_one()
                        session.execute(text("UPDATE counter SET n = :n"), {"n": int(current) + 1})
                except (OperationalError, RuntimeError) as exc:
                    errors.append(exc)
            db.session.remove()

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with app.app_context():
        total = db.session.execute(text("SELECT n FROM counter")).scalar_one()
        db.session.execute(text("DROP TABLE counter"))
        db.session.commit()
    assert errors == []
    assert total == 200
