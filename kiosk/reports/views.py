"""What the report pages need besides the figures: filters from the query, groups, charts."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import func, select

from ..extensions import db
from ..sessions.models import GroupSession
from . import charts
from .figures import TREND_KEYS, Filters, Report, own_sessions

MAX_DAYS = 3 * 366


def STAGE_NAMES() -> dict[str, str]:  # noqa: N802  (a table, read like a constant)
    """The introduction stages in the person's language (same words as the data table)."""
    return {
        "requested": _("Asked to meet a peer"),
        "proposed": _("Peer proposed"),
        "peer_accepted": _("Peer said yes"),
        "introduced": _("Introduced"),
    }


def _date(raw: str | None) -> date | None:
    try:
        return date.fromisoformat((raw or "").strip()) if raw else None
    except ValueError:
        return None


def read_filters(
    args: Mapping[str, str], today: date, tz: str, facilitator: int | None
) -> tuple[Filters, list[str]]:
    """The period and group from the query string; errors are messages for the person."""
    errors: list[str] = []
    period = args.get("period", "month")
    start = _date(args.get("from"))
    end = _date(args.get("to"))
    if args.get("from") and start is None:
        errors.append(_("The start date is not a date. Use the date picker or YYYY-MM-DD."))
    if args.get("to") and end is None:
        errors.append(_("The end date is not a date. Use the date picker or YYYY-MM-DD."))
    anchor = start or today
    if period == "quarter":
        first_month = (anchor.month - 1) // 3 * 3 + 1
        start = anchor.replace(month=first_month, day=1)
        end = (start + timedelta(days=95)).replace(day=1) - timedelta(days=1)
    elif period == "custom":
        start = start or today.replace(day=1)
        end = end or today
    else:
        start = anchor.replace(day=1)
        end = (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    if end < start:
        errors.append(_("The end date is before the start date."))
        end = start
    if (end - start).days > MAX_DAYS:
        errors.append(_("Choose a period of at most three years."))
        end = start
    group = (args.get("group") or "")[:24]
    return Filters(start, end, group, facilitator, tz), errors


def group_choices(facilitator: int | None) -> list[tuple[str, str]]:
    """Weekly series and one-off sessions a person may filter by: (id, title)."""
    key = func.coalesce(GroupSession.series_id, GroupSession.id)
    query = select(key, func.max(GroupSession.title)).group_by(key)
    if facilitator is not None:
        query = query.where(GroupSession.id.in_(own_sessions(facilitator)))
    return sorted(
        ((str(k), str(title)) for k, title in db.session.execute(query)), key=lambda kt: kt[1]
    )


def chart_set(report: Report) -> dict[str, Markup]:
    """The charts the report shows, as inline SVG (suppressed figures are gaps).

    Only what the page shows is drawn: no funnel chart without introductions, no trend chart
    without measures (pygal is the slowest part of a report page after the queries).
    """
    table = report.attendance
    visit_names = [_("First time"), _("Returning"), _("Did not say")]
    result = {
        "attendance": charts.bars(
            _("Attendance by month"),
            table.rows,
            [(name, [row[j].shown() for row in table.cells]) for j, name in enumerate(visit_names)],
            stacked=True,
        ),
        "visits": charts.bars(
            _("First-time and returning sign-ins"),
            visit_names,
            [(_("Sign-ins"), [cell.shown() for cell in table.column_totals])],
            horizontal=True,
        ),
    }
    if report.funnel:
        result["funnel"] = charts.bars(
            _("Peer introductions"),
            [STAGE_NAMES().get(stage, stage) for stage, _cell in report.funnel],
            [(_("Introductions"), [cell.shown() for _stage, cell in report.funnel])],
            horizontal=True,
        )
    if report.measures:
        names = {
            "ucla3": _("UCLA-3 mean"),
            "pearlin": _("Pearlin mean"),
            "swemwbs": _("SWEMWBS mean"),
        }
        result["trends"] = charts.lines(
            _("Measure means by month"),
            [month for month, _figs in report.trends],
            [
                (names[key], [figs[i].shown() for _month, figs in report.trends])
                for i, key in enumerate(TREND_KEYS)
            ],
        )
    return result
