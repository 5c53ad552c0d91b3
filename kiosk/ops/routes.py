"""The health page (admins), its clock check, the center export, and the staff-page banner."""

from __future__ import annotations

import tempfile
from typing import Any

from flask import Blueprint, current_app, request, send_file
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.wrappers import Response

from ..auth.access import admin_required
from ..auth.forms import ButtonForm
from ..config import Settings
from ..extensions import db
from ..web import page_or_fragment
from . import export, health

bp = Blueprint("ops", __name__, url_prefix="/staff/health")


def _settings() -> Settings:
    settings: Settings = current_app.config["KIOSK"]
    return settings


@bp.app_context_processor
def _banner() -> dict[str, Any]:
    def ops_alerts() -> list[str]:
        # Only staff pages call this (layouts/staff.html), and the answer is cached a minute.
        if not current_user.is_authenticated:
            return []
        try:
            return health.cached_alerts(current_app._get_current_object(), _settings())  # type: ignore[attr-defined]
        except (SQLAlchemyError, OSError):
            # The banner must never turn a page (an error page above all) into a 500.
            db.session.rollback()
            return []

    return {"ops_alerts": ops_alerts}


@bp.route("")
@admin_required
def page() -> Response:
    """Every operations figure: database, disk, backups, purge, clock, kiosks."""
    report = health.health(_settings(), current_app.config["VERSION"])
    return page_or_fragment(
        "ops/health.html", "ops/_clock.html", report=report, clock=None, form=ButtonForm()
    )


@bp.route("/clock", methods=["POST"])
@admin_required
def clock_check() -> Response:
    """Compare the time the staff browser reports with the server's clock."""
    form = ButtonForm()
    comparison = health.compare_clock(request.form.get("browser_ms")) if form.validate() else None
    report = health.health(_settings(), current_app.config["VERSION"])
    return page_or_fragment(
        "ops/health.html", "ops/_clock.html", report=report, clock=comparison, form=form
    )


@bp.route("/export", methods=["POST"])
@admin_required
def center_export() -> Response:
    """Download the center's data as a zip of documented CSV files."""
    form = ButtonForm()
    if not form.validate():
        report = health.health(_settings(), current_app.config["VERSION"])
        return page_or_fragment(
            "ops/health.html", "ops/_clock.html", 400, report=report, clock=None, form=form
        )
    # Spooled: small centers stay in memory, a big one spills to a private temp file.
    spool = tempfile.SpooledTemporaryFile(max_size=20_000_000)  # noqa: SIM115  (send_file closes it)
    export.write_export(spool, _settings().center_name)
    spool.seek(0)
    return send_file(
        spool, mimetype="application/zip", as_attachment=True, download_name=export.export_name()
    )
