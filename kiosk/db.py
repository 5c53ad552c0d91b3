"""Database set-up: SQLite pragmas, IMMEDIATE write transactions, and the write helper.

research/reliability.md L2/L3 and §5: a deferred SQLite transaction that reads and then writes
fails at once with "database is locked" (busy_timeout does not help), and the sqlite3 driver's
legacy transaction control silently loses updates. So every pooled connection gets WAL,
busy_timeout and foreign keys, the driver's own transaction handling is switched off, and
``write_transaction()`` opens its transaction with ``BEGIN IMMEDIATE`` so writers queue on the
busy handler instead of failing.
"""

from __future__ import annotations

import fcntl
import logging
import os
import re
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache, partial
from pathlib import Path
from typing import Any

import click
from flask import Flask
from sqlalchemy import event, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import OperationalError, ProgrammingError
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
# So every write transaction (BEGIN IMMEDIATE through COMMIT), every explicit checkpoint and every
# backup holds the SQLite write lock: this thread lock within the process, together with an
# fcntl lock on a file beside the database across processes (the server and a by-hand
# ``flask --app kiosk purge`` or ``backup``). Then no write or checkpoint ever overlaps another,
# whichever process runs it (docs/reliability.md).
SQLITE_WRITE_LOCK = threading.RLock()
WRITE_LOCK_SUFFIX = ".write-lock"
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


class WriteLockTimeout(OperationalError):
    """The SQLite write lock stayed taken past the busy timeout (answered 503, like a busy
    database: kiosk/errors.py maps OperationalError)."""

    def __init__(self, path: str) -> None:
        super().__init__("acquire the SQLite write lock", None, TimeoutError(path))


class _WriteLock:
    """The thread lock plus, for a database file, an fcntl lock on ``<file>.write-lock``.

    Re-entrant within a thread (a checkpoint may run inside a held lock); the file lock is taken
    by the outermost hold and released when it ends. The lock file is opened for each outermost
    hold and closed after it (a test run opens many databases; a descriptor kept per file would
    pile up), which costs one open and close per write.
    """

    def __init__(self) -> None:
        self._depth = 0

    @contextmanager
    def hold(self, database: str | None, timeout: float) -> Iterator[None]:
        deadline = time.monotonic() + timeout
        if not SQLITE_WRITE_LOCK.acquire(timeout=max(timeout, 0.0)):
            raise WriteLockTimeout("in-process")
        descriptor = None
        try:
            if self._depth == 0 and database:
                path = database + WRITE_LOCK_SUFFIX
                descriptor = _open_lock_file(path)
                _flock_until(descriptor, deadline, path)
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
        finally:
            if descriptor is not None:
                os.close(descriptor)  # drops the fcntl lock with the descriptor
            SQLITE_WRITE_LOCK.release()


def _open_lock_file(path: str) -> int:
    # 0600 and no symlink followed: the file holds nothing, but nobody else on the machine
    # should be able to take the lock and stall the kiosk, or aim it at another file.
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    try:
        os.fchmod(descriptor, 0o600)
    except OSError:
        os.close(descriptor)
        raise
    return descriptor


def _flock_until(descriptor: int, deadline: float, path: str) -> None:
    # Poll a non-blocking lock so a stuck second process costs a 503 after the busy timeout,
    # never a thread hung for good.
    pause = 0.002
    while True:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise WriteLockTimeout(path) from None
            time.sleep(pause)
            pause = min(pause * 2, 0.05)


_WRITE_LOCK = _WriteLock()


def sqlite_database_file(engine: Engine | None = None) -> str | None:
    """The SQLite database file of ``engine`` (the app's by default); None in memory or on
    another database."""
    engine = engine if engine is not None else db.engine
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        return None
    if database.startswith("file:"):
        return None
    if os.path.isabs(database):
        return _resolved(database)
    return str(Path(database).resolve())


@lru_cache(maxsize=64)
def _resolved(database: str) -> str:
    # Issue 14: every write resolved the path again (a system call per component). An absolute
    # path (the app's own is always one: Settings.resolved_database_url) names the same file
    # for the life of the process.
    return str(Path(database).resolve())


@contextmanager
def sqlite_write_lock(engine: Engine | None = None) -> Iterator[None]:
    """Hold the SQLite write lock (thread and file) for a write, a checkpoint or a backup.

    No-op on PostgreSQL. Waits up to the busy timeout, then raises ``WriteLockTimeout``.
    """
    engine = engine if engine is not None else db.engine
    if engine.dialect.name != "sqlite":
        yield
        return
    timeout = engine.get_execution_options().get(_BUSY_TIMEOUT_KEY, 10000) / 1000
    with _WRITE_LOCK.hold(sqlite_database_file(engine), timeout):
        yield


_BUSY_TIMEOUT_KEY = "kiosk_busy_timeout_ms"


def checkpoint_wal() -> None:
    """Fold the write-ahead log into the database file and empty it (TRUNCATE), so old page
    versions that still hold purged values do not linger in ``-wal`` (SQLite only).

    Runs on a connection of its own, outside any transaction (a checkpoint cannot run inside
    one), after ending this session's read transaction so the checkpoint is not held back, and
    under the write lock like every write.
    """
    if not is_sqlite():
        return
    db.session.commit()  # ends this session's read transaction; its objects stay usable
    with (
        sqlite_write_lock(),
        db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection,
    ):
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


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
    engine.update_execution_options(**{_BUSY_TIMEOUT_KEY: busy_timeout_ms})
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
    with sqlite_write_lock():
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


# ---- retention purges ------------------------------------------------------------------------

_PURGE_BATCH: ContextVar[bool] = ContextVar("kiosk_purge_batch", default=False)


