"""Import and export: the simple CSV template, HSDS 3.0 JSON, and the HSDS tabular CSV package.

Every import is read into plain ``ServiceInput`` rows first and validated as a whole; the
preview reports new / changed / unchanged counts and row-level errors, and ``apply_import``
writes all rows in one write transaction or none at all.
"""

from __future__ import annotations

import csv
import io
import json
import re
import secrets
import time
import zipfile
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..csvsafe import neutralize, restore
from ..db import write_transaction
from ..extensions import db
from . import fields, services
from . import hours as hours_mod
from .categories import (
    BY_SLUG,
    CATEGORIES,
    LOCAL,
    OPEN_ELIGIBILITY,
    category_uuid,
    stable_id,
)
from .models import Organization, ResourceCategory, ResourceService

DATA_DIR = Path(__file__).resolve().parent / "data"
FORMATS = ("csv", "hsds-json", "hsds-csv")
CRISIS_CODE = "porchlight:crisis"
VERIFY_LOCALLY_CODE = "porchlight:verify-locally"

# The simple CSV template: one row per service (documented in docs/RESOURCES.md), one column per
# entry of fields.FIELDS.
CSV_COLUMNS = fields.CSV_COLUMNS
_CSV_TO_INPUT = fields.CSV_TO_NAME
_INPUT_TO_CSV = fields.NAME_TO_CSV
COST_OPTIONS = {"free": "Free", "sliding": "Sliding scale", "fee": "Fee"}


class ImportFailed(ValueError):
    """The file cannot be read at all (wrong format, not a zip, bad JSON...)."""


@dataclass(frozen=True)
class RowError:
    """One problem in one row: which row (1 = first data row), which field, and the code."""

    row: int
    field: str
    code: str


@dataclass(frozen=True)
class FieldChange:
    """One field of one stored service that an import would change."""

    field: str
    old: str
    new: str


@dataclass(frozen=True)
class ServiceChanges:
    """A stored service an import would change, and how, field by field."""

    uuid: str
    name: str
    changes: list[FieldChange]


@dataclass
class ImportPreview:
    """What an import would do: counts, and the changes themselves (for the staff preview)."""

    rows: list[services.ServiceInput] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    # Every stored service that would change, field by field (the page shows the first few).
    updates: list[ServiceChanges] = field(default_factory=list)
    # Names of the services that would be added, and of active ones the file archives.
    added: list[str] = field(default_factory=list)
    archived: list[str] = field(default_factory=list)
    # Categories named in an HSDS file that this directory does not have yet: slug -> (id, name).
    new_categories: dict[str, tuple[str, str]] = field(default_factory=dict)


# ---- reading -------------------------------------------------------------------------------


def detect_format(name: str, content: bytes) -> str:
    """Guess the format from the file name and first bytes."""
    if content[:2] == b"PK" or name.lower().endswith(".zip"):
        return "hsds-csv"
    if content.lstrip()[:1] in (b"[", b"{"):
        return "hsds-json"
    return "csv"


