"""Staff side of sessions: schedule, console with the live roster, notes, sheets and CSV."""

from __future__ import annotations

from datetime import timedelta
from functools import partial
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.blueprints import BlueprintSetupState
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.wrappers import Response

from .. import clock
from ..auth.access import SESSION_TOKEN_KEY, staff_required
from ..auth.forms import ButtonForm
from ..auth.services import hash_token, poll_session_valid
from ..i18n import format_clock, format_day
from ..signin.routes import KIOSK_COOKIE
from ..web import no_change, page_or_fragment, polling, unchanged_poll, wants_fragment
from . import rows, services
from .forms import CancelForm, NoteForm, SessionForm, TallyForm, WalkInForm
from .models import GroupSession

bp = Blueprint("sessions", __name__, url_prefix="/staff/sessions")
# The row builders the roster fragment and the sheet call with their once-translated labels.
bp.add_app_template_global(rows.roster_rows, "roster_rows")
bp.add_app_template_global(rows.sheet_rows, "sheet_rows")

SESSION_ERRORS = {
    "title": _l("Give the session a title."),
    "ends_before_start": _l("The end must be after the start."),
    "too_long": _l("A session can last at most 12 hours."),
    "window": _l("Sign-in can open at most 240 minutes before the start."),
    "repeat": _l("Repeat for 1 to 52 weeks."),
}
# Rows left empty on the printed sheet for people who sign by hand.
BLANK_ROWS = 8
POLL_SECONDS = 4


def _tz() -> str:
    return str(current_app.config["KIOSK"].timezone)


def _group_or_404(session_id: str) -> GroupSession:
    try:
        return services.get_session(session_id)
    except services.SessionNotFound:
        abort(404)


@bp.route("")
@bp.route("/")
@staff_required
def index() -> str:
    """Today's sessions and the ones coming up."""
    today = clock.local_now(_tz()).date()
    return render_template(
        "sessions/index.html",
        today=services.sessions_on(today, _tz()),
        upcoming=services.upcoming_sessions(limit=60),
        now=clock.utcnow(),
    )


def _details(form: SessionForm) -> services.SessionDetails:
    assert form.day.data and form.start_time.data and form.end_time.data  # noqa: S101  (validated)
    start, end = services.wall_clock_times(form.day.data, form.start_time.data, form.end_time.data)
    return services.SessionDetails(
        title=form.title.data or "",
        description=form.description.data or "",
        format=form.format.data or "in_person",
        room=form.room.data or "",
        facilitators=form.facilitators.data or "",
        facilitator_ids=tuple(form.facilitator_ids.data or ()),
        agreement=form.agreement.data or "",
        collect_names=bool(form.collect_names.data),
        opens_minutes_before=form.opens_minutes_before.data or 0,
        starts_local=start,
        ends_local=end,
    )


def _error_to_form(form: SessionForm, error: services.InvalidSession) -> None:
    message = str(SESSION_ERRORS.get(str(error), _l("Please check the details.")))
    target = {
        "title": form.title,
        "repeat": form.repeat_weeks,
        "window": form.opens_minutes_before,
    }.get(str(error), form.end_time)
    target.errors = [*target.errors, message]


@bp.route("/new", methods=["GET", "POST"])
@staff_required
def new() -> Response | str | tuple[str, int]:
    """Schedule a session or a weekly series."""
    form = SessionForm()
    form.facilitator_ids.choices = services.facilitator_accounts()
    if request.method == "GET":
        form.day.data = clock.local_now(_tz()).date()
    if form.validate_on_submit():
        try:
            created = services.create_sessions(
                _details(form), _tz(), repeat_weeks=form.repeat_weeks.data or 1
            )
        except services.InvalidSession as exc:
            _error_to_form(form, exc)
        else:
            flash(_("%(n)s session(s) scheduled.", n=len(created)), "success")
            return redirect(url_for("sessions.index"), 303)
    status = 400 if request.method == "POST" else 200
    return render_template("sessions/form.html", form=form, group=None), status


