"""Resource directory logic: save with an audit trail, verify, find, count views.

Functions take plain values and raise named errors; none of them knows about ``request``.
Checking input lives in ``validation`` and the list of a service's fields in ``fields``
(both re-exported here for callers that only know this module).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from babel import Locale, UnknownLocaleError
from flask_babel import lazy_gettext as _l
from sqlalchemy import String, bindparam, case, cast, func, insert, or_, select, update
from sqlalchemy.orm import Session, selectinload

from .. import clock
from ..center.services import Setting, register
from ..center.services import get as get_setting
from ..db import write_transaction
from ..extensions import db
from . import fields, search
from . import hours as hours_mod
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
    service_categories,
)
from .validation import (
    COSTS,
    ERROR_MESSAGES,
    STATUSES,
    InvalidResource,
    ServiceInput,
    check_email,
    check_languages,
    check_url,
    display_phone,
    normalize_phone,
    parse_input,
)

# Re-exported (with everything defined here) for callers that only know this module.
__all__ = [
    "COSTS",
    "ERROR_MESSAGES",
    "STATUSES",
    "InvalidResource",
    "ServiceInput",
    "check_email",
    "check_languages",
    "check_url",
    "display_phone",
    "normalize_phone",
    "parse_input",
]

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


class ResourceNotFound(LookupError):
    """No service with that id."""


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
    return fields.text_of_service(service)


def input_snapshot(data: ServiceInput) -> dict[str, str]:
    """The same text view of an input, to compare with ``snapshot`` of a stored service."""
    return fields.text_of_input(data)


def weekly_of(service: ResourceService) -> list[hours_mod.WeeklySlot]:
    """A service's weekly hours as plain values."""
    return [hours_mod.WeeklySlot(h.weekday, h.opens, h.closes) for h in service.hours]


def exceptions_of(service: ResourceService) -> list[hours_mod.DatedException]:
    """A service's dated exceptions as plain values."""
    return [hours_mod.DatedException(e.on, e.closed, e.opens, e.closes) for e in service.exceptions]


def build_search_text(service: ResourceService) -> str:
    """The words the search index holds for a service."""
    return search_text_of(
        [
            service.name,
            service.organization.name if service.organization else "",
            service.description,
            service.eligibility,
            service.city,
            service.name_es,
            service.description_es,
        ],
        service.categories,
        service.crisis,
    )


_KEYWORDS = {entry.slug: entry.keywords for entry in CATEGORIES}


def search_text_of(texts: list[str], categories: Iterable[Any], crisis: bool) -> str:
    """The search words from a service's texts, its categories and its crisis flag.

    The Spanish name and description are among the texts, so a word typed on the Spanish
    kiosk finds the listing (the index holds both languages, like the category names).
    """
    parts = list(texts)
    for category in categories:
        parts += [category.name, category.name_es, _KEYWORDS.get(category.slug, "")]
    if crisis:
        # The marker lets search find crisis matches through the index (search.CRISIS_MARKER).
        parts += ["crisis", search.CRISIS_MARKER]
    return search.normalize(" ".join(p for p in parts if p))


@dataclass
class Lookups:
    """What ``apply_input`` looks up for every row, loaded once for a whole import."""

    services: dict[str, ResourceService]
    orgs_by_uuid: dict[str, Organization]
    orgs_by_name: dict[str, Organization]
    categories: dict[str, ResourceCategory]
    # Audit-trail rows of the import, written together at the end (``write_changes``).
    changes: list[dict[str, Any]] = field(default_factory=list)

    def write_changes(self, session: Session) -> None:
        """Insert the collected audit-trail rows in one statement."""
        if self.changes:
            session.execute(insert(ResourceChange), self.changes)
            self.changes = []

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
    for name, value in fields.organization_values(data).items():
        setattr(org, name, value)
    return org


