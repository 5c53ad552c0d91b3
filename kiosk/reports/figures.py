"""Every figure a report shows, computed in a few grouped queries and suppressed before it leaves.

Figures are computed from the database once per report; nothing here knows about requests. A
report is built for one threshold: the staff screen's (hide 1-4) or the funder's (hide 1-10).
"""

from __future__ import annotations

import math
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from fractions import Fraction
from itertools import pairwise
from typing import Any

from sqlalchemy import BigInteger, Integer, and_, case, cast, func, literal, or_, select, text

from .. import clock
from ..db import is_sqlite
from ..extensions import db
from ..help import services as help_services
from ..help.models import HelpDailyCount, ProfessionalHelpRequest, QuietWordRequest
from ..introductions.models import Introduction
from ..resources.models import ResourceViewCount
from ..sessions.models import AttendanceCount, GroupSession, SessionFacilitator, SignIn, Visit
from . import measures as m
from .models import (
    ANSWER_EPOCH,
    SCORE_LIMIT,
    Feeling,
    MeasureAnswer,
    PostSessionAnswer,
    Review,
)
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
    facilitator: int | None = None  # a facilitator's user id: only the sessions linked to them
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
        # A facilitator sees the sessions staff linked to their account on the session form,
        # nothing else (the free-text names on the sheet decide nothing: kiosk/sessions).
        query = query.where(GroupSession.id.in_(own_sessions(filters.facilitator)))
    return query


def _all_sessions() -> int:
    """How many sessions the database holds (a few thousand at most: from an index)."""
    return int(_core(select(func.count()).select_from(GroupSession)).scalar() or 0)


def own_sessions(user_id: int) -> Any:
    """The ids of the sessions linked to one facilitator account (a subquery)."""
    return select(SessionFacilitator.session_id).where(SessionFacilitator.user_id == user_id)


def _plan_for_reports() -> None:
    """PostgreSQL: read this report's groupings in index order rather than by hashing.

    The report's big groupings (distinct code-and-session pairs, each code's answers) are over
    64-character code hashes. The planner prices a hash aggregate below a streaming one over
    ix_sign_ins_code_session (it expects far fewer pairs than there are), but the hash table
    outgrows work_mem and spills to disk: a year's visitors took 190-250 ms that way and
    85-90 ms read in index order (EXPLAIN ANALYZE, 100,000 sign-ins); a month's plan is the
    same either way. SET LOCAL ends with this request's transaction, so nothing else is
    planned differently.
    """
    if not is_sqlite():
        db.session.execute(text("SET LOCAL enable_hashagg = off"))


def _core(statement: Any) -> Any:
    """Run a read through the connection: plain rows, without the ORM's per-row work.

    Reports read tens of thousands of aggregated rows; the ORM's result processing cost more
    than the queries themselves (benchmarks/reports_benchmark.py).
    """
    return db.session.connection().execute(statement)


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


FUNNEL_STAGES = ("requested", "proposed", "peer_accepted", "introduced")


def introductions_funnel(filters: Filters) -> tuple[list[tuple[str, int]], list[float]]:
    """Peer introductions requested in the period by furthest stage reached, and the days from
    request to introduction (kiosk/introductions: one row per request, a timestamp per state).

    Introductions are not tied to a group, so the funnel is the whole center's. Rows already
    purged survive only as monthly outcome counts and are not in the funnel.
    """
    start, end = _bounds(filters)
    row = _core(
        select(
            func.count(),
            func.count(Introduction.proposed_at),
            func.count(Introduction.peer_accepted_at),
            func.count(Introduction.introduced_at),
        ).where(Introduction.requested_at >= start, Introduction.requested_at < end)
    ).one()
    if not row[0]:
        return [], []
    days = [
        (introduced - requested).total_seconds() / 86400
        for requested, introduced in _core(
            select(Introduction.requested_at, Introduction.introduced_at).where(
                Introduction.requested_at >= start,
                Introduction.requested_at < end,
                Introduction.introduced_at.is_not(None),
            )
        )
    ]
    return list(zip(FUNNEL_STAGES, (int(n) for n in row), strict=True)), days


def suppress_funnel(counts: list[int], k: int) -> list[Cell]:
    """Nested stage counts: a small stage is hidden, and so is a stage whose drop from the
    stage before is small (the difference would reveal a few people)."""
    cells = [Cell(n, hidden(n, k)) for n in counts]
    for before, after in pairwise(cells):
        if hidden(before.value - after.value, k):
            after.suppressed = True
    return cells


