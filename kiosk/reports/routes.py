"""Kiosk: the optional questions after a sign-in and the post-session question.
Staff: reports, the funder report, the CSV export and story review."""

from __future__ import annotations

import contextlib
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from ..auth.access import admin_required, staff_required
from ..signin import services as signin_services
from ..start.cache import render_expires_at
from ..start.confirmation import signed_in_screen
from ..web import page_or_fragment, redirect_page
from . import export, figures, services
from .forms import MeasureStepForm, PostSessionForm, ReviewForm
from .measures import SWEMWBS_COPYRIGHT
from .views import chart_set, group_choices, read_filters

bp = Blueprint("checkin", __name__, url_prefix="/checkin")
staff_bp = Blueprint("reports", __name__, url_prefix="/staff/reports")


def _tz() -> str:
    return str(current_app.config["KIOSK"].timezone)


def _locale() -> str:
    return str(get_locale() or "en")


def _secret() -> str:
    return str(current_app.config["SECRET_KEY"])


# ---- after a sign-in: the optional questions -------------------------------------------------


def offer_or_done(code_hash: str | None) -> Response:
    """After a recorded sign-in: offer the measures if this code is due, else the usual screen.

    Called by the sign-in flow. Without a code, in Spanish, or within the interval, nothing is
    asked and the person sees exactly the screen everyone sees.
    """
    today = services.local_today(_tz())
    if not services.measures_due(code_hash, _locale(), today) or code_hash is None:
        return signed_in_screen()
    form = MeasureStepForm(formdata=None)
    form.ref.data = signin_services.sign_code_ref(_secret(), code_hash)
    form.pos.data = "0"
    form.answers.data = ""
    return _measure_screen(form, "offer", [])


def _measure_screen(form: MeasureStepForm, step: str, plan: list[services.Question]) -> Response:
    pos = _int(form.pos.data)
    question = plan[pos] if step == "question" and pos < len(plan) else None
    answers = services.parse_answer_field(form.answers.data or "")
    return page_or_fragment(
        "reports/measure.html",
        "reports/_measure.html",
        form=form,
        step=step,
        question=question,
        number=pos + 1,
        count=len(plan),
        current=answers.get(question.key, "") if question else "",
    )


def _start_over() -> Response:
    return redirect_page(url_for("start.index"))


def _int(raw: str | None) -> int:
    try:
        return max(0, min(200, int(raw or "0")))
    except ValueError:
        return 0


@bp.route("/measures", methods=["GET", "POST"])
def measures() -> Response:  # noqa: PLR0911  (one branch per button, read top to bottom)
    """One screen of the optional questions; the last one stores the answers."""
    if request.method == "GET":
        return redirect(url_for("start.index"), 303)
    form = MeasureStepForm()
    if not form.validate():
        return _start_over()
    code_hash = signin_services.read_code_ref(_secret(), form.ref.data or "")
    today = services.local_today(_tz())
    chosen = services.measures_due(code_hash, _locale(), today)
    go = form.go.data or ""
    if code_hash is None:
        # Forged, missing or hours old: there is no sign-in to follow up, start over.
        return _start_over()
    if not chosen or go == "no":
        # "Not today" ends here: nothing is stored, the usual screen follows.
        return signed_in_screen()
    plan = services.plan(chosen)
    pos = _int(form.pos.data)
    answers = services.parse_answer_field(form.answers.data or "")
    if go == "yes":
        form.pos.data = "0"
        return _measure_screen(form, "question", plan)
    if go == "back":
        if pos == 0:
            return _measure_screen(form, "offer", plan)
        form.pos.data = str(pos - 1)
        return _measure_screen(form, "question", plan)
    if pos < len(plan) and (go == "skip" or go.startswith("answer-")):
        answers[plan[pos].key] = go.removeprefix("answer-") if go != "skip" else ""
        form.answers.data = services.format_answer_field(answers)
        if pos + 1 < len(plan):
            form.pos.data = str(pos + 1)
            return _measure_screen(form, "question", plan)
        # A forged answer stores nothing, and the person still gets the usual screen.
        with contextlib.suppress(services.InvalidInput):
            services.record_measures(code_hash, chosen, answers, today)
        # No score is ever shown back: the ending is the same screen as every sign-in.
        return signed_in_screen()
    return _measure_screen(form, "offer", plan)


# ---- the post-session question -------------------------------------------------------------


def _post_session_form(formdata: Any = None) -> PostSessionForm:
    form = PostSessionForm(formdata=formdata) if formdata is not None else PostSessionForm()
    groups = services.post_session_groups()
    form.group.choices = [(g.id, g.title) for g in groups]
    if len(groups) == 1 and not form.group.data:
        form.group.data = groups[0].id
    return form


