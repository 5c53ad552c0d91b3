"""The kiosk sign-in flow, enrolled kiosks, and leaving kiosk mode.

The flow is one form whose fragment htmx swaps in place (``#flow``): no URL changes, so the
browser's Back button cannot walk through an earlier person's screens.
"""

from __future__ import annotations

import secrets
from typing import Any

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, logout_user
from sqlalchemy import Row, bindparam, select
from werkzeug.wrappers import Response

from .. import clock
from ..auth import services as auth_services
from ..auth.access import SESSION_TOKEN_KEY, admin_required
from ..auth.forms import ButtonForm
from ..extensions import db
from ..i18n import switch_language
from ..reports.routes import offer_or_done
from ..sessions import services as sessions
from ..sessions.models import GroupSession, Visit
from ..web import is_staff_path, page_or_fragment, redirect_page
from . import flow, services
from .forms import EnrollForm, StepForm

bp = Blueprint("signin", __name__, url_prefix="/signin")
kiosks_bp = Blueprint("kiosks", __name__, url_prefix="/staff/kiosks")

KIOSK_COOKIE = "porchlight_kiosk"
KIOSK_COOKIE_SECONDS = 5 * 365 * 24 * 3600
LIMITER_COOKIE = "porchlight_guesses"
LIMITER_COOKIE_SECONDS = 24 * 3600
# Staff pages an enrolled kiosk may still open: logging in and out leak no staff data.
KIOSK_ALLOWED_STAFF_ENDPOINTS = {"auth.login", "auth.logout"}


def _secret() -> str:
    return str(current_app.config["SECRET_KEY"])


def _guesser() -> tuple[str, str | None]:
    """Who pays for a wrong code: (limiter key, a new limiter cookie to set, if any).

    Wrong-code limits are per enrolled kiosk, and per browser for the others. An unenrolled
    browser is told apart only by a random limiter cookie (never an IP address, P1); one without
    it gets a fresh one here. Dropping the cookie only moves a guesser under the shared ceiling
    of all unenrolled browsers (services.UNENROLLED_CEILING).
    """
    device = g.get("kiosk")
    if device is not None:
        return f"kiosk-{device.id}", None
    token = request.cookies.get(LIMITER_COOKIE, "")
    fresh = None
    if not (16 <= len(token) <= 64):
        token = fresh = secrets.token_urlsafe(16)
    return services.browser_key(token), fresh


def code_guesser() -> tuple[str, str | None]:
    """The wrong-code limiter key for this kiosk or browser, and a new limiter cookie, if any.

    Every kiosk screen that checks a visitor code (sign-in, Meet a peer, Check my request) uses
    this and ``remember_guesser``, so one browser's wrong codes count together wherever typed.
    """
    return _guesser()


def remember_guesser(response: Response, fresh: str | None) -> Response:
    """Set the limiter cookie on ``response`` when ``code_guesser`` made a new one."""
    if fresh:
        # Random, HttpOnly, a day long: it only lets this browser's wrong codes be counted
        # apart from everyone else's. Nothing about the person is in it or kept with it. Path
        # "/" so that every screen that checks codes sees the same one.
        response.set_cookie(
            LIMITER_COOKIE,
            fresh,
            max_age=LIMITER_COOKIE_SECONDS,
            httponly=True,
            samesite="Lax",
            path="/",
        )
    return response


def _render(
    form: StepForm, row: StepSession, step: str, status: int = 200, **extra: Any
) -> Response:
    place = flow.position(_steps(row), step)
    form.step.data = step
    return page_or_fragment(
        "signin/step.html",
        "signin/_step.html",
        status,
        form=form,
        group=row,
        step=step,
        first_step=place.first_step,
        number=place.number,
        count=place.count,
        **extra,
    )


def _steps(row: StepSession) -> tuple[str, ...]:
    return flow.steps_for(row.collect_names, row.agreement)


def _finish(form: StepForm, row: StepSession) -> Response:
    try:
        nonce = services.read_form_token(_secret(), form.token.data or "", row.id)
    except services.BadFormToken:
        return _start_again()
    code_hash = services.read_code_ref(_secret(), form.code_ref.data or "")
    # A code typed and recognized already set "returning" (_check_code); a code drawn just now
    # says nothing about earlier visits, so the person's own answer stands.
    visit = form.visit.data or Visit.UNKNOWN.value
    try:
        sessions.record_signin(
            row.id, form_token=nonce, name=form.name.data, visit=visit, visitor_code_hash=code_hash
        )
    except sessions.AlreadyRecorded:
        # A double tap or a resubmitted form: the first one counted; show the same screen.
        pass
    except sessions.SignInClosed:
        return _render(form, row, flow.CLOSED)
    # The optional check-in questions (kiosk/reports), only for a visitor code that is due.
    return offer_or_done(code_hash)


