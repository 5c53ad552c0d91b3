"""``GET /healthz``: is the app up and can it reach its database?"""

from __future__ import annotations

import logging

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.wrappers import Response

from ..extensions import db

bp = Blueprint("health", __name__)
log = logging.getLogger(__name__)


@bp.route("/healthz")
def healthz() -> tuple[Response, int]:
    """200 with status, version and database state when healthy, 503 when the database is down."""
    try:
        db.session.execute(text("SELECT 1"))
        database = "ok"
    except SQLAlchemyError as exc:
        db.session.rollback()
        log.warning("Health check: database unreachable (%s)", type(exc).__name__)
        database = "unreachable"
    healthy = database == "ok"
    body = {
        "status": "ok" if healthy else "error",
        "version": current_app.config["VERSION"],
        "database": database,
    }
    return jsonify(body), 200 if healthy else 503
