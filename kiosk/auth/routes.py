"""Login, logout, first-run setup, and the staff home page."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from ..i18n import LANGUAGES, LOCALE_KEY
from ..inputs import safe_target
from . import services
from .access import SESSION_TOKEN_KEY, signed_in_required
from .forms import ButtonForm, LoginForm, SetupForm

bp = Blueprint("auth", __name__, url_prefix="/staff")


def _safe_next(target: str | None) -> str:
    # Only same-site paths: an absolute or scheme-relative URL here would be an open redirect.
    return safe_target(target, url_for("auth.home"))


def _fresh_session() -> None:
    """Empty the session cookie, keeping only the language this browser chose.

    The language is the person's own choice on this screen, not a credential: a facilitator who
    picked Español on the login page keeps it after logging in or out.
    """
    language = session.get(LOCALE_KEY)
    session.clear()
    if language in LANGUAGES:
        session[LOCALE_KEY] = language


def _log_in(user: services.User) -> None:
    # A fresh cookie and a fresh server-side session at every login (no session fixation).
    _fresh_session()
    token = services.start_session(user)
    session[SESSION_TOKEN_KEY] = token
    login_user(user)


@bp.route("/login", methods=["GET", "POST"])
def login() -> Response | str | tuple[str, int]:
    """Staff login, throttled per account."""
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.username.data or "", form.password.data or "")
        except services.LoginThrottled:
            flash(
                _("Too many tries for this account. Please wait a minute and try again."), "error"
            )
            status = 429
        except services.LoginFailed:
            flash(_("That username and password do not match."), "error")
            status = 401
        else:
            _log_in(user)
            return redirect(_safe_next(request.args.get("next")))
    elif request.method == "POST":
        status = 400
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
def logout() -> Response:
    """Log out: the server forgets the session, so a copied cookie is useless."""
    services.end_session(session.get(SESSION_TOKEN_KEY))
    logout_user()
    _fresh_session()
    flash(_("You have logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/setup/<token>", methods=["GET", "POST"])
def setup(token: str) -> Response | str | tuple[str, int]:
    """Create the first admin account with the one-time link printed at start-up."""
    if not services.setup_token_valid(token):
        abort(404)
    form = SetupForm()
    if form.validate_on_submit():
        try:
            user = services.redeem_setup_token(
                token, form.username.data or "", form.password.data or ""
            )
        except services.SetupTokenInvalid:
            abort(404)
        except services.UserExists:
            form.username.errors = [_("That username is taken.")]
        else:
            _log_in(user)
            flash(_("Welcome. Your admin account is ready."), "success")
            return redirect(url_for("auth.home"))
    status = 400 if request.method == "POST" else 200
    return render_template("auth/setup.html", form=form), status


@bp.route("")
@bp.route("/")
@signed_in_required
def home() -> Response | str:
    """The staff start page: links to each area (a peer supporter goes to their own page)."""
    if current_user.is_peer:
        return redirect(url_for("peer.home"))
    return render_template("auth/home.html", logout_form=ButtonForm(), user=current_user)
