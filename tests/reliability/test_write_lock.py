"""The SQLite write lock reaches across processes (issue 9 point 10, docs/reliability.md).

A second process (here a small Python holding the lock file, as a by-hand ``flask --app kiosk
purge`` or ``backup`` would) makes the app's writes wait until it lets go; the CLI's purge and
backup take the same lock; the lock file is private to the app's user.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from kiosk import clock
from kiosk.auth.models import LoginEvent
from kiosk.db import WRITE_LOCK_SUFFIX, WriteLockTimeout, sqlite_write_lock, write_transaction
from kiosk.extensions import db
from kiosk.ops.backup import make_backup
from kiosk.ops.models import OperationRun
from tests.conftest import TEST_DATABASE_URL

pytestmark = pytest.mark.skipif(bool(TEST_DATABASE_URL), reason="the SQLite write lock")

HOLDER = """
import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o600)
fcntl.flock(fd, fcntl.LOCK_EX)
print("held", flush=True)
sys.stdin.readline()
"""


class Holder:
    """Another process holding the write lock until ``release()``."""

    def __init__(self, lock_file: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", HOLDER, str(lock_file)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        assert self.process.stdout.readline().strip() == "held"

    def release(self) -> None:
        if self.process.poll() is None:
            assert self.process.stdin is not None
            self.process.stdin.write("\n")
            self.process.stdin.flush()
            self.process.wait(10)


def lock_file(app: Flask) -> Path:
    return Path(app.config["KIOSK"].data_dir).resolve() / f"porchlight.db{WRITE_LOCK_SUFFIX}"


@pytest.fixture
def holder(app: Flask) -> Iterator[Holder]:
    held = Holder(lock_file(app))
    yield held
    held.release()


def login_events(app: Flask) -> int:
    with app.app_context():
        count = db.session.scalar(select(func.count()).select_from(LoginEvent))
        db.session.remove()
        return int(count or 0)


def test_a_write_waits_for_another_process_and_proceeds_after(app: Flask, holder: Holder) -> None:
    done = threading.Event()
    errors: list[BaseException] = []

    def write() -> None:
        try:
            with app.app_context():
                with write_transaction() as session:
                    session.add(LoginEvent(username="waiting", outcome="success"))
                db.session.remove()
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            done.set()

    writer = threading.Thread(target=write)
    writer.start()
    # A one-row write takes milliseconds; while the other process holds the lock it waits.
    assert not done.wait(1.5), errors
    assert login_events(app) == 0
    holder.release()
    assert done.wait(10)
    writer.join()
    assert errors == []
    assert login_events(app) == 1


def test_a_lock_held_past_the_busy_timeout_is_a_503(app: Flask, holder: Holder) -> None:
    app.config["WTF_CSRF_ENABLED"] = False
    with app.app_context():
        db.engine.update_execution_options(kiosk_busy_timeout_ms=300)
    response = app.test_client().post("/staff/login", data={"username": "x", "password": "y"})
    assert response.status_code == 503
    assert login_events(app) == 0


def _cli_env(app: Flask) -> dict[str, str]:
    return {
        **os.environ,
        "KIOSK_DATA_DIR": str(app.config["KIOSK"].data_dir),
        "KIOSK_BUSY_TIMEOUT_MS": "500",
        "KIOSK_SCHEDULER": "off",
    }


def _flask(app: Flask, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "kiosk", *args],
        env=_cli_env(app),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _runs(app: Flask) -> list[tuple[str, str]]:
    with app.app_context():
        found = [(r.job, r.status) for r in db.session.scalars(select(OperationRun))]
        db.session.remove()
        return found


@pytest.mark.parametrize("job", ["purge", "backup"])
def test_the_cli_purge_and_backup_take_the_lock(app: Flask, job: str) -> None:
    """A real ``flask --app kiosk purge|backup`` process: refused with one line while another
    process holds the lock past the busy timeout, and nothing written; it runs once released."""
    with app.app_context():
        db.engine.dispose()  # the CLI process opens its own connections
    held = Holder(lock_file(app))
    try:
        refused = _flask(app, job)
    finally:
        held.release()
    assert refused.returncode != 0
    assert "the database is busy: another process is writing to it" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert _runs(app) == []
    done = _flask(app, job)
    assert done.returncode == 0, done.stderr
    assert _runs(app) == [(job, "ok")]


def test_a_backup_to_a_file_waits_for_the_lock(app: Flask, tmp_path: Path) -> None:
    held = Holder(lock_file(app))
    try:
        refused = _flask(app, "backup", str(tmp_path / "copy.db"))
    finally:
        held.release()
    assert refused.returncode != 0
    assert "the database is busy" in refused.stderr
    assert not (tmp_path / "copy.db").exists()


def test_the_lock_file_is_private(app: Flask) -> None:
    path = lock_file(app)
    path.unlink(missing_ok=True)
    old_umask = os.umask(0)
    try:
        with app.app_context(), write_transaction() as session:
            session.add(LoginEvent(username="first", outcome="success"))
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    # One left world-readable (copied in by hand, say) is made private again.
    path.chmod(0o666)
    with app.app_context(), sqlite_write_lock():
        pass
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_the_lock_file_is_never_followed_through_a_symlink(app: Flask, tmp_path: Path) -> None:
    path = lock_file(app)
    path.unlink(missing_ok=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.write_text("keep")
    path.symlink_to(elsewhere)
    with (
        pytest.raises(OSError, match="Too many levels of symbolic links"),
        app.app_context(),
        sqlite_write_lock(),
    ):
        pass
    assert elsewhere.read_text() == "keep"


def test_the_nightly_backup_copies_under_the_lock(app: Flask, holder: Holder) -> None:
    with app.app_context():
        db.engine.update_execution_options(kiosk_busy_timeout_ms=300)
        with pytest.raises(WriteLockTimeout):
            make_backup(
                app.config["KIOSK"], lock_file(app).with_name("porchlight.db"), clock.utcnow()
            )
