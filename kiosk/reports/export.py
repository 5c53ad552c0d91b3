"""The report's figures as CSV rows: the same suppressed figures the pages show."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from ..sessions.services import neutralize
from .figures import Figure, Report
from .measures import SWEMWBS_COPYRIGHT
from .suppression import Cell

SUPPRESSED = "suppressed"
HEADER = ["section", "row", "column", "kind", "value"]


def _count(cell: Cell) -> str:
    return SUPPRESSED if cell.suppressed else str(cell.value)


def _figure(fig: Figure, digits: int = 2) -> str:
    if fig.suppressed:
        return SUPPRESSED
    return "" if fig.value is None else f"{fig.value:.{digits}f}"


def rows(report: Report) -> Iterator[list[str]]:  # noqa: PLR0912  (one block per section)
    """Every figure as [section, row, column, kind, value].

    kind: count (people or requests, suppressed below the threshold), figure (a mean, share or
    median, suppressed when too few people are behind it), sessions, info or text.
    """
    f = report.filters
    yield ["period", "from", "", "info", f.start.isoformat()]
    yield ["period", "to", "", "info", f.end.isoformat()]
    yield ["period", "hidden below", "", "info", str(report.threshold)]
    # Meetings, not people: a number of sessions describes no one, so it is never suppressed
    # and is marked "sessions" rather than "count".
    yield ["sessions", "held", "", "sessions", str(report.sessions_held)]
    table = report.attendance
    for month, cells, total in zip(table.rows, table.cells, table.row_totals, strict=True):
        for visit, cell in zip(table.columns, cells, strict=True):
            yield ["attendance", month, visit, "count", _count(cell)]
        yield ["attendance", month, "total", "count", _count(total)]
    for visit, cell in zip(table.columns, table.column_totals, strict=True):
        yield ["attendance", "total", visit, "count", _count(cell)]
    yield ["attendance", "total", "total", "count", _count(table.total)]
    yield ["visitors", "unduplicated (distinct codes)", "", "count", _count(report.visitors)]
    yield ["visitors", "sign-ins without a code", "", "count", _count(report.no_code_signins)]
    yield ["retention", "share with 2+ sessions", "", "figure", _figure(report.two_or_more, 3)]
    yield ["retention", "share with 4+ sessions", "", "figure", _figure(report.four_or_more, 3)]
    yield ["retention", "median sessions per code", "", "figure", _figure(report.median_sessions)]
    for stage, cell in report.funnel:
        yield ["introductions", stage, "", "count", _count(cell)]
    yield [
        "introductions",
        "median days request to introduction",
        "",
        "figure",
        _figure(report.funnel_median_days),
    ]
    help_table = report.help
    for kind, cells, total in zip(
        help_table.rows, help_table.cells, help_table.row_totals, strict=True
    ):
        for outcome, cell in zip(help_table.columns, cells, strict=True):
            yield ["help", kind, outcome, "count", _count(cell)]
        yield ["help", kind, "total", "count", _count(total)]
    for kind, fig in report.help_median_minutes:
        yield ["help", kind, "median minutes to acknowledge", "figure", _figure(fig, 1)]
    yield ["help now", "taps", "", "count", _count(report.help_now_taps)]
    yield ["resources", "views", "", "count", _count(report.resource_views)]
    for summary in report.measures:
        key = summary.measure.key
        yield ["measures", key, "answers", "count", _count(summary.answers)]
        yield ["measures", key, "mean score", "figure", _figure(summary.mean)]
        if summary.share is not None:
            label = "share 6 or more" if key == "ucla3" else "share often or always"
            yield ["measures", key, label, "figure", _figure(summary.share, 3)]
        for item, fig in summary.item_means:
            yield ["measures", key, f"mean {item.key}", "figure", _figure(fig)]
    for change in report.changes:
        key = change.measure.key
        hide = change.suppressed
        yield ["paired change", key, "n", "count", SUPPRESSED if hide else str(change.pairs)]
        for label, value in (("mean", change.mean), ("low", change.low), ("high", change.high)):
            text = SUPPRESSED if hide else ("" if value is None else f"{value:.2f}")
            yield ["paired change", key, f"{label} (95% interval)", "figure", text]
    for feeling, cell in zip(
        ("a_lot", "a_little", "no_change", "less", "not_said"), report.feelings, strict=True
    ):
        yield ["post-session", feeling, "", "count", _count(cell)]
    yield ["post-session", "total", "", "count", _count(report.feelings_total)]
    for story in report.stories:
        yield ["stories", "approved", "", "text", neutralize(story)]
    if report.swemwbs_used:
        yield ["measures", "swemwbs", "copyright", "info", SWEMWBS_COPYRIGHT]


def to_csv(report: Report) -> str:
    """The whole CSV as text."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows(rows(report))
    return buffer.getvalue()
