"""A report over fixture data reproduces hand-computed figures, suppressed where it must be."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, text

from kiosk.auth.models import User
from kiosk.db import write_transaction
from kiosk.extensions import db
from kiosk.reports import export, figures
from kiosk.reports.models import MeasureAnswer, PostSessionAnswer
from kiosk.sessions.models import GroupSession, SessionFacilitator, SignIn
from kiosk.signin.models import VisitorCode
from tests.conftest import TEST_DATABASE_URL, Staff, post_form

TZ = "America/New_York"
PERIOD = figures.Filters(date(2026, 1, 1), date(2026, 3, 31), tz=TZ)
# Sessions attended per visitor code, and three sign-ins without a code.
ATTENDED = {"c1": 4, "c2": 2, "c3": 1, "c4": 1, "c5": 1, "c6": 3}
UCLA = {  # code -> [(date, score)]
    "c1": [(date(2026, 1, 10), 8), (date(2026, 3, 1), 5)],  # paired: -3
    "c2": [(date(2026, 3, 1), 6), (date(2026, 3, 20), 4)],  # 19 days apart: not paired
    "c3": [(date(2026, 1, 5), 7), (date(2026, 2, 10), 6), (date(2026, 3, 15), 6)],  # -1
    "c4": [(date(2026, 1, 2), 6), (date(2026, 2, 15), 6)],  # 0
}


def _code(name: str) -> str:
    return name.ljust(64, "0")


@pytest.fixture
def fixture_data(app: Flask) -> dict[str, str]:
    with app.app_context(), write_transaction() as session:
        for name in ATTENDED:
            session.add(VisitorCode(code_hash=_code(name)))
        ours = [
            GroupSession(
                id=f"s{n}",
                series_id="tuesday",
                title="Tuesday circle",
                starts_at=datetime(2026, 3, 3 + 7 * n, 18),
                ends_at=datetime(2026, 3, 3 + 7 * n, 19),
                facilitators="Sam, Robin",
            )
            for n in range(4)
        ]
        other = GroupSession(
            id="other",
            title="Other group",
            starts_at=datetime(2026, 2, 2, 18),
            ends_at=datetime(2026, 2, 2, 19),
            facilitators="Lee",
        )
        outside = GroupSession(
            id="outside",
            title="Tuesday circle",
            series_id="tuesday",
            starts_at=datetime(2026, 4, 7, 18),
            ends_at=datetime(2026, 4, 7, 19),
        )
        session.add_all([*ours, other, outside])
        session.flush()
        for name, times in ATTENDED.items():
            for n in range(times):
                session.add(
                    SignIn(session_id=f"s{n}", visitor_code_hash=_code(name), visit="returning")
                )
        for _ in range(3):
            session.add(SignIn(session_id="s0", visit="first"))
        session.add(SignIn(session_id="outside", visitor_code_hash=_code("c3")))
        for name, answers in UCLA.items():
            for day, value in answers:
                session.add(
                    MeasureAnswer(
                        code_hash=_code(name),
                        answered_on=day,
                        measure="ucla3",
                        answers="x",
                        score=Decimal(value),
                    )
                )
        session.add(
            MeasureAnswer(
                code_hash=_code("c1"), answered_on=date(2026, 2, 1), measure="ucla3", answers="3,,2"
            )
        )
        for feeling in ["a_lot"] * 6 + ["a_little"] * 3 + ["less"]:
            session.add(
                PostSessionAnswer(
                    group_session_id="s1", answered_on=date(2026, 3, 10), feeling=feeling
                )
            )
        session.add(
            PostSessionAnswer(
                group_session_id="s1",
                answered_on=date(2026, 3, 10),
                feeling="a_lot",
                story="Being heard.",
                consent=True,
                review="approved",
            )
        )
        session.add(
            PostSessionAnswer(
                group_session_id="s1",
                answered_on=date(2026, 3, 10),
                feeling="a_lot",
                story="Not yet reviewed.",
                consent=True,
                review="pending",
            )
        )
    return {}


def test_hand_computed_figures(app: Flask, fixture_data: dict[str, str]) -> None:
    with app.app_context():
        report = figures.build(PERIOD, threshold=1)  # nothing hidden: the raw figures
    assert report.sessions_held == 5  # four Tuesdays and the February group; April is outside
    assert report.attendance.total.value == sum(ATTENDED.values()) + 3 == 15
    assert report.visitors.value == 6  # distinct codes
    assert report.no_code_signins.value == 3
    assert report.two_or_more.value == 3 / 6  # c1, c2, c6
    assert report.four_or_more.value == 1 / 6  # c1
    assert report.median_sessions.value == 1.5  # 1 1 1 2 3 4
    ucla = next(s for s in report.measures if s.measure.key == "ucla3")
    assert ucla.answers.value == 10  # nine complete and one with a skipped item
    assert ucla.mean.value == 54 / 9 == 6.0
    assert ucla.share is not None and ucla.share.value == 7 / 9
    change = next(c for c in report.changes if c.measure.key == "ucla3")
    # c1 8 -> 5, c3 7 -> 6, c4 6 -> 6: differences -3, -1, 0; c2's answers are 19 days apart.
    assert change.pairs == 3
    assert change.mean == pytest.approx(-4 / 3)
    # sd = sqrt(((-5/3)^2 + (1/3)^2 + (4/3)^2) / 2) = 1.5275; t(2) = 4.303; half = 3.7948
    assert change.low == pytest.approx(-5.1281, abs=1e-3)
    assert change.high == pytest.approx(2.4614, abs=1e-3)
    assert [c.value for c in report.feelings] == [8, 3, 0, 1, 0]  # 6 + 2 with a story
    assert report.stories == ["Being heard."]  # pending texts never appear


def test_the_report_plan_setting_ends_with_the_reports_transaction(
    app: Flask, fixture_data: dict[str, str]
) -> None:
    """PostgreSQL's report turns hash aggregates off for its own transaction only."""
    if not TEST_DATABASE_URL:
        pytest.skip("PostgreSQL only: SQLite has no planner settings")
    with app.app_context():
        figures.build(PERIOD, threshold=1)
        assert db.session.scalar(text("SHOW enable_hashagg")) == "off"
        db.session.commit()  # (a plain SET would survive a commit; SET LOCAL does not)
        # The same pooled connection, next transaction: planned as usual again.
        assert db.session.scalar(text("SHOW enable_hashagg")) == "on"
        db.session.remove()
    with app.app_context():
        assert db.session.scalar(text("SHOW enable_hashagg")) == "on"


