"""Group sessions, the sign-ins counted at them, and de-identified session notes."""

from __future__ import annotations

import enum
import secrets
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import utcnow
from ..extensions import db


def random_id() -> str:
    """A random public id: ids reach URLs and sheets, so they must not count anything (P5)."""
    return secrets.token_urlsafe(12)


class Format(enum.StrEnum):
    """How people take part in a session."""

    IN_PERSON = "in_person"
    ONLINE = "online"
    HYBRID = "hybrid"


class Visit(enum.StrEnum):
    """What a person said about coming before; "unknown" when skipped or counted on paper."""

    FIRST = "first"
    RETURNING = "returning"
    UNKNOWN = "unknown"


class Source(enum.StrEnum):
    """Where a sign-in came from."""

    KIOSK = "kiosk"
    STAFF = "staff"  # a walk-in added by hand
    PAPER = "paper"  # a "+N" tally from the paper sheet


class GroupSession(db.Model):  # type: ignore[name-defined]
    """One meeting of a group; occurrences of a weekly series share a series_id."""

    __tablename__ = "group_sessions"

    id: Mapped[str] = mapped_column(String(24), primary_key=True, default=random_id)
    series_id: Mapped[str | None] = mapped_column(String(24), index=True)
    title: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    format: Mapped[str] = mapped_column(String(12), default=Format.IN_PERSON.value)
    room: Mapped[str] = mapped_column(String(80), default="")
    # Naive UTC, like every stored time (kiosk/clock.py).
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime]
    facilitators: Mapped[str] = mapped_column(String(200), default="")
    agreement: Mapped[str] = mapped_column(Text, default="")
    collect_names: Mapped[bool] = mapped_column(default=True)
    # Sign-in opens this many minutes before the start and stays open until the end.
    opens_minutes_before: Mapped[int] = mapped_column(default=30)
    cancelled: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SessionFacilitator(db.Model):  # type: ignore[name-defined]
    """A facilitator account that runs a session (chosen by staff on the session form).

    The free-text ``GroupSession.facilitators`` stays the display name printed on the sheet;
    this link is what decides whose groups a facilitator sees in reports (never the text: a
    name typed there must not open anyone's figures to anyone).
    """

    __tablename__ = "session_facilitators"

    session_id: Mapped[str] = mapped_column(
        ForeignKey("group_sessions.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class SignIn(db.Model):  # type: ignore[name-defined]
    """One person counted at a session. No IP, device or user agent is ever stored (P1, P5)."""

    __tablename__ = "sign_ins"

    id: Mapped[str] = mapped_column(String(24), primary_key=True, default=random_id)
    session_id: Mapped[str] = mapped_column(
        ForeignKey("group_sessions.id", ondelete="CASCADE"), index=True
    )
    # The kiosk form's one-time token: UNIQUE, so a double tap or a resubmitted form cannot
    # insert a second row even when two requests race (the database decides, not the app).
    form_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    # First name or nickname, only if the person chose to give one; blanked by the retention
    # purge after 30 days (PRODUCT §6).
    name: Mapped[str | None] = mapped_column(String(60))
    visit: Mapped[str] = mapped_column(String(12), default=Visit.UNKNOWN.value)
    source: Mapped[str] = mapped_column(String(8), default=Source.KIOSK.value)
    # HMAC of the visitor code used, if any: lets reports count unduplicated visitors without
    # knowing who anyone is. Cleared when the code is forgotten.
    visitor_code_hash: Mapped[str | None] = mapped_column(
        ForeignKey("visitor_codes.code_hash", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AttendanceCount(db.Model):  # type: ignore[name-defined]
    """How many sign-ins a session has by visit, and how many of them came without a code.

    A tally, kept by the database itself: triggers on sign_ins (migration
    0022_attendance_counts) add, move and take away a sign-in here in the same statement that
    writes it, whichever code path or process wrote it (kiosk, staff, paper, CLI, a forgotten
    code's SET NULL, a session's cascade). Reports read these few rows per session instead of
    every sign-in of a year. Counts only: nothing of a person.
    """

    __tablename__ = "attendance_counts"

    session_id: Mapped[str] = mapped_column(
        ForeignKey("group_sessions.id", ondelete="CASCADE"), primary_key=True
    )
    visit: Mapped[str] = mapped_column(String(12), primary_key=True)
    sign_ins: Mapped[int] = mapped_column(default=0)
    without_code: Mapped[int] = mapped_column(default=0)


class IncidentOutcome(enum.StrEnum):
    """Outcome codes for incidents: codes only, never a story."""

    NONE = "none"
    RESOLVED_IN_GROUP = "resolved_in_group"
    REFERRED = "referred"
    EMERGENCY = "emergency"


class SessionNote(db.Model):  # type: ignore[name-defined]
    """De-identified notes on a session: themes, follow-ups and incidents as counts and codes."""

    __tablename__ = "session_notes"

    session_id: Mapped[str] = mapped_column(
        ForeignKey("group_sessions.id", ondelete="CASCADE"), primary_key=True
    )
    themes: Mapped[str] = mapped_column(Text, default="")
    follow_ups: Mapped[int] = mapped_column(default=0)
    incidents: Mapped[int] = mapped_column(default=0)
    incident_outcome: Mapped[str] = mapped_column(String(24), default=IncidentOutcome.NONE.value)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by: Mapped[str | None] = mapped_column(String(64))


class SessionNoteChange(db.Model):  # type: ignore[name-defined]
    """Who changed a session's notes and when, and which fields (never their content)."""

    __tablename__ = "session_note_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[str] = mapped_column(
        ForeignKey("group_sessions.id", ondelete="CASCADE"), index=True
    )
    changed_by: Mapped[str] = mapped_column(String(64))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    fields: Mapped[str] = mapped_column(String(200), default="")
