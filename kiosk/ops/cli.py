"""Operations commands: ``backup`` (and ``restore``, from restore.py).

``purge`` lives in retention.py with the retention rules.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from ..config import Settings
from ..db import WriteLockTimeout, sqlite_write_lock
from .backup import BackupError, backup_sqlite, sqlite_file
from .jobs import BUSY, JobFailed, run_by_hand
from .restore import restore_command


@click.command("backup")
@click.argument("target", required=False, type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(target: Path | None) -> None:
    """Back up now into the backups folder (rotated), or the database alone to TARGET."""
    database_file = sqlite_file()
    if database_file is None:
        raise click.ClickException("This database is not SQLite: use pg_dump for PostgreSQL.")
    if target is not None:
        try:
            # Like every write and checkpoint, under the write lock (docs/reliability.md).
            with sqlite_write_lock():
                pages = backup_sqlite(database_file, target)
        except BackupError as exc:
            raise click.ClickException(str(exc)) from exc
        except WriteLockTimeout as exc:
            raise click.ClickException(BUSY) from exc
        click.echo(
            f"Backed up {pages} pages to {target}. Keep the data folder's key files with it "
            "(run `backup` without a file name to get both, rotated)."
        )
        return
    try:
        counts = run_by_hand("backup")
    except JobFailed as exc:
        raise click.ClickException(str(exc)) from exc
    settings: Settings = current_app.config["KIOSK"]
    click.echo(
        f"Backed up {counts['bytes']} bytes into {settings.backups_folder()} "
        f"(integrity ok; {counts['kept']} kept, {counts['removed']} removed by rotation)."
    )


def init_cli(app: Flask) -> None:
    """Register the backup and restore commands."""
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
