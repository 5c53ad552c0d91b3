"""Sessions and sign-ins through the service layer: schedule, windows, rosters, CSV, retention,
and the L2 concurrency check (16 threads x 50 sign-ins)."""

from __future__ import annotations

import csv
import io
import threading
from datetime import date, datetime, time, timedelta
from itertools import pairwise

import pytest
from flask import Flask
from sqlalchemy import func, select, text

from kiosk import clock
from kiosk.db import is_sqlite, write_transaction
from kiosk.extensions import db
from kiosk.sessions import services
from kiosk.sessions.models import GroupSession, SignIn
from tests.sessions.helpers import TZ, local_now, make_session


def _count(session_id: str) -> int:
    return int(
        db.session.scalar(
            select(func.count()).select_from(SignIn).where(SignIn.session_id == session_id)
        )
        or 0
    )


def test_weekly_series_creates_occurrences_a_week_apart(app_ctx: Flask) -> None:
    first = make_session(starts_in_minutes=60, repeat_weeks=4)
    rows = db.session.scalars(
        select(GroupSession)
        .where(GroupSession.series_id == first.series_id)
        .order_by(GroupSession.starts_at)
    ).all()
    assert len(rows) == 4
    local = [clock.to_local(r.starts_at, TZ) for r in rows]
    assert all(b.date() - a.date() == timedelta(days=7) for a, b in pairwise(local))
    # Wall-clock time is kept, even across a daylight-saving change.
    assert len({(t.hour, t.minute) for t in local}) == 1


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"title": "  "}, "title"),
        ({"minutes": 0}, "ends_before_start"),
        ({"minutes": -30}, "ends_before_start"),
        ({"minutes": 13 * 60}, "too_long"),
        ({"opens": 300}, "window"),
        ({"opens": -1}, "window"),
        ({"repeat": 0}, "repeat"),
        ({"repeat": 53}, "repeat"),
    ],
)
def test_invalid_sessions_are_refused_and_nothing_is_stored(
    app_ctx: Flask, changes: dict, error: str
) -> None:
    start = local_now()
    details = services.SessionDetails(
        title=changes.get("title", "Circle"),
        starts_local=start,
        ends_local=start + timedelta(minutes=changes.get("minutes", 60)),
        opens_minutes_before=changes.get("opens", 30),
    )
    with pytest.raises(services.InvalidSession, match=error):
        services.create_sessions(details, TZ, repeat_weeks=changes.get("repeat", 1))
    assert db.session.scalar(select(func.count()).select_from(GroupSession)) == 0


def test_edit_one_occurrence_or_the_rest_of_the_series(app_ctx: Flask) -> None:
    first = make_session(starts_in_minutes=60, repeat_weeks=3)
    rows = db.session.scalars(
        select(GroupSession)
        .where(GroupSession.series_id == first.series_id)
        .order_by(GroupSession.starts_at)
    ).all()
    second = rows[1]
    start = clock.to_local(second.starts_at, TZ).replace(tzinfo=None) + timedelta(hours=1)
    one = services.SessionDetails(
        title="Moved once", starts_local=start, ends_local=start + timedelta(hours=2)
    )
    assert services.update_session(second.id, one, TZ) == 1
    db.session.expire_all()
    titles = [
        r.title
        for r in db.session.scalars(
            select(GroupSession)
            .where(GroupSession.series_id == first.series_id)
            .order_by(GroupSession.starts_at)
        )
    ]
    assert titles == ["Tuesday circle", "Moved once", "Tuesday circle"]

    whole = services.SessionDetails(
        title="Renamed", starts_local=start, ends_local=start + timedelta(hours=1)
    )
    assert services.update_session(second.id, whole, TZ, whole_series=True) == 2
    db.session.expire_all()
    rows = db.session.scalars(
        select(GroupSession)
        .where(GroupSession.series_id == first.series_id)
        .order_by(GroupSession.starts_at)
    ).all()
    assert [r.title for r in rows] == ["Tuesday circle", "Renamed", "Renamed"]
    assert rows[2].ends_at - rows[2].starts_at == timedelta(hours=1)
    assert clock.to_local(rows[2].starts_at, TZ).hour == clock.to_local(rows[1].starts_at, TZ).hour