def build(filters: Filters, threshold: int) -> Report:
    """Compute and suppress every figure for the filters."""
    _plan_for_reports()
    sessions = _sessions_query(filters).subquery()
    session_ids = select(sessions.c.id)
    start, end = _bounds(filters)
    k = threshold

    # Sessions held, attendance by month and first/returning, and sign-ins without a code: one
    # grouped query. Months are the center's: each session falls in the bucket of local month
    # boundaries converted to UTC, so the database groups and Python never sees a sign-in.
    months = _months(filters)
    bucket = _month_bucket(sessions.c.starts_at, months, filters.tz)
    sessions_held = int(_core(select(func.count()).select_from(sessions)).scalar() or 0)
    # From the per-session tallies the database keeps (AttendanceCount: a few rows a session,
    # not every sign-in of the period), grouped by month.
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    no_code = 0
    for month, visit, number, without_code in _core(
        select(
            bucket,
            AttendanceCount.visit,
            func.sum(AttendanceCount.sign_ins),
            func.sum(AttendanceCount.without_code),
        )
        .join(sessions, AttendanceCount.session_id == sessions.c.id)
        .group_by(bucket, AttendanceCount.visit)
    ):
        counts[month][visit] += int(number)
        no_code += int(without_code or 0)
    attendance = suppress_table(
        months, VISITS, [[counts[mo][v] for v in VISITS] for mo in months], k
    )

    # Unduplicated visitors and retention: sessions attended per visitor code, counted by the
    # database and handed over as a histogram (how many codes came n times).
    histogram = _sessions_per_code(session_ids, sessions_held)
    people = sum(histogram.values())
    visitors = Cell(people, hidden(people, k))
    two = sum(codes for n, codes in histogram.items() if n >= 2)
    four = sum(codes for n, codes in histogram.items() if n >= 4)

    # Introductions (issue #11).
    stages, intro_days = introductions_funnel(filters)
    stage_cells = suppress_funnel([n for _s, n in stages], k)
    funnel = [(name, cell) for (name, _n), cell in zip(stages, stage_cells, strict=True)]

    # Quiet words and professional help, by outcome, with minutes to acknowledge.
    help_rows: list[list[int]] = []
    help_minutes: list[tuple[str, Figure]] = []
    outcomes = ["open", *help_services.OUTCOMES]
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
        for outcome, created, acknowledged in _core(
            select(model.outcome, model.created_at, model.acknowledged_at).where(and_(*where))
        ):
            by_outcome[outcome if outcome in help_services.OUTCOMES else "open"] += 1
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
    where = _answers_where(filters, session_ids, MeasureAnswer.answered_on)
    # Paired change reads each code's answers in ix_measure_answers_pairs order (code, measure,
    # day: no sort). SQLite's planner would take the day index for the period and sort a
    # year's codes; an expression on the day keeps that index off (PostgreSQL plans by cost).
    day = func.coalesce(MeasureAnswer.answered_on, None) if is_sqlite() else None
    pairs_where = _answers_where(filters, session_ids, day) if day is not None else where
    summaries, changes, trends = _measures(where, pairs_where, k)

    # The post-session question and approved stories.
    feeling_counts: Counter[str] = Counter()
    answers_where = [
        PostSessionAnswer.answered_on >= filters.start,
        PostSessionAnswer.answered_on <= filters.end,
    ]
    if filters.group or filters.facilitator is not None:
        answers_where.append(PostSessionAnswer.group_session_id.in_(session_ids))
    for feeling, number in _core(
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
        median_sessions=_median(
            [float(n) for n in sorted(histogram) for _ in range(histogram[n])], k
        ),
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
        swemwbs_used=any(s.measure.key == m.SWEMWBS.key for s in summaries),
    )


def _sessions_per_code(session_ids: Any, sessions_held: int) -> dict[int, int]:
    """How many visitor codes came to n of the sessions (n -> codes), counted by the database.

    The two databases get the shape each runs fastest (same figures: distinct sessions per
    code). PostgreSQL: the distinct (code, session) pairs by hash, then a plain count per code
    (COUNT(DISTINCT) sorts every group and was planned as a nested loop over a year's sign-ins:
    1 s under load in EXPLAIN ANALYZE, 0.3 s this way). SQLite: COUNT(DISTINCT) per code.
    """
    coded = SignIn.visitor_code_hash.is_not(None)
    if not is_sqlite():
        pairs = (
            select(SignIn.visitor_code_hash.label("code"), SignIn.session_id)
            .where(SignIn.session_id.in_(session_ids), coded)
            .distinct()
            .subquery()
        )
        per_code = (
            select(func.count().label("n")).select_from(pairs).group_by(pairs.c.code).subquery()
        )
    else:
        in_period: Any = SignIn.session_id
        if sessions_held * 4 > _all_sessions():
            # A period holding most sessions (a year) is read in code order from
            # ix_sign_ins_code_session, testing each session against the period's: half the
            # work of reading it session by session and sorting a year's codes. SQLite's
            # planner would still take the session-first index; an expression on the column
            # keeps it off.
            in_period = func.coalesce(SignIn.session_id, "")
        per_code = (
            select(func.count(func.distinct(SignIn.session_id)).label("n"))
            .where(in_period.in_(session_ids), coded)
            .group_by(SignIn.visitor_code_hash)
            .subquery()
        )
    return {
        int(n): int(codes)
        for n, codes in _core(select(per_code.c.n, func.count()).group_by(per_code.c.n))
    }


