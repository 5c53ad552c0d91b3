"""Kiosk help pages (Get help now, quiet word, plan) and the staff side (alerts, flags, lines)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from .. import qr
from ..auth.access import admin_required, staff_required
from ..auth.forms import ButtonForm
from ..center.services import get as get_setting
from ..clock import utcnow
from ..i18n import switch_language
from ..sessions.services import open_sessions
from ..signin.services import BadFormToken, issue_form_token, read_form_token
from ..start.confirmation import signed_in_screen
from ..web import is_staff_path, page_or_fragment, polling, unchanged_poll, wants_fragment
from . import services
from .forms import (
    CrisisLineForm,
    PlanForm,
    ProfessionalHelpForm,
    QuietWordForm,
    ResolveForm,
    help_type_choices,
    how_labels,
    outcome_labels,
    when_choices,
)
from .plan import PLAN_PROMPT_SECONDS, REVIEW_STEP, STEPS, next_screen, qr_notes

bp = Blueprint("help", __name__)
# The quiet word's one-time tokens are signed for this scope only (never valid for a sign-in).
QUIET_WORD_SCOPE = "quiet-word"
staff_bp = Blueprint("help_staff", __name__, url_prefix="/staff/help")


# ---- kiosk --------------------------------------------------------------------------------


@bp.route("/help")
def now() -> str:
    """Get help now: the emergency number first, then the crisis lines with QR codes."""
    lines = services.lines_for(services.current_country())
    # An anonymous tally for the day: nothing about who tapped, when exactly, or which tablet.
    services.count_help_now()
    language = str(get_locale() or "en")
    cards: list[dict[str, Any]] = []
    for line in lines:
        uri = services.dial_uri(line)
        cards.append(
            {
                "line": line,
                "uri": uri,
                "text": services.public_text(line, language),
                # The caption says what the code does; the picture is hidden from screen readers.
                "qr": qr.inline_svg(uri) if uri else None,
                "caption": _qr_caption(line),
            }
        )
    return render_template(
        "help/now.html",
        cards=cards,
        how=how_labels(),
        quiet_word_label=services.quiet_word_label(),
    )


def _qr_caption(line: Any) -> str:
    """What scanning a line's code does, in words ("Scan to call 988")."""
    if line.how == "text":
        return _("Scan to text %(number)s", number=line.number)
    if line.how == "chat":
        return _("Scan to open the chat")
    return _("Scan to call %(number)s", number=line.number)


@bp.route("/quiet-word", methods=["GET", "POST"])
def quiet_word() -> Response:
    """Ask for a quiet word; afterwards the kiosk shows the ordinary sign-in screen (P4)."""
    groups = [
        (group.id, f"{group.title} · {group.room}" if group.room else group.title)
        for group in open_sessions()
    ]
    formdata = None
    if request.method == "POST" and request.form.get("group") not in {gid for gid, _ in groups}:
        # The chosen group closed while the screen was open (or none was chosen): the request
        # goes without a group rather than failing; staff still get it (issue 9, point 1).
        formdata = request.form.copy()
        formdata.pop("group", None)
    form = (
        QuietWordForm(groups=groups, formdata=formdata)
        if formdata
        else QuietWordForm(groups=groups)
    )
    secret = current_app.config["SECRET_KEY"]
    if form.validate_on_submit():
        try:
            nonce = read_form_token(secret, form.token.data or "", QUIET_WORD_SCOPE)
            _send_quiet_word(form, nonce)
        except BadFormToken:
            # Forged, or older than a few hours (the idle reset makes that rare): ask again.
            form.token.errors = [_("Sorry, that took a while. Please press Send again.")]
            form.token.data = issue_form_token(secret, QUIET_WORD_SCOPE)
        else:
            return signed_in_screen()
    elif request.method == "GET" or not form.token.data:
        form.token.data = issue_form_token(secret, QUIET_WORD_SCOPE)
    status = 400 if request.method == "POST" else 200
    return page_or_fragment(
        "help/quiet_word.html",
        "help/_quiet_word.html",
        status,
        form=form,
        quiet_word_label=services.quiet_word_label(),
    )