def test_cancel_one_or_the_rest_of_the_series(app_ctx: Flask) -> None:
    first = make_session(starts_in_minutes=60, repeat_weeks=3)
    assert services.cancel_session(first.id) == 1
    rows = db.session.scalars(select(GroupSession).order_by(GroupSession.starts_at)).all()
    assert services.cancel_session(rows[1].id, whole_series=True) == 2
    db.session.expire_all()
    assert all(r.cancelled for r in db.session.scalars(select(GroupSession)))
    with pytest.raises(services.SessionNotFound):
        services.cancel_session("nope")


def test_sign_in_window_opens_30_minutes_before_and_closes_at_the_end(app_ctx: Flask) -> None:
    later = make_session(starts_in_minutes=45, title="Later")
    soon = make_session(starts_in_minutes=20, title="Soon")
    now = clock.utcnow()
    assert [g.title for g in services.open_sessions(now)] == ["Soon"]
    upcoming = services.next_session(now)
    assert upcoming is not None and upcoming.id == later.id
    later_on = services.open_sessions(now + timedelta(minutes=16))
    assert [g.title for g in later_on] == ["Soon", "Later"]
    assert services.open_sessions(soon.ends_at + timedelta(minutes=30)) == []
    services.cancel_session(soon.id)
    assert services.open_sessions(now) == []


def test_kiosk_sign_in_refused_when_closed(app_ctx: Flask) -> None:
    group = make_session(starts_in_minutes=120)
    with pytest.raises(services.SignInClosed):
        services.record_signin(group.id, form_token="t1")
    assert _count(group.id) == 0
    # A facilitator can still add someone by hand.
    services.record_signin(group.id, form_token=None, source="staff")
    assert _count(group.id) == 1


def test_same_form_token_twice_leaves_one_row(app_ctx: Flask) -> None:
    group = make_session()
    services.record_signin(group.id, form_token="one-time", name="Ana")
    with pytest.raises(services.AlreadyRecorded):
        services.record_signin(group.id, form_token="one-time", name="Ana")
    assert _count(group.id) == 1


def test_roster_counts_and_guest_numbers(app_ctx: Flask) -> None:
    group = make_session()
    services.record_signin(group.id, form_token="a", name="Zoe", visit="first")
    services.record_signin(group.id, form_token="b", visit="returning")
    services.record_signin(group.id, form_token="c", name="  ana   maria ", visit="unknown")
    services.record_signin(group.id, form_token="d", visit="first")
    services.add_tally(group.id, 2)
    roster = services.roster(group.id)
    assert (roster.total, roster.first_time, roster.returning) == (6, 2, 1)
    labels = [e.name or f"Guest {e.guest_number}" for e in roster.entries]
    assert labels == ["ana maria", "Zoe", "Guest 1", "Guest 2", "Guest 3", "Guest 4"]


@pytest.mark.parametrize("count", [0, -1, 201])
def test_tally_out_of_range_is_refused(app_ctx: Flask, count: int) -> None:
    group = make_session()
    with pytest.raises(services.InvalidSession):
        services.add_tally(group.id, count)
    assert _count(group.id) == 0


def test_remove_deletes_only_that_entry(app_ctx: Flask) -> None:
    group, other = make_session(), make_session(title="Other")
    entry = services.record_signin(group.id, form_token="x", name="Oops")
    with pytest.raises(services.SessionNotFound):
        services.remove_signin(other.id, entry.id)
    services.remove_signin(group.id, entry.id)
    assert _count(group.id) == 0


