"""Resource directory logic: validate, save with an audit trail, verify, find, count views.

Functions take plain values and raise named errors; none of them knows about ``request``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from babel import Locale, UnknownLocaleError
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session, selectinload

from .. import clock
from ..center.services import Setting, register
from ..center.services import get as get_setting
from ..db import write_transaction
from ..extensions import db
from . import hours as hours_mod
from . import search
from .categories import CATEGORIES, attendee_name, category_uuid
from .models import (
    Organization,
    ResourceCategory,
    ResourceChange,
    ResourceHours,
    ResourceHoursException,
    ResourceService,
    ResourceViewCount,
    new_uuid,
)

STALE_MONTHS = register(
    Setting(
        key="resources.stale_months",
        label=_l("Resource directory: months before a listing is stale"),
        default=6,
        kind="int",
        minimum=1,
        maximum=36,
        help=_l("Listings not verified for this many months appear in the stale queue."),
    )
)

COSTS = ("free", "sliding", "fee")
STATUSES = ("active", "inactive")
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_SHORT_NUMBER_RE = re.compile(r"^\d{3,6}$")


class InvalidResource(ValueError):
    """Input for a service that cannot be saved; ``errors`` maps field name to an error code."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(", ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


class ResourceNotFound(LookupError):
    """No service with that id."""


@dataclass
class ServiceInput:
    """A service as plain, already validated values (from a form, a CSV row or HSDS)."""

    name: str
    organization_name: str
    uuid: str = ""
    organization_uuid: str = ""
    organization_description: str = ""
    organization_website: str = ""
    organization_email: str = ""
    description: str = ""
    categories: list[str] = field(default_factory=list)
    phone: str = ""
    text_phone: str = ""
    website: str = ""
    email: str = ""
    address: str = ""
    city: str = ""
    region: str = ""
    postal_code: str = ""
    country: str = ""
    weekly: list[hours_mod.WeeklySlot] = field(default_factory=list)
    exceptions: list[hours_mod.DatedException] = field(default_factory=list)
    cost: str = ""
    cost_note: str = ""
    eligibility: str = ""
    languages: list[str] = field(default_factory=list)
    accessibility: str = ""
    crisis: bool = False
    verify_locally: bool = False
    status: str = "active"
    verified_on: date | None = None
    verified_by: str = ""


# ---- validation ----------------------------------------------------------------------------

ERROR_MESSAGES = {
    "required": _l("This is required."),
    "too_long": _l("That is too long."),
    "phone": _l("Enter a phone number that can be dialled, such as 555-123-4567."),
    "url": _l("Enter a web address starting with http:// or https://."),
    "email": _l("Enter an email address like name@example.org."),
    "hours": _l("Write hours like “Mon-Fri 09:00-17:00; Sat 10:00-14:00”."),
    "exceptions": _l("Write each exception like “2026-12-25 closed” or “2026-12-24 09:00-12:00”."),
    "cost": _l("Choose free, sliding, fee or leave it blank."),
    "status": _l("Choose active or inactive."),
    "language": _l("Use language codes such as en, es, vi, separated by commas."),
    "category": _l("Unknown category."),
    "date": _l("Enter a date as YYYY-MM-DD."),
    "yes_no": _l("Enter yes or no."),
    "uuid": _l("Enter a UUID or leave it blank."),
    "address_part": _l("With a street address, city, state or region and postal code are needed."),
    "duplicate": _l("This id appears twice in the file."),
}