def _device() -> str:
    # Which tablet, so a flood from one shows staff as one alert (see QuietWordRequest.device).
    kiosk = g.get("kiosk")
    return f"kiosk-{kiosk.id}" if kiosk is not None else "unenrolled"


def _send_quiet_word(form: QuietWordForm, nonce: str) -> None:
    # A blank or odd "when" (Optional() lets whitespace through) means "now": never a failure.
    when = form.when.data if form.when.data in services.WHEN_CHOICES else "now"
    find_me = form.find_me.data or ""
    group, device = form.group.data or None, _device()
    try:
        services.send_quiet_word(when, find_me, group, form_token=nonce, device=device)
    except services.InvalidChoice:
        # The group was deleted a moment ago: never drop the request, send it without one.
        services.send_quiet_word(when, find_me, None, form_token=nonce, device=device)


@bp.route("/plan")
def plan() -> str:
    """What the plan is, where the idea comes from, and that nothing is kept."""
    return render_template(
        "help/plan_about.html", form=PlanForm(formdata=None), plan_idle=_plan_idle()
    )


def _plan_idle() -> dict[str, int]:
    """The plan screens' longer idle reset (KIOSK_PLAN_IDLE_SECONDS), for kiosk.js."""
    seconds = current_app.config["KIOSK"].plan_idle_seconds
    return {"seconds": seconds, "prompt": min(PLAN_PROMPT_SECONDS, seconds // 3)}


@bp.route("/plan/step", methods=["POST"])
def plan_step() -> Response:
    """Move through the plan. Everything typed comes back in hidden fields of this POST.

    Privacy: the plan is never written to the database, the session cookie, a URL or a log;
    it exists only in this request and in the page the person is looking at.
    """
    form = PlanForm()
    valid = form.validate_on_submit()
    go = request.form.get("go", "next")
    if go == "language":
        # The header's language switch mid-plan (static/js/language.js re-sends this form).
        switch_language(request.form.get("lang", ""))
    refused = None if valid else {item.key for item in STEPS if form[item.key].errors}
    screen = next_screen(form.step.data, go, refused, form.prefilled.data == "1")
    if screen.prefill:
        form.professionals.data = form.professionals.data or services.plan_prefill(
            services.current_country(), str(get_locale() or "en")
        )
        form.prefilled.data = "1"
    form.step.data = str(screen.step)
    answers = {item.key: form[item.key].data or "" for item in STEPS}
    notes = qr_notes(answers) if screen.view == "qr" else []
    codes = qr.inline_svgs_same_size([text for _heading, text in notes])
    return page_or_fragment(
        "help/plan_step.html",
        "help/_plan_step.html",
        200 if valid else 400,
        form=form,
        step=screen.step,
        steps=STEPS,
        view=screen.view,
        qr_codes=[(heading, code) for (heading, _text), code in zip(notes, codes, strict=True)],
        review_step=REVIEW_STEP,
        plan_idle=_plan_idle(),
        today=utcnow(),
    )


# ---- staff --------------------------------------------------------------------------------


@staff_bp.before_app_request
def _prepare_alert_bar() -> None:
    """The alert bar's data for a staff page that is about to render the staff layout.

    Every staff page shows the alert bar, and those pages belong to many areas' blueprints, so
    rather than each view passing it (easy to forget, and it would fatten every view) it is
    prepared once here, before the view runs, and the layout reads ``g.help_alerts``: a value,
    not a query the template would run. POSTs get it too (a form sent back with an error shows
    the bar like any page; staff POSTs are few). It is skipped for htmx fragments, which never
    render the layout (the bar's own poll included), for the kiosk side and for people who do
    not see alerts (peers, logged out).
    """
    if (
        not is_staff_path(request.path)
        or wants_fragment()
        or not current_user.is_authenticated
        or current_user.is_peer
    ):
        return
    g.help_alerts = _alert_context()


def _alert_context() -> dict[str, Any]:
    alerts = services.open_alerts()
    return {
        "alerts": alerts,
        "summary": services.summarize(alerts),
        "digest": services.alerts_digest(alerts),
        "waiting": sum(1 for alert in alerts if alert.acknowledged_by is None),
        "on_call": get_setting(services.ON_CALL_NUMBER.key),
        # The labels name the alerts shown, so they are translated only when there are some:
        # every staff page builds this context, and most of the time the bar is empty.
        "help_types": dict(help_type_choices()) if alerts else {},
        "whens": dict(when_choices()) if alerts else {},
    }


@staff_bp.route("/alerts")
@polling
@staff_required
def alerts() -> Response:
    """The alert region every staff page polls (a poll is not activity: see web.polling)."""
    context = g.get("help_alerts") or _alert_context()
    # Nothing changed: swap nothing, so screen readers are not told the same thing again.
    if (unchanged := unchanged_poll(context["digest"])) is not None:
        return unchanged
    return page_or_fragment("help/alerts.html", "help/_alerts.html", ctx=context)


def minutes_ago(moment: datetime) -> str:
    """ "4 minutes ago" with the language's plural rules ("1 minute ago", "hace 1 minuto")."""
    minutes = max(int((utcnow() - moment).total_seconds() // 60), 0)
    if minutes == 0:
        return _("just now")
    return ngettext("%(num)d minute ago", "%(num)d minutes ago", minutes)


@staff_bp.route("/")
@staff_required
def dashboard() -> str:
    """The help queue (most urgent first), the last day's resolved ones and daily counts."""
    # The same open requests the alert bar shows, read once for both (see _prepare_alert_bar).
    context = g.get("help_alerts") or _alert_context()
    return render_template(
        "help/dashboard.html",
        resolved=services.recent_resolved(),
        counts=services.daily_counts(14),
        outcomes=outcome_labels(),
        open_alerts=context["alerts"],
        whens=context["whens"],
        help_types=context["help_types"],
        on_call=context["on_call"],
        minutes_ago=minutes_ago,
    )


def _kind_or_404(kind: str) -> str:
    if kind not in services.KINDS:
        abort(404)
    return kind


@staff_bp.route("/alerts/<kind>/<int:request_id>/acknowledge", methods=["POST"])
@staff_required
def acknowledge(kind: str, request_id: int) -> Response:
    """Claim a request; if someone was quicker, say who."""
    form = ButtonForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        claim = services.acknowledge(_kind_or_404(kind), request_id, current_user.username)
    except services.RequestNotFound:
        abort(404)
    if claim.won:
        flash(_("You have acknowledged it. Please go now."), "success")
    else:
        flash(_("%(name)s has already acknowledged it.", name=claim.by), "info")
    return redirect(url_for("help_staff.dashboard"), 303)


@staff_bp.route("/alerts/<kind>/<int:request_id>/resolve", methods=["GET", "POST"])
@staff_required
def resolve(kind: str, request_id: int) -> Response | tuple[str, int]:
    """Close a request with an outcome the person chose (none is pre-selected; no notes)."""
    try:
        alert = services.get_open_alert(_kind_or_404(kind), request_id)
    except services.RequestNotFound:
        abort(404)
    form = ResolveForm()
    if form.validate_on_submit():
        # Someone else acknowledged it: resolving it is an explicit, logged take-over (issue 9).
        take_over = request.form.get("take_over") == "1"
        try:
            services.resolve(kind, request_id, form.outcome.data, current_user.username, take_over)
        except services.RequestNotFound:
            abort(404)
        except services.HeldByOther as held:
            flash(
                _(
                    "%(name)s has acknowledged it. To resolve it yourself, choose Take over.",
                    name=held.holder,
                ),
                "info",
            )
            return redirect(url_for("help_staff.dashboard"), 303)
        flash(_("Resolved. Thank you."), "success")
        return redirect(url_for("help_staff.dashboard"), 303)
    status = 400 if request.method == "POST" else 200
    return render_template(
        "help/resolve.html",
        form=form,
        alert=alert,
        whens=dict(when_choices()),
        help_types=dict(help_type_choices()),
    ), status


@staff_bp.route("/professional", methods=["GET", "POST"])
@staff_required
def professional() -> Response | tuple[str, int]:
    """A facilitator asks for professional help: room and type, never what was said."""
    form = ProfessionalHelpForm()
    if request.method == "GET":
        # The console may pre-fill its session and room: staff data, never an attendee's.
        form.room.data = request.args.get("room", "")[: services.ROOM_MAX]
        form.group_session_id.data = request.args.get("session", "")[:24] or None
    if form.validate_on_submit():
        try:
            services.raise_professional_help(
                form.room.data or "",
                form.help_type.data,
                current_user.username,
                form.group_session_id.data or None,
            )
        except services.InvalidChoice:
            form.group_session_id.errors = [_("That group session is not valid.")]
        else:
            flash(_("Staff have been alerted. Stay with the person if you can."), "success")
            return redirect(url_for("help_staff.dashboard"), 303)
    status = 400 if request.method == "POST" else 200
    return render_template("help/professional.html", form=form), status


@staff_bp.route("/lines")
@admin_required
def lines() -> str:
    """Every crisis line of the chosen country (or another), with verification flags."""
    country = request.args.get("country") or services.current_country()
    if country not in services.COUNTRIES:
        abort(404)
    rows = services.lines_for(country)
    return render_template(
        "help/lines.html",
        rows=rows,
        country=country,
        countries=services.COUNTRIES,
        how=how_labels(),
        status={row.id: services.line_status(row) for row in rows},
        current=services.current_country(),
        button_form=ButtonForm(),
    )


@staff_bp.route("/lines/new", methods=["GET", "POST"])
@admin_required
def line_new() -> Response | tuple[str, int]:
    """Add a crisis line."""
    form = CrisisLineForm()
    if request.method == "GET":
        form.country.data = request.args.get("country") or services.current_country()
    if form.validate_on_submit():
        services.save_line(form.values())
        flash(_("Line added. Check the number, then mark it verified."), "success")
        return redirect(url_for("help_staff.lines", country=form.country.data), 303)
    status = 400 if request.method == "POST" else 200
    return render_template("help/line_form.html", form=form, line=None), status


@staff_bp.route("/lines/<int:line_id>", methods=["GET", "POST"])
@admin_required
def line_edit(line_id: int) -> Response | tuple[str, int]:
    """Change a crisis line (a changed number needs verifying again)."""
    try:
        line = services.get_line(line_id)
    except services.LineNotFound:
        abort(404)
    form = CrisisLineForm(obj=line)
    if form.validate_on_submit():
        services.save_line(form.values(), line_id)
        flash(_("Line saved."), "success")
        return redirect(url_for("help_staff.lines", country=form.country.data), 303)
    status = 400 if request.method == "POST" else 200
    return render_template("help/line_form.html", form=form, line=line), status


@staff_bp.route("/lines/<int:line_id>/verify", methods=["POST"])
@admin_required
def line_verify(line_id: int) -> Response:
    """Mark a line as checked today by this staff member."""
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        country = services.get_line(line_id).country
        services.verify_line(line_id, current_user.username)
    except services.LineNotFound:
        abort(404)
    flash(_("Marked as verified today."), "success")
    return redirect(url_for("help_staff.lines", country=country), 303)


@staff_bp.route("/lines/<int:line_id>/delete", methods=["GET", "POST"])
@admin_required
def line_delete(line_id: int) -> Response | str:
    """Remove a line, after a page that names it; the emergency number cannot be removed."""
    try:
        line = services.get_line(line_id)
    except services.LineNotFound:
        abort(404)
    back = url_for("help_staff.lines", country=line.country)
    if line.is_emergency:
        # The kiosk must always show an emergency number: edit it instead of removing it.
        flash(_("The emergency number cannot be removed. Edit it if it is wrong."), "error")
        return redirect(back, 303)
    if request.method == "GET":
        return render_template(
            "layouts/confirm.html",
            heading=_("Remove this crisis line?"),
            thing=f"{line.name} · {line.number}",
            consequence=_("The kiosk will stop showing it at once. This cannot be undone."),
            action=url_for("help_staff.line_delete", line_id=line.id),
            confirm_label=_("Yes, remove it"),
            cancel_url=back,
        )
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        services.delete_line(line_id)
    except services.EmergencyLine:
        flash(_("The emergency number cannot be removed. Edit it if it is wrong."), "error")
        return redirect(back, 303)
    except services.LineNotFound:
        abort(404)
    flash(_("Line removed."), "success")
    return redirect(back, 303)
