"""Every figure a report shows, computed in a few grouped queries and suppressed before it leaves.

Figures are computed from the database once per report; nothing here knows about requests. A
report is built for one threshold: the staff screen's (hide 1-4) or the funder's (hide 1-10).
"""

from __future__ import annotations

import math
import statistics
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, func, or_, select

from .. import clock
from ..extensions import db
from ..help.models import HelpDailyCount, ProfessionalHelpRequest, QuietWordRequest
from ..resources.models import ResourceViewCount
from ..sessions.models import GroupSession, SignIn, Visit
from . import measures as m
from .models import Feeling, MeasureAnswer, PostSessionAnswer, Review
from .suppression import Cell, Table, hidden, suppress_list, suppress_table

PAIR_MIN_DAYS = 28
VISITS = [Visit.FIRST.value, Visit.RETURNING.value, Visit.UNKNOWN.value]
FEELINGS = [f.value for f in Feeling]
SCORED = [m.UCLA3, m.PEARLIN7, m.PEARLIN5, m.SWEMWBS]
# Two-sided 97.5th percentiles of Student's t for 1-30 degrees of freedom.
T_975 = (
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
    2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
    2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
)  # fmt: skip


def t_975(df: int) -> float:
    """Student's t quantile for a 95 % interval (Cornish-Fisher beyond the table)."""
    if df <= len(T_975):
        return T_975[df - 1]
    z = 1.959964
    return z + (z**3 + z) / (4 * df) + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * df**2)


@dataclass(frozen=True)
class Filters:
    """What a report covers: dates (center-local, inclusive), a group, a facilitator."""

    start: date
    end: date
    group: str = ""  # a series id (weekly group) or a one-off session's id
    facilitator: str | None = None  # set for facilitators: only sessions naming them
    tz: str = "America/New_York"


@dataclass
class Figure:
    """A derived figure (mean, share, median) with the number of people behind it."""

    value: float | None
    people: int
    suppressed: bool = False

    def shown(self) -> float | None:
        """The value, or None when suppressed or undefined."""
        return None if self.suppressed else self.value


@dataclass
class Change:
    """Paired change for one measure: latest minus first, for codes answering twice."""

    measure: m.Measure
    pairs: int
    mean: float | None
    low: float | None
    high: float | None
    suppressed: bool


@dataclass
class MeasureSummary:
    """One measure's figures for the period."""

    measure: m.Measure
    answers: Cell
    mean: Figure
    share: Figure | None = None  # UCLA-3 ≥ 6, ONS "often or always"
    item_means: list[tuple[m.Item, Figure]] = field(default_factory=list)


@dataclass
class Report:
    """Everything one report page, funder page or CSV shows."""

    filters: Filters
    threshold: int
    sessions_held: int
    attendance: Table  # months x first / returning / unknown
    visitors: Cell
    no_code_signins: Cell
    codes: Cell
    two_or_more: Figure
    four_or_more: Figure
    median_sessions: Figure
    funnel: list[tuple[str, Cell]]
    funnel_median_days: Figure
    help: Table  # quiet word / professional help x outcome
    help_median_minutes: list[tuple[str, Figure]]
    help_now_taps: Cell
    resource_views: Cell
    days: int
    measures: list[MeasureSummary]
    changes: list[Change]
    trends: list[tuple[str, list[Figure]]]  # month -> UCLA-3, Pearlin, SWEMWBS means
    feelings: list[Cell]
    feelings_total: Cell
    stories: list[str]
    swemwbs_used: bool

    def per_day(self, cell: Cell) -> float | None:
        """A count as a mean per day of the period (None when the count is hidden)."""
        return None if cell.suppressed else round(cell.value / max(self.days, 1), 1)


def _bounds(filters: Filters) -> tuple[datetime, datetime]:
    start = clock.to_utc(datetime.combine(filters.start, datetime.min.time()), filters.tz)
    end = clock.to_utc(
        datetime.combine(filters.end + timedelta(days=1), datetime.min.time()), filters.tz
    )
    return start, end