_LIMITS = {
    "name": 200,
    "organization_name": 200,
    "address": 200,
    "city": 100,
    "region": 100,
    "postal_code": 20,
    "description": 4000,
    "eligibility": 2000,
    "accessibility": 2000,
    "cost_note": 1000,
    "organization_description": 4000,
    "verified_by": 64,
}
_UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def normalize_phone(raw: str, country: str) -> str:
    """A dialable number in E.164 (short codes such as 988 kept as typed); raises ValueError."""
    text = raw.strip()
    if not text:
        return ""
    if _SHORT_NUMBER_RE.match(text):
        return text
    # Imported on first use: phonenumbers' metadata is a large share of start-up time.
    import phonenumbers  # noqa: PLC0415

    try:
        number = phonenumbers.parse(text, country)
    except phonenumbers.NumberParseException as exc:
        raise ValueError("phone") from exc
    if not phonenumbers.is_valid_number(number):
        raise ValueError("phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def display_phone(stored: str, country: str) -> str:
    """A stored number in the way people in the center's country write it."""
    if not stored or _SHORT_NUMBER_RE.match(stored):
        return stored
    import phonenumbers  # noqa: PLC0415  (see normalize_phone)

    try:
        number = phonenumbers.parse(stored, country)
    except phonenumbers.NumberParseException:
        return stored
    fmt = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if phonenumbers.region_code_for_number(number) == country
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, fmt)


def check_url(raw: str) -> str:
    """An http(s) address with a host, or ValueError."""
    text = raw.strip()
    if not text:
        return ""
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or "." not in parts.netloc or " " in text:
        raise ValueError("url")
    if len(text) > 500:
        raise ValueError("too_long")
    return text


def check_email(raw: str) -> str:
    """An email address of plausible shape, or ValueError."""
    text = raw.strip()
    if text and (not _EMAIL_RE.match(text) or len(text) > 254):
        raise ValueError("email")
    return text


def check_languages(raw: str) -> list[str]:
    """ISO 639 codes from comma/semicolon-separated text, or ValueError."""
    codes = []
    for part in re.split(r"[,;\s]+", raw.strip().lower()):
        if not part:
            continue
        try:
            Locale.parse(part)
        except (UnknownLocaleError, ValueError) as exc:
            raise ValueError("language") from exc
        if not re.fullmatch(r"[a-z]{2,3}", part):
            raise ValueError("language")
        codes.append(part)
    return list(dict.fromkeys(codes))


def _yes_no(raw: str) -> bool:
    text = raw.strip().lower()
    if text in ("yes", "y", "true", "1", "si", "sí"):
        return True
    if text in ("", "no", "n", "false", "0"):
        return False
    raise ValueError("yes_no")


def parse_input(  # noqa: PLR0912  (one plain branch per kind of field reads best)
    raw: dict[str, str], country: str, known_categories: set[str]
) -> ServiceInput:
    """Validate text fields into a ServiceInput; raises InvalidResource naming every bad field."""
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}

    def text(name: str, required: bool = False) -> str:
        value = (raw.get(name) or "").strip()
        if required and not value:
            errors[name] = "required"
        elif len(value) > _LIMITS.get(name, 500):
            errors[name] = "too_long"
        return value

    for name in ("name", "organization_name"):
        values[name] = text(name, required=True)
    for name in (
        "description",
        "address",
        "city",
        "region",
        "postal_code",
        "cost_note",
        "eligibility",
        "accessibility",
        "organization_description",
        "verified_by",
    ):
        values[name] = text(name)
    for name in ("uuid", "organization_uuid"):
        value = text(name).lower()
        if value and not _UUID_RE.match(value):
            errors[name] = "uuid"
        values[name] = value
    checks = {
        "phone": lambda v: normalize_phone(v, country),
        "text_phone": lambda v: normalize_phone(v, country),
        "website": check_url,
        "organization_website": check_url,
        "email": check_email,
        "organization_email": check_email,
        "languages": check_languages,
        "weekly": hours_mod.parse_weekly,
        "exceptions": hours_mod.parse_exceptions,
        "crisis": _yes_no,
        "verify_locally": _yes_no,
    }
    for name, check in checks.items():
        source = {"weekly": "hours", "exceptions": "hours_exceptions"}.get(name, name)
        try:
            values[name] = check(raw.get(source) or "")
        except hours_mod.HoursError:
            errors[source] = "hours" if name == "weekly" else "exceptions"
        except ValueError as exc:
            errors[source] = str(exc)
    cost = (raw.get("cost") or "").strip().lower()
    if cost and cost not in COSTS:
        errors["cost"] = "cost"
    values["cost"] = cost
    status = (raw.get("status") or "active").strip().lower()
    if status not in STATUSES:
        errors["status"] = "status"
    values["status"] = status
    slugs = [s.strip() for s in re.split(r"[;,]", raw.get("categories") or "") if s.strip()]
    if any(slug not in known_categories for slug in slugs):
        errors["categories"] = "category"
    values["categories"] = list(dict.fromkeys(slugs))
    verified = (raw.get("last_verified") or "").strip()
    try:
        values["verified_on"] = date.fromisoformat(verified) if verified else None
    except ValueError:
        errors["last_verified"] = "date"
    values["country"] = (raw.get("country") or country).strip().upper()[:2]
    if values.get("address"):
        # HSDS (and anyone finding the place) needs the whole address, not only the street.
        for part in ("city", "region", "postal_code"):
            if not values.get(part) and part not in errors:
                errors[part] = "address_part"
    if errors:
        raise InvalidResource(errors)
    return ServiceInput(**values)