def test_a_cell_of_3_is_hidden_on_screen(app: Flask, fixture_data: dict[str, str]) -> None:
    with app.app_context():
        report = figures.build(PERIOD, threshold=5)
    assert report.no_code_signins.suppressed and report.no_code_signins.shown() is None
    assert not report.visitors.suppressed
    change = next(c for c in report.changes if c.measure.key == "ucla3")
    assert change.suppressed  # n = 3 pairs
    # The "less" answer (1) is hidden, and so is a second answer so the total tells nothing.
    assert report.feelings[3].suppressed and report.feelings[1].suppressed
    assert not report.feelings[2].suppressed and report.feelings[2].shown() == 0


def test_screen_shows_hidden_and_never_the_small_numbers(
    app: Flask, fixture_data: dict[str, str], admin_client: FlaskClient
) -> None:
    html = admin_client.get("/staff/reports?period=custom&from=2026-01-01&to=2026-03-31").get_data(
        as_text=True
    )
    assert "Sign-ins without a code" in html
    no_code = html.split("Sign-ins without a code (not counted above)</dt><dd>")[1][:60]
    assert "hidden" in no_code and "3" not in no_code
    for chart in (
        "Attendance by month",
        "First-time and returning sign-ins",
        "Measure means by month",
    ):
        assert f'aria-label="{chart}"' in html


def test_funder_csv_hides_below_11(
    app: Flask, fixture_data: dict[str, str], admin_client: FlaskClient
) -> None:
    response = admin_client.get(
        "/staff/reports/export.csv?period=custom&from=2026-01-01&to=2026-03-31&funder=1"
    )
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    counts = [r["value"] for r in rows if r["kind"] == "count"]
    assert "suppressed" in counts
    assert not any(v.isdigit() and 1 <= int(v) <= 10 for v in counts)
    visitors = next(r for r in rows if r["row"].startswith("unduplicated"))
    assert visitors["value"] == "suppressed"  # 6 people


def _link(app: Flask, user_id: int, *session_ids: str) -> None:
    with app.app_context(), write_transaction() as session:
        session.add_all(SessionFacilitator(session_id=s, user_id=user_id) for s in session_ids)


def _held(app: Flask, user_id: int | None, group: str = "") -> int:
    with app.app_context():
        filters = figures.Filters(PERIOD.start, PERIOD.end, group, facilitator=user_id, tz=TZ)
        return figures.build(filters, 1).sessions_held


