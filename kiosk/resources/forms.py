"""Forms for the kiosk lookup, staff upkeep and imports."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from . import fields, validation
from .categories import CATEGORIES


class LookupForm(FlaskForm):
    """The kiosk's search box and filters (sent by POST, never in a URL)."""

    q = StringField(_l("Search"), validators=[Optional()])
    category = StringField(validators=[Optional()])
    browse = StringField(validators=[Optional()])
    language = SelectField(_l("Language"), validators=[Optional()], validate_choice=False)
    free = BooleanField(_l("Free only"))
    open_now = BooleanField(_l("Open now"))


COST_CHOICES = [
    SelectChoice("", _l("Not known")),
    SelectChoice("free", _l("Free")),
    SelectChoice("sliding", _l("Sliding scale")),
    SelectChoice("fee", _l("Fee")),
]
STATUS_CHOICES = [
    SelectChoice("active", _l("Active (shown at the kiosk)")),
    SelectChoice("inactive", _l("Inactive (hidden)")),
]


def _label(name: str) -> Any:
    return fields.BY_NAME[name].label


class ServiceForm(FlaskForm):
    """Everything staff keep about one service; ``to_input`` checks it (validation.parse_input).

    Labels come from fields.FIELDS, so the form, the import preview and the audit trail call a
    field by the same name.
    """

    name = StringField(_label("name"))
    name_es = StringField(_label("name_es"))
    organization_name = StringField(_label("organization_name"))
    description = TextAreaField(_label("description"))
    description_es = TextAreaField(_label("description_es"))
    categories = SelectMultipleField(_label("categories"), validate_choice=False)
    phone = StringField(_label("phone"))
    text_phone = StringField(_label("text_phone"))
    website = StringField(_label("website"))
    email = StringField(_label("email"))
    address = StringField(_label("address"))
    city = StringField(_label("city"))
    region = StringField(_label("region"))
    postal_code = StringField(_label("postal_code"))
    hours = TextAreaField(_label("hours"))
    hours_exceptions = TextAreaField(_label("hours_exceptions"))
    cost = SelectField(_label("cost"), choices=COST_CHOICES, validate_choice=False)
    cost_note = StringField(_label("cost_note"))
    eligibility = TextAreaField(_label("eligibility"))
    languages = StringField(_label("languages"))
    accessibility = TextAreaField(_label("accessibility"))
    staff_notes = TextAreaField(_l("Notes for staff (never shown to attendees)"))
    crisis = BooleanField(_label("crisis"))
    verify_locally = BooleanField(_label("verify_locally"))
    status = SelectField(_label("status"), choices=STATUS_CHOICES, validate_choice=False)

    # Fields whose text is not typed in a box of the same name.
    _NOT_TEXT = ("csrf_token", "crisis", "verify_locally", "categories", "staff_notes")

    def fill_from(self, service: Any) -> None:
        """Start the form with a stored service's values."""
        values = fields.text_of_service(service)
        for name in self.data:
            if name in values and name not in self._NOT_TEXT:
                self[name].data = values[name]
        self.categories.data = [c.slug for c in service.categories]
        self.crisis.data = service.crisis
        self.verify_locally.data = service.verify_locally
        self.staff_notes.data = service.staff_notes

    def to_input(
        self, service: Any, country: str, known_categories: set[str]
    ) -> validation.ServiceInput:
        """The checked input for the service (None: a new one); raises InvalidResource.

        What the form does not show (id, verification, country) is kept from the stored
        service: the form cannot change it.
        """
        raw = {
            name: str(value or "")
            for name, value in self.data.items()
            if name not in self._NOT_TEXT
        }
        raw["crisis"] = "yes" if self.crisis.data else "no"
        raw["verify_locally"] = "yes" if self.verify_locally.data else "no"
        raw["categories"] = ";".join(self.categories.data or [])
        if service is not None:
            raw["organization_uuid"] = ""
            raw["last_verified"] = service.verified_on.isoformat() if service.verified_on else ""
            raw["verified_by"] = service.verified_by
            raw["uuid"] = service.uuid
            raw["country"] = service.country  # an imported listing may be in another country
        return validation.parse_input(raw, country, known_categories)


def category_choices(locale: str) -> list[tuple[str, str]]:
    """Shipped categories as (slug, name) pairs in the display language."""
    return [(c.slug, c.name_es if locale.startswith("es") else c.name) for c in CATEGORIES]


class ImportForm(FlaskForm):
    """An import file (CSV template, HSDS JSON, or an HSDS CSV package zip)."""

    file = FileField(_l("File to import"))