def read_file(name: str, content: bytes, country: str) -> ImportPreview:
    """Parse and validate an import file of any supported format, and compare with the data."""
    kind = detect_format(name, content)
    known = services.category_slugs()
    new_categories: dict[str, tuple[str, str]] = {}
    if kind == "csv":
        raw_rows = _read_simple_csv(content)
    elif kind == "hsds-json":
        try:
            data = json.loads(content.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ImportFailed("json") from exc
        items = (
            data
            if isinstance(data, list)
            else data.get("contents", [data])
            if isinstance(data, dict)
            else None
        )
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise ImportFailed("json")
        raw_rows, new_categories = _hsds_rows(items)
    else:
        raw_rows, new_categories = _hsds_rows(_read_package(content))
    known |= set(new_categories)
    preview = ImportPreview(new_categories=new_categories)
    for number, raw in enumerate(raw_rows, start=1):
        try:
            preview.rows.append(services.parse_input(raw, country, known))
        except services.InvalidResource as exc:
            preview.errors.extend(
                RowError(number, _INPUT_TO_CSV.get(f, f), code) for f, code in exc.errors.items()
            )
    seen: set[str] = set()
    for number, row in enumerate(preview.rows, start=1):
        if row.uuid and row.uuid in seen:
            preview.errors.append(RowError(number, "id", "duplicate"))
        seen.add(row.uuid)
    _count(preview)
    return preview


def _read_simple_csv(content: bytes) -> list[dict[str, str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFailed("encoding") from exc
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    if "name" not in header:
        raise ImportFailed("header")
    rows = []
    for row in reader:
        # The export neutralized would-be formulas (kiosk.csvsafe); take that off again.
        rows.append({_CSV_TO_INPUT.get(k, k): restore(v or "") for k, v in row.items() if k})
    return rows


def _count(preview: ImportPreview) -> None:
    uuids = [row.uuid for row in preview.rows if row.uuid]
    existing: dict[str, ResourceService] = {}
    for start in range(0, len(uuids), 500):  # bounded IN lists; a few queries for any size
        existing.update(
            (s.uuid, s)
            for s in db.session.scalars(
                select(ResourceService)
                .where(ResourceService.uuid.in_(uuids[start : start + 500]))
                .options(
                    selectinload(ResourceService.hours),
                    selectinload(ResourceService.exceptions),
                    selectinload(ResourceService.categories),
                    selectinload(ResourceService.organization),
                )
            )
        )
    for row in preview.rows:
        stored = existing.get(row.uuid)
        if stored is None:
            preview.new += 1
            preview.added.append(row.name)
            continue
        before, after = services.snapshot(stored), services.input_snapshot(row)
        changed = fields.differences(before, after)
        if not changed:
            preview.unchanged += 1
            continue
        preview.changed += 1
        preview.updates.append(
            ServiceChanges(
                stored.uuid,
                stored.name,
                [FieldChange(name, before.get(name, ""), after[name]) for name in changed],
            )
        )
        if before.get("status") == "active" and after.get("status") == "inactive":
            preview.archived.append(stored.name)


def apply_import(preview: ImportPreview, by: str) -> int:
    """Write every row of a clean preview in one transaction; returns how many changed.

    Services already in the directory go through ``services.apply_input`` one by one (each
    compared field by field for the audit trail); new ones are inserted together
    (``services.insert_new``), a few statements per table for the whole file.
    """
    if preview.errors:
        raise ImportFailed("errors")
    touched = 0
    with write_transaction() as session:
        _add_imported_categories(session, preview)
        # One query per table for the whole file, not several per row.
        lookups = services.Lookups.load(session, (row.uuid for row in preview.rows))
        new_rows = []
        for row in preview.rows:
            existing = lookups.services.get(row.uuid) if row.uuid else None
            if existing is None:
                new_rows.append(row)
                continue
            _service, changed = services.apply_input(session, row, by, existing, lookups)
            touched += 1 if changed else 0
        lookups.write_changes(session)
        touched += services.insert_new(session, new_rows, by, lookups)
    return touched


def _add_imported_categories(session: Any, preview: ImportPreview) -> None:
    services.ensure_categories(session)
    have = set(session.scalars(select(ResourceCategory.slug)))
    for slug, (term_id, name) in preview.new_categories.items():
        if slug not in have:
            session.add(
                ResourceCategory(
                    uuid=term_id,
                    slug=slug,
                    name=name,
                    name_es="",
                    taxonomy="imported",
                    position=1000,
                )
            )
    session.flush()


# ---- staging: a preview waits for "Apply" ---------------------------------------------------

STAGED_FOR = timedelta(hours=1)
_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


def _staging_dir(data_dir: Path) -> Path:
    """Where previewed imports wait to be applied (staff data, never attendee data)."""
    path = data_dir / "resource-imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def sweep_staged(data_dir: Path, now: float | None = None) -> int:
    """Delete previews nobody applied within STAGED_FOR; returns how many went."""
    cutoff = (now if now is not None else time.time()) - STAGED_FOR.total_seconds()
    gone = 0
    for old in _staging_dir(data_dir).iterdir():
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
            gone += 1
    return gone


def _json_default(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(type(value))


def stage(preview: ImportPreview, data_dir: Path) -> str:
    """Keep a clean preview's checked rows until it is applied; returns its token.

    What is kept is the parsed and validated result, not the upload: applying it does not read,
    parse or check the file a second time. It is plain JSON (never pickle), written by the app
    into its own data directory.
    """
    sweep_staged(data_dir)
    token = secrets.token_urlsafe(24)
    payload = {
        "rows": [asdict(row) for row in preview.rows],
        "new_categories": preview.new_categories,
    }
    path = _staging_dir(data_dir) / f"{token}.json"
    path.write_text(json.dumps(payload, default=_json_default), encoding="utf-8")
    return token


def _row_from_json(values: dict[str, Any]) -> services.ServiceInput:
    values["weekly"] = [hours_mod.WeeklySlot(**slot) for slot in values["weekly"]]
    values["exceptions"] = [
        hours_mod.DatedException(**{**e, "on": date.fromisoformat(e["on"])})
        for e in values["exceptions"]
    ]
    verified = values.get("verified_on")
    values["verified_on"] = date.fromisoformat(verified) if verified else None
    return services.ServiceInput(**values)


def take_staged(token: str, data_dir: Path) -> ImportPreview:
    """The staged preview for a token, removed from the staging area; ImportFailed if gone."""
    sweep_staged(data_dir)
    path = _staging_dir(data_dir) / f"{token}.json"
    if not _TOKEN_RE.match(token) or not path.is_file():
        raise ImportFailed("expired")
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
    finally:
        path.unlink(missing_ok=True)
    return ImportPreview(
        rows=[_row_from_json(row) for row in payload["rows"]],
        new_categories={k: (v[0], v[1]) for k, v in payload["new_categories"].items()},
    )


# ---- HSDS -> rows ---------------------------------------------------------------------------


def _hhmm(value: Any) -> str:
    match = re.match(r"^(\d{1,2}):(\d{2})", str(value or ""))
    return f"{int(match.group(1)):02d}:{match.group(2)}" if match else ""


def _slugify(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:70] or "category"


def _hsds_rows(
    items: list[dict[str, Any]],
) -> tuple[list[dict[str, str]], dict[str, tuple[str, str]]]:
    """Turn HSDS service objects into the same text rows the simple CSV gives."""
    by_code = {entry.code: entry.slug for entry in CATEGORIES}
    by_uuid = {category_uuid(entry.slug): entry.slug for entry in CATEGORIES}
    by_uuid.update({c.uuid: c.slug for c in db.session.scalars(select(ResourceCategory))})
    new_categories: dict[str, tuple[str, str]] = {}
    # A service may name its organization only by id: use the name we already have for it.
    known_orgs = dict(db.session.execute(select(Organization.uuid, Organization.name)).all())
    rows = []
    for item in items:
        org = item.get("organization") or {}
        org_id = str(org.get("id") or item.get("organization_id") or "")
        location: dict[str, Any] = {}
        for sal in item.get("service_at_locations") or []:
            if sal.get("location"):
                location = sal["location"]
                break
        address: dict[str, Any] = next(iter(location.get("addresses") or []), {})
        phones = item.get("phones") or []
        voice = next((p for p in phones if p.get("type") in (None, "", "voice")), None)
        sms = next((p for p in phones if p.get("type") in ("sms", "text")), None)
        weekly, exceptions = _schedules(item.get("schedules") or [])
        categories, crisis, verify_locally = [], False, False
        for attribute in item.get("attributes") or []:
            term = attribute.get("taxonomy_term") or {}
            term_id = attribute.get("taxonomy_term_id") or term.get("id") or ""
            code = term.get("code") or ""
            if code == CRISIS_CODE:
                crisis = str(attribute.get("value", "true")).lower() != "false"
                continue
            if code == VERIFY_LOCALLY_CODE:
                verify_locally = str(attribute.get("value", "true")).lower() != "false"
                continue
            slug = by_uuid.get(term_id) or by_code.get(code)
            if slug is None and term.get("name"):
                slug = _slugify(term["name"])
                new_categories[slug] = (term_id or stable_id("category", slug), term["name"])
            if slug:
                categories.append(slug)
        cost = ""
        for option in item.get("cost_options") or []:
            text = str(option.get("option") or "").lower()
            cost = "free" if "free" in text else "sliding" if "sliding" in text else "fee"
        languages = [
            str(lang.get("code")) for lang in item.get("languages") or [] if lang.get("code")
        ]
        rows.append(
            {
                "uuid": str(item.get("id") or ""),
                "name": str(item.get("name") or ""),
                "description": str(item.get("description") or ""),
                "organization_uuid": org_id,
                "organization_name": str(
                    org.get("name") or known_orgs.get(org_id) or item.get("name") or ""
                ),
                "organization_description": ""
                if org.get("description") == org.get("name")
                else str(org.get("description") or ""),
                "organization_website": str(org.get("website") or ""),
                "organization_email": str(org.get("email") or ""),
                "website": str(item.get("url") or ""),
                "email": str(item.get("email") or ""),
                "phone": str((voice or {}).get("number") or "").strip('"'),
                "text_phone": str((sms or {}).get("number") or "").strip('"'),
                "address": str(address.get("address_1") or ""),
                "city": str(address.get("city") or ""),
                "region": str(address.get("state_province") or ""),
                "postal_code": str(address.get("postal_code") or ""),
                "country": str(address.get("country") or ""),
                "hours": hours_mod.format_weekly(weekly),
                "hours_exceptions": hours_mod.format_exceptions(exceptions),
                "cost": cost,
                "cost_note": str(item.get("fees_description") or ""),
                "eligibility": str(item.get("eligibility_description") or ""),
                "languages": ",".join(dict.fromkeys(languages)),
                "accessibility": "; ".join(
                    str(a.get("description") or "")
                    for a in location.get("accessibility") or []
                    if a.get("description")
                ),
                "crisis": "yes" if crisis else "no",
                "verify_locally": "yes" if verify_locally else "no",
                "status": "active" if item.get("status", "active") == "active" else "inactive",
                "last_verified": str(item.get("assured_date") or "")[:10],
                "categories": ";".join(dict.fromkeys(categories)),
            }
        )
    return rows, new_categories


def _schedules(
    schedules: list[dict[str, Any]],
) -> tuple[list[hours_mod.WeeklySlot], list[hours_mod.DatedException]]:
    weekly: list[hours_mod.WeeklySlot] = []
    exceptions: list[hours_mod.DatedException] = []
    for schedule in schedules:
        opens, closes = _hhmm(schedule.get("opens_at")), _hhmm(schedule.get("closes_at"))
        if schedule.get("freq") == "WEEKLY" and schedule.get("byday"):
            if not opens or not closes:
                continue
            for raw_day in str(schedule["byday"]).split(","):
                day = raw_day.strip().upper()
                if day in hours_mod.HSDS_DAYS:  # "1MO" (monthly positions) cannot be shown
                    weekly.append(
                        hours_mod.WeeklySlot(hours_mod.HSDS_DAYS.index(day), opens, closes)
                    )
        elif (
            not schedule.get("freq")
            and schedule.get("valid_from")
            and schedule.get("valid_from") == schedule.get("valid_to")
        ):
            try:
                on = date.fromisoformat(str(schedule["valid_from"])[:10])
            except ValueError:
                continue
            if opens and closes:
                exceptions.append(hours_mod.DatedException(on, False, opens, closes))
            else:
                exceptions.append(hours_mod.DatedException(on, True))
    return weekly, exceptions


def _read_package(content: bytes) -> list[dict[str, Any]]:
    """Read an HSDS tabular package (zip of CSVs) back into nested service objects."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile as exc:
        raise ImportFailed("zip") from exc
    names = {Path(n).name: n for n in archive.namelist()}
    if "services.csv" not in names:
        raise ImportFailed("package")

    def table(name: str) -> list[dict[str, str]]:
        if name not in names:
            return []
        text = archive.read(names[name]).decode("utf-8-sig")
        # The export neutralized would-be formulas (kiosk.csvsafe); take that off again.
        return [
            {k: restore(v) for k, v in row.items() if v not in (None, "")}
            for row in csv.DictReader(io.StringIO(text))
        ]

    return package_to_services(
        {
            name[:-4]: table(name)
            for name in (
                "services.csv",
                "organizations.csv",
                "phones.csv",
                "schedules.csv",
                "languages.csv",
                "service_at_location.csv",
                "locations.csv",
                "addresses.csv",
                "accessibility.csv",
                "cost_options.csv",
                "attributes.csv",
                "taxonomy_terms.csv",
            )
        }
    )


def _by(rows: list[dict[str, str]], key: str) -> dict[str, list[dict[str, str]]]:
    grouped: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        grouped[row.get(key, "")].append(row)
    return grouped


def package_to_services(tables: dict[str, list[dict[str, str]]]) -> list[dict[str, Any]]:
    """Nest HSDS tables into service objects (the JSON form).

    Every table is grouped by its key once, so the work grows with the package, not with its
    square (it used to scan every table once per service).
    """
    orgs = {o["id"]: o for o in tables["organizations"] if "id" in o}
    terms = {t["id"]: t for t in tables["taxonomy_terms"] if "id" in t}
    addresses = _by(tables["addresses"], "location_id")
    accessibility = _by(tables["accessibility"], "location_id")
    locations: dict[str, dict[str, Any]] = {
        loc["id"]: {
            **loc,
            "addresses": addresses.get(loc["id"], []),
            "accessibility": accessibility.get(loc["id"], []),
        }
        for loc in tables["locations"]
        if "id" in loc
    }
    per_service = {
        name: _by(tables[name], "service_id")
        for name in ("phones", "schedules", "languages", "cost_options", "service_at_location")
    }
    attributes = _by(tables["attributes"], "link_id")
    result = []
    for row in tables["services"]:
        sid = row.get("id", "")
        item: dict[str, Any] = dict(row)
        item["organization"] = orgs.get(row.get("organization_id", ""), {})
        for name in ("phones", "schedules", "languages", "cost_options"):
            item[name] = per_service[name].get(sid, [])
        item["service_at_locations"] = [
            {**sal, "location": locations.get(sal.get("location_id", ""), {})}
            for sal in per_service["service_at_location"].get(sid, [])
        ]
        item["attributes"] = [
            {**a, "taxonomy_term": terms.get(a.get("taxonomy_term_id", ""), {})}
            for a in attributes.get(sid, [])
        ]
        result.append(item)
    return result


# ---- export --------------------------------------------------------------------------------


def _all_services() -> list[ResourceService]:
    return list(
        db.session.scalars(
            select(ResourceService)
            .options(
                selectinload(ResourceService.organization),
                selectinload(ResourceService.hours),
                selectinload(ResourceService.exceptions),
                selectinload(ResourceService.categories),
            )
            .order_by(ResourceService.uuid)
        )
    )


def export_simple_csv() -> bytes:
    """Every service as one row of the simple CSV template."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for service in _all_services():
        values = services.input_from_service(service)
        # Formula-safe like every CSV the app writes (kiosk.csvsafe): staff open it in a
        # spreadsheet, and a service's name or phone must not run there.
        writer.writerow(
            {
                column: neutralize(str(values.get(_CSV_TO_INPUT.get(column, column), "")))
                for column in CSV_COLUMNS
            }
        )
    return out.getvalue().encode("utf-8")


def _category_term(category: ResourceCategory) -> dict[str, Any]:
    term_id = category_uuid(category.slug) if category.slug in BY_SLUG else category.uuid
    term: dict[str, Any] = {"id": term_id, "name": category.name, "description": category.name}
    if category.code:
        term["code"] = category.code
    if category.taxonomy in (OPEN_ELIGIBILITY, LOCAL):
        term["taxonomy"] = category.taxonomy
    return term


def _flag_term(code: str, name: str) -> dict[str, Any]:
    return {
        "id": stable_id("flag", code),
        "code": code,
        "name": name,
        "description": name,
        "taxonomy": LOCAL,
    }


def service_to_hsds(service: ResourceService) -> dict[str, Any]:
    """One service as a full HSDS 3.0 service object."""
    sid = service.uuid
    org = service.organization
    # HSDS requires an organization description; an empty one is written as the name (and
    # read back as empty, see _hsds_rows) so export -> import -> export stays identical.
    organization: dict[str, Any] = {
        "id": org.uuid,
        "name": org.name,
        "description": org.description or org.name,
    }
    if org.website:
        organization["website"] = org.website
    if org.email:
        organization["email"] = org.email
    item: dict[str, Any] = {
        "id": sid,
        "organization_id": org.uuid,
        "name": service.name,
        "description": service.description,
        "status": service.status,
    }
    for key, value in (
        ("url", service.website),
        ("email", service.email),
        ("fees_description", service.cost_note),
        ("eligibility_description", service.eligibility),
    ):
        if value:
            item[key] = value
    if service.verified_on:
        item["assured_date"] = service.verified_on.isoformat()
    phones = []
    if service.phone:
        phones.append(
            {
                "id": stable_id(sid, "phone", "voice"),
                "service_id": sid,
                "number": service.phone,
                "type": "voice",
            }
        )
    if service.text_phone:
        phones.append(
            {
                "id": stable_id(sid, "phone", "sms"),
                "service_id": sid,
                "number": service.text_phone,
                "type": "sms",
            }
        )
    item["phones"] = phones
    item["schedules"] = _hsds_schedules(service)
    item["languages"] = [
        {
            "id": stable_id(sid, "language", code),
            "service_id": sid,
            "code": code,
            "name": services.language_name(code, "en"),
        }
        for code in service.languages.split(",")
        if code
    ]
    if service.cost:
        item["cost_options"] = [
            {"id": stable_id(sid, "cost"), "service_id": sid, "option": COST_OPTIONS[service.cost]}
        ]
    else:
        item["cost_options"] = []
    item["service_at_locations"] = _hsds_locations(service)
    item["attributes"] = _hsds_attributes(service)
    item["organization"] = organization
    return item


def _hsds_schedules(service: ResourceService) -> list[dict[str, Any]]:
    """Weekly hours as WEEKLY schedules; dated exceptions as one-day schedules."""
    sid = service.uuid
    schedules = []
    weekly = services.weekly_of(service)
    groups: dict[tuple[str, str], list[int]] = {}
    for slot in weekly:
        groups.setdefault((slot.opens, slot.closes), []).append(slot.weekday)
    for (opens, closes), days in sorted(groups.items()):
        byday = ",".join(hours_mod.HSDS_DAYS[d] for d in sorted(days))
        schedules.append(
            {
                "id": stable_id(sid, "weekly", opens, closes),
                "service_id": sid,
                "freq": "WEEKLY",
                "byday": byday,
                "opens_at": opens,
                "closes_at": closes,
            }
        )
    for exc in services.exceptions_of(service):
        entry: dict[str, Any] = {
            "id": stable_id(sid, "exception", exc.on.isoformat()),
            "service_id": sid,
            "valid_from": exc.on.isoformat(),
            "valid_to": exc.on.isoformat(),
        }
        if exc.closed:
            entry["description"] = "Closed"
        else:
            entry["opens_at"], entry["closes_at"] = exc.opens, exc.closes
        schedules.append(entry)
    return schedules


def _hsds_locations(service: ResourceService) -> list[dict[str, Any]]:
    """The address and accessibility as one service_at_location with its location."""
    sid, org = service.uuid, service.organization
    locations = []
    if service.address or service.accessibility:
        lid = stable_id(sid, "location")
        location: dict[str, Any] = {
            "id": lid,
            "location_type": "physical",
            "organization_id": org.uuid,
            "name": service.name,
            "addresses": [],
            "accessibility": [],
        }
        if service.address:
            location["addresses"].append(
                {
                    "id": stable_id(sid, "address"),
                    "location_id": lid,
                    "address_1": service.address,
                    "city": service.city,
                    "state_province": service.region,
                    "postal_code": service.postal_code,
                    "country": service.country,
                    "address_type": "physical",
                }
            )
        if service.accessibility:
            location["accessibility"].append(
                {
                    "id": stable_id(sid, "accessibility"),
                    "location_id": lid,
                    "description": service.accessibility,
                }
            )
        locations.append(
            {
                "id": stable_id(sid, "service_at_location"),
                "service_id": sid,
                "location_id": lid,
                "location": location,
            }
        )
    return locations


def _hsds_attributes(service: ResourceService) -> list[dict[str, Any]]:
    """Categories (and the crisis / verify-locally flags) as taxonomy attributes."""
    sid = service.uuid
    attributes = []
    for category in sorted(service.categories, key=lambda c: c.slug):
        term = _category_term(category)
        attributes.append(
            {
                "id": stable_id(sid, "category", term["id"]),
                "link_id": sid,
                "link_type": "category",
                "link_entity": "service",
                "taxonomy_term_id": term["id"],
                "taxonomy_term": term,
            }
        )
    for flag, code, name in (
        (service.crisis, CRISIS_CODE, "Crisis resource"),
        (service.verify_locally, VERIFY_LOCALLY_CODE, "Verify locally"),
    ):
        if flag:
            term = _flag_term(code, name)
            attributes.append(
                {
                    "id": stable_id(sid, "flag", code),
                    "link_id": sid,
                    "link_type": "flag",
                    "link_entity": "service",
                    "taxonomy_term_id": term["id"],
                    "value": "true",
                    "taxonomy_term": term,
                }
            )
    return attributes


def export_hsds_json() -> bytes:
    """Every service as a JSON list of full HSDS 3.0 service objects."""
    data = [service_to_hsds(service) for service in _all_services()]
    return (json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()


PACKAGE_TABLES = (
    "organization",
    "service",
    "phone",
    "schedule",
    "language",
    "location",
    "address",
    "accessibility",
    "service_at_location",
    "cost_option",
    "taxonomy",
    "taxonomy_term",
    "attribute",
)


def datapackage() -> dict[str, Any]:
    """The official HSDS datapackage.json descriptor."""
    return json.loads((DATA_DIR / "hsds" / "datapackage.json").read_text(encoding="utf-8"))


def _flatten(items: Iterable[dict[str, Any]]) -> dict[str, dict[str, dict[str, Any]]]:
    tables: dict[str, dict[str, dict[str, Any]]] = {name: {} for name in PACKAGE_TABLES}
    taxonomies = {LOCAL: "Local categories", OPEN_ELIGIBILITY: "Open Eligibility"}
    for item in items:
        org = item["organization"]
        tables["organization"][org["id"]] = org
        tables["service"][item["id"]] = {
            k: v for k, v in item.items() if not isinstance(v, list | dict)
        }
        for phone in item["phones"]:
            tables["phone"][phone["id"]] = phone
        for schedule in item["schedules"]:
            tables["schedule"][schedule["id"]] = schedule
        for language in item["languages"]:
            tables["language"][language["id"]] = language
        for cost in item["cost_options"]:
            tables["cost_option"][cost["id"]] = cost
        for sal in item["service_at_locations"]:
            location = sal["location"]
            tables["service_at_location"][sal["id"]] = {
                k: v for k, v in sal.items() if k != "location"
            }
            tables["location"][location["id"]] = {
                k: v for k, v in location.items() if not isinstance(v, list)
            }
            for address in location["addresses"]:
                tables["address"][address["id"]] = address
            for access in location["accessibility"]:
                tables["accessibility"][access["id"]] = access
        for attribute in item["attributes"]:
            term = dict(attribute["taxonomy_term"])
            if term.get("taxonomy") in taxonomies:
                taxonomy_id = stable_id("taxonomy", term["taxonomy"])
                term["taxonomy_id"] = taxonomy_id
                tables["taxonomy"][taxonomy_id] = {
                    "id": taxonomy_id,
                    "name": taxonomies[term["taxonomy"]],
                    "description": taxonomies[term["taxonomy"]],
                }
            tables["taxonomy_term"][term["id"]] = term
            tables["attribute"][attribute["id"]] = {
                k: v for k, v in attribute.items() if k != "taxonomy_term"
            }
    return tables


def export_hsds_csv() -> bytes:
    """Every service as an HSDS 3.0 tabular data package (zip of CSVs plus datapackage.json)."""
    descriptor = datapackage()
    tables = _flatten(service_to_hsds(s) for s in _all_services())
    resources = [r for r in descriptor["resources"] if r["name"] in PACKAGE_TABLES]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for resource in resources:
            columns = [f["name"] for f in resource["schema"]["fields"]]
            # Text cells are formula-safe (kiosk.csvsafe); typed cells (numbers, dates) cannot
            # hold a formula and must stay valid for their type.
            text_columns = {
                f["name"] for f in resource["schema"]["fields"] if f.get("type") == "string"
            }
            text = io.StringIO()
            writer = csv.DictWriter(
                text, fieldnames=columns, lineterminator="\n", extrasaction="ignore"
            )
            writer.writeheader()
            # Rows in service order (services sorted by id), so a service's languages keep
            # their order through export and import.
            for row in tables[resource["name"]].values():
                writer.writerow(
                    {
                        k: neutralize(v) if k in text_columns and isinstance(v, str) else v
                        for k, v in row.items()
                    }
                )
            _write(archive, resource["path"], text.getvalue().encode("utf-8"))
        package = {**descriptor, "resources": resources}
        _write(
            archive,
            "datapackage.json",
            (json.dumps(package, indent=2, ensure_ascii=False) + "\n").encode(),
        )
    return out.getvalue()


def _write(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    # A fixed date keeps the zip byte-for-byte identical between exports of the same data.
    info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, data)


def export(kind: str) -> bytes:
    """Export every service in one of FORMATS."""
    if kind == "csv":
        return export_simple_csv()
    if kind == "hsds-json":
        return export_hsds_json()
    if kind == "hsds-csv":
        return export_hsds_csv()
    raise ValueError(kind)
