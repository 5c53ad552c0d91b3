"""Measure answers, post-session answers and the stories people chose to share.

Nothing here names an attendee. A measure answer keeps the visitor code's HMAC (so change can be
paired over time) for 24 months only, and a date without a time (a time would tie the answer to
one sign-in). Post-session answers keep no code at all.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Index, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import utcnow
from ..extensions import db
from ..sessions.models import SignIn

# What paired change relies on (reports/figures.py packs a day number counted from ANSWER_EPOCH
# and a score in hundredths into one sortable integer): answers are dated from 2000 on and
# every score is below SCORE_LIMIT (the highest any measure gives is 35). CHECKs in
# kiosk/checks.py make the database refuse anything else.
ANSWER_EPOCH = date(2000, 1, 1)
SCORE_LIMIT = 100


class MeasureAnswer(db.Model):  # type: ignore[name-defined]
    """One measure answered at the kiosk: the items' answers, stored in order."""

    __tablename__ = "measure_answers"
    # The CHECK on ``measure`` is listed in kiosk/checks.py with the other areas'.
    __table_args__ = (
        # Paired change groups by code and measure and looks up first and latest answers.
        Index("ix_measure_answers_pairs", "code_hash", "measure", "answered_on", "score"),
        # The report's answers by day and measure, read from the index alone.
        Index("ix_measure_answers_day", "answered_on", "measure", "score", "answers"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # HMAC of the visitor code (never the words); dropped after 24 months (retention), after
    # which the answer stays as an anonymous one. No foreign key: forgetting an unused code
    # must not reach into these rows, the retention rule does that.
    code_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    # A date, never a time (P5): enough for "every 28 days" and for reports by month.
    answered_on: Mapped[date] = mapped_column(Date, index=True)
    measure: Mapped[str] = mapped_column(String(12))
    answers: Mapped[str] = mapped_column(String(60))
    # The score when every item was answered, else NULL (no prorating).
    score: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))


class Feeling(enum.StrEnum):
    """Answers to "Do you feel more connected than when you arrived?"."""

    A_LOT = "a_lot"
    A_LITTLE = "a_little"
    NO_CHANGE = "no_change"
    LESS = "less"
    NOT_SAID = "not_said"


class Review(enum.StrEnum):
    """Where a "What helped today?" text stands with staff."""

    NONE = "none"  # no text was written
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class PostSessionAnswer(db.Model):  # type: ignore[name-defined]
    """One tap on the post-session question, with an optional story."""

    __tablename__ = "post_session_answers"
    # CHECKs (feeling, review, approval needs consent) are in kiosk/checks.py.

    id: Mapped[int] = mapped_column(primary_key=True)
    group_session_id: Mapped[str | None] = mapped_column(
        String(24), ForeignKey("group_sessions.id", ondelete="SET NULL"), index=True
    )
    answered_on: Mapped[date] = mapped_column(Date, index=True)
    feeling: Mapped[str] = mapped_column(String(12))
    # Blanked after 12 months (retention); "redact and approve" overwrites it with the edit.
    story: Mapped[str | None] = mapped_column(Text)
    consent: Mapped[bool] = mapped_column(default=False)
    review: Mapped[str] = mapped_column(String(10), default=Review.NONE.value, index=True)
    reviewed_by: Mapped[str | None] = mapped_column(String(64))
    reviewed_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


# Reports group a year of sign-ins by visitor code: these covering indexes let the database
# answer from the index alone (benchmarks/reports_benchmark.py). They live here, with the
# queries that need them, rather than in the sessions area. (Attendance by session and visit
# comes from attendance_counts, kept by triggers: sessions.models.AttendanceCount.)
# Unduplicated visitors count the (session, code) pairs of the first.
Index("ix_sign_ins_session_code", SignIn.session_id, SignIn.visitor_code_hash)
# Sessions per visitor code over a long period, read in code order (no sort of the codes).
Index("ix_sign_ins_code_session", SignIn.visitor_code_hash, SignIn.session_id)
