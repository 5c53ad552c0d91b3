"""The kiosk sign-in flow, enrolled kiosks, and leaving kiosk mode.

The flow is one form whose fragment htmx swaps in place (``#flow``): no URL changes, so the
browser's Back button cannot walk through an earlier person's screens.
"""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Flask,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, logout_user
from werkzeug.wrappers import Response

from .. import clock
from ..auth import services as auth_services
from ..auth.access import SESSION_TOKEN_KEY, admin_required
from ..auth.forms import ButtonForm
from ..extensions import db
from ..sessions import services as sessions
from ..sessions.models import GroupSession, Visit
from ..start.cache import render_expires_at
from ..start.confirmation import signed_in_screen
from ..web import is_staff_path, page_or_fragment
from . import services
from .forms import EnrollForm, StepForm

bp = Blueprint("signin", __name__, url_prefix="/signin")
kiosks_bp = Blueprint("kiosks", __name__, url_prefix="/staff/kiosks")

KIOSK_COOKIE = "porchlight_kiosk"
KIOSK_COOKIE_SECONDS = 5 * 365 * 24 * 3600
# Staff pages an enrolled kiosk may still open: logging in and out leak no staff data.
KIOSK_ALLOWED_STAFF_ENDPOINTS = {"auth.login", "auth.logout"}


def _secret() -> str:
    return str(current_app.config["SECRET_KEY"])


def _kiosk_key() -> str:
    # Rate limits are per kiosk. An unenrolled browser has no identity we are willing to use
    # (no IP addresses, P1), so all of them share one bucket.
    device = g.get("kiosk")
    return f"kiosk-{device.id}" if device is not None else services.UNENROLLED


def steps_for(row: GroupSession) -> list[str]:
    """The questions a session asks, in order."""
    steps = ["name"] if row.collect_names else []
    steps.append("visit")
    if row.agreement:
        steps.append("agreement")
    return steps


def _render(
    form: StepForm, row: GroupSession | None, step: str, status: int = 200, **extra: Any
) -> Response:
    steps = steps_for(row) if row is not None else []
    # Which step "Back" returns to: the code screens belong to the visit question.
    main_step = "visit" if step in ("code", "newcode") else step
    position = steps.index(main_step) if main_step in steps else 0
    form.step.data = step
    return page_or_fragment(
        "signin/step.html",
        "signin/_step.html",
        status,
        form=form,
        group=row,
        step=step,
        first_step=position == 0 and step == main_step,
        number=position + 1,
        count=len(steps),
        **extra,
    )


def _after(row: GroupSession, step: str) -> str | None:
    steps = steps_for(row)
    index = steps.index(step)
    return steps[index + 1] if index + 1 < len(steps) else None


def _before(row: GroupSession, step: str) -> str | None:
    if step in ("code", "newcode"):
        return "visit"
    steps = steps_for(row)
    index = steps.index(step) if step in steps else 0
    return steps[index - 1] if index > 0 else None


def _finish(form: StepForm, row: GroupSession) -> Response:
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
        return _render(form, row, "closed")
    return signed_in_screen()


def _go_to(target: str) -> Response:
    """Send the whole page somewhere: a plain redirect, or HX-Redirect for htmx.

    htmx cannot see a 303 (the browser follows it and htmx would swap the whole start page into
    the fragment), so htmx requests get a 200 with the HX-Redirect header instead.
    """
    if request.headers.get("HX-Request") == "true":
        response = current_app.response_class("", 200)
        response.headers["HX-Redirect"] = target
        return response
    return redirect(target, 303)


def _start_again() -> Response:
    flash(_("Sorry, that took a while. Let's start again."), "info")
    return _go_to(url_for("start.index"))


