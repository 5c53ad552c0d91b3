"""A service's fields, declared once.

Everything that lists a service's fields reads this tuple: the text form of a service and of an
input (``text_of_service`` / ``text_of_input``, used for diffs, the audit trail and the import
preview), the columns copied onto ``ResourceService``, the validation rules and limits, the
allowed values of a choice (and so the database's CHECK constraints), the simple CSV columns, the
staff edit form (which fields, in which place, with which widget, label and hint) and the import
preview's field names. The model and the ``ServiceInput`` dataclass stay written out (mypy and
Alembic need them spelled); ``tests/resources/test_fields.py`` checks both, and the form,
against this declaration.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from flask_babel import lazy_gettext as _l

from . import hours as hours_mod

if TYPE_CHECKING:
    from .models import ResourceService
    from .validation import ServiceInput


@dataclass(frozen=True)
class ServiceField:
    """One field of a service, as staff, the kiosk and the interchange formats see it.

    ``name`` is the text key (form field, CSV template name, audit trail); ``attr`` the
    ``ServiceInput`` attribute when it differs (``hours`` is read into ``weekly``). ``kind``
    picks the validation rule (``validation._checks``), the text form (``as_text``) and the edit
    form's widget (``forms._unbound``).
    """

    name: str
    label: Any
    kind: str = "text"  # text | uuid | phone | url | email | choice | bool | date | languages ...
    csv: str = ""  # the simple CSV column ("" = the same as name)
    attr: str = ""  # the ServiceInput attribute ("" = the same as name)
    limit: int = 500  # the longest stored text (at most its column's length; a test checks)
    required: bool = False
    column: bool = True  # stored in the ResourceService column of the same attribute name
    organization: str = ""  # stored on the organization under this attribute instead
    public: bool = True  # attendees see it (staff-only fields are marked False)
    hsds: bool = True  # travels in HSDS 3.0 (not the Spanish text, nor who verified a listing)
    audited: bool = True  # compared for the audit trail and the import preview
    optional_in_import: bool = False  # a file without this column leaves the stored value
    # A choice's (value, label)s: the form's options, validation's and the CHECK's values. The
    # first is the default.
    choices: tuple[tuple[str, Any], ...] = ()
    part_of: str = ""  # a part of that field (the address): needed when that field is filled
    spanish_of: str = ""  # the Spanish text of that field (the Spanish kiosk shows it)
    # Its place on the staff edit form (0: not on it; an edit keeps what is stored) and the hint
    # shown under its label there.
    form: int = 0
    hint: Any = ""

    @property
    def column_name(self) -> str:
        """The simple CSV column."""
        return self.csv or self.name

    @property
    def input_attr(self) -> str:
        """The ServiceInput attribute."""
        return self.attr or self.name

    @property
    def values(self) -> tuple[str, ...]:
        """A choice's allowed values (the form, validation and the CHECK constraint read these)."""
        return tuple(value for value, _label in self.choices)


COST_CHOICES = (
    ("", _l("Not known")),
    ("free", _l("Free")),
    ("sliding", _l("Sliding scale")),
    ("fee", _l("Fee")),
)
STATUS_CHOICES = (
    ("active", _l("Active (shown at the kiosk)")),
    ("inactive", _l("Inactive (hidden)")),
)