def _month_bucket(column: Any, months: list[str], tz: str) -> Any:
    """SQL for "which of ``months`` (center-local YYYY-MM) this UTC time falls in".

    A CASE over the months' first moments in UTC: portable (SQLite and PostgreSQL), and the
    time zone (DST included) is applied once per month here instead of once per row.
    """
    if len(months) == 1:
        return literal(months[0])
    whens = []
    for month, following in pairwise(months):
        year, number = (int(part) for part in following.split("-"))
        boundary = clock.to_utc(datetime(year, number, 1), tz)
        whens.append((column < boundary, literal(month)))
    return case(*whens, else_=literal(months[-1]))


def _months(filters: Filters) -> list[str]:
    months = []
    cursor = filters.start.replace(day=1)
    while cursor <= filters.end:
        months.append(cursor.strftime("%Y-%m"))
        cursor = (cursor + timedelta(days=32)).replace(day=1)
    return months


def _answers_where(filters: Filters, session_ids: Any, day: Any) -> list[Any]:
    """The measure answers a report covers: answered in the period (``day`` is the answer's
    date column or an expression on it), by codes seen in the group's sessions if one is set."""
    where = [day >= filters.start, day <= filters.end]
    if filters.group or filters.facilitator is not None:
        where.append(
            MeasureAnswer.code_hash.in_(
                select(SignIn.visitor_code_hash).where(SignIn.session_id.in_(session_ids))
            )
        )
    return where


def _measures(
    where: list[Any], pairs_where: list[Any], k: int
) -> tuple[list[MeasureSummary], list[Change], list[tuple[str, list[Figure]]]]:
    """Measure figures and monthly trends from one grouped query (month x measure).

    Scores are summed in hundredths (they have two decimals): exact integers on SQLite and
    PostgreSQL alike, so a mean is one division at the end.
    """
    score = MeasureAnswer.score
    hundredths = cast(func.round(score * 100), Integer)
    totals: dict[str, list[int]] = defaultdict(lambda: [0] * 6)
    monthly: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    # Grouped by day (a year is a few hundred days): the month of a date is found in Python,
    # rather than by a CASE over the months evaluated on every answer.
    for day, key, *values in _core(
        select(
            MeasureAnswer.answered_on,
            MeasureAnswer.measure,
            func.count(),
            func.count(score),
            func.sum(hundredths),
            func.sum(case((score >= 6, 1), else_=0)),
            func.sum(case((MeasureAnswer.answers == "1", 1), else_=0)),
            func.sum(case((MeasureAnswer.answers != "", 1), else_=0)),
        )
        .where(*where)
        .group_by(MeasureAnswer.answered_on, MeasureAnswer.measure)
    ):
        month = day.strftime("%Y-%m")  # answered_on is within the period: one of months
        numbers = [int(v or 0) for v in values]
        totals[key] = [a + b for a, b in zip(totals[key], numbers, strict=True)]
        if key in TREND_OF and numbers[1]:
            cell = monthly[month][TREND_OF[key]]
            cell[0] += numbers[2]
            cell[1] += numbers[1]
    summaries: list[MeasureSummary] = []
    for key, (answered, scored, total, lonely, often, given) in totals.items():
        measure = m.MEASURES[key]
        mean = Figure(total / (100 * scored) if scored else None, scored, scored < k)
        summary = MeasureSummary(measure, Cell(answered, hidden(answered, k)), mean)
        if key == m.UCLA3.key:
            summary.share = _share(lonely, scored, k)
        if key == m.ONS_LONELINESS.key:
            summary.share = _share(often, given, k)
        if key == m.ONS4.key:
            decoded = [
                m.decode(measure, stored)
                for stored in db.session.scalars(
                    select(MeasureAnswer.answers).where(*where, MeasureAnswer.measure == key)
                )
            ]
            for item in measure.items:
                item_values = [float(v) for d in decoded if (v := d[item.key]) is not None]
                summary.item_means.append((item, _mean(item_values, k)))
        summaries.append(summary)
    summaries.sort(key=lambda s: list(m.MEASURES).index(s.measure.key))
    trends = [
        (
            month,
            [
                Figure(
                    monthly[month][key][0] / (100 * n) if (n := monthly[month][key][1]) else None,
                    n,
                    n < k,
                )
                for key in TREND_KEYS
            ],
        )
        for month in sorted(monthly)
    ]
    return summaries, _changes(pairs_where, k, summaries), trends


