"""A record of every scheduled or by-hand operations job (purge, backup)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import utcnow
from ..extensions import db

JOBS = ("purge", "backup")
STATUSES = ("running", "ok", "failed")


class OperationRun(db.Model):  # type: ignore[name-defined]
    """One run of a job: when it started and finished, what it counted, and any error.

    ``slot`` is the scheduled moment (naive UTC) a run belongs to; it is NULL for runs started by
    hand. The unique (job, slot) pair is the claim that makes each scheduled run happen once even
    when two server processes (or two machines sharing one PostgreSQL database) both see it due:
    the second INSERT fails and that process skips the job.
    """

    __tablename__ = "operation_runs"
    __table_args__ = (
        UniqueConstraint("job", "slot"),
        CheckConstraint("job IN ('purge', 'backup')", name="job_known"),
        CheckConstraint("status IN ('running', 'ok', 'failed')", name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(16), index=True)
    slot: Mapped[datetime | None]
    trigger: Mapped[str] = mapped_column(String(16), default="schedule")  # schedule | hand
    started_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    finished_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(16), default="running")
    # JSON object of counts only (rows purged, bytes written): never a name or a code.
    counts: Mapped[str] = mapped_column(Text, default="{}")
    # Where a backup went (a path on this machine), so staff can find it.
    location: Mapped[str | None] = mapped_column(String(500))
    error: Mapped[str | None] = mapped_column(Text)