def _sessions_query(filters: Filters):  # type: ignore[no-untyped-def]
    start, end = _bounds(filters)
    query = select(GroupSession.id, GroupSession.starts_at).where(
        GroupSession.cancelled.is_(False),
        GroupSession.starts_at >= start,
        GroupSession.starts_at < end,
    )
    if filters.group:
        query = query.where(
            or_(GroupSession.series_id == filters.group, GroupSession.id == filters.group)
        )
    if filters.facilitator is not None:
        # Facilitators are named in free text on the session; a facilitator sees the groups
        # whose list names them (by username), nothing else.
        query = query.where(
            func.lower(GroupSession.facilitators).contains(filters.facilitator.lower())
        )
    return query


def _month(moment: datetime, tz: str) -> str:
    return clock.to_local(moment, tz).strftime("%Y-%m")


def _share(count: int, people: int, threshold: int) -> Figure:
    # A share reveals its numerator and its complement (people - count): hide both kinds.
    value = count / people if people else None
    secret = people < threshold or hidden(count, threshold) or hidden(people - count, threshold)
    return Figure(value, people, secret)


def _mean(values: list[float], threshold: int) -> Figure:
    value = statistics.fmean(values) if values else None
    return Figure(value, len(values), len(values) < threshold)


def _median(values: list[float], threshold: int) -> Figure:
    value = float(statistics.median(values)) if values else None
    return Figure(value, len(values), len(values) < threshold)


def introductions_funnel(filters: Filters) -> tuple[list[tuple[str, int]], list[float]]:
    """Peer introductions by stage, and days from request to introduction.

    Empty until the peer-introductions area (issue #11, kiosk/introductions) is on main: this
    is the one function to fill in then.
    """
    del filters
    return [], []


