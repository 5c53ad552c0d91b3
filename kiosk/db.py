"""Database set-up: SQLite pragmas, IMMEDIATE write transactions, and the write helper.

research/reliability.md L2/L3 and §5: a deferred SQLite transaction that reads and then writes
fails at once with "database is locked" (busy_timeout does not help), and the sqlite3 driver's
legacy transaction control silently loses updates. So every pooled connection gets WAL,
busy_timeout and foreign keys, the driver's own transaction handling is switched off, and
``write_transaction()`` opens its transaction with ``BEGIN IMMEDIATE`` so writers queue on the
busy handler instead of failing.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
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
log = logging.getLogger(__name__)
# research/reliability.md §1.3: the WAL-reset bug corrupts a database when two connections write
# or checkpoint it at the same moment. BEGIN IMMEDIATE already lets one connection write at a
# time, but SQLite runs its automatic checkpoint inside COMMIT, and a PASSIVE checkpoint does not
# hold the write lock: another connection could begin writing (and reset the WAL) while it runs.
# This process-wide lock is held from BEGIN IMMEDIATE through COMMIT, so in this process a write
# and its checkpoint never overlap another write or checkpoint (docs/reliability.md).
SQLITE_WRITE_LOCK = threading.RLock()
# Fixed in 3.51.3, and backported to 3.44.6 and 3.50.7 (sqlite.org/wal.html#walresetbug).
_WAL_RESET_FIXED_BRANCHES = {(3, 44): 6, (3, 50): 7}


def wal_reset_bug_affected(version: str) -> bool:
    """True for a SQLite version with the WAL-reset bug (3.7.0 to 3.51.2, less backports)."""
    parts = tuple(int(piece) for piece in version.split(".")[:3])
    major, minor, patch = (*parts, 0, 0)[:3]
    if (major, minor, patch) < (3, 7, 0) or (major, minor, patch) >= (3, 51, 3):
        return False
    fixed_from = _WAL_RESET_FIXED_BRANCHES.get((major, minor))
    return fixed_from is None or patch < fixed_from


def log_sqlite_version(version: str = sqlite3.sqlite_version) -> None:
    """Say at start which SQLite library is linked, and what guards against its known bug."""
    if wal_reset_bug_affected(version):
        log.info(
            "SQLite %s is linked; it has the WAL-reset bug (fixed in 3.51.3). Porchlight writes "
            "and checkpoints one at a time, so it cannot meet it (docs/reliability.md).",
            version,
        )
    else:
        log.info("SQLite %s is linked.", version)


def _on_sqlite_connect(dbapi_connection: Any, _record: Any, busy_timeout_ms: int = 10000) -> None:
    # Let SQLAlchemy, not the driver, decide when a transaction begins (see module docstring).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
    cursor.execute("PRAGMA foreign_keys=ON")
    # NORMAL is always consistent in WAL and durable across app crashes (reliability.md §1.3).
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _on_sqlite_begin(conn: Connection) -> None:
    mode = conn.get_execution_options().get(_BEGIN_OPTION, "DEFERRED")
    conn.exec_driver_sql(f"BEGIN {mode}")


def configure_engine(engine: Engine, busy_timeout_ms: int = 10000) -> None:
    """Attach the SQLite connection and transaction hooks (no-op on other databases)."""
    if engine.dialect.name != "sqlite":
        return
    event.listen(engine, "connect", partial(_on_sqlite_connect, busy_timeout_ms=busy_timeout_ms))
    event.listen(engine, "begin", _on_sqlite_begin)


def init_db(app: Flask) -> None:
    """Bind Flask-SQLAlchemy and configure its engine before the first connection."""
    db.init_app(app)
    with app.app_context():
        configure_engine(db.engine, app.config["KIOSK"].busy_timeout_ms)
        if is_sqlite():
            log_sqlite_version()


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
    with SQLITE_WRITE_LOCK if is_sqlite() else _no_lock():
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


@contextmanager
def _no_lock() -> Iterator[None]:
    yield