# ---- categories ----------------------------------------------------------------------------


def ensure_categories(session: Session) -> None:
    """Add any shipped category missing from the database (inside a write transaction)."""
    have = set(session.scalars(select(ResourceCategory.slug)))
    for position, entry in enumerate(CATEGORIES):
        if entry.slug not in have:
            session.add(
                ResourceCategory(
                    uuid=category_uuid(entry.slug),
                    slug=entry.slug,
                    code=entry.code,
                    name=entry.name,
                    name_es=entry.name_es,
                    taxonomy=entry.taxonomy,
                    position=position,
                )
            )
    session.flush()


def category_slugs() -> set[str]:
    """Every category slug a service may use (shipped ones and any imported)."""
    return {e.slug for e in CATEGORIES} | set(db.session.scalars(select(ResourceCategory.slug)))


def category_name(category: ResourceCategory | Any, locale: str) -> str:
    """A category's name in the display language.

    Shipped categories use their plain kiosk name (categories.ATTENDEE_NAMES); the stored
    Open Eligibility name is kept for interchange and for categories that came in by import.
    """
    plain = attendee_name(category.slug, locale)
    if plain:
        return plain
    if locale.startswith("es") and category.name_es:
        return str(category.name_es)
    return str(category.name)


# ---- saving --------------------------------------------------------------------------------


def snapshot(service: ResourceService) -> dict[str, str]:
    """Every staff-editable value of a service as text (for diffs and the audit trail)."""
    org = service.organization
    return {
        "name": service.name,
        "organization_name": org.name if org else "",
        "organization_description": org.description if org else "",
        "organization_website": org.website if org else "",
        "organization_email": org.email if org else "",
        "description": service.description,
        "categories": ";".join(sorted(c.slug for c in service.categories)),
        "phone": service.phone,
        "text_phone": service.text_phone,
        "website": service.website,
        "email": service.email,
        "address": service.address,
        "city": service.city,
        "region": service.region,
        "postal_code": service.postal_code,
        "country": service.country,
        "hours": hours_mod.format_weekly(weekly_of(service)),
        "hours_exceptions": hours_mod.format_exceptions(exceptions_of(service)),
        "cost": service.cost,
        "cost_note": service.cost_note,
        "eligibility": service.eligibility,
        "languages": service.languages,
        "accessibility": service.accessibility,
        "crisis": "yes" if service.crisis else "no",
        "verify_locally": "yes" if service.verify_locally else "no",
        "status": service.status,
        "last_verified": service.verified_on.isoformat() if service.verified_on else "",
        "verified_by": service.verified_by,
    }