FIELDS: tuple[ServiceField, ...] = (
    ServiceField(
        "uuid", _l("Id"), "uuid", csv="id", limit=36, column=False, audited=False, public=False
    ),
    ServiceField(
        "organization_name",
        _l("Organization"),
        csv="organization",
        limit=200,
        required=True,
        column=False,
        organization="name",
        form=3,
    ),
    ServiceField("name", _l("Service name"), limit=200, required=True, form=1),
    ServiceField("description", _l("What it is for"), "longtext", limit=4000, form=4),
    ServiceField("categories", _l("Categories"), "categories", column=False, form=6),
    ServiceField(
        "phone",
        _l("Phone (call)"),
        "phone",
        limit=40,
        form=7,
        hint=_l("Numbers are stored in international form, e.g. +12025550123."),
    ),
    ServiceField("text_phone", _l("Phone (text messages)"), "phone", csv="text", limit=40, form=8),
    ServiceField("website", _l("Website"), "url", form=9),
    ServiceField("email", _l("Email"), "email", limit=254, form=10),
    ServiceField("address", _l("Street address"), limit=200, form=11),
    ServiceField("city", _l("City"), limit=100, part_of="address", form=12),
    ServiceField("region", _l("State or region"), limit=100, part_of="address", form=13),
    ServiceField("postal_code", _l("Postal code"), limit=20, part_of="address", form=14),
    ServiceField("country", _l("Country"), "country", limit=2),
    ServiceField(
        "hours",
        _l("Weekly hours"),
        "hours",
        attr="weekly",
        column=False,
        form=15,
        hint=_l(
            "One line per group, e.g. “Mon-Fri 09:00-17:00”, “Fri,Sat 22:00-06:00” (past "
            "midnight) or “24/7”. Leave empty if unknown."
        ),
    ),
    ServiceField(
        "hours_exceptions",
        _l("Dated exceptions"),
        "exceptions",
        attr="exceptions",
        column=False,
        form=16,
        hint=_l("One line per date, e.g. “2026-12-25 closed” or “2026-12-24 09:00-12:00”."),
    ),
    ServiceField("cost", _l("Cost"), "choice", limit=10, choices=COST_CHOICES, form=17),
    ServiceField("cost_note", _l("About the cost"), limit=1000, form=18),
    ServiceField("eligibility", _l("Who can use it"), "longtext", limit=2000, form=19),
    # Stored as one comma-separated column, so the joined codes are held to its length.
    ServiceField(
        "languages",
        _l("Languages"),
        "languages",
        limit=200,
        form=20,
        hint=_l("Language codes separated by commas, e.g. en, es, vi."),
    ),
    ServiceField("accessibility", _l("Accessibility"), "longtext", limit=2000, form=21),
    # Place 22 on the form is the staff notes (forms.STAFF_NOTES_PLACE): not a field of this
    # tuple, as they are never exported nor compared by an import.
    ServiceField("crisis", _l("Crisis resource (always listed first)"), "bool", form=23),
    ServiceField("verify_locally", _l("Needs local verification"), "bool", form=24),
    ServiceField("status", _l("Status"), "choice", limit=12, choices=STATUS_CHOICES, form=25),
    ServiceField(
        "last_verified", _l("Last verified"), "date", attr="verified_on", public=False, limit=10
    ),
    # HSDS 3.0 names no one who verified a listing, so an HSDS import leaves the stored name.
    ServiceField(
        "verified_by",
        _l("Verified by"),
        limit=64,
        public=False,
        hsds=False,
        optional_in_import=True,
    ),
    ServiceField(
        "organization_uuid",
        _l("Organization id"),
        "uuid",
        csv="organization_id",
        limit=36,
        column=False,
        organization="uuid",
        audited=False,
        public=False,
    ),
    ServiceField(
        "organization_description",
        _l("About the organization"),
        "longtext",
        limit=4000,
        column=False,
        organization="description",
    ),
    ServiceField(
        "organization_website",
        _l("Organization website"),
        "url",
        column=False,
        organization="website",
    ),
    ServiceField(
        "organization_email",
        _l("Organization email"),
        "email",
        limit=254,
        column=False,
        organization="email",
    ),
    # The Spanish kiosk shows these when filled, the English text otherwise. HSDS 3.0 has no
    # per-language fields, so they travel only in the simple CSV; a file without the column
    # (any HSDS file, an older CSV) leaves what staff wrote.
    ServiceField(
        "name_es",
        _l("Service name in Spanish"),
        limit=200,
        hsds=False,
        optional_in_import=True,
        spanish_of="name",
        form=2,
        hint=_l("Shown on the Spanish kiosk. Leave empty to show the English name there."),
    ),
    ServiceField(
        "description_es",
        _l("What it is for, in Spanish"),
        "longtext",
        limit=4000,
        hsds=False,
        optional_in_import=True,
        spanish_of="description",
        form=5,
        hint=_l("Shown on the Spanish kiosk. Leave empty to show the English text there."),
    ),
)