def _start_again() -> Response:
    flash(_("Sorry, that took a while. Let's start again."), "info")
    return redirect_page(url_for("start.index"))


# What a step screen shows and decides from its session, as plain columns: issue 14 (sign-in
# speed), the ORM object (identity map, all columns, instance state) was a fifth of a sign-in
# POST. Built once. Whether the session still takes sign-ins is decided under the write lock
# (sessions.record_signin), not here.
_STEP_SESSION = select(
    GroupSession.id,
    GroupSession.title,
    GroupSession.room,
    GroupSession.starts_at,
    GroupSession.ends_at,
    GroupSession.agreement,
    GroupSession.collect_names,
    GroupSession.cancelled,
).where(GroupSession.id == bindparam("session_id"))
StepSession = Row[*tuple[Any, ...]]  # the columns above, by name


def _open_session(form: StepForm) -> StepSession | None:
    """The session the form is for, if the form is good and the session still takes sign-ins."""
    if not form.validate():
        return None
    row = db.session.execute(_STEP_SESSION, {"session_id": form.session_id.data or ""}).first()
    return None if row is None or row.cancelled else row


@bp.route("/step", methods=["GET", "POST"])
def step() -> Response:
    """Show the next screen of the sign-in flow; the last one records the sign-in."""
    if request.method == "GET":
        # A reload or a typed URL: there is no state to show, start over.
        return redirect(url_for("start.index"), 303)
    form = StepForm()
    row = _open_session(form)
    if row is None:
        return _start_again()
    if form.go.data == flow.LANGUAGE:
        # The header's language switch, pressed mid-flow (static/js/language.js re-sends this
        # form): the same step comes back in the other language with the answers it carries.
        switch_language(request.form.get("lang", ""))
    move = flow.next_move(_steps(row), form.step.data or "", form.go.data or "")
    return _carry_out(move, form, row)


def _carry_out(move: flow.Move, form: StepForm, row: StepSession) -> Response:
    """Do what the flow decided: the side effects live here, the rules in ``flow``."""
    if move.clear_name:
        form.name.data = ""
    if move.forget_code:
        form.code_ref.data = ""
    if move.visit is not None:
        form.visit.data = move.visit
    if move.action is flow.Action.BEGIN:
        form.token.data = services.issue_form_token(_secret(), row.id)
        form.name.data = form.visit.data = form.code_ref.data = ""
    elif move.action is flow.Action.LEAVE:
        return redirect_page(url_for("start.index"))
    elif move.action is flow.Action.FINISH:
        return _finish(form, row)
    elif move.action is flow.Action.NEW_CODE:
        # Words in the language on screen; the code then works on either language's kiosk.
        code, digest = services.create_code(
            services.code_key(_secret()), language=str(get_locale() or "en")[:2]
        )
        form.code_ref.data = services.sign_code_ref(_secret(), digest)
        # Shown once, here; it is never stored in words and never sent again.
        return _render(form, row, move.step, new_code=code)
    elif move.action is flow.Action.CHECK_CODE:
        return _check_code(form, row)
    return _render(form, row, move.step)


def _check_code(form: StepForm, row: StepSession) -> Response:
    typed = form.code.data or ""
    # 200 even for a wrong code: htmx swaps only successful responses, and the words on the
    # screen are what the person needs.
    form.code.data = ""  # never echo the typed code back into the page
    try:
        key, fresh = _guesser()
        digest = services.check_code(typed, services.code_key(_secret()), key)
    except services.TooManyTries:
        message = _(
            "Code entry is paused on this tablet for a few minutes. You can sign in without a code."
        )
        return _render(form, row, flow.CODE, code_error=message)
    if digest is None:
        message = _("We don't know that code. Check the words, or continue without it.")
        return remember_guesser(_render(form, row, flow.CODE, code_error=message), fresh)
    form.code_ref.data = services.sign_code_ref(_secret(), digest)
    return _carry_out(flow.after_code_recognized(_steps(row)), form, row)


# ---- leaving kiosk mode (kiosk side, since a kiosk cannot reach staff pages) --------------


