"""Organizations, their services, hours, categories, audit trail and anonymous view counts."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import utcnow
from ..extensions import db


def new_uuid() -> str:
    """A fresh stable id for interchange (HSDS 3.0 ids are UUIDs)."""
    return str(uuid.uuid4())


service_categories = Table(
    "resource_service_categories",
    db.metadata,
    Column("service_id", ForeignKey("resource_services.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "category_id", ForeignKey("resource_categories.id", ondelete="CASCADE"), primary_key=True
    ),
)


class ResourceCategory(db.Model):  # type: ignore[name-defined]
    """A category: an Open Eligibility term or a local one, with its Spanish name."""

    __tablename__ = "resource_categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=new_uuid)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    code: Mapped[str | None] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(120))
    name_es: Mapped[str] = mapped_column(String(120), default="")
    taxonomy: Mapped[str] = mapped_column(String(40), default="local")
    position: Mapped[int] = mapped_column(Integer, default=100)


class Organization(db.Model):  # type: ignore[name-defined]
    """The organization that runs one or more services."""

    __tablename__ = "resource_organizations"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=new_uuid)
    name: Mapped[str] = mapped_column(String(200), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    website: Mapped[str] = mapped_column(String(500), default="")
    email: Mapped[str] = mapped_column(String(254), default="")

    services: Mapped[list[ResourceService]] = relationship(back_populates="organization")


class ResourceService(db.Model):  # type: ignore[name-defined]
    """One service a person can use: what it is for, how to reach it, when it is open."""

    __tablename__ = "resource_services"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=new_uuid)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("resource_organizations.id", ondelete="RESTRICT"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    text_phone: Mapped[str] = mapped_column(String(40), default="")
    website: Mapped[str] = mapped_column(String(500), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    address: Mapped[str] = mapped_column(String(200), default="")
    city: Mapped[str] = mapped_column(String(100), default="")
    region: Mapped[str] = mapped_column(String(100), default="")
    postal_code: Mapped[str] = mapped_column(String(20), default="")
    country: Mapped[str] = mapped_column(String(2), default="")
    cost: Mapped[str] = mapped_column(String(10), default="")  # free | sliding | fee | "" unknown
    cost_note: Mapped[str] = mapped_column(Text, default="")
    eligibility: Mapped[str] = mapped_column(Text, default="")
    languages: Mapped[str] = mapped_column(String(200), default="")  # ISO 639-1, comma separated
    accessibility: Mapped[str] = mapped_column(Text, default="")
    # What the Spanish kiosk shows instead of name / description when staff filled them in.
    name_es: Mapped[str] = mapped_column(String(200), default="")
    description_es: Mapped[str] = mapped_column(Text, default="")
    crisis: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    verify_locally: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(12), default="active", index=True)
    verified_on: Mapped[date | None] = mapped_column(Date)
    verified_by: Mapped[str] = mapped_column(String(64), default="")
    # Notes for staff only ("call first to confirm the Tuesday group"): never on a kiosk page,
    # never in an export (the description is the public text).
    staff_notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(64), default="")
    # Words the search index holds (names, description, category names in both languages).
    search_text: Mapped[str] = mapped_column(Text, default="")

    organization: Mapped[Organization] = relationship(back_populates="services")
    categories: Mapped[list[ResourceCategory]] = relationship(
        secondary=service_categories, order_by=ResourceCategory.position
    )
    hours: Mapped[list[ResourceHours]] = relationship(
        cascade="all, delete-orphan",
        order_by="(ResourceHours.weekday, ResourceHours.opens, ResourceHours.closes)",
    )
    exceptions: Mapped[list[ResourceHoursException]] = relationship(
        cascade="all, delete-orphan", order_by="ResourceHoursException.on"
    )


class ResourceHours(db.Model):  # type: ignore[name-defined]
    """A weekly opening: weekday (0 = Monday) from opens to closes, local "HH:MM" times.

    closes at or before opens means the opening runs past midnight into the next day.
    """

    __tablename__ = "resource_hours"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(
        ForeignKey("resource_services.id", ondelete="CASCADE"), index=True
    )
    weekday: Mapped[int] = mapped_column(Integer)
    opens: Mapped[str] = mapped_column(String(5))
    closes: Mapped[str] = mapped_column(String(5))


class ResourceHoursException(db.Model):  # type: ignore[name-defined]
    """A dated change to the weekly hours: closed all day, or open other hours that day."""

    __tablename__ = "resource_hours_exceptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(
        ForeignKey("resource_services.id", ondelete="CASCADE"), index=True
    )
    on: Mapped[date] = mapped_column(Date)
    closed: Mapped[bool] = mapped_column(Boolean, default=True)
    opens: Mapped[str] = mapped_column(String(5), default="")
    closes: Mapped[str] = mapped_column(String(5), default="")


class ResourceChange(db.Model):  # type: ignore[name-defined]
    """Audit trail: who changed which fields of a service, and when (staff names only)."""

    __tablename__ = "resource_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_uuid: Mapped[str] = mapped_column(String(36), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    by: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(20))  # created | edited | verified | archived ...
    fields: Mapped[str] = mapped_column(Text, default="")


class ResourceViewCount(db.Model):  # type: ignore[name-defined]
    """How many times a service was opened on a day: a bare count, never who opened it."""

    __tablename__ = "resource_view_counts"
    __table_args__ = (UniqueConstraint("service_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("resource_services.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    views: Mapped[int] = mapped_column(Integer, default=0)
