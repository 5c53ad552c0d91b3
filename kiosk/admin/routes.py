"""Staff account administration."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from ..auth import services
from ..auth.access import admin_required
from ..auth.forms import ButtonForm, NewUserForm, ResetPasswordForm, RoleForm
from ..extensions import db
from ..web import page_or_fragment

bp = Blueprint("admin", __name__, url_prefix="/staff/admin")


def _users_page(new_form: NewUserForm | None = None, status: int = 200) -> Response:
    return page_or_fragment(
        "admin/users.html",
        "admin/_users.html",
        status,
        users=services.list_users(),
        new_form=new_form or NewUserForm(formdata=None),
        button_form=ButtonForm(),
        role_form=RoleForm(formdata=None),
        me=current_user,
    )


@bp.route("/users", methods=["GET", "POST"])
@admin_required
def users() -> Response:
    """List staff accounts; POST adds one."""
    if request.method == "GET":
        return _users_page()
    form = NewUserForm()
    if form.validate_on_submit():
        try:
            user = services.create_user(
                form.username.data or "", form.role.data or "", form.password.data or ""
            )
        except services.UserExists:
            form.username.errors = [_("That username is taken.")]
        else:
            flash(_("Account %(name)s added.", name=user.username), "success")
            return redirect(url_for("admin.users"), 303)
    return _users_page(form, 400)


def _user_or_404(user_id: int) -> services.User:
    user = db.session.get(services.User, user_id)
    if user is None:
        abort(404)
    return user


@bp.route("/users/<int:user_id>/active", methods=["GET", "POST"])
@admin_required
def set_active(user_id: int) -> Response | str:
    """Disable (after a page that names the account) or re-enable an account; disabling logs it
    out everywhere."""
    user = _user_or_404(user_id)
    if request.method == "GET":
        return render_template(
            "layouts/confirm.html",
            heading=_("Disable this account?"),
            thing=user.username,
            consequence=_(
                "They are logged out everywhere and cannot log in until an admin enables the "
                "account again."
            ),
            action=url_for("admin.set_active", user_id=user.id),
            extra={"active": "0"},
            confirm_label=_("Yes, disable %(name)s", name=user.username),
            cancel_url=url_for("admin.users"),
        )
    if not ButtonForm().validate_on_submit():
        abort(400)
    enable = request.form.get("active") == "1"
    try:
        services.set_active(user.id, enable)
    except services.LastAdmin:
        flash(_("The center needs at least one active admin."), "error")
        return redirect(url_for("admin.users"), 303)
    flash(
        _("Account %(name)s enabled.", name=user.username)
        if enable
        else _("Account %(name)s disabled and logged out.", name=user.username),
        "success",
    )
    return redirect(url_for("admin.users"), 303)


@bp.route("/users/<int:user_id>/role", methods=["POST"])
@admin_required
def set_role(user_id: int) -> Response:
    """Change an account's role."""
    user = _user_or_404(user_id)
    form = RoleForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.change_role(user.id, form.role.data or "")
    except services.LastAdmin:
        flash(_("The center needs at least one active admin."), "error")
    else:
        flash(_("Role changed for %(name)s.", name=user.username), "success")
    return redirect(url_for("admin.users"), 303)


@bp.route("/users/<int:user_id>/password", methods=["GET", "POST"])
@admin_required
def reset_password(user_id: int) -> Response | tuple[str, int] | str:
    """Set a new password for an account, which logs it out everywhere."""
    user = _user_or_404(user_id)
    form = ResetPasswordForm(username=user.username)
    if form.validate_on_submit():
        services.reset_password(user.id, form.password.data or "")
        flash(
            _("New password set for %(name)s. They have been logged out.", name=user.username),
            "success",
        )
        return redirect(url_for("admin.users"), 303)
    status = 400 if request.method == "POST" else 200
    return render_template("admin/password.html", form=form, user=user), status
