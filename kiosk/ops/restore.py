"""``flask --app kiosk restore BACKUP``: put a backup back, checking it before replacing anything.

Order matters. The backup is first copied beside the live database and checked there (integrity,
schema version, upgraded through the migrations when older); only then is the live database
copied to ``porchlight.db.before-restore`` and replaced. The old ``-wal``/``-shm`` files go before
the new file moves in, because SQLite would otherwise replay the old log into the restored file.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

import click
from flask import current_app
from flask.cli import with_appcontext

from .. import create_app
from ..config import Settings
from ..extensions import db
from .backup import (
    DATABASE_NAME,
    KEY_PATTERNS,
    BackupError,
    backup_sqlite,
    schema_revision,
    sqlite_file,
)
from .lock import DataDirBusy, data_dir_alone

if TYPE_CHECKING:
    from alembic.script import ScriptDirectory


class RestoreError(RuntimeError):
    """The backup cannot be restored; nothing was changed."""


def _script_directory() -> ScriptDirectory:
    # Alembic is imported here, not at the top: this module is loaded with the CLI at every
    # start, and Alembic was a fifth of a cold start (issue 14).
    from alembic.script import ScriptDirectory  # noqa: PLC0415

    migrate = current_app.extensions["migrate"]
    config = migrate.migrate.get_config(migrate.directory)
    return ScriptDirectory.from_config(config)


def _row_counts(database_file: Path) -> dict[str, int]:
    connection = sqlite3.connect(f"file:{database_file}?mode=ro", uri=True)
    try:
        names = [
            row[0]
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                "AND name NOT LIKE '%search%' ORDER BY name"
            )
        ]
        return {
            name: int(connection.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0])  # noqa: S608  (names from sqlite_master)
            for name in names
        }
    finally:
        connection.close()


def _upgrade(settings: Settings, staging: Path) -> None:
    """Bring a staged copy up to the current schema with the real migrations."""
    staged = create_app(dataclasses.replace(settings, database_url=f"sqlite:///{staging}"))
    with staged.app_context():
        from flask_migrate import upgrade  # noqa: PLC0415  (see _script_directory)

        upgrade()
        db.engine.dispose()


def _free_name(path: Path) -> Path:
    """``path`` itself, or a numbered sibling when an earlier restore left one there."""
    if not path.exists():
        return path
    number = 2
    while path.with_name(f"{path.name}-{number}").exists():
        number += 1
    return path.with_name(f"{path.name}-{number}")


def _check_and_stage(settings: Settings, backup_db: Path, staging: Path) -> list[str]:
    """Copy the backup beside the live database, check it and bring its schema up to date."""
    done = []
    try:
        backup_sqlite(backup_db, staging)
    except (BackupError, sqlite3.DatabaseError) as exc:
        raise RestoreError(f"{backup_db} is not a sound SQLite database: {exc}") from exc
    done.append(f"Checked {backup_db}: integrity ok.")
    revision = schema_revision(staging)
    script = _script_directory()
    head = script.get_current_head()
    if revision is None:
        raise RestoreError(f"{backup_db} is not a Porchlight database (no schema version).")
    try:
        script.get_revision(revision)
    except Exception as exc:
        raise RestoreError(
            f"{backup_db} was made by a newer Porchlight (schema {revision}); "
            "install that version first."
        ) from exc
    if revision != head:
        _upgrade(settings, staging)
        done.append(f"Upgraded its schema from {revision} to {head}.")
    else:
        done.append(f"Its schema is current ({head}).")
    return done


def _swap_in(database_file: Path, staging: Path) -> list[str]:
    """Keep the live database as *.before-restore, then move the staged copy into its place."""
    done = []
    db.session.remove()
    db.engine.dispose()
    if database_file.exists():
        before = _free_name(database_file.with_name(f"{database_file.name}.before-restore"))
        backup_sqlite(database_file, before)
        os.chmod(before, 0o600)
        done.append(f"Kept the database it replaced as {before}.")
    # The old log must go before the new file arrives, or SQLite would replay it into it.
    for suffix in ("-wal", "-shm"):
        Path(f"{database_file}{suffix}").unlink(missing_ok=True)
    os.replace(staging, database_file)
    os.chmod(database_file, 0o600)
    done.append(f"Restored {database_file}.")
    return done


def _restore_keys(key_dir: Path, data_dir: Path) -> list[str]:
    """Put the backup's key files back, keeping any different current one aside."""
    done = []
    for pattern in KEY_PATTERNS:
        for key in sorted(key_dir.glob(pattern)):
            current = data_dir / key.name
            if current.exists() and current.read_bytes() == key.read_bytes():
                continue
            if current.exists():
                kept = _free_name(data_dir / f"{key.name}.before-restore")
                shutil.copyfile(current, kept)
                os.chmod(kept, 0o600)
                done.append(f"Kept the key file it replaced as {kept}.")
            shutil.copyfile(key, current)
            os.chmod(current, 0o600)
            done.append(f"Restored the key file {key.name}.")
    return done


def restore(settings: Settings, database_file: Path, source: Path) -> list[str]:
    """Restore ``source`` (a backup folder or a .db file) over the live database.

    Returns the lines that say what was done; raises RestoreError before changing anything.
    """
    backup_db = source / DATABASE_NAME if source.is_dir() else source
    if not backup_db.is_file():
        raise RestoreError(f"{source} holds no {DATABASE_NAME}")
    staging = database_file.with_name(f"{database_file.name}.restoring")
    staging.unlink(missing_ok=True)
    try:
        done = _check_and_stage(settings, backup_db, staging)
        counts = _row_counts(staging)
    except BaseException:
        staging.unlink(missing_ok=True)
        raise
    done += _swap_in(database_file, staging)
    if source.is_dir():  # a bare .db file brings no keys; its folder may hold unrelated files
        done += _restore_keys(source, settings.data_dir)
    done.append("Rows: " + ", ".join(f"{name} {count}" for name, count in counts.items()) + ".")
    return done


@click.command("restore")
@click.argument("source", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--force",
    is_flag=True,
    help="Restore although a server holds the data folder (only if you are sure it is stopped).",
)
@with_appcontext
def restore_command(source: Path, force: bool) -> None:
    """Restore a backup (a backup folder or a .db file): checked first, old database kept."""
    database_file = sqlite_file()
    if database_file is None:
        raise click.ClickException(
            "This database is PostgreSQL: restore a pg_dump file with pg_restore (see README)."
        )
    settings: Settings = current_app.config["KIOSK"]
    try:
        with data_dir_alone(settings.data_dir):
            lines = restore(settings, database_file, source)
    except DataDirBusy as exc:
        if not force:
            raise click.ClickException(
                f"{exc.args[0].capitalize()} ({settings.data_dir}). Stop the server first, "
                "then run restore again (or add --force if you are sure it is stopped)."
            ) from exc
        lines = ["Warning: restoring with --force while the data folder was locked."]
        try:
            lines += restore(settings, database_file, source)
        except RestoreError as error:
            raise click.ClickException(str(error)) from error
    except RestoreError as exc:
        raise click.ClickException(f"Nothing was changed: {exc}") from exc
    for line in lines:
        click.echo(line)
    click.echo("Start the server again to use the restored data.")
