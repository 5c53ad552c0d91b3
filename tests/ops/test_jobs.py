"""Scheduled jobs, driven by the app clock: the purge daily at its time, the backup nightly,
rotation, and a missed night caught up once."""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask

from kiosk import clock
from kiosk.center import services as center
from kiosk.db import is_sqlite
from kiosk.extensions import db
from kiosk.ops import backup, jobs
from kiosk.ops.scheduler import start_scheduler
from kiosk.sessions import services as sessions
from kiosk.sessions.models import SignIn
from tests.ops.conftest import move_clock_to, runs
from tests.sessions.helpers import make_session


def _set_times(app: Flask, **values: str) -> None:
    with app.app_context():
        center.save(values, "test")


def _backups(app: Flask) -> list[Path]:
    return [path for _moment, path in backup.list_backups(app.config["KIOSK"].backups_folder())]


def test_purge_daily_at_its_time_and_backup_nightly(app: Flask) -> None:
    _set_times(app, **{"ops.purge_time": "03:30", "ops.backup_time": "02:30"})
    sqlite = is_sqlite_for(app)
    day = datetime(2027, 3, 10)
    move_clock_to(day + timedelta(hours=1))
    # First start: yesterday's slots were never run, so each job catches up once.
    first = sorted(jobs.run_due(app))
    assert first == (["backup", "purge"] if sqlite else ["purge"])
    assert jobs.run_due(app) == []
    expected_backups = 1 if sqlite else 0
    for night in range(3):
        base = day + timedelta(days=night)
        for hhmm, due in (
            ("02:29", []),
            ("02:30", ["backup"]),
            ("02:31", []),
            ("03:29", []),
            ("03:30", ["purge"]),
            ("23:59", []),
        ):
            hour, minute = (int(x) for x in hhmm.split(":"))
            move_clock_to(base + timedelta(hours=hour, minutes=minute))
            wanted = [job for job in due if sqlite or job != "backup"]
            assert jobs.run_due(app) == wanted, (night, hhmm)
        expected_backups += 1 if sqlite else 0
    with app.app_context():
        assert len(runs("purge")) == 4
        assert all(run.status == "ok" and run.finished_at for run in runs())
        assert len(runs("backup")) == expected_backups
        # Each purge run sits at its slot: 03:30 local, one per day.
        slots = [clock.to_local(run.slot, "America/New_York") for run in runs("purge") if run.slot]
        assert [s.strftime("%d %H:%M") for s in slots] == [
            "09 03:30",
            "10 03:30",
            "11 03:30",
            "12 03:30",
        ]
    # One folder per day: the catch-up backup at 01:00 on the 10th gave way to that night's.
    assert len(_backups(app)) == (3 if sqlite else 0)


def is_sqlite_for(app: Flask) -> bool:
    with app.app_context():
        return is_sqlite()


def test_the_scheduled_purge_really_purges(app: Flask) -> None:
    _set_times(app, **{"ops.purge_time": "04:00"})
    with app.app_context():
        row = make_session(starts_in_minutes=-5)
        sessions.record_signin(
            row.id,
            form_token=None,
            name="Old Name",
            source="staff",
            now=clock.utcnow() - timedelta(days=40),
        )
        sessions.record_signin(row.id, form_token=None, name="New Name", source="staff")
    move_clock_to(
        datetime.combine(clock.local_now("America/New_York").date(), datetime.min.time())
        + timedelta(days=1, hours=4, minutes=1)
    )
    assert "purge" in jobs.run_due(app)
    with app.app_context():
        names = sorted(str(s.name) for s in db.session.scalars(db.select(SignIn)))
        assert names == ["New Name", "None"]
        (purge,) = runs("purge")
        assert '"names": 1' in purge.counts


