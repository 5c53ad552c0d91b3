"""Online backup of the embedded SQLite database, with the key files a restore needs.

Copying the file while the app writes can capture "some old and some new content"
(research/reliability.md §1.3); SQLite's backup API takes a consistent copy while the app runs.

A nightly backup is a folder ``porchlight-YYYYMMDDTHHMMSSZ`` (UTC) holding ``porchlight.db``,
every key file of the data dir and ``MANIFEST.json``. The key files travel with the database
because visitor codes are HMACs under the secret key (and contacts are encrypted under their own
key): a database restored without them keeps rows nobody can match or read. The folder and the
files are private to the server's user (0700 / 0600), like the data dir itself.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from ..config import SECRET_KEY_FILE, Settings
from ..db import sqlite_write_lock
from ..extensions import db

DATABASE_NAME = "porchlight.db"
MANIFEST = "MANIFEST.json"
# The secret key, and any other key file an area keeps in the data dir (contacts.key, ...).
KEY_PATTERNS = (SECRET_KEY_FILE, "*.key", "*_key")
NAME_RE = re.compile(r"^porchlight-(\d{8}T\d{6}Z)$")
INCOMPLETE = ".incomplete-"


class BackupError(RuntimeError):
    """The backup could not be made; the message says why."""


@dataclass(frozen=True)
class BackupInfo:
    """A finished backup: where it is, how big, and what its check said."""

    path: Path
    size: int
    pages: int
    integrity: str
    key_files: tuple[str, ...]


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
        # The copy inherits WAL mode; a rollback journal makes it one self-contained file (no
        # -wal/-shm beside it). The app turns WAL back on when it opens a restored file.
        destination.execute("PRAGMA journal_mode=DELETE")
        pages = int(destination.execute("PRAGMA page_count").fetchone()[0])
        check = destination.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        destination.close()
        source.close()
    if check != "ok":
        raise BackupError(f"the copy failed its integrity check: {check}")
    return pages


def key_files(data_dir: Path) -> list[Path]:
    """Every key file in the data dir that a restore needs."""
    found: set[Path] = set()
    for pattern in KEY_PATTERNS:
        found.update(p for p in data_dir.glob(pattern) if p.is_file())
    return sorted(found)


def schema_revision(database_file: Path) -> str | None:
    """The Alembic revision a SQLite file is at (None when it has none)."""
    connection = sqlite3.connect(f"file:{database_file}?mode=ro", uri=True)
    try:
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError:
        return None
    finally:
        connection.close()
    return str(row[0]) if row else None


def backup_name(moment: datetime) -> str:
    """The folder name for a backup taken at ``moment`` (naive UTC)."""
    return f"porchlight-{moment:%Y%m%dT%H%M%S}Z"


def make_backup(settings: Settings, database_file: Path, moment: datetime) -> BackupInfo:
    """Write one complete backup folder into the backups folder; returns what was written.

    Written under a temporary name and renamed at the end, so a half-written backup (full disk,
    power cut) is never mistaken for a good one.
    """
    folder = settings.backups_folder()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    final = folder / backup_name(moment)
    if final.exists():
        raise BackupError(f"{final} exists already")
    work = folder / f"{INCOMPLETE}{final.name}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(mode=0o700)
    try:
        target = work / DATABASE_NAME
        with sqlite_write_lock():  # no write or checkpoint meets the copy (docs/reliability.md)
            pages = backup_sqlite(database_file, target)
        os.chmod(target, 0o600)
        copied = []
        for key in key_files(settings.data_dir):
            shutil.copyfile(key, work / key.name)
            os.chmod(work / key.name, 0o600)
            copied.append(key.name)
        manifest = {
            "created_at": moment.replace(tzinfo=UTC).isoformat(),
            "schema_revision": schema_revision(target),
            "integrity_check": "ok",
            "pages": pages,
            "key_files": copied,
            "sqlite_version": sqlite3.sqlite_version,
        }
        (work / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        os.chmod(work / MANIFEST, 0o600)
        work.rename(final)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    size = sum(p.stat().st_size for p in final.iterdir())
    return BackupInfo(final, size, pages, "ok", tuple(copied))


def list_backups(folder: Path) -> list[tuple[datetime, Path]]:
    """Complete backups in a folder, newest first, with their time (naive UTC)."""
    if not folder.is_dir():
        return []
    found = []
    for path in folder.iterdir():
        match = NAME_RE.match(path.name)
        if match and path.is_dir():
            moment = datetime.strptime(match.group(1), "%Y%m%dT%H%M%SZ")
            found.append((moment, path))
    return sorted(found, reverse=True)


def backups_to_keep(
    backups: list[tuple[datetime, Path]], keep_daily: int, keep_weekly: int, tz: str
) -> set[Path]:
    """Which backups rotation keeps: the newest of each of the last N days and M weeks.

    Days and weeks are the center's local ones. Everything else goes, so the oldest backup is
    at most about M weeks old: that bounds how long a purged name survives in a backup.
    """
    zone = ZoneInfo(tz)
    keep: set[Path] = set()
    days: set[object] = set()
    weeks: set[object] = set()
    for moment, path in sorted(backups, reverse=True):
        local = moment.replace(tzinfo=UTC).astimezone(zone)
        day = local.date()
        week = local.isocalendar()[:2]
        if day not in days and len(days) < keep_daily:
            days.add(day)
            keep.add(path)
        if week not in weeks and len(weeks) < keep_weekly:
            weeks.add(week)
            keep.add(path)
    return keep


def rotate(folder: Path, keep_daily: int, keep_weekly: int, tz: str) -> list[Path]:
    """Delete the backups rotation does not keep (and stale unfinished ones); returns them."""
    backups = list_backups(folder)
    keep = backups_to_keep(backups, keep_daily, keep_weekly, tz)
    removed = [path for _moment, path in backups if path not in keep]
    if folder.is_dir():
        removed += [p for p in folder.iterdir() if p.name.startswith(INCOMPLETE)]
    for path in removed:
        shutil.rmtree(path, ignore_errors=True)
    return removed


def sqlite_file() -> Path | None:
    """The app's SQLite database file, or None on PostgreSQL."""
    url = db.engine.url
    if url.get_backend_name() != "sqlite" or not url.database:
        return None
    return Path(url.database)
