"""The post-session question, story review, retention and the command line."""

from __future__ import annotations

import csv
from datetime import date, timedelta
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import select

from kiosk import clock
from kiosk.db import write_transaction
from kiosk.extensions import db
from kiosk.reports.models import MeasureAnswer, PostSessionAnswer
from tests.conftest import post_form
from tests.sessions.helpers import make_session

TILE = "How was today?"


def rows() -> list[PostSessionAnswer]:
    return list(db.session.scalars(select(PostSessionAnswer).order_by(PostSessionAnswer.id)))


def test_tile_shows_while_a_session_runs_and_for_an_hour_after(
    client: FlaskClient, app: Flask
) -> None:
    assert TILE not in client.get("/").get_data(as_text=True)
    with app.app_context():
        make_session(starts_in_minutes=-30, minutes=60)
    assert TILE in client.get("/").get_data(as_text=True)
    clock.advance(30 * 60 + 59 * 60)  # ended 59 minutes ago
    try:
        assert TILE in client.get("/").get_data(as_text=True)
        clock.advance(2 * 60)  # ended 61 minutes ago
        assert TILE not in client.get("/").get_data(as_text=True)
    finally:
        clock.reset()


def test_answer_with_story_needs_review_and_consent_is_unticked(
    client: FlaskClient, app: Flask
) -> None:
    with app.app_context():
        group = make_session(starts_in_minutes=-30).id
    page = client.get("/checkin/after").get_data(as_text=True)
    assert "Do you feel more connected than when you arrived?" in page
    assert 'name="consent"' in page and "checked" not in page.split('name="consent"')[0][-80:]
    assert "checked" not in page
    response = post_form(
        client,
        "/checkin/after",
        {"group": group, "feeling": "a_little", "story": "  The  tea.  ", "consent": "y"},
    )
    assert response.status_code == 200 and "Thank you" in response.get_data(as_text=True)
    post_form(client, "/checkin/after", {"group": group, "feeling": "a_lot", "story": "Sam helped"})
    post_form(client, "/checkin/after", {"group": group, "feeling": "not_said"})
    with app.app_context():
        stored = [(r.feeling, r.story, r.consent, r.review) for r in rows()]
    assert stored == [
        ("a_little", "The tea.", True, "pending"),
        ("a_lot", "Sam helped", False, "pending"),
        ("not_said", None, False, "none"),
    ]


def test_bad_answers_get_a_message_and_store_nothing(client: FlaskClient, app: Flask) -> None:
    with app.app_context():
        group = make_session(starts_in_minutes=-30).id
        closed = make_session(starts_in_minutes=-300).id
    for data in (
        {"group": group, "feeling": "ecstatic"},
        {"group": group},
        {"group": closed, "feeling": "a_lot"},
        {"group": "nope", "feeling": "a_lot"},
        {"group": group, "feeling": "a_lot", "story": "x" * 601},
    ):
        response = post_form(client, "/checkin/after", data)
        assert response.status_code == 400, data
        assert 'role="alert"' in response.get_data(as_text=True)
    with app.app_context():
        assert rows() == []


def test_staff_review_approve_reject_redact(app: Flask, facilitator_client: FlaskClient) -> None:
    with app.app_context(), write_transaction() as session:
        for story, consent in (
            ("Kind people.", True),
            ("Rude.", True),
            ("Dana from 4B.", True),
            ("No.", False),
        ):
            session.add(
                PostSessionAnswer(
                    answered_on=date(2026, 3, 1),
                    feeling="a_lot",
                    story=story,
                    consent=consent,
                    review="pending",
                )
            )
    page = facilitator_client.get("/staff/reports/stories").get_data(as_text=True)
    assert "Kind people." in page and "did not tick the consent box" in page
    with app.app_context():
        ids = [r.id for r in rows()]
    url = "/staff/reports/stories/{}"
    post_form(
        facilitator_client,
        url.format(ids[0]),
        {"decision": "approve"},
        page="/staff/reports/stories",
    )
    post_form(
        facilitator_client,
        url.format(ids[1]),
        {"decision": "reject"},
        page="/staff/reports/stories",
    )
    post_form(
        facilitator_client,
        url.format(ids[2]),
        {"decision": "redact", "text": "[name] from [place]."},
        page="/staff/reports/stories",
    )
    # Without consent it cannot be approved, whatever is posted.
    post_form(
        facilitator_client,
        url.format(ids[3]),
        {"decision": "approve"},
        page="/staff/reports/stories",
    )
    with app.app_context():
        result = [(r.story, r.review) for r in rows()]
    assert result == [
        ("Kind people.", "approved"),
        ("Rude.", "rejected"),
        ("[name] from [place].", "approved"),  # the original words are gone
        ("No.", "pending"),
    ]


