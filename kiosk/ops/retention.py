"""Retention: every purge rule of every area, applied one way, and ``flask --app kiosk purge``.

One command for all areas, so a center schedules one job and nothing is forgotten. An area
adds a rule with the ``@rule(...)`` decorator in its services module; the rule gets the open
write transaction and the moment, and returns how many rows it removed or blanked. Every rule
runs the same way (``run`` for one, ``purge_all`` for all): on SQLite ``secure_delete`` so freed
pages are overwritten, then one WAL checkpoint so old page versions that still hold purged
values do not linger in ``-wal`` (research/reliability.md P6: retention must really delete).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import click
from flask import Flask
from flask.cli import with_appcontext
from sqlalchemy import text
from sqlalchemy.orm import Session

from .. import clock
from ..db import is_sqlite, write_transaction
from ..extensions import db

Apply = Callable[[Session, datetime], int]


@dataclass(frozen=True)
class Rule:
    """One retention rule: what it does, in words with a ``{count}``, and the work itself."""

    report: str  # e.g. "purged {count} help request(s)"; counts only, never what was purged
    apply: Apply


_RULES: list[Rule] = []


def rule(report: str) -> Callable[[Apply], Apply]:
    """Register a retention rule (a decorator for ``def f(session, now) -> int``)."""

    def register(apply: Apply) -> Apply:
        if all(existing.apply is not apply for existing in _RULES):
            _RULES.append(Rule(report, apply))
        return apply

    return register


def rules() -> list[Rule]:
    """Every registered rule, in registration order."""
    return list(_RULES)


def _purge(applies: list[Apply], now: datetime | None) -> list[int]:
    moment = now or clock.utcnow()
    with write_transaction() as session:
        if is_sqlite():
            # Overwrite freed pages with zeros: a purge must really delete (P6).
            session.execute(text("PRAGMA secure_delete=ON"))
        counts = [apply(session, moment) for apply in applies]
    if any(counts):
        checkpoint_wal()
    return counts


def run(apply: Apply, now: datetime | None = None) -> int:
    """Apply one rule now (secure delete, then a checkpoint); returns its count."""
    return _purge([apply], now)[0]


def purge_all(now: datetime | None = None) -> list[tuple[Rule, int]]:
    """Apply every rule in one transaction, then one checkpoint; returns each rule's count."""
    every = rules()
    return list(zip(every, _purge([r.apply for r in every], now), strict=True))


def checkpoint_wal() -> None:
    """Fold the write-ahead log into the database file and empty it (SQLite only)."""
    if not is_sqlite():
        return
    db.session.remove()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


@click.command("purge")
@with_appcontext
def purge_command() -> None:
    """Apply every retention rule now: old names, unused visitor codes, old help requests…"""
    done = purge_all()
    # Counts only: never which names, codes or requests.
    summary = "; ".join(r.report.format(count=count) for r, count in done)
    click.echo(f"{summary[:1].upper()}{summary[1:]}.")


def init_cli(app: Flask) -> None:
    """Register the purge command."""
    app.cli.add_command(purge_command)
