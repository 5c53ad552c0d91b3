"""``GET /healthz``: is the app up, can it reach its database, and can it write its data dir?"""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.wrappers import Response

from ..extensions import db

bp = Blueprint("health", __name__)
log = logging.getLogger(__name__)
# Below this much free space the data dir counts as full: SQLite needs room for its WAL and a
# backup needs room for a copy, so "nearly full" is already unhealthy.
MIN_FREE_BYTES = 16 * 1024 * 1024
PROBE_FILE = ".healthz-probe"


def disk_state(data_dir: Path) -> str:
    """ok, full (too little free space) or unwritable (a small write and fsync failed)."""
    try:
        if shutil.disk_usage(data_dir).free < MIN_FREE_BYTES:
            return "full"
        probe = data_dir / PROBE_FILE
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(fd, b"ok")
            os.fsync(fd)
        finally:
            os.close(fd)
        probe.unlink()
    except OSError as exc:
        log.warning("Health check: data dir not writable (%s)", exc.strerror)
        return "unwritable"
    return "ok"


@bp.route("/healthz")
def healthz() -> tuple[Response, int]:
    """200 when the database answers and the data dir takes a write; 503 otherwise.

    Checked afresh on every call, so it turns healthy again by itself once space is freed or the
    database is back (no restart).
    """
    try:
        db.session.execute(text("SELECT 1"))
        database = "ok"
    except SQLAlchemyError as exc:
        db.session.rollback()
        log.warning("Health check: database unreachable (%s)", type(exc).__name__)
        database = "unreachable"
    disk = disk_state(current_app.config["KIOSK"].data_dir)
    healthy = database == "ok" and disk == "ok"
    body = {
        "status": "ok" if healthy else "error",
        "version": current_app.config["VERSION"],
        "database": database,
        "disk": disk,
    }
    return jsonify(body), 200 if healthy else 503