@contextmanager
def purge_transaction() -> Iterator[Session]:
    """One retention rule's deletes: a write transaction with ``secure_delete`` on, then a WAL
    checkpoint (inside ``purge_batch()``, one checkpoint at the batch's end instead).

    Privacy (research/reliability.md P6): a purge must really delete. ``secure_delete`` zeroes
    the freed space in the database file; the checkpoint copies the pages over their old
    versions and empties the ``-wal`` file, where the old values would otherwise linger.
    """
    with write_transaction() as session:
        if is_sqlite():
            session.execute(text("PRAGMA secure_delete=ON"))
        yield session
    purge_checkpoint()


def purge_checkpoint() -> None:
    """Checkpoint after deleting private values outside ``purge_transaction()`` (an
    introduction's contact on closing), deferred to the batch's end inside ``purge_batch()``."""
    if not _PURGE_BATCH.get():
        checkpoint_wal()


@contextmanager
def purge_batch() -> Iterator[None]:
    """Run several retention rules with ONE checkpoint at the end (``purge_all()``).

    The checkpoint runs even when a rule fails, so what earlier rules deleted is not left in
    the WAL.
    """
    token = _PURGE_BATCH.set(True)
    try:
        yield
    finally:
        _PURGE_BATCH.reset(token)
        checkpoint_wal()


# ---- start-up schema check -------------------------------------------------------------------

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations" / "versions"
_REVISION_RE = re.compile(r"^revision\s*(?::[^=]*)?=\s*['\"]([^'\"]+)['\"]", re.MULTILINE)
_DOWN_RE = re.compile(r"^down_revision\s*(?::[^=]*)?=\s*(.+)$", re.MULTILINE)


def migration_heads(directory: Path = MIGRATIONS_DIR) -> frozenset[str] | None:
    """The head revision ids of the migration scripts, read as text (no Alembic import).

    None when a script does not read plainly (no ``revision = "..."`` line): the caller then
    leaves the decision to Alembic itself.
    """
    revisions: set[str] = set()
    parents: set[str] = set()
    for script in directory.glob("*.py"):
        source = script.read_text(encoding="utf-8")
        revision = _REVISION_RE.search(source)
        down = _DOWN_RE.search(source)
        if revision is None or down is None:
            return None
        revisions.add(revision.group(1))
        parents.update(re.findall(r"['\"]([^'\"]+)['\"]", down.group(1)))
    heads = frozenset(revisions - parents)
    return heads or None


def schema_is_current() -> bool:
    """True when the database is stamped with exactly the migration scripts' head(s).

    Issue 14 (cold start): importing Alembic and loading every migration script only to learn
    that there is nothing to do took about a quarter of a second of every start. This answers
    the common case with one small query; anything else (no version table, an older or unknown
    revision, several heads, a script that does not read plainly) returns False and the caller
    runs Alembic's upgrade exactly as before, so the start-up check itself is unchanged.
    """
    heads = migration_heads()
    if heads is None:
        return False
    try:
        with db.engine.connect() as connection:
            rows = connection.exec_driver_sql("SELECT version_num FROM alembic_version").all()
    except (OperationalError, ProgrammingError):
        return False
    return frozenset(row[0] for row in rows) == heads


# ---- Flask-Migrate, set up on first use ------------------------------------------------------


class _Extensions(dict[str, Any]):
    """``app.extensions`` that sets Flask-Migrate up the first time ``["migrate"]`` is read.

    Issue 14 (cold start): Flask-Migrate imports Alembic (with Mako and Pygments), about 0.2 s,
    and a server start already at the schema's head never needs it (``schema_is_current``).
    Everything that needs it reads ``current_app.extensions["migrate"]`` first: Flask-Migrate's
    own functions, ``migrations/env.py``, ``ops/restore.py`` and the tests.
    """

    def __init__(self, app: Flask, existing: dict[str, Any]) -> None:
        super().__init__(existing)
        self.app = app

    def __missing__(self, key: str) -> Any:
        if key != "migrate":
            raise KeyError(key)
        setup_migrate(self.app)
        return dict.__getitem__(self, key)


def setup_migrate(app: Flask) -> None:
    """Bind Flask-Migrate to the app with the project's Alembic options (once)."""
    if "migrate" in app.extensions:  # `in` does not call __missing__
        return
    from flask_migrate import Migrate  # noqa: PLC0415  (Alembic: only when there is work)

    from .resources.search import include_object  # noqa: PLC0415  (imports the models)

    # include_object: the resource search index (FTS5 / GIN) is made by hand in its migration.
    Migrate(
        app,
        db,
        directory=str(Path(__file__).resolve().parent.parent / "migrations"),
        render_as_batch=True,
        compare_type=True,
        include_object=include_object,
    )


def init_migrations(app: Flask) -> None:
    """``flask db ...`` and ``app.extensions["migrate"]``, with Flask-Migrate imported on use."""

    class LazyMigrateCommands(click.Group):
        """Flask-Migrate's ``db`` command group, imported when a ``flask db`` command runs."""

        def _target(self) -> click.Group:
            setup_migrate(app)  # also puts the real group in place of this one
            from flask_migrate.cli import db as commands  # noqa: PLC0415  (on use)

            return commands

        def make_context(
            self,
            info_name: str | None,
            args: list[str],
            parent: click.Context | None = None,
            **extra: Any,
        ) -> click.Context:
            return self._target().make_context(info_name, args, parent=parent, **extra)

        def list_commands(self, ctx: click.Context) -> list[str]:
            return self._target().list_commands(ctx)

        def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
            return self._target().get_command(ctx, cmd_name)

    app.extensions = _Extensions(app, app.extensions)
    app.cli.add_command(LazyMigrateCommands("db", help="Perform database migrations."))