@bp.route("/kiosk-mode", methods=["GET", "POST"])
def leave() -> Response | str:
    """Take this browser out of kiosk mode: needs a staff member logged in on it."""
    device = g.get("kiosk")
    if request.method == "GET":
        return render_template("signin/leave.html", device=device, form=ButtonForm())
    if device is None or not ButtonForm().validate_on_submit():
        return redirect(url_for("start.index"), 303)
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login", next=url_for("signin.leave")), 303)
    services.revoke_kiosk(device.id)
    response = redirect(url_for("auth.home"), 303)
    response.delete_cookie(KIOSK_COOKIE, path="/")
    flash(_("This browser is no longer a kiosk."), "success")
    return response


# ---- enrollment (admins) -------------------------------------------------------------------


@kiosks_bp.route("", methods=["GET", "POST"])
@admin_required
def index() -> Response | tuple[str, int] | str:
    """List kiosks; POST turns this browser into a new kiosk."""
    if request.method == "GET":
        return _kiosks_page(EnrollForm(formdata=None))
    form = EnrollForm()
    if form.validate_on_submit():
        try:
            _device, token = services.enroll_kiosk(form.name.data or "", current_user.username)
        except services.SignInError:
            form.name.errors = [_("Give the kiosk a name.")]
        else:
            return _become_kiosk(token)
    return _kiosks_page(form), 400


def _kiosks_page(form: EnrollForm) -> str:
    return render_template(
        "signin/kiosks.html", form=form, kiosks=services.list_kiosks(), button_form=ButtonForm()
    )


def _become_kiosk(token: str) -> Response:
    # A kiosk must not stay logged in as the admin who set it up.
    auth_services.end_session(session.get(SESSION_TOKEN_KEY))
    logout_user()
    session.clear()
    flash(_("This browser is now a kiosk."), "success")
    response = redirect(url_for("start.index"), 303)
    # HttpOnly: page scripts cannot read it. No Secure flag: the app is served over plain HTTP
    # on the local network (PRODUCT §7). Only its hash is stored.
    response.set_cookie(
        KIOSK_COOKIE, token, max_age=KIOSK_COOKIE_SECONDS, httponly=True, samesite="Lax", path="/"
    )
    return response


@kiosks_bp.route("/<int:device_id>/revoke", methods=["GET", "POST"])
@admin_required
def revoke(device_id: int) -> Response | str:
    """Stop a kiosk being one (after a page that names it): its cookie no longer means anything."""
    if request.method == "GET":
        device = next((k for k in services.list_kiosks() if k.id == device_id), None)
        if device is None or device.revoked_at is not None:
            abort(404)
        return render_template(
            "layouts/confirm.html",
            heading=_("Revoke this kiosk?"),
            thing=device.name,
            consequence=_(
                "That tablet stops being a kiosk at once. To use it again, enroll it again."
            ),
            action=url_for("kiosks.revoke", device_id=device.id),
            confirm_label=_("Yes, revoke %(name)s", name=device.name),
            cancel_url=url_for("kiosks.index"),
        )
    if not ButtonForm().validate_on_submit():
        return redirect(url_for("kiosks.index"), 303)
    if services.revoke_kiosk(device_id):
        flash(_("Kiosk revoked."), "success")
    return redirect(url_for("kiosks.index"), 303)


def _kiosk_gate() -> Response | None:
    """An enrolled kiosk reaches only kiosk pages: staff URLs send it to the kiosk start."""
    token = request.cookies.get(KIOSK_COOKIE)
    device = services.kiosk_for_token(token) if token else None
    g.kiosk = device
    if device is None or request.endpoint == "static":
        return None
    now = clock.utcnow()
    if device.last_seen_at is None or (now - device.last_seen_at).total_seconds() > 60:
        services.touch_kiosk(device.id, now)
    if is_staff_path(request.path) and request.endpoint not in KIOSK_ALLOWED_STAFF_ENDPOINTS:
        # No staff data, whatever the URL, whoever may be logged in on this browser. A staff
        # member who just logged in here lands on the page that takes it out of kiosk mode.
        target = url_for("signin.leave" if current_user.is_authenticated else "start.index")
        return redirect_page(target)
    return None


def init_signin(app: Flask) -> None:
    """Register the kiosk gate, the blueprints and the purge command."""
    # First of all before-request hooks, ahead of the CSRF check: even a forged or stale POST
    # from a kiosk must get the kiosk start, not a staff error page with the staff header.
    app.before_request_funcs.setdefault(None, []).insert(0, _kiosk_gate)
    app.register_blueprint(bp)
    app.register_blueprint(kiosks_bp)