def input_snapshot(data: ServiceInput) -> dict[str, str]:
    """The same text view of an input, to compare with ``snapshot`` of a stored service."""
    return {
        "name": data.name,
        "organization_name": data.organization_name,
        "organization_description": data.organization_description,
        "organization_website": data.organization_website,
        "organization_email": data.organization_email,
        "description": data.description,
        "categories": ";".join(sorted(data.categories)),
        "phone": data.phone,
        "text_phone": data.text_phone,
        "website": data.website,
        "email": data.email,
        "address": data.address,
        "city": data.city,
        "region": data.region,
        "postal_code": data.postal_code,
        "country": data.country,
        "hours": hours_mod.format_weekly(data.weekly),
        "hours_exceptions": hours_mod.format_exceptions(data.exceptions),
        "cost": data.cost,
        "cost_note": data.cost_note,
        "eligibility": data.eligibility,
        "languages": ",".join(data.languages),
        "accessibility": data.accessibility,
        "crisis": "yes" if data.crisis else "no",
        "verify_locally": "yes" if data.verify_locally else "no",
        "status": data.status,
        "last_verified": data.verified_on.isoformat() if data.verified_on else "",
        "verified_by": data.verified_by,
    }


def weekly_of(service: ResourceService) -> list[hours_mod.WeeklySlot]:
    """A service's weekly hours as plain values."""
    return [hours_mod.WeeklySlot(h.weekday, h.opens, h.closes) for h in service.hours]


def exceptions_of(service: ResourceService) -> list[hours_mod.DatedException]:
    """A service's dated exceptions as plain values."""
    return [hours_mod.DatedException(e.on, e.closed, e.opens, e.closes) for e in service.exceptions]


def build_search_text(service: ResourceService) -> str:
    """The words the search index holds for a service."""
    parts = [
        service.name,
        service.organization.name if service.organization else "",
        service.description,
        service.eligibility,
        service.city,
    ]
    for category in service.categories:
        parts += [category.name, category.name_es]
        entry = next((e for e in CATEGORIES if e.slug == category.slug), None)
        if entry:
            parts.append(entry.keywords)
    if service.crisis:
        parts.append("crisis")
    return search.normalize(" ".join(p for p in parts if p))


@dataclass
class Lookups:
    """What ``apply_input`` looks up for every row, loaded once for a whole import."""

    services: dict[str, ResourceService]
    orgs_by_uuid: dict[str, Organization]
    orgs_by_name: dict[str, Organization]
    categories: dict[str, ResourceCategory]

    @classmethod
    def load(cls, session: Session, uuids: Iterable[str]) -> Lookups:
        """Existing services (with what snapshots read), every organization and category."""
        ensure_categories(session)
        wanted = [uuid for uuid in uuids if uuid]
        found: dict[str, ResourceService] = {}
        for start in range(0, len(wanted), 500):  # bounded IN lists on both databases
            found.update(
                (service.uuid, service)
                for service in session.scalars(
                    select(ResourceService)
                    .where(ResourceService.uuid.in_(wanted[start : start + 500]))
                    .options(
                        selectinload(ResourceService.hours),
                        selectinload(ResourceService.exceptions),
                        selectinload(ResourceService.categories),
                        selectinload(ResourceService.organization),
                    )
                )
            )
        orgs = list(session.scalars(select(Organization).order_by(Organization.id)))
        by_name: dict[str, Organization] = {}
        for org in orgs:
            by_name.setdefault(org.name, org)  # as ``.limit(1)`` would pick
        return cls(
            services=found,
            orgs_by_uuid={org.uuid: org for org in orgs},
            orgs_by_name=by_name,
            categories={c.slug: c for c in session.scalars(select(ResourceCategory))},
        )


def _organization(
    session: Session, data: ServiceInput, lookups: Lookups | None = None
) -> Organization:
    if lookups is not None:
        org = lookups.orgs_by_uuid.get(data.organization_uuid) if data.organization_uuid else None
        org = org or lookups.orgs_by_name.get(data.organization_name)
        if org is None:
            org = Organization(name=data.organization_name)
            if data.organization_uuid:
                org.uuid = data.organization_uuid
            session.add(org)
            if data.organization_uuid:
                lookups.orgs_by_uuid[data.organization_uuid] = org
        # Registered under its new name too, as the query below would find it after a flush.
        lookups.orgs_by_name.setdefault(data.organization_name, org)
        return _fill_organization(org, data)
    org = None
    if data.organization_uuid:
        org = session.scalar(
            select(Organization).where(Organization.uuid == data.organization_uuid)
        )
    if org is None:
        org = session.scalar(
            select(Organization).where(Organization.name == data.organization_name).limit(1)
        )
    if org is None:
        org = Organization(name=data.organization_name)
        if data.organization_uuid:
            org.uuid = data.organization_uuid
        session.add(org)
    return _fill_organization(org, data)


