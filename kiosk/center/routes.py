"""Admins change the center's settings."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.wrappers import Response

from ..auth.access import admin_required
from ..auth.forms import ButtonForm
from . import services

bp = Blueprint("center", __name__, url_prefix="/staff/admin/settings")

ERROR_MESSAGES = {
    "whole number": _l("Enter a whole number."),
    "out of range": _l("That number is outside the allowed range."),
    "not a choice": _l("Choose one of the options."),
    "too long": _l("That is too long."),
}


@bp.route("", methods=["GET", "POST"])
@admin_required
def edit() -> Response | tuple[str, int]:
    """Show every setting; POST saves the changed ones all at once."""
    errors: dict[str, str] = {}
    values = services.all_values()
    form = ButtonForm()
    if request.method == "POST" and form.validate_on_submit():
        changes = {key: request.form.get(f"setting-{key}", "") for key in services.REGISTRY}
        for key, raw in changes.items():
            try:
                services.REGISTRY[key].parse(raw)
            except services.InvalidSetting as exc:
                errors[key] = str(ERROR_MESSAGES.get(str(exc), exc))
        if not errors:
            services.save(changes, current_user.username)
            flash(_("Settings saved."), "success")
            return redirect(url_for("center.edit"), 303)
        values.update(changes)
    status = 400 if errors or request.method == "POST" else 200
    return render_template(
        "center/settings.html",
        settings_list=services.REGISTRY.values(),
        values=values,
        errors=errors,
        form=form,
    ), status