@bp.route("/<session_id>/edit", methods=["GET", "POST"])
@staff_required
def edit(session_id: str) -> Response | str | tuple[str, int]:
    """Edit one session, or it and the later ones of its series; cancel from here too."""
    group = _group_or_404(session_id)
    form = SessionForm(obj=group if request.method == "GET" else None)
    form.facilitator_ids.choices = services.facilitator_accounts()
    if request.method == "GET":
        form.facilitator_ids.data = services.facilitator_ids(group.id)
        starts = clock.to_local(group.starts_at, _tz())
        form.day.data = starts.date()
        form.start_time.data = starts.time().replace(tzinfo=None)
        form.end_time.data = clock.to_local(group.ends_at, _tz()).time().replace(tzinfo=None)
    if form.validate_on_submit():
        try:
            count = services.update_session(
                group.id, _details(form), _tz(), whole_series=form.scope.data == "series"
            )
        except services.InvalidSession as exc:
            _error_to_form(form, exc)
        else:
            flash(_("%(n)s session(s) updated.", n=count), "success")
            return redirect(url_for("sessions.index"), 303)
    status = 400 if request.method == "POST" else 200
    return render_template(
        "sessions/form.html", form=form, group=group, cancel_form=CancelForm(formdata=None)
    ), status


@bp.route("/<session_id>/cancel", methods=["POST"])
@staff_required
def cancel(session_id: str) -> Response:
    """Cancel one session or the rest of its series."""
    group = _group_or_404(session_id)
    form = CancelForm()
    if not form.validate_on_submit():
        abort(400)
    count = services.cancel_session(group.id, whole_series=form.scope.data == "series")
    flash(_("%(n)s session(s) cancelled.", n=count), "success")
    return redirect(url_for("sessions.index"), 303)


def _note_history(group: GroupSession, note_form: NoteForm) -> list[dict[str, Any]]:
    """Who changed the notes and when, newest first, with the changed fields' own labels.

    The console is for facilitators and admins only (``staff_required``); the rows never hold
    what the notes said, only which fields changed (issue 9).
    """
    history = []
    for change in reversed(services.note_changes(group.id)):
        labels = [
            str(note_form[key].label.text)
            for key in change.fields.split(",")
            if key and key in note_form
        ]
        history.append({"at": change.changed_at, "by": change.changed_by, "fields": labels})
    return history


def _console_context(group: GroupSession, **forms: Any) -> dict[str, Any]:
    note = services.get_note(group.id)
    note_form = forms.get("note_form") or NoteForm(formdata=None, obj=note)
    return {
        "group": group,
        "roster": services.roster(group.id),
        "roster_version": services.roster_version(group.id),
        "poll_seconds": POLL_SECONDS,
        "walk_in_form": forms.get("walk_in_form") or WalkInForm(formdata=None),
        "tally_form": forms.get("tally_form") or TallyForm(formdata=None),
        "note_form": note_form,
        "note": note,
        "note_history": _note_history(group, note_form),
    }


@bp.route("/<session_id>")
@staff_required
def console(session_id: str) -> str:
    """The facilitator's console: live roster, walk-ins, tally and notes."""
    group = _group_or_404(session_id)
    return render_template("sessions/console.html", **_console_context(group))


@bp.route("/<session_id>/roster")
@staff_required
@polling
def roster(session_id: str) -> Response:
    """The roster alone, polled every few seconds (the forms around it are left untouched).

    The poll's URL carries the roster version it shows: unchanged, it gets a 204 and htmx
    swaps nothing; changed, only the roster is loaded and rendered (no forms, no notes).
    """
    try:
        version = services.roster_version(session_id)
    except services.SessionNotFound:
        abort(404)
    if (unchanged := unchanged_poll(version)) is not None:
        return unchanged
    if not wants_fragment():
        group = _group_or_404(session_id)
        return page_or_fragment(
            "sessions/console.html", "sessions/_roster.html", **_console_context(group)
        )
    return _roster_fragment(services.roster(session_id), version)


