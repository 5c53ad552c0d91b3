"""Attendance counts kept by the database: whatever writes a sign-in, the tally follows.

Reports read attendance_counts instead of every sign-in (issue 12), so the tally must equal a
live count of sign_ins after each kind of write, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from flask import Flask
from sqlalchemy import delete, func, select, text, update
from sqlalchemy.exc import IntegrityError

from kiosk import clock
from kiosk.extensions import db
from kiosk.sessions import services
from kiosk.sessions.models import AttendanceCount, SignIn
from kiosk.signin import services as signin
from tests.conftest import sqlite_copy
from tests.sessions.helpers import make_session

KEY = b"k" * 32


def _tally() -> dict[tuple[str, str], tuple[int, int]]:
    rows = db.session.execute(
        select(
            AttendanceCount.session_id,
            AttendanceCount.visit,
            AttendanceCount.sign_ins,
            AttendanceCount.without_code,
        )
    )
    # A row counted down to nothing is the same as no row.
    return {(s, v): (n, w) for s, v, n, w in rows if n}


def _live() -> dict[tuple[str, str], tuple[int, int]]:
    rows = db.session.execute(
        select(
            SignIn.session_id,
            SignIn.visit,
            func.count(),
            func.count() - func.count(SignIn.visitor_code_hash),
        ).group_by(SignIn.session_id, SignIn.visit)
    )
    return {(s, v): (int(n), int(w)) for s, v, n, w in rows}


def test_the_tally_follows_every_kind_of_write(app_ctx: Flask) -> None:
    monday, tuesday = make_session(title="Monday"), make_session(title="Tuesday")
    tuesday_id = tuesday.id
    _words, code = signin.create_code(KEY)
    _words, other_code = signin.create_code(KEY)
    services.record_signin(monday.id, form_token="a", visit="first", visitor_code_hash=code)
    services.record_signin(monday.id, form_token="b", visit="first")
    services.record_signin(monday.id, form_token="c", visit="returning", visitor_code_hash=code)
    services.record_signin(tuesday.id, form_token="d", visitor_code_hash=other_code)
    services.add_tally(tuesday.id, 3)  # from the paper sheet
    assert _tally() == _live()
    assert _tally()[(monday.id, "first")] == (2, 1)
    assert _tally()[(tuesday.id, "unknown")] == (4, 3)

    # A mistaken entry removed.
    mistaken = db.session.scalar(select(SignIn.id).where(SignIn.form_token == "b"))
    assert mistaken is not None
    services.remove_signin(monday.id, mistaken)
    assert _tally() == _live()
    assert _tally()[(monday.id, "first")] == (1, 0)

    # A sign-in's visit or session changed, and a code cleared, by hand.
    db.session.execute(update(SignIn).where(SignIn.form_token == "a").values(visit="unknown"))
    db.session.execute(update(SignIn).where(SignIn.form_token == "c").values(session_id=tuesday.id))
    db.session.commit()
    assert _tally() == _live()

    # A code forgotten by the retention purge: ON DELETE SET NULL moves its sign-ins to
    # "without a code" through the same triggers.
    clock.advance(400 * 24 * 3600)
    assert signin.purge_codes() == 2
    db.session.expire_all()
    assert _tally() == _live()
    assert sum(w for _n, w in _tally().values()) == sum(n for n, _w in _tally().values())

    # A session deleted: its sign-ins and its counts go with it.
    db.session.execute(text("DELETE FROM group_sessions WHERE id = :id"), {"id": tuesday_id})
    db.session.commit()
    assert _tally() == _live()
    assert not [key for key in _tally() if key[0] == tuesday_id]
    assert not db.session.scalar(
        select(func.count())
        .select_from(AttendanceCount)
        .where(AttendanceCount.session_id == tuesday_id)
    )


def test_many_sign_ins_at_once_are_all_counted(app_ctx: Flask) -> None:
    group = make_session()
    db.session.execute(
        SignIn.__table__.insert(),
        [
            {
                "id": f"bulk{n}",
                "session_id": group.id,
                "visit": ("first", "returning", "unknown")[n % 3],
                "source": "paper",
                "created_at": clock.utcnow() - timedelta(minutes=n),
            }
            for n in range(30)
        ],
    )
    db.session.commit()
    assert (
        _tally()
        == _live()
        == {
            (group.id, "first"): (10, 10),
            (group.id, "returning"): (10, 10),
            (group.id, "unknown"): (10, 10),
        }
    )
    db.session.execute(delete(SignIn).where(SignIn.visit == "first"))
    db.session.commit()
    assert _tally() == _live()


def test_the_database_refuses_an_impossible_tally(app_ctx: Flask) -> None:
    group = make_session()
    services.record_signin(group.id, form_token="x", visit="first")
    for values in ({"sign_ins": -1}, {"without_code": 2}, {"visit": "maybe"}):
        try:
            with db.session.begin_nested():
                db.session.execute(update(AttendanceCount).values(**values))
        except IntegrityError:
            continue
        raise AssertionError(f"{values} was stored")


def test_the_migration_counts_the_sign_ins_already_there(
    tmp_path: Path, template_db: Path | None
) -> None:
    from flask_migrate import downgrade, upgrade

    app = sqlite_copy(template_db, tmp_path)
    with app.app_context():
        downgrade(revision="0019_report_rollups")
        group = make_session()
        for n, (visit, code) in enumerate([("first", None), ("first", None), ("unknown", "c")]):
            db.session.execute(
                text(
                    "INSERT INTO sign_ins (id, session_id, visit, source, created_at)"
                    " VALUES (:id, :sid, :visit, 'kiosk', CURRENT_TIMESTAMP)"
                ),
                {"id": f"old{n}", "sid": group.id, "visit": visit},
            )
            if code:
                db.session.execute(
                    text(
                        "INSERT INTO visitor_codes (code_hash, created_on, last_used_on)"
                        " VALUES (:c, :d, :d)"
                    ),
                    {"c": code, "d": clock.utcnow()},
                )
                db.session.execute(
                    text("UPDATE sign_ins SET visitor_code_hash = :c WHERE id = :id"),
                    {"c": code, "id": f"old{n}"},
                )
        db.session.commit()
        upgrade()
        assert _tally() == _live() == {(group.id, "first"): (2, 2), (group.id, "unknown"): (1, 0)}
        db.session.remove()
        db.engine.dispose()
