"""Online backup of the embedded SQLite database.

Copying the file while the app writes can capture "some old and some new content"
(research/reliability.md §1.3); SQLite's backup API takes a consistent copy while the app runs.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import click
from flask import Flask
from flask.cli import with_appcontext

from ..extensions import db


class BackupError(RuntimeError):
    """The backup could not be made; the message says why."""


def backup_sqlite(database_file: Path, target: Path) -> int:
    """Copy a live SQLite database to ``target`` with the backup API; returns the page count."""
    if target.exists():
        raise BackupError(f"{target} exists already; choose a new file name")
    target.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(f"file:{database_file}?mode=ro", uri=True)
    destination = sqlite3.connect(target)
    try:
        with destination:
            source.backup(destination, pages=256)
        pages = int(destination.execute("PRAGMA page_count").fetchone()[0])
        check = destination.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        destination.close()
        source.close()
    if check != "ok":
        raise BackupError(f"the copy failed its integrity check: {check}")
    return pages


@click.command("backup")
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(target: Path) -> None:
    """Write a consistent copy of the SQLite database to TARGET (safe while the app runs)."""
    url = db.engine.url
    if url.get_backend_name() != "sqlite" or not url.database:
        raise click.ClickException("This database is not SQLite: use pg_dump for PostgreSQL.")
    try:
        pages = backup_sqlite(Path(url.database), target)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Backed up {pages} pages to {target}.")


def init_cli(app: Flask) -> None:
    """Register the backup command."""
    app.cli.add_command(backup_command)