EPOCH = ANSWER_EPOCH
# A day number times SCALE plus a score in hundredths (0-3,500, always below SCALE) sorts by
# day first, then by score: one MIN and one MAX per code find the first and latest day and
# that day's score together.
SCALE = SCORE_LIMIT * 100


def _day_number(column: Any) -> Any:
    """Whole days from 2000-01-01 to a DATE column, as an integer, in either database's SQL."""
    if is_sqlite():
        # julianday('2000-01-01') is 2451544.5: a constant, not parsed again on every row.
        return cast(func.julianday(column) - 2451544.5, Integer)
    return cast(column - literal(EPOCH), BigInteger)  # PostgreSQL: date - date is days


def _changes(where: list[Any], k: int, summaries: list[MeasureSummary]) -> list[Change]:
    """Paired change: each code's first and latest scored answer, at least 28 days apart.

    One grouped pass over ix_measure_answers_pairs (code, measure, day, score) finds, per code
    and measure, the first and latest day with that day's score (a day number and the score
    packed into one sortable integer, so no second lookup is needed), and the database sums the
    differences per measure: one row per measure comes back. Differences are in hundredths
    (scores have two decimals), so the sums are exact integers on both databases. Should a code
    have two answers on one day (the kiosk stores one), the higher score counts.
    """
    paired = [
        *where,
        MeasureAnswer.code_hash.is_not(None),
        MeasureAnswer.score.is_not(None),
        MeasureAnswer.measure.in_([measure.key for measure in SCORED]),
    ]
    day = _day_number(MeasureAnswer.answered_on)
    hundredths = cast(func.round(MeasureAnswer.score * 100), BigInteger)
    # min(day * SCALE - score) lies on the first day, with that day's highest score; the day
    # is recovered by rounding up, and max(day * SCALE + score) gives the latest day by
    # rounding down (0 <= score < SCALE).
    first_key = func.min(day * SCALE - hundredths)
    last_key = func.max(day * SCALE + hundredths)
    ends = (
        select(
            MeasureAnswer.measure.label("measure"),
            ((first_key + (SCALE - 1)) // SCALE).label("first_day"),
            (last_key // SCALE).label("last_day"),
            first_key.label("first_key"),
            last_key.label("last_key"),
        )
        .where(*paired)
        .group_by(MeasureAnswer.code_hash, MeasureAnswer.measure)
        .subquery()
    )
    kept = ends.c.last_day - ends.c.first_day >= PAIR_MIN_DAYS
    first_score = ends.c.first_day * SCALE - ends.c.first_key
    last_score = ends.c.last_key - ends.c.last_day * SCALE
    difference = last_score - first_score
    totals = {
        key: (int(n), int(total or 0), int(squares or 0))
        for key, n, total, squares in _core(
            select(
                ends.c.measure,
                func.count(),
                func.sum(difference),
                func.sum(difference * difference),
            )
            .where(kept)
            .group_by(ends.c.measure)
        )
    }
    present = {s.measure.key for s in summaries}
    return [
        paired_change_from_sums(measure, *totals.get(measure.key, (0, 0, 0)), k)
        for measure in SCORED
        if measure.key in present
    ]


TREND_KEYS = ("ucla3", "pearlin", "swemwbs")
# The scored measures' line on the trend chart (both Pearlin forms share one).
TREND_OF = {"ucla3": "ucla3", "pearlin7": "pearlin", "pearlin5": "pearlin", "swemwbs": "swemwbs"}


def paired_change_from_sums(measure: m.Measure, n: int, total: int, squares: int, k: int) -> Change:
    """Mean change with n and a 95 % t interval from the number of pairs and the sum and sum of
    squares of their differences in hundredths (exact integers: no rounding before the end)."""
    if n == 0:
        return Change(measure, 0, None, None, None, True)
    mean = total / n / 100
    low: float | None = None
    high: float | None = None
    if n >= 2:
        variance = Fraction(squares * n - total * total, n * (n - 1)) / 10_000
        half = t_975(n - 1) * math.sqrt(variance) / math.sqrt(n)
        low, high = mean - half, mean + half
    return Change(measure, n, mean, low, high, n < k)


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
