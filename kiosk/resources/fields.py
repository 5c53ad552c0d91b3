"""A service's fields, declared once.

Everything that lists a service's fields reads this tuple: the text form of a service and of an
input (``text_of_service`` / ``text_of_input``, used for diffs, the audit trail and the import
preview), the columns copied onto ``ResourceService``, the validation limits, the simple CSV
columns, the edit form's labels and the import preview's field names. The model and the
``ServiceInput`` dataclass stay written out (mypy and Alembic need them spelled), and a test
checks both against this declaration.
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
    ``ServiceInput`` attribute when it differs (``hours`` is read into ``weekly``).
    """

    name: str
    label: Any
    kind: str = "text"  # text | uuid | phone | url | email | choice | bool | date | languages ...
    csv: str = ""  # the simple CSV column ("" = the same as name)
    attr: str = ""  # the ServiceInput attribute ("" = the same as name)
    limit: int = 500
    required: bool = False
    column: bool = True  # copied as is onto a ResourceService column of the same attribute name
    organization: str = ""  # stored on the organization under this attribute instead
    public: bool = True  # attendees see it (staff-only fields are marked False)
    hsds: bool = True  # travels in HSDS 3.0 (it has no per-language text: the Spanish does not)
    audited: bool = True  # compared for the audit trail and the import preview
    optional_in_import: bool = False  # a file without this column leaves the stored value

    @property
    def column_name(self) -> str:
        """The simple CSV column."""
        return self.csv or self.name

    @property
    def input_attr(self) -> str:
        """The ServiceInput attribute."""
        return self.attr or self.name


FIELDS: tuple[ServiceField, ...] = (
    ServiceField("uuid", _l("Id"), "uuid", csv="id", column=False, audited=False, public=False),
    ServiceField(
        "organization_name",
        _l("Organization"),
        csv="organization",
        limit=200,
        required=True,
        column=False,
        organization="name",
    ),
    ServiceField("name", _l("Service name"), limit=200, required=True),
    ServiceField("description", _l("What it is for"), "longtext", limit=4000),
    ServiceField("categories", _l("Categories"), "categories", column=False),
    ServiceField("phone", _l("Phone (call)"), "phone"),
    ServiceField("text_phone", _l("Phone (text messages)"), "phone", csv="text"),
    ServiceField("website", _l("Website"), "url"),
    ServiceField("email", _l("Email"), "email"),
    ServiceField("address", _l("Street address"), limit=200),
    ServiceField("city", _l("City"), limit=100),
    ServiceField("region", _l("State or region"), limit=100),
    ServiceField("postal_code", _l("Postal code"), limit=20),
    ServiceField("country", _l("Country"), "country"),
    ServiceField("hours", _l("Weekly hours"), "hours", attr="weekly", column=False),
    ServiceField(
        "hours_exceptions", _l("Dated exceptions"), "exceptions", attr="exceptions", column=False
    ),
    ServiceField("cost", _l("Cost"), "choice"),
    ServiceField("cost_note", _l("About the cost"), limit=1000),
    ServiceField("eligibility", _l("Who can use it"), "longtext", limit=2000),
    ServiceField("languages", _l("Languages"), "languages", column=False),
    ServiceField("accessibility", _l("Accessibility"), "longtext", limit=2000),
    ServiceField("crisis", _l("Crisis resource (always listed first)"), "bool"),
    ServiceField("verify_locally", _l("Needs local verification"), "bool"),
    ServiceField("status", _l("Status"), "choice"),
    ServiceField(
        "last_verified", _l("Last verified"), "date", attr="verified_on", public=False, limit=10
    ),
    ServiceField("verified_by", _l("Verified by"), limit=64, public=False),
    ServiceField(
        "organization_uuid",
        _l("Organization id"),
        "uuid",
        csv="organization_id",
        column=False,
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
        "organization_email", _l("Organization email"), "email", column=False, organization="email"
    ),
    # The Spanish kiosk shows these when filled, the English text otherwise. HSDS 3.0 has no
    # per-language fields, so they travel only in the simple CSV; a file without the column
    # (any HSDS file, an older CSV) leaves what staff wrote.
    ServiceField(
        "name_es", _l("Service name in Spanish"), limit=200, hsds=False, optional_in_import=True
    ),
    ServiceField(
        "description_es",
        _l("What it is for, in Spanish"),
        "longtext",
        limit=4000,
        hsds=False,
        optional_in_import=True,
    ),
)

BY_NAME = {f.name: f for f in FIELDS}
CSV_COLUMNS = tuple(f.column_name for f in FIELDS)
CSV_TO_NAME = {f.column_name: f.name for f in FIELDS if f.column_name != f.name}
NAME_TO_CSV = {name: column for column, name in CSV_TO_NAME.items()}
AUDITED = tuple(f for f in FIELDS if f.audited)
# Plain columns copied from a ServiceInput onto a ResourceService.
COPIED = tuple(f.input_attr for f in FIELDS if f.column and f.kind != "uuid")
LIMITS = {f.name: f.limit for f in FIELDS}
# Spanish versions of attendee-facing text: English field -> Spanish field.
SPANISH = {"name": "name_es", "description": "description_es"}


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


def as_text(kind: str, value: Any) -> str:
    """A field's value as the text the CSV template and the edit form use."""
    if value is None:
        return ""
    return str(_AS_TEXT.get(kind, str)(value))


def _stored(spec: ServiceField, service: ResourceService) -> Any:
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


def text_of_service(service: ResourceService) -> dict[str, str]:
    """Every audited value of a stored service as text (for diffs and the audit trail)."""
    return {f.name: as_text(f.kind, _stored(f, service)) for f in AUDITED}


def text_of_input(data: ServiceInput) -> dict[str, str]:
    """The same text view of an input; a field the input leaves alone (None) is left out."""
    values = {}
    for spec in AUDITED:
        value = getattr(data, spec.input_attr)
        if value is not None:
            values[spec.name] = as_text(spec.kind, value)
    return values


def differences(before: dict[str, str], after: dict[str, str]) -> list[str]:
    """Names of the fields ``after`` sets to another value than ``before``, in field order."""
    return [f.name for f in AUDITED if f.name in after and before.get(f.name, "") != after[f.name]]