def _roster_fragment(roster: services.Roster, version: str) -> Response:
    """The roster fragment alone, for a poll (no forms, no notes, no session row).

    Rendered straight from the Jinja environment, without the app's context processors: the
    fragment uses none of them (it needs ``_``, ``url_for`` and the row builder, all Jinja
    globals), and Flask-Login's would load the account through the ORM on the short path that
    exists to avoid it (a sixth of a changed poll, profiled).
    """
    body = current_app.jinja_env.get_template("sessions/_roster.html").render(
        roster=roster, roster_version=version, poll_seconds=POLL_SECONDS
    )
    response = make_response(body)
    # The same URL gives the whole console without HX-Request (page_or_fragment's rule).
    response.vary.add("HX-Request")
    return response


def _roster_poll() -> Response | None:
    """A roster poll answered before any other request hook: 204 when unchanged, else the
    new roster fragment.

    Every open console polls every few seconds. Such a poll needs only "is this staff session
    live, and is the roster still at the version it shows?": one query
    (``services.roster_poll``), no account object, no alert bar, no forms. Unchanged, it gets
    a 204 and nothing is rendered; changed (or sent without a version), the fragment is
    rendered from one more query of the roster's columns, on the same connection. Anything
    else (no cookie, a session that is gone, idle, too old, a peer's, an enrolled kiosk's
    browser, an unknown group session, a whole-page load) returns None and takes the full path
    below, which decides exactly as before (log-in redirect, 403, 404, the console). The roster
    (names) is shown here only to the same people ``staff_required`` lets through:
    ``poll_session_valid`` applies its rules to the row read now (before any name is read),
    and nothing is cached, so a logout, disable or password reset shows on the very next poll.
    The after-request hooks (security headers, no-store) still run on both answers.
    """
    if request.endpoint != "sessions.roster" or request.cookies.get(KIOSK_COOKIE):
        return None
    token = session.get(SESSION_TOKEN_KEY)
    user_id = session.get("_user_id")
    if not token or not user_id or not wants_fragment():
        return None
    session_id = (request.view_args or {}).get("session_id", "")
    settings = current_app.config["KIOSK"]
    poll = services.roster_poll(
        session_id,
        hash_token(token),
        request.args.get("v"),
        partial(
            poll_session_valid,
            user_id=str(user_id),
            idle=timedelta(minutes=settings.staff_idle_minutes),
            absolute=timedelta(hours=settings.staff_absolute_hours),
            staff_only=True,
        ),
    )
    if poll is None:
        return None
    if poll.roster is None:
        return no_change()
    return _roster_fragment(poll.roster, poll.version)


@bp.record_once
def _answer_roster_polls_first(state: BlueprintSetupState) -> None:
    # First among the app's before-request hooks at registration time (the kiosk gate, added
    # later, goes ahead of it; this hook also steps aside for a kiosk cookie on its own).
    state.app.before_request_funcs.setdefault(None, []).insert(0, _roster_poll)


@bp.route("/<session_id>/walk-in", methods=["POST"])
@staff_required
def walk_in(session_id: str) -> Response | tuple[str, int]:
    """Add a person by hand."""
    group = _group_or_404(session_id)
    form = WalkInForm()
    if not form.validate_on_submit():
        return render_template(
            "sessions/console.html", **_console_context(group, walk_in_form=form)
        ), 400
    services.record_signin(
        group.id,
        form_token=None,
        name=form.name.data,
        visit=form.visit.data or "unknown",
        source="staff",
    )
    flash(_("Added."), "success")
    return redirect(url_for("sessions.console", session_id=group.id), 303)


@bp.route("/<session_id>/tally", methods=["POST"])
@staff_required
def tally(session_id: str) -> Response | tuple[str, int]:
    """Add the count from a paper sheet."""
    group = _group_or_404(session_id)
    form = TallyForm()
    if not form.validate_on_submit():
        return render_template(
            "sessions/console.html", **_console_context(group, tally_form=form)
        ), 400
    services.add_tally(group.id, form.count.data or 0)
    flash(_("Added %(n)s from the paper sheet.", n=form.count.data), "success")
    return redirect(url_for("sessions.console", session_id=group.id), 303)