def test_a_missed_night_is_caught_up_once(app: Flask) -> None:
    _set_times(app, **{"ops.purge_time": "03:30", "ops.backup_time": "02:30"})
    sqlite = is_sqlite_for(app)
    day = datetime(2027, 5, 3)
    move_clock_to(day + timedelta(hours=4))
    jobs.run_due(app)  # first start: catch up today's slots
    # The machine is off for three nights, switched on at 10:00 on the fourth day.
    move_clock_to(day + timedelta(days=4, hours=10))
    assert sorted(jobs.run_due(app)) == (["backup", "purge"] if sqlite else ["purge"])
    assert jobs.run_due(app) == []
    move_clock_to(day + timedelta(days=4, hours=11))
    assert jobs.run_due(app) == []
    with app.app_context():
        assert len(runs("purge")) == 2
        assert len(runs("backup")) == (2 if sqlite else 0)
        last = runs("purge")[-1]
        assert last.slot is not None
        assert clock.to_local(last.slot, "America/New_York").day == 7


@pytest.mark.parametrize(
    ("daily", "weekly", "kept_days"), [(3, 2, [17, 18, 19, 20]), (14, 8, None)]
)
def test_rotation_keeps_the_configured_counts(
    app: Flask, daily: int, weekly: int, kept_days: list[int] | None
) -> None:
    if not is_sqlite_for(app):
        pytest.skip("PostgreSQL is backed up with pg_dump, not by the app")
    _set_times(
        app,
        **{
            "ops.backup_time": "02:30",
            "ops.backups_daily": str(daily),
            "ops.backups_weekly": str(weekly),
        },
    )
    start = datetime(2027, 1, 1)  # a Friday
    nights = 20 if kept_days else 90
    for night in range(nights):
        move_clock_to(start + timedelta(days=night, hours=2, minutes=31))
        jobs.run_due(app)
    local = sorted(
        clock.to_local(moment, "America/New_York")
        for moment, _path in backup.list_backups(app.config["KIOSK"].backups_folder())
    )
    if kept_days:
        # Daily: the 18th, 19th and 20th; weekly: this week's newest (the 20th) and last
        # week's newest (Sunday the 17th).
        assert [m.day for m in local] == kept_days
        return
    days = {m.date() for m in local}
    weeks = {m.isocalendar()[:2] for m in local}
    last = start + timedelta(days=nights - 1)
    assert {last.date() - timedelta(days=n) for n in range(14)} <= days
    assert len(weeks) == 8
    # The oldest backup is at most 8 weeks old: the bound on a purged name's life in backups.
    assert last - local[0].replace(tzinfo=None) < timedelta(weeks=8)


def test_a_failing_job_is_recorded_and_the_next_slot_runs(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    _set_times(app, **{"ops.purge_time": "03:30"})

    def broken() -> dict[str, int]:
        raise OSError("disk on fire")

    monkeypatch.setattr("kiosk.ops.retention.purge_all", broken)
    day = datetime(2027, 6, 1)
    move_clock_to(day + timedelta(hours=3, minutes=31))
    assert "purge" in jobs.run_due(app)
    with app.app_context():
        (failed,) = runs("purge")
        assert failed.status == "failed" and failed.error == "OSError: disk on fire"
        assert failed.finished_at is not None
    monkeypatch.undo()
    move_clock_to(day + timedelta(days=1, hours=3, minutes=31))
    assert "purge" in jobs.run_due(app)
    with app.app_context():
        assert [run.status for run in runs("purge")] == ["failed", "ok"]


def test_scheduler_ticks_call_run_due_and_do_not_start_on_their_own(app: Flask) -> None:
    # Building the app (tests, flask commands) starts no scheduler thread.
    assert not any("APScheduler" in t.name for t in threading.enumerate())
    _set_times(app, **{"ops.purge_time": "00:00"})
    scheduler = start_scheduler(app, tick_seconds=1)
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with app.app_context():
                done = [run for run in runs("purge") if run.status == "ok"]
            if done:
                break
            time.sleep(0.2)
        assert len(done) == 1
    finally:
        scheduler.shutdown(wait=True)