BY_NAME = {f.name: f for f in FIELDS}
CSV_COLUMNS = tuple(f.column_name for f in FIELDS)
CSV_TO_NAME = {f.column_name: f.name for f in FIELDS if f.column_name != f.name}
NAME_TO_CSV = {name: column for column, name in CSV_TO_NAME.items()}
AUDITED = tuple(f for f in FIELDS if f.audited)
# Stored in a ResourceService column of the same name (``column_values``).
COLUMNS = tuple(f for f in FIELDS if f.column)
# What an input says about its organization (its id is how it is looked up, not a detail).
ORGANIZATION = tuple(f for f in FIELDS if f.organization and f.kind != "uuid")
# The staff edit form's fields, in their places.
ON_FORM = tuple(sorted((f for f in FIELDS if f.form), key=lambda f: f.form))
# Spanish versions of attendee-facing text: English field -> Spanish field.
SPANISH = {f.spanish_of: f.name for f in FIELDS if f.spanish_of}


def label(name: str) -> Any:
    """A field's label for staff (the import preview, the audit trail)."""
    found = BY_NAME.get(name)
    return found.label if found else name


_AS_TEXT: dict[str, Any] = {
    "bool": lambda v: "yes" if v else "no",
    "date": lambda v: v.isoformat(),
    "hours": hours_mod.format_weekly,
    "exceptions": hours_mod.format_exceptions,
    "categories": lambda v: ";".join(sorted(v)),
    "languages": ",".join,
}
# How a kind that is not stored as is goes into its column.
_TO_COLUMN: dict[str, Any] = {"languages": ",".join}


def as_text(kind: str, value: Any) -> str:
    """A field's value as the text the CSV template and the edit form use."""
    if value is None:
        return ""
    return str(_AS_TEXT.get(kind, str)(value))


def stored_value(spec: ServiceField, service: ResourceService) -> Any:
    """A field's value on a stored service, as the ``ServiceInput`` attribute holds it."""
    if spec.organization:
        org = service.organization
        return getattr(org, spec.organization) if org else ""
    if spec.kind == "categories":
        return [c.slug for c in service.categories]
    if spec.kind == "hours":
        return [hours_mod.WeeklySlot(h.weekday, h.opens, h.closes) for h in service.hours]
    if spec.kind == "exceptions":
        return [
            hours_mod.DatedException(e.on, e.closed, e.opens, e.closes) for e in service.exceptions
        ]
    if spec.kind == "languages":
        return [code for code in service.languages.split(",") if code]
    return getattr(service, spec.input_attr)


def text_of_service(
    service: ResourceService, specs: tuple[ServiceField, ...] = AUDITED
) -> dict[str, str]:
    """Every audited value (or those of ``specs``) of a stored service as text.

    The audited ones are what diffs and the audit trail compare; all of FIELDS is a CSV row.
    """
    return {f.name: as_text(f.kind, stored_value(f, service)) for f in specs}


def text_of_input(data: ServiceInput) -> dict[str, str]:
    """The same text view of an input; a field the input leaves alone (None) is left out."""
    values = {}
    for spec in AUDITED:
        value = getattr(data, spec.input_attr)
        if value is not None:
            values[spec.name] = as_text(spec.kind, value)
    return values


def column_values(data: ServiceInput, new: bool = False) -> dict[str, Any]:
    """The ResourceService columns an input sets, by attribute name.

    A value the input leaves alone (None: an import without that column, no verification date)
    is left out, so the stored one stays; for a ``new`` row it is stored as None, or empty for
    a text an import may leave out.
    """
    values = {}
    for spec in COLUMNS:
        value = getattr(data, spec.input_attr)
        if value is None:
            if not new:
                continue
            value = "" if spec.optional_in_import else None
        values[spec.input_attr] = to_column(spec, value)
    return values


def to_column(spec: ServiceField, value: Any) -> Any:
    """A field's value as its ResourceService column holds it (languages: joined by commas)."""
    convert = _TO_COLUMN.get(spec.kind)
    return convert(value) if convert else value


def organization_values(data: ServiceInput) -> dict[str, str]:
    """The organization's details an input gives, by Organization attribute.

    An empty one is left out: the stored detail stays (a file may name the organization only).
    The name is required, so it is always there.
    """
    return {
        spec.organization: getattr(data, spec.input_attr)
        for spec in ORGANIZATION
        if getattr(data, spec.input_attr)
    }


def differences(before: dict[str, str], after: dict[str, str]) -> list[str]:
    """Names of the fields ``after`` sets to another value than ``before``, in field order."""
    return [f.name for f in AUDITED if f.name in after and before.get(f.name, "") != after[f.name]]