def _fill_organization(org: Organization, data: ServiceInput) -> Organization:
    org.name = data.organization_name
    org.description = data.organization_description or org.description
    org.website = data.organization_website or org.website
    org.email = data.organization_email or org.email
    return org


def apply_input(
    session: Session,
    data: ServiceInput,
    by: str,
    service: ResourceService | None = None,
    lookups: Lookups | None = None,
) -> tuple[ResourceService, list[str]]:
    """Create or update a service from validated input; returns it and the changed fields.

    Runs inside the caller's write transaction and records the change in the audit trail.
    An import passes ``lookups`` (loaded once): then no row issues a query, and nothing is
    flushed until the caller's transaction ends.
    """
    if lookups is None:
        ensure_categories(session)
        if service is None and data.uuid:
            service = session.scalar(
                select(ResourceService).where(ResourceService.uuid == data.uuid)
            )
    elif service is None and data.uuid:
        service = lookups.services.get(data.uuid)
    before = snapshot(service) if service is not None else {}
    created = service is None
    with session.no_autoflush:
        organization = _organization(session, data, lookups)
        if lookups is not None:
            categories = [lookups.categories[s] for s in data.categories if s in lookups.categories]
        elif data.categories:
            categories = list(
                session.scalars(
                    select(ResourceCategory).where(ResourceCategory.slug.in_(data.categories))
                )
            )
        else:
            categories = []
        if service is None:
            service = ResourceService(uuid=data.uuid or new_uuid())
        service.organization = organization
        for name in (
            "name",
            "description",
            "phone",
            "text_phone",
            "website",
            "email",
            "address",
            "city",
            "region",
            "postal_code",
            "country",
            "cost",
            "cost_note",
            "eligibility",
            "accessibility",
            "crisis",
            "verify_locally",
            "status",
            "verified_on",
            "verified_by",
        ):
            setattr(service, name, getattr(data, name))
        service.languages = ",".join(data.languages)
        service.categories = categories
        service.hours = [
            ResourceHours(weekday=s.weekday, opens=s.opens, closes=s.closes) for s in data.weekly
        ]
        service.exceptions = [
            ResourceHoursException(on=e.on, closed=e.closed, opens=e.opens, closes=e.closes)
            for e in data.exceptions
        ]
        phone_changed = not created and (before.get("phone"), before.get("text_phone")) != (
            service.phone,
            service.text_phone,
        )
        if phone_changed and before.get("last_verified", "") == (
            data.verified_on.isoformat() if data.verified_on else ""
        ):
            # A new number has not been checked by anyone: the kiosk must not call it verified.
            service.verified_on = None
            service.verified_by = ""
        session.add(service)
    after = snapshot(service)
    changed = sorted(k for k in after if before.get(k, "") != after[k]) if not created else []
    if created or changed:
        service.updated_at = clock.utcnow()
        service.updated_by = by
        service.search_text = build_search_text(service)
        session.add(
            ResourceChange(
                service_uuid=service.uuid,
                by=by,
                action="created" if created else "edited",
                fields=",".join(changed),
            )
        )
    if lookups is None:
        session.flush()
    elif created and data.uuid:
        lookups.services[data.uuid] = service
    return service, changed