def test_csv_neutralizes_formulas_and_round_trips(app_ctx: Flask) -> None:
    group = make_session(title="=cmd|' /C calc'!A0")
    names = [
        '=HYPERLINK("x")',
        'Say "hi", friend',
        "two\nlines",
        "+1",
        "-2",
        "@SUM(A1)",
        "\tTab",
        "Plain",
    ]
    for index, name in enumerate(names):
        services.record_signin(group.id, form_token=f"t{index}", name=name)
    # The kiosk folds a name onto one line; a row written some other way (an import, a future
    # form) may still hold a newline, and the export must carry it intact.
    with write_transaction() as session:
        session.add(SignIn(session_id=group.id, name='Multi\nline, "quoted"', source="staff"))
    body = services.attendance_csv(
        group,
        services.roster(group.id),
        TZ,
        ["Session", "Date", "Name", "First", "Returning"],
        lambda n: f"Guest {n}",
    )
    assert body.endswith("\r\n")
    rows = list(csv.reader(io.StringIO(body, newline="")))
    assert rows[0] == ["Session", "Date", "Name", "First", "Returning"]
    got = {row[2] for row in rows[1:]}
    # clean_name folds whitespace (a name is one line); the rest survive exactly, formulas
    # behind an apostrophe.
    assert got == {
        '\'=HYPERLINK("x")',
        'Say "hi", friend',
        "two lines",
        "'+1",
        "'-2",
        "'@SUM(A1)",
        "Tab",
        "Plain",
        'Multi\nline, "quoted"',
    }
    assert all(row[0] == "'=cmd|' /C calc'!A0" for row in rows[1:])
    assert not any(
        cell.startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows for cell in row
    )


@pytest.mark.parametrize(
    ("cell", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@x", "'@x"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Ana", "Ana"),
        ("", ""),
        ("a=b", "a=b"),
    ],
)
def test_neutralize_table(cell: str, safe: str) -> None:
    assert services.neutralize(cell) == safe


def test_purge_blanks_names_after_30_days_only(app_ctx: Flask) -> None:
    group = make_session()
    services.record_signin(group.id, form_token="old", name="ZZ-PURGE-MARKER")
    clock.advance(29 * 86400)
    assert services.purge_names() == 0
    services.record_signin(group.id, form_token="new", name="Recent", source="staff")
    clock.advance(2 * 86400)
    assert services.purge_names() == 1
    names = sorted(n or "" for n in db.session.scalars(select(SignIn.name)))
    assert names == ["", "Recent"]


def test_purged_names_are_gone_from_the_database_files(app: Flask) -> None:
    """reliability.md P6: the marker is absent from the .db and -wal bytes after the purge."""
    with app.app_context():
        group = make_session()
        services.record_signin(group.id, form_token="m", name="ZZ-PURGE-MARKER")
        clock.advance(31 * 86400)
        assert services.purge_names() == 1
        assert (
            db.session.scalar(
                select(func.count()).select_from(SignIn).where(SignIn.name.is_not(None))
            )
            == 0
        )
        if not is_sqlite():
            return
    files = sorted(app.config["KIOSK"].data_dir.glob("porchlight.db*"))
    assert files
    for path in files:
        assert b"ZZ-PURGE-MARKER" not in path.read_bytes(), path.name


def test_purge_command_reports_counts(app: Flask) -> None:
    with app.app_context():
        group = make_session()
        services.record_signin(group.id, form_token="old", name="Old name")
    clock.advance(31 * 86400)
    result = app.test_cli_runner().invoke(args=["purge"])
    assert result.exit_code == 0
    assert "Anonymized 1 sign-in name(s)" in result.output
    assert "Old name" not in result.output


def test_note_counts_are_validated(app_ctx: Flask) -> None:
    group = make_session()
    with pytest.raises(services.InvalidSession):
        services.save_note(
            group.id, themes="x", follow_ups=-1, incidents=0, incident_outcome="none", by="sam"
        )
    note = services.save_note(
        group.id, themes=" sleep ", follow_ups=2, incidents=1, incident_outcome="referred", by="sam"
    )
    assert (note.themes, note.follow_ups, note.incidents) == ("sleep", 2, 1)


