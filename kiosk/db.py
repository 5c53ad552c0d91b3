"""Database set-up: SQLite pragmas, IMMEDIATE write transactions, and the write helper.

research/reliability.md L2/L3 and §5: a deferred SQLite transaction that reads and then writes
fails at once with "database is locked" (busy_timeout does not help), and the sqlite3 driver's
legacy transaction control silently loses updates. So every pooled connection gets WAL,
busy_timeout and foreign keys, the driver's own transaction handling is switched off, and
``write_transaction()`` opens its transaction with ``BEGIN IMMEDIATE`` so writers queue on the
busy handler instead of failing.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask
from sqlalchemy import event, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

from .extensions import db

_BEGIN_OPTION = "kiosk_begin"
# PostgreSQL's READ COMMITTED lets two read-modify-write transactions interleave and lose an
# update. One transaction-scoped advisory lock gives PostgreSQL writers the same one-at-a-time
# order that BEGIN IMMEDIATE gives SQLite, so every service behaves alike on both. Writes here are
# small and brief (a center's worth of tablets), so serializing them costs nothing noticeable.
WRITE_LOCK_KEY = 74062024


def _on_sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy, not the driver, decide when a transaction begins (see module docstring).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    # NORMAL is always consistent in WAL and durable across app crashes (reliability.md §1.3).
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _on_sqlite_begin(conn: Connection) -> None:
    mode = conn.get_execution_options().get(_BEGIN_OPTION, "DEFERRED")
    conn.exec_driver_sql(f"BEGIN {mode}")


def configure_engine(engine: Engine) -> None:
    """Attach the SQLite connection and transaction hooks (no-op on other databases)."""
    if engine.dialect.name != "sqlite":
        return
    event.listen(engine, "connect", _on_sqlite_connect)
    event.listen(engine, "begin", _on_sqlite_begin)


def init_db(app: Flask) -> None:
    """Bind Flask-SQLAlchemy and configure its engine before the first connection."""
    db.init_app(app)
    with app.app_context():
        configure_engine(db.engine)


def is_sqlite() -> bool:
    """True when the app runs on the embedded SQLite database."""
    return db.engine.dialect.name == "sqlite"


class PendingChanges(RuntimeError):
    """``write_transaction()`` was entered with ORM changes not yet written.

    They would otherwise be committed (or lost) as a side effect of opening the transaction:
    make changes inside the block that should commit them.
    """


_DEPTH_KEY = "kiosk_write_depth"


@contextmanager
def write_transaction() -> Iterator[Session]:
    """Run a block as one write transaction that commits on success and rolls back on error.

    Writers run one at a time (BEGIN IMMEDIATE on SQLite, an advisory lock on PostgreSQL), so a
    read-then-write inside the block never loses an update. Any read transaction already open in
    the request is closed first: upgrading a read snapshot to a write is exactly what fails under
    concurrency on SQLite. Pending ORM changes on entry are refused (``PendingChanges``).

    Nested inside another ``write_transaction()`` the block is a savepoint of the outer one: an
    error in it undoes only its own writes, and nothing is committed until the outer block ends,
    so an outer failure undoes the inner writes too.
    """
    session = db.session()
    depth = session.info.get(_DEPTH_KEY, 0)
    if depth:
        session.info[_DEPTH_KEY] = depth + 1
        try:
            with session.begin_nested():
                yield session
        finally:
            session.info[_DEPTH_KEY] = depth
        return
    if session.new or session.dirty or session.deleted:
        raise PendingChanges("pending ORM changes on entry to write_transaction()")
    if session.in_transaction():
        session.commit()
    connection = session.connection(execution_options={_BEGIN_OPTION: "IMMEDIATE"})
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITE_LOCK_KEY})
    session.info[_DEPTH_KEY] = 1
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.info[_DEPTH_KEY] = 0
