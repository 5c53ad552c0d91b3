"""The data-dir lock: a running server holds it shared; ``restore`` needs it alone.

An fcntl lock (not a PID file) because the kernel drops it when the process dies, however it
dies, so a crashed server never leaves a stale "running" mark behind. Two servers on one data dir
may both hold the shared lock; the exactly-once rule for scheduled jobs lives in the database
(``OperationRun``'s unique job and slot), which also covers servers sharing one PostgreSQL.
"""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

LOCK_FILE = "server.lock"


class DataDirBusy(RuntimeError):
    """Another process holds the data-dir lock in a way that conflicts with this one."""


def _open(data_dir: Path) -> IO[str]:
    data_dir.mkdir(parents=True, exist_ok=True)
    return (data_dir / LOCK_FILE).open("a", encoding="ascii")


def hold_server_lock(data_dir: Path) -> IO[str]:
    """Take the shared lock for a server's lifetime; keep the returned file open.

    Raises DataDirBusy while a restore holds the lock alone.
    """
    handle = _open(data_dir)
    try:
        fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError as exc:
        handle.close()
        raise DataDirBusy("a restore is running on this data folder") from exc
    return handle


@contextmanager
def data_dir_alone(data_dir: Path) -> Iterator[None]:
    """Hold the lock exclusively (for a restore); raises DataDirBusy while a server runs."""
    handle = _open(data_dir)
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise DataDirBusy("a server is running on this data folder") from exc
        yield
    finally:
        handle.close()


def server_running(data_dir: Path) -> bool:
    """True while some process (a server) holds the data-dir lock."""
    try:
        with data_dir_alone(data_dir):
            return False
    except DataDirBusy:
        return True