def save_service(
    data: ServiceInput,
    by: str,
    service_uuid: str | None = None,
    staff_notes: str | None = None,
) -> tuple[ResourceService, list[str]]:
    """Create (no uuid) or update one service in its own write transaction.

    ``staff_notes`` (the edit form's; None leaves them) is kept apart from the interchange
    fields on purpose: it is never exported, so an import must not blank it either.
    """
    with write_transaction() as session:
        service = None
        if service_uuid:
            service = session.scalar(
                select(ResourceService).where(ResourceService.uuid == service_uuid)
            )
            if service is None:
                raise ResourceNotFound(service_uuid)
        saved, changed = apply_input(session, data, by, service)
        if staff_notes is not None and staff_notes.strip()[:4000] != saved.staff_notes:
            saved.staff_notes = staff_notes.strip()[:4000]
            changed = [*changed, "staff_notes"]
        return saved, changed


def input_from_service(service: ResourceService) -> dict[str, str]:
    """The text form of a service (what an edit form starts with)."""
    values = snapshot(service)
    values["uuid"] = service.uuid
    values["organization_uuid"] = service.organization.uuid
    return values


def _set_status(service_uuid: str, by: str, action: str, **changes: Any) -> None:
    with write_transaction() as session:
        service = session.scalar(
            select(ResourceService).where(ResourceService.uuid == service_uuid)
        )
        if service is None:
            raise ResourceNotFound(service_uuid)
        for name, value in changes.items():
            setattr(service, name, value)
        session.add(
            ResourceChange(
                service_uuid=service_uuid, by=by, action=action, fields=",".join(sorted(changes))
            )
        )


def verify(service_uuid: str, by: str, today: date) -> None:
    """Record that staff checked the listing today ("last verified", not "last edited")."""
    _set_status(service_uuid, by, "verified", verified_on=today, verified_by=by)


def close_for_day(service_uuid: str, by: str, day: date) -> None:
    """Mark a service closed all day (e.g. "closed today"), replacing other hours that day."""
    with write_transaction() as session:
        service = session.scalar(
            select(ResourceService).where(ResourceService.uuid == service_uuid)
        )
        if service is None:
            raise ResourceNotFound(service_uuid)
        service.exceptions = [e for e in service.exceptions if e.on != day]
        service.exceptions.append(ResourceHoursException(on=day, closed=True))
        service.updated_at = clock.utcnow()
        service.updated_by = by
        session.add(
            ResourceChange(
                service_uuid=service_uuid, by=by, action="edited", fields="hours_exceptions"
            )
        )


def archive(service_uuid: str, by: str) -> None:
    """Take a service off the kiosk (status inactive) without losing its history."""
    _set_status(service_uuid, by, "archived", status="inactive")


def restore(service_uuid: str, by: str) -> None:
    """Put an archived service back on the kiosk."""
    _set_status(service_uuid, by, "restored", status="active")


# ---- reading -------------------------------------------------------------------------------


def get_service(service_uuid: str, active_only: bool = False) -> ResourceService:
    """One service by its UUID; raises ResourceNotFound."""
    stmt = (
        select(ResourceService)
        .where(ResourceService.uuid == service_uuid)
        .options(
            selectinload(ResourceService.hours),
            selectinload(ResourceService.exceptions),
            selectinload(ResourceService.categories),
            selectinload(ResourceService.organization),
        )
    )
    if active_only:
        stmt = stmt.where(ResourceService.status == "active")
    service = db.session.scalar(stmt)
    if service is None:
        raise ResourceNotFound(service_uuid)
    return service


def history(service_uuid: str) -> list[ResourceChange]:
    """The audit trail of one service, newest first."""
    return list(
        db.session.scalars(
            select(ResourceChange)
            .where(ResourceChange.service_uuid == service_uuid)
            .order_by(ResourceChange.at.desc(), ResourceChange.id.desc())
        )
    )


def list_services(include_inactive: bool = True) -> list[ResourceService]:
    """All services for the staff list, by name."""
    stmt = (
        select(ResourceService)
        .options(selectinload(ResourceService.organization))
        .order_by(ResourceService.name)
    )
    if not include_inactive:
        stmt = stmt.where(ResourceService.status == "active")
    return list(db.session.scalars(stmt))


