"""Staff accounts and their server-side sessions."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import utcnow
from ..extensions import db


class Role(enum.StrEnum):
    """What a staff member may do: admins everything, facilitators run groups, and a peer
    supporter sees only their own proposals and introductions (kiosk/introductions)."""

    ADMIN = "admin"
    FACILITATOR = "facilitator"
    PEER = "peer"


class StaffIdentity:
    """What a staff account is to the pages, from its ``id`` and ``role``: Flask-Login's id, and
    whether it is an admin or a peer supporter. Shared by the ``User`` row and the value a
    request loads (``auth.services.StaffMember``)."""

    if TYPE_CHECKING:  # declared by each class that uses it (a column, or a dataclass field)
        id: int
        role: str

    def get_id(self) -> str:
        return str(self.id)

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_peer(self) -> bool:
        return self.role == Role.PEER


class User(StaffIdentity, db.Model):  # type: ignore[name-defined]
    """A staff member who logs in (never an attendee)."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    password_changed_at: Mapped[datetime] = mapped_column(default=utcnow)

    sessions: Mapped[list[StaffSession]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )

    # Flask-Login's protocol.
    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False


class StaffSession(db.Model):  # type: ignore[name-defined]
    """One logged-in browser. Flask's cookie is only signed, so the truth lives here:
    deleting the row logs that browser out even if someone kept a copy of the cookie."""

    __tablename__ = "staff_sessions"

    # SHA-256 of the random token in the cookie; a database leak does not hand out sessions.
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_active_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(back_populates="sessions")


class LoginFailure(db.Model):  # type: ignore[name-defined]
    """A failed login, kept one minute-window long for per-account throttling."""

    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The name typed (lower-cased), whether or not such an account exists, so probing unknown
    # names is throttled the same way. Staff names only; no client address is kept.
    username: Mapped[str] = mapped_column(String(64), index=True)
    failed_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class SetupToken(db.Model):  # type: ignore[name-defined]
    """The one-time link that creates the first admin account."""

    __tablename__ = "setup_tokens"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class LoginEvent(db.Model):  # type: ignore[name-defined]
    """One staff log-in attempt: username, outcome and time, never an IP or a browser (issue 9).

    Kept 12 months (``flask --app kiosk purge``), shown to admins.
    """

    __tablename__ = "login_events"
    __table_args__ = (
        CheckConstraint("outcome IN ('success', 'failure', 'throttled')", name="outcome"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(10))
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
