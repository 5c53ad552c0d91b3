"""Two real server processes (wsgi.py) on one data dir run each scheduled job once."""

from __future__ import annotations

import time
from pathlib import Path

from flask import Flask

from kiosk.db import is_sqlite
from kiosk.extensions import db
from kiosk.ops import backup
from tests.conftest import TEST_DATABASE_URL, free_port
from tests.ops.conftest import runs, start_server, stop_server, wait_until_up


def test_two_servers_on_one_data_dir_run_each_job_once(app: Flask) -> None:
    with app.app_context():
        sqlite = is_sqlite()
        db.engine.dispose()
    data_dir: Path = app.config["KIOSK"].data_dir
    expected = {"purge", "backup"} if sqlite else {"purge"}
    ports = [free_port(), free_port()]
    servers = [start_server(data_dir, port, TEST_DATABASE_URL) for port in ports]
    outputs = []
    try:
        for port, server in zip(ports, servers, strict=True):
            wait_until_up(port, server)
        # Both schedulers tick at start (catch-up of the latest slot). Wait, bounded, until
        # every job has finished once, then a little longer for any second run to show up.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with app.app_context():
                finished = {run.job for run in runs() if run.finished_at is not None}
            if finished >= expected:
                break
            time.sleep(0.5)
        time.sleep(3)
        with app.app_context():
            recorded = runs()
            assert sorted(run.job for run in recorded) == sorted(expected)
            assert all(run.status == "ok" for run in recorded)
    finally:
        outputs = [stop_server(server) for server in servers]
    if sqlite:
        assert len(backup.list_backups(app.config["KIOSK"].backups_folder())) == 1
    assert all("Traceback" not in output for output in outputs), outputs
