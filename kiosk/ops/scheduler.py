"""Start the scheduled jobs inside the server process (``python wsgi.py`` only).

APScheduler (3.x, the maintained stable line) supplies the background thread and its
once-a-minute tick, with coalescing and a single instance so a slow backup never piles up
ticks. It decides nothing itself: each tick calls ``jobs.run_due``, which reads the app clock and
claims each due run in the database. Tests and ``flask`` commands never start it, because only
``wsgi.py`` calls ``start_operations``.
"""

from __future__ import annotations

import logging
import sys
from datetime import UTC, datetime
from typing import IO

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger
from flask import Flask

from ..config import Settings
from .jobs import run_due
from .lock import DataDirBusy, hold_server_lock

log = logging.getLogger(__name__)
TICK_SECONDS = 60


def _tick(app: Flask) -> None:
    try:
        run_due(app)
    except Exception as exc:  # the next tick tries again; never let the thread die
        log.error("Scheduled jobs could not run: %s", type(exc).__name__)


def start_scheduler(app: Flask, tick_seconds: int = TICK_SECONDS) -> BackgroundScheduler:
    """Start the background tick; the first one runs at once (catch-up after downtime)."""
    scheduler = BackgroundScheduler(
        timezone=UTC,
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": tick_seconds},
    )
    scheduler.add_job(
        _tick,
        IntervalTrigger(seconds=tick_seconds),
        args=[app],
        id="porchlight-due-jobs",
        next_run_time=datetime.now(UTC),
    )
    scheduler.start()
    return scheduler


def hold_lock_or_explain(settings: Settings) -> IO[str] | None:
    """For a server: hold the data-dir lock (``restore`` checks it); None, with a message,
    while a restore is running."""
    try:
        return hold_server_lock(settings.data_dir)
    except DataDirBusy as exc:
        print(f"Cannot start: {exc}. Try again when it has finished.", file=sys.stderr)
        return None


def start_scheduled_jobs(app: Flask) -> BackgroundScheduler | None:
    """For a server: start the daily purge and nightly backup unless KIOSK_SCHEDULER=off."""
    settings: Settings = app.config["KIOSK"]
    if not settings.scheduler:
        log.info("Scheduled jobs are off (KIOSK_SCHEDULER=off)")
        return None
    return start_scheduler(app)
