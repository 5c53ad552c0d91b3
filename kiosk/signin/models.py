"""Visitor codes, enrolled kiosks, and failed code entries (for the per-kiosk rate limit)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import utcnow
from ..extensions import db


class VisitorCode(db.Model):  # type: ignore[name-defined]
    """A visitor code, known only by its HMAC under the server key; the words are never stored."""

    __tablename__ = "visitor_codes"

    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    # Day granularity is enough for "unused for 12 months" and says less about a visit (P5).
    created_on: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_on: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class KioskDevice(db.Model):  # type: ignore[name-defined]
    """A browser an admin turned into a kiosk; the cookie holds a random token, we keep its hash."""

    __tablename__ = "kiosk_devices"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    enrolled_by: Mapped[str | None] = mapped_column(String(64))
    enrolled_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


class CodeAttempt(db.Model):  # type: ignore[name-defined]
    """A wrong visitor code typed at a kiosk: only which kiosk and when, never what was typed."""

    __tablename__ = "code_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    kiosk_key: Mapped[str] = mapped_column(String(24), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