def build(filters: Filters, threshold: int) -> Report:
    """Compute and suppress every figure for the filters."""
    sessions = _sessions_query(filters).subquery()
    session_ids = select(sessions.c.id)
    start, end = _bounds(filters)
    k = threshold

    # Sessions held and attendance by month and first/returning.
    starts = {row.id: row.starts_at for row in db.session.execute(select(sessions))}
    sessions_held = len(starts)
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for session_id, visit, number in db.session.execute(
        select(SignIn.session_id, SignIn.visit, func.count())
        .where(SignIn.session_id.in_(session_ids))
        .group_by(SignIn.session_id, SignIn.visit)
    ):
        counts[_month(starts[session_id], filters.tz)][visit] += number
    months = _months(filters)
    attendance = suppress_table(
        months, VISITS, [[counts[mo][v] for v in VISITS] for mo in months], k
    )

    # Unduplicated visitors and retention, from sessions attended per visitor code.
    per_code = [
        n
        for (n,) in db.session.execute(
            select(func.count(func.distinct(SignIn.session_id)))
            .where(SignIn.session_id.in_(session_ids), SignIn.visitor_code_hash.is_not(None))
            .group_by(SignIn.visitor_code_hash)
        )
    ]
    no_code = int(
        db.session.scalar(
            select(func.count())
            .select_from(SignIn)
            .where(SignIn.session_id.in_(session_ids), SignIn.visitor_code_hash.is_(None))
        )
        or 0
    )
    people = len(per_code)
    visitors = Cell(people, hidden(people, k))
    two = sum(1 for n in per_code if n >= 2)
    four = sum(1 for n in per_code if n >= 4)

    # Introductions (issue #11).
    stages, intro_days = introductions_funnel(filters)
    stage_cells, _total = suppress_list([n for _s, n in stages], k) if stages else ([], Cell(0))
    funnel = [(name, cell) for (name, _n), cell in zip(stages, stage_cells, strict=True)]

    # Quiet words and professional help, by outcome, with minutes to acknowledge.
    help_rows: list[list[int]] = []
    help_minutes: list[tuple[str, Figure]] = []
    outcomes = ["open", "resolved", "referred", "emergency", "other"]
    for kind, model in (
        ("quiet_word", QuietWordRequest),
        ("professional_help", ProfessionalHelpRequest),
    ):
        where = [model.created_at >= start, model.created_at < end]
        if filters.group or filters.facilitator is not None:
            where.append(
                model.group_session_id.in_(select(_sessions_query(filters).subquery().c.id))
            )
        by_outcome: Counter[str] = Counter()
        waits: list[float] = []
        for outcome, created, acknowledged in db.session.execute(
            select(model.outcome, model.created_at, model.acknowledged_at).where(and_(*where))
        ):
            by_outcome[_outcome_bucket(outcome)] += 1
            if acknowledged is not None:
                waits.append((acknowledged - created).total_seconds() / 60)
        help_rows.append([by_outcome[o] for o in outcomes])
        help_minutes.append((kind, _median(waits, k)))
    help_table = suppress_table(["quiet_word", "professional_help"], outcomes, help_rows, k)

    # Help-now taps and resource views (whole center: these are never tied to a group).
    taps = int(
        db.session.scalar(
            select(func.coalesce(func.sum(HelpDailyCount.requests), 0)).where(
                HelpDailyCount.kind == "help_now",
                HelpDailyCount.day >= filters.start,
                HelpDailyCount.day <= filters.end,
            )
        )
        or 0
    )
    views = int(
        db.session.scalar(
            select(func.coalesce(func.sum(ResourceViewCount.views), 0)).where(
                ResourceViewCount.day >= filters.start, ResourceViewCount.day <= filters.end
            )
        )
        or 0
    )

    # Measures.
    where = [MeasureAnswer.answered_on >= filters.start, MeasureAnswer.answered_on <= filters.end]
    if filters.group or filters.facilitator is not None:
        where.append(
            MeasureAnswer.code_hash.in_(
                select(SignIn.visitor_code_hash).where(SignIn.session_id.in_(session_ids))
            )
        )
    rows = db.session.execute(
        select(
            MeasureAnswer.code_hash,
            MeasureAnswer.answered_on,
            MeasureAnswer.measure,
            MeasureAnswer.answers,
            MeasureAnswer.score,
        ).where(*where)
    ).all()
    summaries, changes, trends = _measures(rows, k, filters.tz)

    # The post-session question and approved stories.
    feeling_counts: Counter[str] = Counter()
    answers_where = [
        PostSessionAnswer.answered_on >= filters.start,
        PostSessionAnswer.answered_on <= filters.end,
    ]
    if filters.group or filters.facilitator is not None:
        answers_where.append(PostSessionAnswer.group_session_id.in_(session_ids))
    for feeling, number in db.session.execute(
        select(PostSessionAnswer.feeling, func.count())
        .where(*answers_where)
        .group_by(PostSessionAnswer.feeling)
    ):
        feeling_counts[feeling] = number
    feelings, feelings_total = suppress_list([feeling_counts[f] for f in FEELINGS], k)
    stories = list(
        db.session.scalars(
            select(PostSessionAnswer.story)
            .where(
                *answers_where,
                PostSessionAnswer.review == Review.APPROVED.value,
                PostSessionAnswer.consent.is_(True),
                PostSessionAnswer.story.is_not(None),
            )
            .order_by(PostSessionAnswer.answered_on, PostSessionAnswer.id)
        )
    )

    return Report(
        filters=filters,
        threshold=k,
        sessions_held=sessions_held,
        attendance=attendance,
        visitors=visitors,
        no_code_signins=Cell(no_code, hidden(no_code, k)),
        codes=Cell(people, hidden(people, k)),
        two_or_more=_share(two, people, k),
        four_or_more=_share(four, people, k),
        median_sessions=_median([float(n) for n in per_code], k),
        funnel=funnel,
        funnel_median_days=_median(intro_days, k),
        help=help_table,
        help_median_minutes=help_minutes,
        help_now_taps=Cell(taps, hidden(taps, k)),
        resource_views=Cell(views, hidden(views, k)),
        days=(filters.end - filters.start).days + 1,
        measures=summaries,
        changes=changes,
        trends=trends,
        feelings=feelings,
        feelings_total=feelings_total,
        stories=[s for s in stories if s],
        swemwbs_used=any(row.measure == m.SWEMWBS.key for row in rows),
    )