@bp.route("/after", methods=["GET", "POST"])
def after() -> Response | tuple[str, int] | str:
    """ "Do you feel more connected than when you arrived?" with an optional story."""
    if request.method == "GET":
        form = PostSessionForm(formdata=None)
        groups = services.post_session_groups()
        form.group.choices = [(g.id, g.title) for g in groups]
        if len(groups) == 1:
            form.group.data = groups[0].id
        return render_template("reports/after.html", form=form, groups=groups)
    form = PostSessionForm()
    groups = services.post_session_groups()
    form.group.choices = [(g.id, g.title) for g in groups]
    if form.validate_on_submit():
        try:
            services.record_post_session(
                form.group.data or "",
                form.feeling.data or "",
                form.story.data or "",
                bool(form.consent.data),
                services.local_today(_tz()),
            )
        except services.NotOffered:
            form.group.errors = [_("That group is not open for this question now.")]
        except services.InvalidInput:
            form.feeling.errors = [_("Choose an answer, or “Prefer not to say”.")]
        else:
            return render_template("reports/thanks.html", return_after=8)
    return render_template("reports/after.html", form=form, groups=groups), 400


def _post_session_open() -> bool:
    # The start page is cached (kiosk/start/cache.py): tell the cache when this tile changes.
    for moment in services.post_session_window_changes():
        render_expires_at(moment)
    return bool(services.post_session_groups())


@bp.app_context_processor
def _checkin_globals() -> dict[str, Any]:
    return {"post_session_open": _post_session_open}


# ---- staff: reports ------------------------------------------------------------------------


def _facilitator() -> int | None:
    # Facilitators see only the groups linked to their account; admins see everything. Decided
    # here on the server from the login, never from anything in the request.
    return None if current_user.is_admin else int(current_user.id)


def _report(threshold_key: str) -> tuple[Any, Any, list[str]]:
    today = services.local_today(_tz())
    filters, errors = read_filters(request.args, today, _tz(), _facilitator())
    threshold = int(services.get(threshold_key))
    report = figures.build(filters, threshold) if not errors else None
    return filters, report, errors


def _query_args() -> dict[str, str]:
    # Only the filter fields travel on to the CSV and funder links.
    return {k: request.args[k] for k in ("period", "from", "to", "group") if k in request.args}


@staff_bp.route("")
@staff_required
def index() -> tuple[str, int]:
    """The report page: filters, figures, charts and their data tables."""
    filters, report, errors = _report(services.SCREEN_THRESHOLD.key)
    return render_template(
        "reports/index.html",
        filters=filters,
        report=report,
        errors=errors,
        charts=chart_set(report) if report else {},
        groups=group_choices(_facilitator()),
        args=_query_args(),
        funder=False,
        swemwbs_copyright=SWEMWBS_COPYRIGHT,
    ), (400 if errors else 200)


@staff_bp.route("/funder")
@admin_required
def funder() -> tuple[str, int]:
    """The funder report: the funder threshold, laid out for paper (Letter or A4)."""
    filters, report, errors = _report(services.FUNDER_THRESHOLD.key)
    return render_template(
        "reports/funder.html",
        filters=filters,
        report=report,
        errors=errors,
        charts=chart_set(report) if report else {},
        groups=group_choices(None),
        args=_query_args(),
        funder=True,
        swemwbs_copyright=SWEMWBS_COPYRIGHT,
    ), (400 if errors else 200)


@staff_bp.route("/export.csv")
@staff_required
def export_csv() -> Response | tuple[str, int]:
    """The same suppressed figures as CSV (the funder threshold with ?funder=1, admins only)."""
    funder_export = request.args.get("funder") == "1"
    if funder_export and not current_user.is_admin:
        abort(403)
    key = services.FUNDER_THRESHOLD.key if funder_export else services.SCREEN_THRESHOLD.key
    filters, report, errors = _report(key)
    if report is None:
        flash(" ".join(errors), "error")
        return redirect(url_for("reports.index"), 303)
    response = current_app.response_class(export.to_csv(report), mimetype="text/csv")
    name = f"porchlight-report-{filters.start.isoformat()}-{filters.end.isoformat()}.csv"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# ---- staff: story review -------------------------------------------------------------------


@staff_bp.route("/stories")
@staff_required
def stories() -> str:
    """Every text waiting for review."""
    return render_template(
        "reports/stories.html", pending=services.pending_stories(), form=ReviewForm(formdata=None)
    )


@staff_bp.route("/stories/<int:answer_id>", methods=["POST"])
@staff_required
def review(answer_id: int) -> Response:
    """Approve, reject, or redact and approve one text."""
    form = ReviewForm()
    if not form.validate_on_submit():
        flash(_("Sorry, that did not work. Try again."), "error")
        return redirect(url_for("reports.stories"), 303)
    try:
        done = services.review_story(
            answer_id, form.decision.data or "", current_user.username, form.text.data
        )
    except services.InvalidInput:
        flash(_("Type the redacted text, or choose approve or reject."), "error")
        return redirect(url_for("reports.stories"), 303)
    if done:
        flash(_("Review saved."), "success")
    else:
        flash(_("That text was already reviewed, or cannot be approved without consent."), "info")
    return redirect(url_for("reports.stories"), 303)
