"""The health page (admins), its clock check, the center export, and the staff-page banner."""

from __future__ import annotations

import tempfile

from flask import Blueprint, current_app, g, request, send_file
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.wrappers import Response

from ..auth.access import admin_required
from ..auth.forms import ButtonForm
from ..config import Settings
from ..extensions import db
from ..web import is_staff_path, page_or_fragment, wants_fragment
from . import export, health

bp = Blueprint("ops", __name__, url_prefix="/staff/health")


def _settings() -> Settings:
    settings: Settings = current_app.config["KIOSK"]
    return settings


@bp.before_app_request
def _prepare_banner() -> None:
    """The operations banner's alerts for a staff page, read once before the view runs.

    Like the help alert bar (help.routes._prepare_alert_bar), the banner is on every staff page
    of every area, so it is prepared here and the layout reads ``g.ops_alerts``: a value, not a
    query the template runs. Skipped for the kiosk side, htmx fragments (they never render the
    layout) and anyone logged out; the answer itself is cached a minute (health.cached_alerts).
    """
    if not is_staff_path(request.path) or wants_fragment() or not current_user.is_authenticated:
        return
    try:
        g.ops_alerts = health.cached_alerts(current_app._get_current_object(), _settings())  # type: ignore[attr-defined]
    except (SQLAlchemyError, OSError):
        # The banner must never turn a page (an error page above all) into a 500.
        db.session.rollback()
        g.ops_alerts = []


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
