"""Data versions: one counter per tracked table, bumped in the same transaction as each write.

Caches that must notice a change made anywhere (this process, another waitress process, the
``flask`` CLI) compare these counters instead of re-reading the data: reading them is one tiny
query per request. Settings (``center_settings``) and sessions (``group_sessions``) are tracked;
an area makes its own table tracked with ``track("table_name")`` at import time.

Every ORM write is seen: flushed objects (``after_flush``) and bulk ``update()`` / ``delete()`` /
``insert()`` statements (``do_orm_execute``). Raw ``text()`` SQL is not: code that writes a
tracked table with raw SQL must call ``bump(session, table)`` itself.
"""

from __future__ import annotations

from typing import Any

from flask import g, has_app_context
from sqlalchemy import Integer, String, event, select, text
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, mapped_column

from .extensions import db

TRACKED: set[str] = {"center_settings", "group_sessions"}
_G_KEY = "_kiosk_data_versions"
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
    if has_app_context():
        # This request reads its own write from now on.
        g.pop(_G_KEY, None)


def current() -> dict[str, int]:
    """Every tracked table's version, read once per request (missing means never written)."""
    if has_app_context() and _G_KEY in g:
        return dict(g.get(_G_KEY))
    rows = db.session.execute(select(DataVersion.name, DataVersion.version)).all()
    found = dict.fromkeys(TRACKED, 0) | {row.name: row.version for row in rows}
    if has_app_context():
        g.setdefault(_G_KEY, found)
    return dict(found)


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


@event.listens_for(Session, "do_orm_execute")
def _bulk_statement(state: ORMExecuteState) -> None:
    if not (state.is_update or state.is_delete or state.is_insert):
        return
    table = getattr(getattr(state.statement, "table", None), "name", None)
    if table in TRACKED:
        bump(state.session, table)
