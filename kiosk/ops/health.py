"""What the health page shows, and the alerts that put a banner on every staff page."""

from __future__ import annotations

import json
import shutil
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import func, select, text

from .. import clock
from ..auth.models import User
from ..config import Settings
from ..extensions import db
from ..signin.models import KioskDevice
from .backup import sqlite_file
from .jobs import ALERTS_CACHE_KEY, STUCK_AFTER, active_jobs
from .models import OperationRun

BACKUP_TOO_OLD = timedelta(hours=48)
LOW_DISK_BYTES = 1_000_000_000
CLOCK_TOLERANCE = timedelta(minutes=2)
ALERTS_CACHE_SECONDS = 60


def disk_free_bytes(path: Path) -> int:
    """Free bytes on the file system that holds ``path`` (tests replace this to simulate)."""
    return int(shutil.disk_usage(path).free)


@dataclass(frozen=True)
class RunView:
    """A recorded run, with its counts decoded."""

    job: str
    trigger: str
    started_at: datetime
    finished_at: datetime | None
    status: str
    counts: dict[str, Any]
    location: str | None
    error: str | None

    @classmethod
    def of(cls, run: OperationRun, now: datetime) -> RunView:
        """Decode a row; a run that never finished within STUCK_AFTER counts as failed."""
        status = run.status
        error = run.error
        if status == "running" and now - run.started_at > STUCK_AFTER:
            status, error = "failed", "did not finish"
        return cls(
            run.job,
            run.trigger,
            run.started_at,
            run.finished_at,
            status,
            json.loads(run.counts or "{}"),
            run.location,
            error,
        )


@dataclass
class Health:
    """Every figure on the health page."""

    version: str
    database_kind: str
    database_size: int | None
    sqlite_version: str
    postgres_version: str | None
    data_dir: Path
    disk_free: int
    server_time: datetime
    last_backup: RunView | None
    last_purge: RunView | None
    runs: list[RunView]
    kiosks: list[KioskDevice]
    backups_folder: Path
    alerts: list[str] = field(default_factory=list)


def _last(job: str, now: datetime, ok_only: bool = False) -> RunView | None:
    query = select(OperationRun).where(OperationRun.job == job)
    if ok_only:
        query = query.where(OperationRun.status == "ok")
    run = db.session.scalar(query.order_by(OperationRun.started_at.desc(), OperationRun.id.desc()))
    return RunView.of(run, now) if run is not None else None


def _database_size() -> int | None:
    database_file = sqlite_file()
    if database_file is not None:
        files = [database_file, Path(f"{database_file}-wal")]
        return sum(p.stat().st_size for p in files if p.exists())
    if db.engine.dialect.name == "postgresql":
        return int(db.session.scalar(text("SELECT pg_database_size(current_database())")) or 0)
    return None


def alerts(settings: Settings, now: datetime) -> list[str]:
    """Alert codes: ``backup_old``, ``disk_low``, ``job_failed`` (each at most once)."""
    found = []
    if sqlite_file() is not None:
        last_backup = _last("backup", now, ok_only=True)
        if last_backup is not None:
            old = now - (last_backup.finished_at or last_backup.started_at) > BACKUP_TOO_OLD
        else:
            # No backup yet: only worth a banner once the app has been in use for two days.
            first_use = db.session.scalar(select(func.min(User.created_at)))
            old = first_use is not None and now - first_use > BACKUP_TOO_OLD
        if old:
            found.append("backup_old")
    if disk_free_bytes(settings.data_dir) < LOW_DISK_BYTES:
        found.append("disk_low")
    for job in active_jobs():
        last = _last(job.name, now)
        if last is not None and last.status == "failed":
            found.append("job_failed")
            break
    return found


def cached_alerts(app: Flask, settings: Settings) -> list[str]:
    """``alerts()``, computed at most once a minute per process (every staff page shows it)."""
    now = clock.utcnow()
    cached = app.extensions.get(ALERTS_CACHE_KEY)
    if cached is not None and 0 <= (now - cached[0]).total_seconds() < ALERTS_CACHE_SECONDS:
        return list(cached[1])
    found = alerts(settings, now)
    app.extensions[ALERTS_CACHE_KEY] = (now, found)
    return found


def health(settings: Settings, version: str) -> Health:
    """Gather every figure for the health page."""
    now = clock.utcnow()
    postgres_version = None
    if db.engine.dialect.name == "postgresql":
        postgres_version = str(db.session.scalar(text("SHOW server_version")))
    runs = db.session.scalars(
        select(OperationRun)
        .order_by(OperationRun.started_at.desc(), OperationRun.id.desc())
        .limit(20)
    )
    kiosks = list(
        db.session.scalars(
            select(KioskDevice)
            .where(KioskDevice.revoked_at.is_(None))
            .order_by(KioskDevice.name, KioskDevice.id)
        )
    )
    return Health(
        version=version,
        database_kind=db.engine.dialect.name,
        database_size=_database_size(),
        sqlite_version=sqlite3.sqlite_version,
        postgres_version=postgres_version,
        data_dir=settings.data_dir.resolve(),
        disk_free=disk_free_bytes(settings.data_dir),
        server_time=now,
        last_backup=_last("backup", now, ok_only=True),
        last_purge=_last("purge", now),
        runs=[RunView.of(run, now) for run in runs],
        kiosks=kiosks,
        backups_folder=settings.backups_folder().resolve(),
        alerts=alerts(settings, now),
    )


@dataclass(frozen=True)
class ClockComparison:
    """How far the browser's clock is from the server's."""

    reported: bool
    difference: timedelta = timedelta(0)

    @property
    def agrees(self) -> bool:
        """True when the two clocks are within two minutes of each other."""
        return self.reported and abs(self.difference) <= CLOCK_TOLERANCE


def compare_clock(browser_ms: str | None, now: datetime | None = None) -> ClockComparison:
    """Compare the milliseconds-since-1970 a browser reported with the server's clock."""
    try:
        millis = int((browser_ms or "").strip())
    except ValueError:
        return ClockComparison(reported=False)
    # Anything outside 2000..2200 is not a clock reading but a typo or a probe.
    if not 946_684_800_000 <= millis <= 7_258_118_400_000:
        return ClockComparison(reported=False)
    server = now or clock.utcnow()
    browser = datetime(1970, 1, 1) + timedelta(milliseconds=millis)
    return ClockComparison(reported=True, difference=server - browser)
