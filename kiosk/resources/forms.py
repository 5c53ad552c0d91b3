"""Forms for the kiosk lookup, staff upkeep and imports."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

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


class ServiceForm(FlaskForm):
    """Everything staff keep about one service; checked by services.parse_input."""

    name = StringField(_l("Service name"))
    organization_name = StringField(_l("Organization"))
    description = TextAreaField(_l("What it is for"))
    phone = StringField(_l("Phone (call)"))
    text_phone = StringField(_l("Phone (text messages)"))
    website = StringField(_l("Website"))
    email = StringField(_l("Email"))
    address = StringField(_l("Street address"))
    city = StringField(_l("City"))
    region = StringField(_l("State or region"))
    postal_code = StringField(_l("Postal code"))
    hours = TextAreaField(_l("Weekly hours"))
    hours_exceptions = TextAreaField(_l("Dated exceptions"))
    cost = SelectField(_l("Cost"), choices=COST_CHOICES, validate_choice=False)
    cost_note = StringField(_l("About the cost"))
    eligibility = TextAreaField(_l("Who can use it"))
    languages = StringField(_l("Languages"))
    accessibility = TextAreaField(_l("Accessibility"))
    staff_notes = TextAreaField(_l("Notes for staff (never shown to attendees)"))
    crisis = BooleanField(_l("Crisis resource (always listed first)"))
    verify_locally = BooleanField(_l("Needs local verification"))
    status = SelectField(_l("Status"), choices=STATUS_CHOICES, validate_choice=False)


def category_choices(locale: str) -> list[tuple[str, str]]:
    """Shipped categories as (slug, name) pairs in the display language."""
    return [(c.slug, c.name_es if locale.startswith("es") else c.name) for c in CATEGORIES]


class ImportForm(FlaskForm):
    """An import file (CSV template, HSDS JSON, or an HSDS CSV package zip)."""

    file = FileField(_l("File to import"))
