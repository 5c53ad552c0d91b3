"""Crisis lines, discreet help requests and the anonymous counts kept after requests are purged.

Nothing here names or describes an attendee: a quiet word keeps only when it was sent, "now or
after the group" and a few words on how to spot the person (e.g. "blue jacket"), and is purged
after the retention period. The plan for hard moments has no table at all, on purpose.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import utcnow
from ..extensions import db


class CrisisLine(db.Model):  # type: ignore[name-defined]
    """A crisis line (or the emergency number) shown on Get help now, kept current by staff."""

    __tablename__ = "crisis_lines"
    __table_args__ = (Index("ix_crisis_lines_country", "country"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    country: Mapped[str] = mapped_column(String(2))
    name: Mapped[str] = mapped_column(String(120))
    number: Mapped[str] = mapped_column(String(120))
    how: Mapped[str] = mapped_column(String(10))  # call | text | chat
    text_keyword: Mapped[str | None] = mapped_column(String(32))
    hours: Mapped[str] = mapped_column(String(120), default="")
    languages: Mapped[str] = mapped_column(String(200), default="")
    # Two kinds of note, kept apart so staff-only words never reach an attendee's screen:
    # public_note is shown on Get help now; staff_notes only on the staff pages.
    public_note: Mapped[str] = mapped_column(Text, default="")
    staff_notes: Mapped[str] = mapped_column(Text, default="")
    # The public fields in Spanish, for the Spanish kiosk; empty means "show the English".
    name_es: Mapped[str] = mapped_column(String(120), default="", server_default="")
    hours_es: Mapped[str] = mapped_column(String(120), default="", server_default="")
    languages_es: Mapped[str] = mapped_column(String(200), default="", server_default="")
    public_note_es: Mapped[str] = mapped_column(Text, default="", server_default="")
    is_emergency: Mapped[bool] = mapped_column(default=False)
    sort_order: Mapped[int] = mapped_column(default=100)
    # None means "verify locally": seeded numbers are shown with that flag until checked.
    verified_at: Mapped[datetime | None] = mapped_column()
    verified_by: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CrisisLineSeed(db.Model):  # type: ignore[name-defined]
    """Which countries' starter lines were loaded, so deleting them all does not bring them back.

    The primary key also makes two tablets seeding at the same moment safe: one insert wins.
    """

    __tablename__ = "crisis_line_seeds"

    country: Mapped[str] = mapped_column(String(2), primary_key=True)
    seeded_at: Mapped[datetime] = mapped_column(default=utcnow)


class _HelpAlert:
    """Columns every staff alert shares: when it came, who claimed it, how it ended."""

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # The group this concerns, when known; a cancelled or deleted session leaves the alert.
    group_session_id: Mapped[str | None] = mapped_column(
        String(24), ForeignKey("group_sessions.id", ondelete="SET NULL"), index=True
    )
    acknowledged_by: Mapped[str | None] = mapped_column(String(64))
    acknowledged_at: Mapped[datetime | None] = mapped_column()
    resolved_by: Mapped[str | None] = mapped_column(String(64))
    resolved_at: Mapped[datetime | None] = mapped_column()
    outcome: Mapped[str | None] = mapped_column(String(32))
    # Who held it before an explicit "take over" (issue 9): a request someone else acknowledged
    # is resolved by another person only on purpose, and the record says so.
    taken_over_from: Mapped[str | None] = mapped_column(String(64))


class QuietWordRequest(_HelpAlert, db.Model):  # type: ignore[name-defined]
    """Someone at the kiosk asked, discreetly, for a private word with a staff member."""

    __tablename__ = "quiet_word_requests"

    timing: Mapped[str] = mapped_column(String(10), default="now")  # now | after (the group)
    # A few words chosen by the person ("blue jacket"); purged with the row.
    find_me: Mapped[str] = mapped_column(String(60), default="")
    # The random part of the form's one-time token: a double tap on "Send" is one request.
    form_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    # Which tablet sent it ("kiosk-3", or "unenrolled" for any browser that is not an enrolled
    # kiosk): only so that a flood from one tablet shows staff one alert with a count instead of
    # burying a real request (issue 9). It says nothing about the person and goes with the row.
    device: Mapped[str | None] = mapped_column(String(32))


class ProfessionalHelpRequest(_HelpAlert, db.Model):  # type: ignore[name-defined]
    """A facilitator flagged that professional help is needed: time, room and type, no content."""

    __tablename__ = "professional_help_requests"

    room: Mapped[str] = mapped_column(String(60), default="")
    help_type: Mapped[str] = mapped_column(String(20))
    raised_by: Mapped[str] = mapped_column(String(64))


class HelpDailyCount(db.Model):  # type: ignore[name-defined]
    """Anonymous per-day counts that outlive the purged requests (for reports).

    ``kind`` is quiet_word, professional_help or help_now (taps on Get help now, nothing else).
    """

    __tablename__ = "help_daily_counts"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    requests: Mapped[int] = mapped_column(default=0)
    acknowledged: Mapped[int] = mapped_column(default=0)
    response_seconds_total: Mapped[int] = mapped_column(default=0)
