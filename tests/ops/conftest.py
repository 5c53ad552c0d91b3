"""Helpers for the operations tests: move the app clock to a local time, read the runs."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from kiosk import clock
from kiosk.extensions import db
from kiosk.ops.models import OperationRun

TZ = "America/New_York"  # the Settings default the test app uses
ROOT = Path(__file__).resolve().parents[2]


def move_clock_to(local: datetime, tz: str = TZ) -> None:
    """Set the app clock (forward or back) so the center's wall clock reads ``local``."""
    target = clock.to_utc(local, tz)
    clock.advance((target - clock.utcnow()).total_seconds())


def runs(job: str | None = None) -> list[OperationRun]:
    """Recorded runs, oldest first (inside an app context)."""
    query = select(OperationRun).order_by(OperationRun.id)
    if job is not None:
        query = query.where(OperationRun.job == job)
    found = list(db.session.scalars(query))
    db.session.rollback()
    return found


def start_server(
    data_dir: Path, port: int, database_url: str = "", scheduler: bool = True
) -> subprocess.Popen[bytes]:
    """A real ``python wsgi.py`` on 127.0.0.1:port (with the scheduler on unless told)."""
    env = {
        **os.environ,
        "KIOSK_DATA_DIR": str(data_dir),
        "KIOSK_HOST": "127.0.0.1",
        "KIOSK_PORT": str(port),
        "KIOSK_THREADS": "2",
        "KIOSK_DATABASE_URL": database_url,
        "KIOSK_SCHEDULER": "on" if scheduler else "off",
    }
    return subprocess.Popen(
        [sys.executable, str(ROOT / "wsgi.py")],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def wait_until_up(port: int, process: subprocess.Popen[bytes], timeout: float = 30) -> None:
    """Wait for /healthz to answer (bounded); fail with the server's output if it died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.stdout.read().decode() if process.stdout else ""
            raise AssertionError(f"server exited early:\n{output}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("server did not come up in time")


def stop_server(process: subprocess.Popen[bytes]) -> str:
    """Stop a server started by start_server; returns its output."""
    process.terminate()
    try:
        output, _ = process.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate(timeout=10)
    return output.decode()
