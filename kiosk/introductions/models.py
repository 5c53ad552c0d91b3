"""Peer supporters, introductions (one row per request, a timestamp per state), their transition
log, and the counts kept after old introductions are purged.

Privacy: the only thing that can say who an attendee is, the contact they typed (or the first
name to ask for at a group), is kept encrypted in ``Introduction.contact_token`` and set to NULL
the moment the introduction closes. The transition log keeps time and actor role only.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import utcnow
from ..extensions import db


class State(enum.StrEnum):
    """Where an introduction stands (research/peer.md §1.2, step 6)."""

    REQUESTED = "requested"
    PROPOSED = "proposed"
    PEER_ACCEPTED = "peer_accepted"
    INTRODUCED = "introduced"
    ENDED = "ended"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"


OPEN_STATES = (State.REQUESTED, State.PROPOSED, State.PEER_ACCEPTED, State.INTRODUCED)
CLOSED_STATES = (State.ENDED, State.DECLINED, State.WITHDRAWN, State.EXPIRED)
# A peer's slot is taken from the proposal on: capacity counts what a peer is asked to carry.
SLOT_STATES = (State.PROPOSED, State.PEER_ACCEPTED, State.INTRODUCED)
STATE_VALUES = ", ".join(f"'{s.value}'" for s in State)


class PeerSupporter(db.Model):  # type: ignore[name-defined]
    """A trained peer supporter on the roster. Every self-described attribute is optional."""

    __tablename__ = "peer_supporters"
    __table_args__ = (
        CheckConstraint("capacity >= 1 AND capacity <= 20", name="capacity_range"),
        # The rule the whole double opt-in relies on: no peer ever carries more than capacity,
        # whatever two coordinators do at the same moment.
        CheckConstraint("active_count >= 0 AND active_count <= capacity", name="within_capacity"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    display_name: Mapped[str] = mapped_column(String(60))
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), unique=True
    )
    languages: Mapped[str] = mapped_column(String(200), default="")  # codes, comma-separated
    formats: Mapped[str] = mapped_column(String(100), default="")  # in_person,online,messages
    age_band: Mapped[str] = mapped_column(String(20), default="")
    gender: Mapped[str] = mapped_column(String(60), default="")  # self-described
    community: Mapped[str] = mapped_column(String(120), default="")  # self-described
    topics: Mapped[str] = mapped_column(String(600), default="")  # from the staff-kept list
    capacity: Mapped[int] = mapped_column(default=3)
    active_count: Mapped[int] = mapped_column(default=0)
    trained_on: Mapped[date | None] = mapped_column(Date)
    refresher_due: Mapped[date | None] = mapped_column(Date)
    conduct_accepted_on: Mapped[date | None] = mapped_column(Date)
    last_supervision_on: Mapped[date | None] = mapped_column(Date)
    paused: Mapped[bool] = mapped_column(default=False)
    # "On duty today" is a date, so it switches itself off at midnight.
    on_duty_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Introduction(db.Model):  # type: ignore[name-defined]
    """One request to meet a peer and everything that happened to it, a timestamp per state."""

    __tablename__ = "introductions"
    __table_args__ = (
        CheckConstraint(f"state IN ({STATE_VALUES})", name="state_known"),
        CheckConstraint("reach IN ('group', 'contact')", name="reach_known"),
        # A proposal always names its peer; a waiting request never does (a closed one keeps
        # the peer it had, for the counts).
        CheckConstraint(
            "(state NOT IN ('proposed', 'peer_accepted', 'introduced') OR peer_id IS NOT NULL) "
            "AND (state != 'requested' OR peer_id IS NULL)",
            name="peer_matches_state",
        ),
        # A closed introduction keeps no contact (P6: deleted when it ends).
        CheckConstraint(
            "contact_token IS NULL OR state IN ('requested', 'proposed', 'peer_accepted', "
            "'introduced')",
            name="no_contact_when_closed",
        ),
        Index("ix_introductions_state_requested", "state", "requested_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    state: Mapped[str] = mapped_column(String(20), default=State.REQUESTED.value)
    # Bumped by every transition, so a form that acted on an old view is told what changed.
    version: Mapped[int] = mapped_column(default=1)
    peer_id: Mapped[int | None] = mapped_column(
        ForeignKey("peer_supporters.id", ondelete="RESTRICT"), index=True
    )
    # Peers already asked (declined, lapsed, or "a different peer" asked for): ids, comma-joined.
    passed_peer_ids: Mapped[str] = mapped_column(String(2000), default="")
    # Preferences, each optional ("" = no preference).
    pref_language: Mapped[str] = mapped_column(String(10), default="")
    pref_gender: Mapped[str] = mapped_column(String(20), default="")
    pref_age_band: Mapped[str] = mapped_column(String(20), default="")
    pref_format: Mapped[str] = mapped_column(String(20), default="")
    pref_topics: Mapped[str] = mapped_column(String(600), default="")
    reach: Mapped[str] = mapped_column(String(10), default="group")
    # The visitor code's HMAC (never the words), for "Check my request"; no foreign key, because
    # an unused code may be forgotten before the request closes.
    code_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    # Fernet token of the first name / typed contact; NULL once the introduction closes.
    contact_token: Mapped[str | None] = mapped_column(Text)
    meeting_note: Mapped[str] = mapped_column(String(200), default="")
    # The kiosk form's one-time nonce: a double tap on "Send" makes one request, not two.
    form_nonce: Mapped[str | None] = mapped_column(String(64), unique=True)
    concern_open: Mapped[bool] = mapped_column(default=False)
    last_actor: Mapped[str] = mapped_column(String(64), default="")  # a staff username, or ""
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    proposed_at: Mapped[datetime | None]
    peer_accepted_at: Mapped[datetime | None]
    introduced_at: Mapped[datetime | None]
    renewed_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    declined_at: Mapped[datetime | None]
    withdrawn_at: Mapped[datetime | None]
    expired_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None] = mapped_column(index=True)


class IntroductionTransition(db.Model):  # type: ignore[name-defined]
    """One state change: when, from what, to what, and the actor's role. Never content or names."""

    __tablename__ = "introduction_transitions"

    id: Mapped[int] = mapped_column(primary_key=True)
    introduction_id: Mapped[int] = mapped_column(
        ForeignKey("introductions.id", ondelete="CASCADE"), index=True
    )
    from_state: Mapped[str] = mapped_column(String(20))
    to_state: Mapped[str] = mapped_column(String(20))
    actor_role: Mapped[str] = mapped_column(String(20))  # attendee|coordinator|peer|system
    at: Mapped[datetime] = mapped_column(default=utcnow)


class IntroductionMonthlyCount(db.Model):  # type: ignore[name-defined]
    """What is left of purged introductions: how many, per month requested and final state."""

    __tablename__ = "introduction_monthly_counts"

    month: Mapped[date] = mapped_column(Date, primary_key=True)
    outcome: Mapped[str] = mapped_column(String(20), primary_key=True)
    introductions: Mapped[int] = mapped_column(default=0)
    reached_introduced: Mapped[int] = mapped_column(default=0)