def apply_input(  # noqa: PLR0912  (create and update share one audited path)
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
        if service.organization is not organization:
            service.organization = organization
        # A value the input leaves alone (an import without that column) keeps the stored one.
        for name, value in fields.column_values(data).items():
            setattr(service, name, value)
        # Collections are replaced only when they differ: replacing equal ones costs an import
        # a DELETE and INSERTs per row for nothing.
        wanted = fields.text_of_input(data)
        if created or before["categories"] != wanted["categories"]:
            service.categories = categories
        if created or before["hours"] != wanted["hours"]:
            service.hours = [
                ResourceHours(weekday=s.weekday, opens=s.opens, closes=s.closes)
                for s in data.weekly
            ]
        if created or before["hours_exceptions"] != wanted["hours_exceptions"]:
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
    changed = sorted(fields.differences(before, after)) if not created else []
    if created or changed:
        service.updated_at = clock.utcnow()
        service.updated_by = by
        service.search_text = build_search_text(service)
        change = {
            "service_uuid": service.uuid,
            "at": clock.utcnow(),
            "by": by,
            "action": "created" if created else "edited",
            "fields": ",".join(changed),
        }
        if lookups is not None:
            lookups.changes.append(change)  # one INSERT for the whole import
        else:
            session.add(ResourceChange(**change))
    if lookups is None:
        session.flush()
    elif created and data.uuid:
        lookups.services[data.uuid] = service
    return service, changed


def insert_new(session: Session, rows: list[ServiceInput], by: str, lookups: Lookups) -> int:
    """Add many new services at once: a few multi-row INSERTs per table, no ORM object per row.

    The same rows ``apply_input`` would write (organization found by id or name, the audit
    trail's "created" entry, the search text; on SQLite the triggers fill the FTS index as the
    rows go in), in a handful of statements instead of several flushes per row: an import of
    10,000 services spends its time reading the file, not in the ORM's unit of work.
    Runs inside the caller's write transaction; ``lookups`` must be loaded in it.
    """
    now = clock.utcnow()
    session.flush()  # organizations created or renamed by earlier rows get their ids
    new_orgs: dict[str, dict[str, Any]] = {}  # by uuid
    new_orgs_by_name: dict[str, dict[str, Any]] = {}
    service_rows: list[dict[str, Any]] = []
    org_of_row: list[str] = []
    for data in rows:
        org = lookups.orgs_by_uuid.get(data.organization_uuid) if data.organization_uuid else None
        org = org or lookups.orgs_by_name.get(data.organization_name)
        if org is not None:
            _fill_organization(org, data)
            org_uuid = org.uuid
        else:
            pending = new_orgs.get(data.organization_uuid) if data.organization_uuid else None
            pending = pending or new_orgs_by_name.get(data.organization_name)
            if pending is None:
                pending = {"uuid": data.organization_uuid or new_uuid()}
                pending.update((spec.organization, "") for spec in fields.ORGANIZATION)
                new_orgs[pending["uuid"]] = pending
            new_orgs_by_name.setdefault(data.organization_name, pending)
            # As _fill_organization does for a stored one: the last row's details win.
            pending.update(fields.organization_values(data))
            org_uuid = pending["uuid"]
        org_of_row.append(org_uuid)
        values = fields.column_values(data, new=True)
        values.update(
            uuid=data.uuid or new_uuid(),
            staff_notes="",
            created_at=now,
            updated_at=now,
            updated_by=by,
        )
        values["search_text"] = search_text_of(
            [
                data.name,
                data.organization_name,
                data.description,
                data.eligibility,
                data.city,
                values["name_es"],
                values["description_es"],
            ],
            [lookups.categories[s] for s in data.categories if s in lookups.categories],
            data.crisis,
        )
        service_rows.append(values)
    session.flush()
    if new_orgs:
        session.execute(insert(Organization), list(new_orgs.values()))
    # Every organization's id in one query (there are far fewer than services).
    org_ids: dict[str, int] = dict(
        session.execute(select(Organization.uuid, Organization.id)).all()
    )
    for values, org_uuid in zip(service_rows, org_of_row, strict=True):
        values["organization_id"] = org_ids[org_uuid]
    if not service_rows:
        return 0
    session.execute(insert(ResourceService), service_rows)
    ids: dict[str, int] = {}
    uuids = [values["uuid"] for values in service_rows]
    for start in range(0, len(uuids), 500):  # bounded IN lists on both databases
        chunk = uuids[start : start + 500]
        query = select(ResourceService.uuid, ResourceService.id)
        ids.update(
            (uuid, id_)
            for uuid, id_ in session.execute(query.where(ResourceService.uuid.in_(chunk)))
        )
    hours_rows, exception_rows, category_rows, change_rows = [], [], [], []
    for data, values in zip(rows, service_rows, strict=True):
        sid = ids[values["uuid"]]
        hours_rows += [
            {"service_id": sid, "weekday": s.weekday, "opens": s.opens, "closes": s.closes}
            for s in data.weekly
        ]
        exception_rows += [
            {
                "service_id": sid,
                "on": e.on,
                "closed": e.closed,
                "opens": e.opens,
                "closes": e.closes,
            }
            for e in data.exceptions
        ]
        category_rows += [
            {"service_id": sid, "category_id": lookups.categories[slug].id}
            for slug in data.categories
            if slug in lookups.categories
        ]
        change_rows.append(
            {"service_uuid": values["uuid"], "at": now, "by": by, "action": "created", "fields": ""}
        )
    for model, batch in (
        (ResourceHours, hours_rows),
        (ResourceHoursException, exception_rows),
        (ResourceChange, change_rows),
    ):
        if batch:
            session.execute(insert(model), batch)
    if category_rows:
        session.execute(insert(service_categories), category_rows)
    return len(service_rows)


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
    """The text form of a service, every field of it (a row of the simple CSV)."""
    return fields.text_of_service(service, fields.FIELDS)


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


def public_text(service: ResourceService | Any, name: str, locale: str) -> str:
    """A service's attendee-facing text in the display language: the Spanish version on the
    Spanish kiosk when staff wrote one, the English otherwise."""
    spanish = fields.SPANISH.get(name)
    if spanish and locale.startswith("es"):
        text = getattr(service, spanish) or ""
        if text.strip():
            return str(text)
    return str(getattr(service, name))


@dataclass(frozen=True)
class Found:
    """What a result list shows of a service: a few columns, not a loaded ORM object."""

    id: int
    uuid: str
    name: str  # as staff wrote it (``Listing.name`` is the one in the display language)
    crisis: bool
    cost: str
    status: str


@dataclass(frozen=True)
class Listing:
    """A service as the kiosk shows it in a result list (``name`` in the display language)."""

    service: Found
    state: hours_mod.OpenState
    name: str = ""
    organization: str = ""
    weekly: tuple[hours_mod.WeeklySlot, ...] = ()
    exceptions: tuple[hours_mod.DatedException, ...] = ()


_RESULT_COLUMNS = (
    ResourceService.id,
    ResourceService.uuid,
    ResourceService.name,
    ResourceService.name_es,
    ResourceService.crisis,
    ResourceService.cost,
    ResourceService.status,
    ResourceService.organization_id,
)
_RESULT_COLUMNS_NAMES = [column.key for column in _RESULT_COLUMNS]


# A page's hours come back with its rows, as text (one query instead of three): slots joined
# by ";", a slot's parts by "|" (times are "HH:MM" or empty, dates ISO, so neither occurs).
def _weekly_from(joined: str | None) -> tuple[hours_mod.WeeklySlot, ...]:
    slots = []
    for slot in (joined or "").split(";"):
        if slot:
            weekday, opens, closes = slot.split("|")
            slots.append(hours_mod.WeeklySlot(int(weekday), opens, closes))
    return tuple(slots)


def _exceptions_from(joined: str | None) -> tuple[hours_mod.DatedException, ...]:
    found = []
    for slot in (joined or "").split(";"):
        if slot:
            on, closed, opens, closes = slot.split("|")
            found.append(
                hours_mod.DatedException(date.fromisoformat(on), closed == "1", opens, closes)
            )
    return tuple(found)


def _joined_hours(service_id: Any) -> tuple[Any, Any]:
    """Scalar subqueries: a service's weekly hours and dated exceptions, each as one text."""
    weekly, dated = ResourceHours, ResourceHoursException
    slot = cast(weekly.weekday, String) + "|" + weekly.opens + "|" + weekly.closes
    exception = (
        cast(dated.on, String)
        + "|"
        + case((dated.closed, "1"), else_="0")
        + "|"
        + dated.opens
        + "|"
        + dated.closes
    )
    return (
        select(func.aggregate_strings(slot, ";"))
        .where(weekly.service_id == service_id)
        .scalar_subquery()
        .label("weekly"),
        select(func.aggregate_strings(exception, ";"))
        .where(dated.service_id == service_id)
        .scalar_subquery()
        .label("exceptions"),
    )


@functools.cache
def _results_statement(
    *, dialect: str, candidates: int, category: bool, language: bool, free: bool, fetch: int
) -> Any:
    """The result list's query for one combination of filters, built once (the typed words,
    the category and the language are bound values). ``candidates`` is the ranking cap when
    words were typed, 0 when not; the dialect picks the search index's statement."""
    stmt = select(*_RESULT_COLUMNS).where(ResourceService.status == "active")
    order: list[Any] = [ResourceService.crisis.desc(), ResourceService.name]
    if candidates:
        matches = search.candidates(dialect, candidates).subquery()
        stmt = stmt.add_columns(matches.c.rank).join(matches, matches.c.id == ResourceService.id)
        order = [ResourceService.crisis.desc(), matches.c.rank, ResourceService.name]
    if category:
        stmt = stmt.where(
            ResourceService.categories.any(ResourceCategory.slug == bindparam("category"))
        )
    if language:
        stmt = stmt.where(("," + ResourceService.languages + ",").like(bindparam("language")))
    if free:
        stmt = stmt.where(ResourceService.cost == "free")
    # The page first, then its organization names and hours for those rows only (computed in
    # the page query itself, SQLite would look them up for every ranked candidate).
    page = stmt.order_by(*order).limit(fetch).subquery("page")
    outer_order: list[Any] = [page.c.crisis.desc(), page.c.name]
    if candidates:
        outer_order.insert(1, page.c.rank)
    return (
        select(
            *(page.c[name] for name in _RESULT_COLUMNS_NAMES),
            Organization.name.label("organization"),
            *_joined_hours(page.c.id),
        )
        .join(Organization, Organization.id == page.c.organization_id)
        .order_by(*outer_order)
    )


def find(
    query: str = "",
    *,
    category: str = "",
    language: str = "",
    free: bool = False,
    open_now: bool = False,
    now: datetime | None = None,
    limit: int = 30,
    locale: str = "en",
) -> list[Listing]:
    """Active services matching the search and filters; crisis resources always first.

    ``now`` is the center's wall-clock time, used for the open-now state of each result.
    One query of the columns a result list shows, with each row's organization name and hours
    (no ORM objects: loading whole services and three relations was most of a search's time
    at 100,000 services).
    """
    values: dict[str, Any] = {}
    if query.strip():
        typed = search.terms(query)
        if typed is None:
            return []
        values.update(typed)
    if category:
        values["category"] = category
    if language:
        values["language"] = f"%,{language},%"
    # Open-now is decided in Python (overnight hours, exceptions, time zone), so fetch more.
    fetch = limit * 10 if open_now else limit
    statement = _results_statement(
        dialect=db.engine.dialect.name,
        candidates=search.CANDIDATES if query.strip() else 0,
        category=bool(category),
        language=bool(language),
        free=free,
        fetch=fetch,
    )
    rows = db.session.execute(statement, values).all()
    # Views pass the center's wall-clock time; without one, the app clock's UTC is used.
    moment = now or clock.utcnow()
    listings = []
    for row in rows:
        slots, exceptions = _weekly_from(row.weekly), _exceptions_from(row.exceptions)
        state = hours_mod.open_state(moment, list(slots), list(exceptions))
        if open_now and state != hours_mod.OpenState.OPEN:
            continue
        found = Found(row.id, row.uuid, row.name, row.crisis, row.cost, row.status)
        name = public_text(row, "name", locale)
        listings.append(Listing(found, state, name, row.organization, slots, exceptions))
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