def test_purge_unlinks_codes_after_24_months_and_deletes_texts_after_12(
    app: Flask, runner: FlaskCliRunner
) -> None:
    today = clock.utcnow().date()
    with app.app_context(), write_transaction() as session:
        for days in (729, 732):
            session.add(
                MeasureAnswer(
                    code_hash="h" * 64,
                    answered_on=today - timedelta(days=days),
                    measure="ucla3",
                    answers="1,1,1",
                )
            )
        for days in (360, 370):
            session.add(
                PostSessionAnswer(
                    answered_on=today - timedelta(days=days),
                    feeling="a_lot",
                    story=f"story {days}",
                    review="pending",
                )
            )
    result = runner.invoke(args=["purge"])
    assert result.exit_code == 0, result.output
    assert (
        "Unlinked 1 measure answer(s)" in result.output
        and "deleted 1 post-session text(s)" in result.output
    )
    with app.app_context():
        measures = list(
            db.session.scalars(select(MeasureAnswer).order_by(MeasureAnswer.answered_on))
        )
        assert [m.code_hash for m in measures] == [None, "h" * 64]
        assert [m.answers for m in measures] == ["1,1,1", "1,1,1"]  # the answers stay
        assert [r.story for r in rows()] == ["story 360", None]


def test_cli_export_writes_the_suppressed_csv(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    out = tmp_path / "report.csv"
    result = runner.invoke(
        args=[
            "reports",
            "export",
            "--from",
            "2026-01-01",
            "--to",
            "2026-03-31",
            "--funder",
            str(out),
        ]
    )
    assert result.exit_code == 0, result.output
    with out.open(newline="", encoding="utf-8") as handle:
        table = list(csv.DictReader(handle))
    assert table[2]["row"] == "hidden below" and table[2]["value"] == "11"
    bad = runner.invoke(
        args=["reports", "export", "--from", "soon", "--to", "2026-03-31", str(out)]
    )
    assert bad.exit_code != 0 and "YYYY-MM-DD" in bad.output


def test_demo_history_funder_csv_has_no_small_counts(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path, admin_client: FlaskClient
) -> None:
    result = runner.invoke(args=["demo-data", "--history"])
    assert result.exit_code == 0, result.output
    assert "demo history:" in result.output
    again = runner.invoke(args=["demo-data", "--history"])
    assert "already there" in again.output
    today = clock.utcnow().date()
    start = (today - timedelta(days=365)).isoformat()
    out = tmp_path / "funder.csv"
    result = runner.invoke(
        args=["reports", "export", "--from", start, "--to", today.isoformat(), "--funder", str(out)]
    )
    assert result.exit_code == 0, result.output
    with out.open(newline="", encoding="utf-8") as handle:
        table = list(csv.DictReader(handle))
    counts = [r["value"] for r in table if r["kind"] == "count"]
    assert len(counts) > 40
    assert not [v for v in counts if v.isdigit() and 1 <= int(v) <= 10]
    assert "suppressed" in counts
    sections = {r["section"] for r in table}
    assert {
        "attendance",
        "visitors",
        "retention",
        "help",
        "measures",
        "paired change",
        "post-session",
        "stories",
    } <= sections
    # The report page shows every chart for the same year.
    html = admin_client.get(
        f"/staff/reports?period=custom&from={start}&to={today.isoformat()}"
    ).get_data(as_text=True)
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg"') >= 3
    assert "No measures were answered" not in html


def test_demo_history_gives_the_demo_facilitator_two_of_the_three_groups(
    app: Flask, runner: FlaskCliRunner
) -> None:
    from kiosk.auth.models import User
    from kiosk.reports import figures
    from kiosk.reports.demo import DEMO_FACILITATOR, SERIES
    from kiosk.reports.views import group_choices

    assert runner.invoke(args=["demo-data", "--history"]).exit_code == 0
    today = clock.utcnow().date()
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == DEMO_FACILITATOR))
        assert user is not None and user.role == "facilitator"
        titles = [title for _id, title in group_choices(user.id)]
        assert titles == sorted(title for title, _day, _hour in SERIES[:2])
        period = (today - timedelta(days=364), today)
        own = figures.build(figures.Filters(*period, facilitator=user.id), 1)
        everyone = figures.build(figures.Filters(*period), 1)
    assert 0 < own.sessions_held < everyone.sessions_held