@bp.route("/step", methods=["GET", "POST"])
def step() -> Response:  # noqa: PLR0911, PLR0912  (one branch per button, read top to bottom)
    """Show the next screen of the sign-in flow; the last one records the sign-in."""
    if request.method == "GET":
        # A reload or a typed URL: there is no state to show, start over.
        return redirect(url_for("start.index"), 303)
    form = StepForm()
    if not form.validate():
        return _start_again()
    row = db.session.get(GroupSession, form.session_id.data or "")
    if row is None or row.cancelled:
        return _start_again()
    go = form.go.data or ""
    current = form.step.data or ""
    if go == "start":
        form.token.data = services.issue_form_token(_secret(), row.id)
        form.name.data = form.visit.data = form.code_ref.data = ""
        return _render(form, row, steps_for(row)[0])
    if go == "back":
        previous = _before(row, current)
        return _render(form, row, previous) if previous else _start_again_quietly()
    if current == "name" and go in ("next", "skip"):
        if go == "skip":
            form.name.data = ""
        nxt = _after(row, "name")
        return _render(form, row, nxt) if nxt else _finish(form, row)
    if current in ("visit", "code", "newcode") and go.startswith("visit-"):
        form.visit.data = go.removeprefix("visit-")
        if form.visit.data not in {v.value for v in Visit}:
            form.visit.data = Visit.UNKNOWN.value
        nxt = _after(row, "visit")
        return _render(form, row, nxt) if nxt else _finish(form, row)
    if current == "visit" and go == "code":
        return _render(form, row, "code")
    if current == "visit" and go == "newcode":
        code, digest = services.create_code(services.code_key(_secret()))
        form.code_ref.data = services.sign_code_ref(_secret(), digest)
        # Shown once, here; it is never stored in words and never sent again.
        return _render(form, row, "newcode", new_code=code)
    if current == "code" and go == "check":
        return _check_code(form, row)
    if current == "agreement" and go == "agree":
        return _finish(form, row)
    return _render(form, row, current if current in steps_for(row) else steps_for(row)[0])


def _start_again_quietly() -> Response:
    return _go_to(url_for("start.index"))


def _check_code(form: StepForm, row: GroupSession) -> Response:
    typed = form.code.data or ""
    # 200 even for a wrong code: htmx swaps only successful responses, and the words on the
    # screen are what the person needs.
    form.code.data = ""  # never echo the typed code back into the page
    try:
        digest = services.check_code(typed, services.code_key(_secret()), _kiosk_key())
    except services.TooManyTries:
        return _render(
            form,
            row,
            "code",
            code_error=_(
                "Code entry is paused on this tablet for a few minutes. "
                "You can sign in without a code."
            ),
        )
    if digest is None:
        return _render(
            form,
            row,
            "code",
            code_error=_("We don't know that code. Check the words, or continue without it."),
        )
    form.code_ref.data = services.sign_code_ref(_secret(), digest)
    form.visit.data = Visit.RETURNING.value
    nxt = _after(row, "visit")
    return _render(form, row, nxt) if nxt else _finish(form, row)


def start_page_sessions() -> dict[str, Any]:
    """What the kiosk start page shows: open sessions, or when the next one opens."""
    now = clock.utcnow()
    open_now = sessions.open_sessions(now)
    upcoming = None if open_now else sessions.next_session(now)
    # The start page is cached (kiosk/start/cache.py): it must change the moment a window
    # closes or the next one opens, not at the next minute.
    for row in open_now:
        render_expires_at(row.ends_at)
    if upcoming is not None:
        render_expires_at(sessions.opens_at(upcoming))
    return {"open": open_now, "next": upcoming}


@bp.app_context_processor
def _signin_globals() -> dict[str, Any]:
    return {"signin_start": start_page_sessions}


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
    form = EnrollForm()
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                _device, token = services.enroll_kiosk(form.name.data or "", current_user.username)
            except services.SignInError:
                form.name.errors = [_("Give the kiosk a name.")]
            else:
                # A kiosk must not stay logged in as the admin who set it up.
                auth_services.end_session(session.get(SESSION_TOKEN_KEY))
                logout_user()
                session.clear()
                flash(_("This browser is now a kiosk."), "success")
                response = redirect(url_for("start.index"), 303)
                # HttpOnly: page scripts cannot read it. No Secure flag: the app is served over
                # plain HTTP on the local network (PRODUCT §7). Only its hash is stored.
                response.set_cookie(
                    KIOSK_COOKIE,
                    token,
                    max_age=KIOSK_COOKIE_SECONDS,
                    httponly=True,
                    samesite="Lax",
                    path="/",
                )
                return response
        return render_template(
            "signin/kiosks.html", form=form, kiosks=services.list_kiosks(), button_form=ButtonForm()
        ), 400
    return render_template(
        "signin/kiosks.html",
        form=EnrollForm(formdata=None),
        kiosks=services.list_kiosks(),
        button_form=ButtonForm(),
    )


@kiosks_bp.route("/<int:device_id>/revoke", methods=["POST"])
@admin_required
def revoke(device_id: int) -> Response:
    """Stop a kiosk being one: its cookie no longer means anything."""
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
        return _go_to(url_for("signin.leave" if current_user.is_authenticated else "start.index"))
    return None


def init_signin(app: Flask) -> None:
    """Register the kiosk gate, the blueprints and the purge command."""
    # First of all before-request hooks, ahead of the CSRF check: even a forged or stale POST
    # from a kiosk must get the kiosk start, not a staff error page with the staff header.
    app.before_request_funcs.setdefault(None, []).insert(0, _kiosk_gate)
    app.register_blueprint(bp)
    app.register_blueprint(kiosks_bp)
