"""The scheduled jobs (daily purge, nightly backup): when each is due, and running it once.

``run_due()`` is what the scheduler calls every minute. It reads the app clock
(``kiosk.clock``), so tests move time instead of waiting for it. Each job has one daily slot at
a local time set under Staff → Settings; a slot is due once the clock passes it and no run has
claimed it. Only the latest slot is ever due, so a machine that was off for a week catches up
once, not seven times.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from flask import Flask, current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from .. import clock
from ..center.services import InvalidSetting, Setting, get, register
from ..config import Settings
from ..db import WriteLockTimeout, write_transaction
from ..extensions import db
from .backup import BackupError, list_backups, make_backup, rotate, sqlite_file
from .models import OperationRun

log = logging.getLogger(__name__)
# Said by a job run by hand while another process holds the SQLite write lock past the busy
# timeout (kiosk.db.sqlite_write_lock).
BUSY = "the database is busy: another process is writing to it. Try again in a minute."
TIME_RE = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def _valid_time(text: str) -> str:
    match = TIME_RE.match(text)
    if match is None:
        # A lazy string: the settings page shows it in the admin's language.
        raise InvalidSetting(_l("Enter a time on the 24-hour clock, like 02:30."))
    return f"{int(match.group(1)):02d}:{match.group(2)}"


PURGE_TIME = register(
    Setting(
        "ops.purge_time",
        _l("Time of the daily retention purge"),
        "03:30",
        help=_l(
            "24-hour clock, center time, e.g. 03:30. Missed while the computer was off: "
            "it runs once at the next start."
        ),
        validate=_valid_time,
    )
)
BACKUP_TIME = register(
    Setting(
        "ops.backup_time",
        _l("Time of the nightly backup"),
        "02:30",
        help=_l(
            "24-hour clock, center time, e.g. 02:30. Missed while the computer was off: "
            "it runs once at the next start."
        ),
        validate=_valid_time,
    )
)
KEEP_DAILY = register(
    Setting(
        "ops.backups_daily",
        _l("Daily backups to keep"),
        14,
        kind="int",
        minimum=1,
        maximum=60,
    )
)
KEEP_WEEKLY = register(
    Setting(
        "ops.backups_weekly",
        _l("Weekly backups to keep"),
        8,
        kind="int",
        minimum=0,
        maximum=52,
        help=_l(
            "A purged name can stay in older backups until they are rotated away: "
            "at most this many weeks."
        ),
    )
)
# A run still "running" after this long died with its process (power cut, kill).
STUCK_AFTER = timedelta(hours=6)


ALERTS_CACHE_KEY = "porchlight_ops_alerts"


def forget_alerts(app: Flask) -> None:
    """Drop the cached staff-page alerts (a job just finished; see health.cached_alerts)."""
    app.extensions.pop(ALERTS_CACHE_KEY, None)


class JobFailed(RuntimeError):
    """A job run by hand failed; the message says why (it is also recorded)."""


@dataclass(frozen=True)
class Job:
    """A daily job: its name, the setting that holds its time, and what it does."""

    name: str
    time_setting: Setting
    run: Callable[[Flask, datetime], tuple[dict[str, int], str | None]]
    sqlite_only: bool = False


def _purge(_app: Flask, _now: datetime) -> tuple[dict[str, int], str | None]:
    from .retention import purge_all  # noqa: PLC0415  (retention's CLI imports this module)

    return purge_all(), None


def _backup(app: Flask, now: datetime) -> tuple[dict[str, int], str | None]:
    settings: Settings = app.config["KIOSK"]
    database_file = sqlite_file()
    if database_file is None:
        raise BackupError("not SQLite: back up PostgreSQL with pg_dump")
    info = make_backup(settings, database_file, now)
    removed = rotate(
        settings.backups_folder(),
        int(get(KEEP_DAILY.key)),
        int(get(KEEP_WEEKLY.key)),
        settings.timezone,
    )
    kept = len(list_backups(settings.backups_folder()))
    counts = {"bytes": info.size, "pages": info.pages, "kept": kept, "removed": len(removed)}
    return counts, str(info.path)


JOBS: dict[str, Job] = {
    "purge": Job("purge", PURGE_TIME, _purge),
    # On PostgreSQL the database server is backed up with pg_dump; the app promises nothing.
    "backup": Job("backup", BACKUP_TIME, _backup, sqlite_only=True),
}


def latest_slot(now: datetime, hhmm: str, tz: str) -> datetime:
    """The most recent moment (naive UTC) at or before ``now`` when the local clock read hhmm."""
    local_now = clock.to_local(now, tz)
    hour, minute = (int(part) for part in hhmm.split(":"))
    today = datetime.combine(local_now.date(), time(hour, minute))
    slot = clock.to_utc(today, tz)
    if slot > now:
        slot = clock.to_utc(today - timedelta(days=1), tz)
    return slot


def active_jobs() -> list[Job]:
    """The jobs this database runs (no backup job on PostgreSQL)."""
    sqlite = db.engine.dialect.name == "sqlite"
    return [job for job in JOBS.values() if sqlite or not job.sqlite_only]


def due_jobs(now: datetime) -> list[tuple[Job, datetime]]:
    """Each job whose latest slot has passed without a run claiming it."""
    settings: Settings = current_app.config["KIOSK"]
    due = []
    for job in active_jobs():
        slot = latest_slot(now, str(get(job.time_setting.key)), settings.timezone)
        claimed = db.session.scalar(
            select(OperationRun.id).where(OperationRun.job == job.name, OperationRun.slot == slot)
        )
        if claimed is None:
            due.append((job, slot))
    db.session.rollback()  # end the read so a later write transaction starts cleanly
    return due


def _claim(job: str, slot: datetime | None, trigger: str, now: datetime) -> int | None:
    """Insert the run row; None when another process claimed this slot first."""
    try:
        with write_transaction() as session:
            run = OperationRun(job=job, slot=slot, trigger=trigger, started_at=now)
            session.add(run)
            session.flush()
            return int(run.id)
    except IntegrityError:
        return None


def _describe(exc: BaseException) -> str:
    """An error worth showing staff, without row contents.

    Database errors can carry the statement's parameters (a name, say), so they are recorded by
    type only; our own errors and file-system errors say what went wrong with a path or a size.
    """
    if isinstance(exc, BackupError | OSError):
        return f"{type(exc).__name__}: {exc}"[:500]
    return type(exc).__name__


def _finish(
    run_id: int, status: str, counts: dict[str, Any], location: str | None, error: str | None
) -> None:
    with write_transaction() as session:
        session.execute(
            update(OperationRun)
            .where(OperationRun.id == run_id)
            .values(
                status=status,
                finished_at=clock.utcnow(),
                counts=json.dumps(counts, sort_keys=True),
                location=location,
                error=error,
            )
        )
    forget_alerts(current_app)


def _execute(job: Job, run_id: int, now: datetime) -> dict[str, int]:
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    try:
        counts, location = job.run(app, now)
    except Exception as exc:
        db.session.rollback()
        message = _describe(exc)
        log.error("Job %s failed: %s", job.name, message)
        _finish(run_id, "failed", {}, None, message)
        raise JobFailed(message) from exc
    _finish(run_id, "ok", counts, location, None)
    log.info("Job %s finished: %s", job.name, json.dumps(counts, sort_keys=True))
    return counts


def run_due(app: Flask, now: datetime | None = None) -> list[str]:
    """Run every job that is due and not claimed elsewhere; returns the names that ran here."""
    ran = []
    with app.app_context():
        moment = now or clock.utcnow()
        for job, slot in due_jobs(moment):
            run_id = _claim(job.name, slot, "schedule", moment)
            if run_id is None:
                continue  # another server process has it
            # A failure is recorded; the banner and the health page show it.
            with suppress(JobFailed):
                _execute(job, run_id, moment)
            ran.append(job.name)
        db.session.remove()
    return ran


def run_by_hand(name: str) -> dict[str, int]:
    """Run a job now (the ``purge`` and ``backup`` commands), recorded like a scheduled run."""
    job = JOBS[name]
    moment = clock.utcnow()
    try:
        run_id = _claim(job.name, None, "hand", moment)
    except WriteLockTimeout as exc:
        raise JobFailed(BUSY) from exc
    if run_id is None:  # pragma: no cover  (NULL slots never collide)
        raise JobFailed("could not record the run")
    return _execute(job, run_id, moment)