def test_concurrent_sign_ins_16_threads_x_50(app: Flask) -> None:
    """reliability.md L2: every writer queues, none fails, every row lands."""
    with app.app_context():
        group_id = make_session().id
    errors: list[BaseException] = []
    barrier = threading.Barrier(16)

    def worker(number: int) -> None:
        with app.app_context():
            barrier.wait()
            for index in range(50):
                try:
                    services.record_signin(
                        group_id,
                        form_token=f"w{number}-{index}",
                        visit="first" if index % 2 else "returning",
                    )
                except BaseException as exc:  # collected and asserted below
                    errors.append(exc)
            db.session.remove()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with app.app_context():
        assert _count(group_id) == 800
        if is_sqlite():
            assert db.session.scalar(text("PRAGMA integrity_check")) == "ok"


def test_concurrent_double_submit_of_one_token_leaves_one_row(app: Flask) -> None:
    with app.app_context():
        group_id = make_session().id
    outcomes: list[str] = []
    barrier = threading.Barrier(8)

    def worker() -> None:
        with app.app_context():
            barrier.wait()
            try:
                services.record_signin(group_id, form_token="same-token")
                outcomes.append("created")
            except services.AlreadyRecorded:
                outcomes.append("already")
            db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["already"] * 7 + ["created"]
    with app.app_context():
        assert _count(group_id) == 1


def test_sign_in_tables_hold_no_ip_device_or_agent_columns() -> None:
    """reliability.md P5: nothing that identifies a visitor's device or network."""
    from kiosk.signin.models import CodeAttempt, VisitorCode

    for model in (SignIn, VisitorCode, CodeAttempt, GroupSession):
        columns = {c.name for c in model.__table__.columns}
        words = {word for column in columns for word in column.split("_")}
        assert not words & {
            "ip",
            "agent",
            "address",
            "device",
            "serial",
            "phone",
            "email",
            "browser",
        }, model
    # Ids that reach URLs and sheets are random strings, not counters.
    assert str(SignIn.__table__.c.id.type).startswith("VARCHAR")
    assert str(GroupSession.__table__.c.id.type).startswith("VARCHAR")


# ---- the past-midnight rule (issue 10.3: a service rule, not a view's) ----------------------


@pytest.mark.parametrize(
    ("start", "end", "expected_end"),
    [
        (time(18, 0), time(19, 30), datetime(2026, 3, 6, 19, 30)),  # same evening
        (time(21, 0), time(1, 0), datetime(2026, 3, 7, 1, 0)),  # runs past midnight
        (time(23, 30), time(0, 0), datetime(2026, 3, 7, 0, 0)),  # ends at midnight
        (time(20, 0), time(20, 0), datetime(2026, 3, 7, 20, 0)),  # equal: a whole day
    ],
)
def test_an_end_before_the_start_means_the_session_runs_past_midnight(
    start: time, end: time, expected_end: datetime
) -> None:
    assert services.wall_clock_times(date(2026, 3, 6), start, end) == (
        datetime.combine(date(2026, 3, 6), start),
        expected_end,
    )


def test_a_past_midnight_session_is_stored_with_its_real_length(app_ctx: Flask) -> None:
    starts, ends = services.wall_clock_times(date(2026, 3, 6), time(22, 0), time(0, 30))
    (row,) = services.create_sessions(
        services.SessionDetails(title="Late circle", starts_local=starts, ends_local=ends), TZ
    )
    assert row.ends_at - row.starts_at == timedelta(hours=2, minutes=30)
    assert clock.to_local(row.ends_at, TZ).date() == date(2026, 3, 7)


def test_equal_start_and_end_times_are_refused_as_too_long(app_ctx: Flask) -> None:
    starts, ends = services.wall_clock_times(date(2026, 3, 6), time(20, 0), time(20, 0))
    details = services.SessionDetails(title="Circle", starts_local=starts, ends_local=ends)
    with pytest.raises(services.InvalidSession, match="too_long"):
        services.create_sessions(details, TZ)