def _outcome_bucket(outcome: str | None) -> str:
    if outcome is None:
        return "open"
    for known in ("resolved", "referred", "emergency"):
        if known in outcome:
            return known
    return "other"


def _months(filters: Filters) -> list[str]:
    months = []
    cursor = filters.start.replace(day=1)
    while cursor <= filters.end:
        months.append(cursor.strftime("%Y-%m"))
        cursor = (cursor + timedelta(days=32)).replace(day=1)
    return months


def _measures(  # noqa: PLR0912  (one block per kind of figure)
    rows: Sequence[Any], k: int, tz: str
) -> tuple[list[MeasureSummary], list[Change], list[tuple[str, list[Figure]]]]:
    del tz
    by_measure: dict[str, list[Any]] = defaultdict(list)
    for row in rows:
        by_measure[row.measure].append(row)
    summaries: list[MeasureSummary] = []
    for measure in m.MEASURES.values():
        answered = by_measure.get(measure.key, [])
        if not answered:
            continue
        scores = [float(r.score) for r in answered if r.score is not None]
        summary = MeasureSummary(
            measure, Cell(len(answered), hidden(len(answered), k)), _mean(scores, k)
        )
        if measure.key == m.UCLA3.key:
            summary.share = _share(sum(1 for s in scores if s >= 6), len(scores), k)
        if measure.key == m.ONS_LONELINESS.key:
            values = [m.decode(measure, r.answers)["1"] for r in answered]
            given = [v for v in values if v is not None]
            summary.share = _share(sum(1 for v in given if v == 1), len(given), k)
        if measure.key == m.ONS4.key:
            decoded = [m.decode(measure, r.answers) for r in answered]
            for item in measure.items:
                item_values = [float(v) for d in decoded if (v := d[item.key]) is not None]
                summary.item_means.append((item, _mean(item_values, k)))
        summaries.append(summary)

    changes: list[Change] = []
    for measure in SCORED:
        per_code: dict[str, list[tuple[date, Decimal]]] = defaultdict(list)
        for r in by_measure.get(measure.key, []):
            if r.code_hash is not None and r.score is not None:
                per_code[r.code_hash].append((r.answered_on, r.score))
        differences = []
        for answers in per_code.values():
            answers.sort()
            (first_day, first), (last_day, last) = answers[0], answers[-1]
            if (last_day - first_day).days >= PAIR_MIN_DAYS:
                differences.append(float(last - first))
        if not differences and not by_measure.get(measure.key):
            continue
        changes.append(paired_change(measure, differences, k))

    trend_rows: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        if row.score is not None and row.measure in {"ucla3", "pearlin7", "pearlin5", "swemwbs"}:
            key = "pearlin" if row.measure.startswith("pearlin") else row.measure
            trend_rows[row.answered_on.strftime("%Y-%m")][key].append(float(row.score))
    trends = [
        (month, [_mean(trend_rows[month][key], k) for key in TREND_KEYS])
        for month in sorted(trend_rows)
    ]
    return summaries, changes, trends


TREND_KEYS = ("ucla3", "pearlin", "swemwbs")


def paired_change(measure: m.Measure, differences: list[float], k: int) -> Change:
    """Mean change with n and a 95 % t interval (hidden under the threshold)."""
    n = len(differences)
    if n == 0:
        return Change(measure, 0, None, None, None, True)
    mean = statistics.fmean(differences)
    low: float | None = None
    high: float | None = None
    if n >= 2:
        half = t_975(n - 1) * statistics.stdev(differences) / math.sqrt(n)
        low, high = mean - half, mean + half
    return Change(measure, n, mean, low, high, n < k)
