"""Checking a service's input: text in, a ``ServiceInput`` of plain values out, or named errors.

One rule per kind of field (``fields.FIELDS`` says which field is which kind), so the edit form,
the simple CSV and HSDS rows are all checked the same way. Nothing here touches the database.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from babel import Locale, UnknownLocaleError
from flask_babel import lazy_gettext as _l

from . import hours as hours_mod
from .fields import BY_NAME, FIELDS, ServiceField, to_column

# The allowed values, as declared with their labels in fields.FIELDS (kiosk/checks.py builds the
# database's CHECK constraints from these). A cost of "" is "not known".
COSTS = tuple(value for value in BY_NAME["cost"].values if value)
STATUSES = BY_NAME["status"].values
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_SHORT_NUMBER_RE = re.compile(r"^\d{3,6}$")
_UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


class InvalidResource(ValueError):
    """Input for a service that cannot be saved; ``errors`` maps field name to an error code."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(", ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


@dataclass
class ServiceInput:
    """A service as plain, already validated values (from a form, a CSV row or HSDS).

    One attribute per entry of ``fields.FIELDS`` (a test checks they agree). ``None`` in a
    Spanish field or in ``verified_by`` means "the file did not say" (HSDS has neither): the
    stored text is kept.
    """

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
    verified_by: str | None = None
    name_es: str | None = None
    description_es: str | None = None


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


def yes_no(raw: str) -> bool:
    """A yes/no cell (also "sí", "true", "1"...), or ValueError."""
    text = raw.strip().lower()
    if text in ("yes", "y", "true", "1", "si", "sí"):
        return True
    if text in ("", "no", "n", "false", "0"):
        return False
    raise ValueError("yes_no")


def _check_uuid(raw: str) -> str:
    value = raw.strip().lower()
    if value and not _UUID_RE.match(value):
        raise ValueError("uuid")
    return value


def _check_choice(spec: ServiceField) -> Callable[[str], str]:
    """One of the declared values (blank: the first); the error code is the field's name."""

    allowed, code = spec.values, spec.name

    def check(raw: str) -> str:
        value = (raw or allowed[0]).strip().lower()
        if value not in allowed:
            raise ValueError(code)
        return value

    return check


def _check_date(raw: str) -> date | None:
    text = raw.strip()
    try:
        return date.fromisoformat(text) if text else None
    except ValueError as exc:
        raise ValueError("date") from exc


def _checks(country: str, known_categories: set[str]) -> dict[str, Callable[[str], Any]]:
    """One rule per kind of field (text kinds are checked for length in parse_input)."""

    def categories(raw: str) -> list[str]:
        slugs = [s.strip() for s in re.split(r"[;,]", raw) if s.strip()]
        if any(slug not in known_categories for slug in slugs):
            raise ValueError("category")
        return list(dict.fromkeys(slugs))

    def weekly(raw: str) -> list[hours_mod.WeeklySlot]:
        try:
            return hours_mod.parse_weekly(raw)
        except hours_mod.HoursError as exc:
            raise ValueError("hours") from exc

    def exceptions(raw: str) -> list[hours_mod.DatedException]:
        try:
            return hours_mod.parse_exceptions(raw)
        except hours_mod.HoursError as exc:
            raise ValueError("exceptions") from exc

    return {
        "uuid": _check_uuid,
        "phone": lambda v: normalize_phone(v, country),
        "url": check_url,
        "email": check_email,
        "languages": check_languages,
        "hours": weekly,
        "exceptions": exceptions,
        "bool": yes_no,
        "date": _check_date,
        "categories": categories,
        "country": lambda v: (v or country).strip().upper()[:2],
    }


# Each field with its ServiceInput attribute and, for a choice, its rule (made once).
_PLAN = tuple(
    (spec, spec.input_attr, _check_choice(spec) if spec.kind == "choice" else None)
    for spec in FIELDS
)
# The parts of a whole (city, region and postal code of the address) and the whole's attribute.
_PARTS = tuple((spec, BY_NAME[spec.part_of].input_attr) for spec in FIELDS if spec.part_of)


def parse_input(raw: dict[str, str], country: str, known_categories: set[str]) -> ServiceInput:
    """Validate text fields into a ServiceInput; raises InvalidResource naming every bad field."""
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    checks = _checks(country, known_categories)
    for spec, attr, choice in _PLAN:
        given = raw.get(spec.name)
        if given is None and spec.optional_in_import:
            continue  # not in this file: keep what is stored (ServiceInput's None)
        text = given or ""
        check = choice or checks.get(spec.kind)
        if check is not None:
            try:
                values[attr] = value = check(text)
            except ValueError as exc:
                errors[spec.name] = str(exc)
                continue
            stored = to_column(spec, value) if spec.column else None
            if isinstance(stored, str) and len(stored) > spec.limit:
                errors[spec.name] = "too_long"  # held to its column (the languages' codes)
            continue
        value = text.strip()
        if spec.required and not value:
            errors[spec.name] = "required"
        elif len(value) > spec.limit:
            errors[spec.name] = "too_long"
        values[attr] = value
    for spec, whole in _PARTS:
        # HSDS (and anyone finding the place) needs the whole address, not only the street.
        if values.get(whole) and not values.get(spec.input_attr):
            errors.setdefault(spec.name, "address_part")
    if errors:
        raise InvalidResource(errors)
    return ServiceInput(**values)