def stale_services(today: date, months: int | None = None) -> list[ResourceService]:
    """Active services not verified within the stale period (never verified ones first)."""
    months = months if months is not None else int(get_setting(STALE_MONTHS.key))
    cutoff = today - timedelta(days=round(months * 30.44))
    stmt = (
        select(ResourceService)
        .where(
            ResourceService.status == "active",
            or_(ResourceService.verified_on.is_(None), ResourceService.verified_on < cutoff),
        )
        .order_by(
            ResourceService.verified_on.is_not(None),
            ResourceService.verified_on,
            ResourceService.name,
        )
    )
    return list(db.session.scalars(stmt))


@dataclass(frozen=True)
class Listing:
    """A service as the kiosk shows it in a result list."""

    service: ResourceService
    state: hours_mod.OpenState


def find(
    query: str = "",
    *,
    category: str = "",
    language: str = "",
    free: bool = False,
    open_now: bool = False,
    now: datetime | None = None,
    limit: int = 30,
) -> list[Listing]:
    """Active services matching the search and filters; crisis resources always first.

    ``now`` is the center's wall-clock time, used for the open-now state of each result.
    """
    stmt = select(ResourceService).where(ResourceService.status == "active")
    ranked = search.matching(query) if query.strip() else None
    if query.strip() and ranked is None:
        return []
    if ranked is not None:
        matches = ranked[0].subquery()
        stmt = stmt.join(matches, matches.c.id == ResourceService.id)
        order: list[Any] = [ResourceService.crisis.desc(), matches.c.rank, ResourceService.name]
    else:
        order = [ResourceService.crisis.desc(), ResourceService.name]
    if category:
        stmt = stmt.where(ResourceService.categories.any(ResourceCategory.slug == category))
    if language:
        stmt = stmt.where(("," + ResourceService.languages + ",").like(f"%,{language},%"))
    if free:
        stmt = stmt.where(ResourceService.cost == "free")
    # Open-now is decided in Python (overnight hours, exceptions, time zone), so fetch more.
    fetch = limit * 10 if open_now else limit
    stmt = (
        stmt.order_by(*order)
        .limit(fetch)
        .options(
            selectinload(ResourceService.hours),
            selectinload(ResourceService.exceptions),
            selectinload(ResourceService.organization),
        )
    )
    # Views pass the center's wall-clock time; without one, the app clock's UTC is used.
    moment = now or clock.utcnow()
    listings = []
    for service in db.session.scalars(stmt):
        state = hours_mod.open_state(moment, weekly_of(service), exceptions_of(service))
        if open_now and state != hours_mod.OpenState.OPEN:
            continue
        listings.append(Listing(service, state))
        if len(listings) >= limit:
            break
    return listings


def count_view(service_id: int, day: date) -> None:
    """Add one to a service's view count for the day: a number, never who or what was typed."""
    with write_transaction() as session:
        result = session.execute(
            update(ResourceViewCount)
            .where(ResourceViewCount.service_id == service_id, ResourceViewCount.day == day)
            .values(views=ResourceViewCount.views + 1)
        )
        if not result.rowcount:  # type: ignore[attr-defined]
            # Writers run one at a time (write_transaction), so no other request can create
            # today's row between the update above and this insert.
            session.add(ResourceViewCount(service_id=service_id, day=day, views=1))


def views_by_service(since: date) -> dict[int, int]:
    """Total views per service id since a day (for the staff list)."""
    rows = db.session.execute(
        select(ResourceViewCount.service_id, func.sum(ResourceViewCount.views))
        .where(ResourceViewCount.day >= since)
        .group_by(ResourceViewCount.service_id)
    )
    return {service_id: int(total) for service_id, total in rows}


def language_name(code: str, locale: str) -> str:
    """A language code's name in the display language ("es" → "Spanish" / "español")."""
    try:
        return str(Locale.parse(code).get_display_name(locale) or code)
    except (UnknownLocaleError, ValueError):
        return code