def test_facilitators_see_their_own_groups(
    app: Flask, fixture_data: dict[str, str], staff: Staff
) -> None:
    sam, lee, robin = staff.create("sam"), staff.create("lee"), staff.create("robin")
    _link(app, sam, "s0", "s1", "s2", "s3")
    _link(app, lee, "other")
    assert _held(app, sam) == 4 and _held(app, lee) == 1 and _held(app, None, "other") == 1
    # Robin is named on the sheet ("Sam, Robin") but not linked: the free text opens nothing.
    assert _held(app, robin) == 0
    # Asking for another facilitator's group by id gives nothing of it.
    assert _held(app, lee, "tuesday") == 0 and _held(app, sam, "other") == 0
    with app.app_context():
        lee_report = figures.build(figures.Filters(PERIOD.start, PERIOD.end, "", lee, TZ), 1)
    assert lee_report.attendance.total.value == 0


def test_a_facilitator_cannot_reach_another_facilitators_figures(
    app: Flask, fixture_data: dict[str, str], staff: Staff
) -> None:
    # Over HTTP, with the group id of someone else's series forged into the query string.
    client = staff.client_for("facilitator", "lee")
    with app.app_context():
        lee = db.session.scalar(select(User.id).where(User.username == "lee"))
    assert lee is not None
    _link(app, lee, "other")
    period = "period=custom&from=2026-01-01&to=2026-03-31"
    own = client.get(f"/staff/reports?{period}").get_data(as_text=True)
    assert "Other group" in own and "Tuesday circle" not in own
    forged = client.get(f"/staff/reports?{period}&group=tuesday")
    assert forged.status_code == 200
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(f"/staff/reports/export.csv?{period}&group=tuesday").get_data(
                    as_text=True
                )
            )
        )
    )
    held = next(r for r in rows if r[:2] == ["sessions", "held"])
    attendance = next(r for r in rows if r[:3] == ["attendance", "total", "total"])
    assert held[4] == "0" and attendance[4] == "0"
    mine = list(
        csv.reader(
            io.StringIO(client.get(f"/staff/reports/export.csv?{period}").get_data(as_text=True))
        )
    )
    assert next(r for r in mine if r[:2] == ["sessions", "held"])[4] == "1"


def test_staff_link_facilitator_accounts_on_the_session_form(
    app: Flask, admin_client: FlaskClient, staff: Staff
) -> None:
    rosa = staff.create("rosa")
    staff.create("ana", role="admin")  # admins are not offered: they see everything already
    page = admin_client.get("/staff/sessions/new").get_data(as_text=True)
    assert ">rosa<" in page and ">ana<" not in page
    response = post_form(
        admin_client,
        "/staff/sessions/new",
        {"title": "Rosa's circle", "format": "in_person", "day": "2026-03-03",
         "start_time": "18:00", "end_time": "19:00", "opens_minutes_before": "30",
         "repeat_weeks": "3", "facilitators": "Rosa M.", "facilitator_ids": [str(rosa)]},
    )  # fmt: skip
    assert response.status_code == 303
    with app.app_context():
        linked = db.session.scalars(
            select(SessionFacilitator.session_id).where(SessionFacilitator.user_id == rosa)
        ).all()
    assert len(linked) == 3  # every occurrence of the series


def test_the_session_form_refuses_an_account_that_is_not_offered(
    app: Flask, admin_client: FlaskClient, staff: Staff
) -> None:
    boss = staff.create("boss", role="admin")
    response = post_form(
        admin_client,
        "/staff/sessions/new",
        {"title": "Forged", "format": "in_person", "day": "2026-03-03",
         "start_time": "18:00", "end_time": "19:00", "opens_minutes_before": "30",
         "repeat_weeks": "1", "facilitator_ids": [str(boss)]},
    )  # fmt: skip
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SessionFacilitator)) == 0
        assert db.session.scalar(select(func.count()).select_from(GroupSession)) == 0


def test_facilitator_page_and_funder_export_rights(
    app: Flask, fixture_data: dict[str, str], facilitator_client: FlaskClient
) -> None:
    assert facilitator_client.get("/staff/reports").status_code == 200
    assert facilitator_client.get("/staff/reports/export.csv?funder=1").status_code == 403
    assert facilitator_client.get("/staff/reports/funder").status_code == 403


@pytest.mark.parametrize(
    "query",
    [
        "period=custom&from=2026-02-30&to=2026-03-01",
        "period=custom&from=2026-03-01&to=2026-01-01",
        "period=custom&from=1900-01-01&to=2026-01-01",
        "period=quarter&from=%00",
        "group=" + "x" * 500,
        "period=weird&from=2026-01-01",
    ],
)
def test_bad_filters_get_a_message_not_an_error(admin_client: FlaskClient, query: str) -> None:
    response = admin_client.get(f"/staff/reports?{query}")
    assert response.status_code in (200, 400)
    html = response.get_data(as_text=True)
    assert "Traceback" not in html
    if response.status_code == 400:
        assert 'role="alert"' in html


