"""Data versions: one counter per tracked table, bumped in the same transaction as each write.

Caches that must notice a change made anywhere (this process, another waitress process, the
``flask`` CLI) compare these counters instead of re-reading the data: reading them is one tiny
query per request. Settings (``center_settings``) and sessions (``group_sessions``) are tracked;
an area makes its own table tracked with ``track("table_name")`` at import time.

Every ORM write is seen: flushed objects (``after_flush``) and bulk ``update()`` / ``delete()`` /
``insert()`` statements (``do_orm_execute``). Raw ``text()`` SQL is not: code that writes a
tracked table with raw SQL must call ``bump(session, table)`` itself.

Reading them costs one query, which was still 40 % of a cached start page. So the versions read
are kept per app for ``TTL`` (one second): a write made by this process drops that copy at once
(when it bumps and again when it commits), so this process always sees its own writes on the
next request; a write made by another process (the ``flask`` CLI) is seen within ``TTL``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import current_app, g, has_app_context
from sqlalchemy import Integer, String, event, select, text
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, mapped_column

from . import clock
from .extensions import db

TRACKED: set[str] = {"center_settings", "group_sessions"}
_G_KEY = "_kiosk_data_versions"
_APP_KEY = "porchlight_data_versions"
# How long a process may trust the versions it read when it did not write since: another
# process's save shows within this time. One second is far below what any cache promises (the
# start page: "within a minute") and still turns a query per request into one per second.
TTL = timedelta(seconds=1)
# Bumped by every local write that touched a tracked table: any app's copy read before is stale.
_local_writes = {"generation": 0}
_BUMPED = "kiosk_bumped_versions"
# Portable upsert: SQLite (3.24+) and PostgreSQL both speak ON CONFLICT ... DO UPDATE.
_BUMP = text(
    "INSERT INTO data_versions (name, version) VALUES (:name, 1) "
    "ON CONFLICT (name) DO UPDATE SET version = data_versions.version + 1"
)


class DataVersion(db.Model):  # type: ignore[name-defined]
    """How many times a tracked table has been written."""

    __tablename__ = "data_versions"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0)


def track(table: str) -> None:
    """Make writes to ``table`` bump its version (call at import time)."""
    TRACKED.add(table)


def bump(session: Session, table: str) -> None:
    """Count one more write to ``table`` in the session's current transaction."""
    session.connection().execute(_BUMP, {"name": table})
    session.info[_BUMPED] = True
    _local_writes["generation"] += 1
    if has_app_context():
        # This request reads its own write from now on.
        g.pop(_G_KEY, None)


def current() -> dict[str, int]:
    """Every tracked table's version (missing means never written).

    Read at most once per request, and at most once per ``TTL`` per app unless this process
    wrote a tracked table since (see the module's docstring).
    """
    if not has_app_context():
        return _read()
    if _G_KEY in g:
        return dict(g.get(_G_KEY))
    now = clock.utcnow()
    generation = _local_writes["generation"]
    kept: tuple[datetime, int, dict[str, int]] | None = current_app.extensions.get(_APP_KEY)
    if kept is not None and kept[1] == generation and kept[0] <= now < kept[0] + TTL:
        found = kept[2]
    else:
        found = _read()
        current_app.extensions[_APP_KEY] = (now, generation, found)
    g.setdefault(_G_KEY, found)
    return dict(found)


def _read() -> dict[str, int]:
    rows = db.session.execute(select(DataVersion.name, DataVersion.version)).all()
    return dict.fromkeys(TRACKED, 0) | {row.name: row.version for row in rows}


def _written_tables(session: Session) -> set[str]:
    tables = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        table = getattr(obj, "__tablename__", None)
        if table in TRACKED and (obj not in session.dirty or session.is_modified(obj)):
            tables.add(table)
    return tables


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _context: Any) -> None:
    for table in sorted(_written_tables(session)):
        bump(session, table)


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    # A reader between the bump and this commit may have kept the old versions: drop them again.
    if session.info.pop(_BUMPED, False):
        _local_writes["generation"] += 1


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(_BUMPED, None)


@event.listens_for(Session, "do_orm_execute")
def _bulk_statement(state: ORMExecuteState) -> None:
    if not (state.is_update or state.is_delete or state.is_insert):
        return
    table = getattr(getattr(state.statement, "table", None), "name", None)
    if table in TRACKED:
        bump(state.session, table)