@bp.route("/<session_id>/entries/<entry_id>/remove", methods=["GET", "POST"])
@staff_required
def remove(session_id: str, entry_id: str) -> Response | str:
    """Confirm, then delete a mistaken entry."""
    group = _group_or_404(session_id)
    entry = next((e for e in services.roster(group.id).entries if e.id == entry_id), None)
    if entry is None:
        abort(404)
    form = ButtonForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        services.remove_signin(group.id, entry.id)
        flash(_("Entry removed."), "success")
        return redirect(url_for("sessions.console", session_id=group.id), 303)
    return render_template("sessions/remove.html", group=group, entry=entry, form=form)


@bp.route("/<session_id>/notes", methods=["POST"])
@staff_required
def notes(session_id: str) -> Response | tuple[str, int]:
    """Save the de-identified session notes."""
    group = _group_or_404(session_id)
    form = NoteForm()
    if not form.validate_on_submit():
        return render_template(
            "sessions/console.html", **_console_context(group, note_form=form)
        ), 400
    services.save_note(
        group.id,
        themes=form.themes.data or "",
        follow_ups=form.follow_ups.data or 0,
        incidents=form.incidents.data or 0,
        incident_outcome=form.incident_outcome.data or "none",
        by=current_user.username,
    )
    flash(_("Notes saved."), "success")
    return redirect(url_for("sessions.console", session_id=group.id), 303)


def _paper() -> str:
    chosen = request.args.get("paper", "")
    if chosen in ("letter", "a4"):
        return chosen
    # US and Canada print on Letter; nearly everyone else on A4.
    return "letter" if current_app.config["KIOSK"].country in ("US", "CA") else "a4"


@bp.route("/<session_id>/sheet")
@staff_required
def sheet(session_id: str) -> str:
    """The attendance sheet, for printing (names or Guest n; never codes)."""
    group = _group_or_404(session_id)
    return render_template(
        "sessions/sheet.html",
        group=group,
        roster=services.sheet_roster(group.id),
        blank_rows=BLANK_ROWS,
        paper=_paper(),
    )


def css_string(text: str) -> str:
    """A CSS string literal: every character but letters, digits and spaces escaped, so a
    session title can never end the string or the rule."""
    escaped = "".join(
        ch if (ch.isalnum() and ch.isascii()) or ch == " " else f"\\{ord(ch):06x}" for ch in text
    )
    return f'"{escaped}"'


@bp.route("/<session_id>/sheet.css")
@staff_required
def sheet_css(session_id: str) -> Response:
    """The sheet's running header and footer (the session, date, page n of m, confidentiality)."""
    group = None if session_id == "blank" else _group_or_404(session_id)
    if group is None:
        title, when = _("Attendance sheet"), ""
    else:
        title = _("Attendance sheet: %(title)s", title=group.title)
        when = f"{format_day(group.starts_at, 'long')}, {format_clock(group.starts_at)}"
    page_of = _("Page %(n)s of %(m)s", n="\x00", m="\x01")
    before, _sep, rest = page_of.partition("\x00")
    middle, _sep, after = rest.partition("\x01")
    page_content = (
        f"{css_string(before)} counter(page) {css_string(middle)} counter(pages) "
        f"{css_string(after)}"
    )
    body = render_template(
        "sessions/sheet.css",
        title=css_string(title),
        when=css_string(when),
        page=page_content,
        confidential=css_string(_("Confidential: keep out of sight and shred after use.")),
    )
    response = Response(body, mimetype="text/css")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/blank-sheet")
@staff_required
def blank_sheet() -> str:
    """A blank sheet to print ahead, for when the tablet is down."""
    return render_template(
        "sessions/sheet.html", group=None, roster=None, blank_rows=25, paper=_paper()
    )


@bp.route("/<session_id>/attendance.csv")
@staff_required
def attendance_csv(session_id: str) -> Response:
    """The attendance as CSV, safe to open in a spreadsheet."""
    group = _group_or_404(session_id)
    headers = [_("Session"), _("Date"), _("Name or guest"), _("First time"), _("Returning")]
    body = services.attendance_csv(
        group, services.roster(group.id), _tz(), headers, lambda n: _("Guest %(n)s", n=n)
    )
    response = current_app.response_class(body, content_type="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = "attachment; filename=attendance.csv"
    return response