def test_csv_rows_are_the_page_figures(app: Flask, fixture_data: dict[str, str]) -> None:
    with app.app_context():
        report = figures.build(PERIOD, threshold=5)
    rows = {(r[0], r[1], r[2]): r[4] for r in export.rows(report)}
    assert rows[("visitors", "unduplicated (distinct codes)", "")] == "6"
    assert rows[("visitors", "sign-ins without a code", "")] == "suppressed"
    assert rows[("attendance", "total", "total")] == "15"


def test_introductions_funnel_and_median_days(app: Flask) -> None:
    from datetime import timedelta

    from kiosk.introductions.models import Introduction

    base = datetime(2026, 2, 1, 15)
    # 12 requests: 9 got a proposal, 8 a peer's yes, 6 an introduction after 2,4,4,6,8,10 days.
    introduced_after = [2, 4, 4, 6, 8, 10]
    with app.app_context(), write_transaction() as session:
        for n in range(12):
            session.add(
                Introduction(
                    state="ended",
                    requested_at=base,
                    proposed_at=base + timedelta(days=1) if n < 9 else None,
                    peer_accepted_at=base + timedelta(days=1) if n < 8 else None,
                    introduced_at=base + timedelta(days=introduced_after[n]) if n < 6 else None,
                    ended_at=base + timedelta(days=20),
                )
            )
    with app.app_context():
        raw = figures.build(PERIOD, threshold=1)
        screen = figures.build(PERIOD, threshold=5)
    assert [(stage, cell.value) for stage, cell in raw.funnel] == [
        ("requested", 12),
        ("proposed", 9),
        ("peer_accepted", 8),
        ("introduced", 6),
    ]
    assert raw.funnel_median_days.value == 5.0
    # On screen: each drop (3, 1, 2) would reveal a few people, so the later stages are hidden.
    assert [cell.suppressed for _stage, cell in screen.funnel] == [False, True, True, True]
    assert screen.funnel_median_days.suppressed is False  # six people


def test_visitors_are_the_same_whichever_way_they_are_read(
    app: Flask, fixture_data: dict[str, str]
) -> None:
    # A period holding most sessions is read code by code, a short one session by session
    # (figures._sessions_per_code): both count distinct sessions, so a code signing in twice
    # to one session still came once.
    with app.app_context(), write_transaction() as session:
        session.add(SignIn(session_id="s0", visitor_code_hash=_code("c3"), visit="returning"))
    with app.app_context():
        most = figures.build(PERIOD, threshold=1)
    with app.app_context(), write_transaction() as session:
        session.add_all(
            GroupSession(
                id=f"old{n}",
                title="Long ago",
                starts_at=datetime(2025, 6, 1 + n % 28, 18),
                ends_at=datetime(2025, 6, 1 + n % 28, 19),
            )
            for n in range(30)
        )
    with app.app_context():
        few = figures.build(PERIOD, threshold=1)
    for report in (most, few):
        assert report.visitors.value == 6
        assert report.two_or_more.value == 3 / 6  # c1, c2, c6: c3's second sign-in is one session
        assert report.median_sessions.value == 1.5


def test_paired_change_takes_the_higher_score_of_a_day_to_the_hundredth(app: Flask) -> None:
    answers = {  # code -> [(date, score)]: two answers on one day, the higher counts
        "d1": [
            (date(2026, 1, 5), "20.73"),
            (date(2026, 1, 5), "23.21"),
            (date(2026, 2, 20), "19.98"),
            (date(2026, 2, 20), "25.03"),
        ],  # 25.03 - 23.21 = 1.82
        "d2": [(date(2026, 1, 10), "17.43"), (date(2026, 3, 1), "15.32")],  # -2.11
        "d3": [(date(2026, 3, 1), "30.00"), (date(2026, 3, 28), "14.00")],  # 27 days: not paired
    }
    with app.app_context(), write_transaction() as session:
        for name, rows in answers.items():
            session.add(VisitorCode(code_hash=_code(name)))
            for day, value in rows:
                session.add(
                    MeasureAnswer(
                        code_hash=_code(name),
                        answered_on=day,
                        measure="swemwbs",
                        answers="x",
                        score=Decimal(value),
                    )
                )
    with app.app_context():
        report = figures.build(PERIOD, threshold=1)
    change = next(c for c in report.changes if c.measure.key == "swemwbs")
    assert change.pairs == 2
    assert change.mean == pytest.approx((1.82 - 2.11) / 2, abs=1e-9)
    # sd of (1.82, -2.11) = 2.7789; t(1) = 12.706; half = 12.706 * 2.7789 / sqrt(2) = 24.967
    assert change.low == pytest.approx(-0.145 - 24.967, abs=1e-2)
