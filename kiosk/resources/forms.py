"""Forms for the kiosk lookup, staff upkeep and imports."""

from __future__ import annotations

from functools import partial
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


# The staff notes' place among the service's fields (fields.FIELDS declares theirs): they are
# not one of those fields, as they are never exported nor compared by an import.
STAFF_NOTES_PLACE = 22
_TEXT_AREAS = ("longtext", "hours", "exceptions")


def _unbound(spec: fields.ServiceField) -> Any:
    """The edit form's field for a service field: its widget follows from its kind."""
    if spec.kind == "categories":
        # Rendered as checkboxes by the template; validation.parse_input checks the slugs.
        return SelectMultipleField(spec.label, validate_choice=False, description=spec.hint)
    if spec.kind == "choice":
        choices = [SelectChoice(value, label) for value, label in spec.choices]
        return SelectField(
            spec.label, choices=choices, validate_choice=False, description=spec.hint
        )
    if spec.kind == "bool":
        return BooleanField(spec.label, description=spec.hint)
    if spec.kind in _TEXT_AREAS:
        return TextAreaField(spec.label, description=spec.hint)
    return StringField(spec.label, description=spec.hint)


# Kinds whose form data is the stored value itself (a flag, a list of slugs), not its text.
_FORM_DATA = ("bool", "categories")
# Not on the form, and kept from the stored service when it is saved (the organization's fields
# are not: see ServiceForm.to_input).
_KEPT = tuple(f for f in fields.FIELDS if not f.form and not f.organization)


def _text(kind: str, data: Any) -> str:
    """A form field's data as the text validation.parse_input reads."""
    if kind == "bool":
        return "yes" if data else "no"
    if kind == "categories":
        return ";".join(data or [])
    return str(data or "")


class ServiceForm(FlaskForm):
    """Everything staff keep about one service; ``to_input`` checks it (validation.parse_input).

    Its fields are fields.FIELDS' (those with a place on the form, added below in their places,
    with their labels and hints) and the staff notes, so the form, the import preview and the
    audit trail call a field by the same name. The template renders them in that order.
    """

    def fill_from(self, service: Any) -> None:
        """Start the form with a stored service's values."""
        for spec in fields.ON_FORM:
            value = fields.stored_value(spec, service)
            self[spec.name].data = (
                value if spec.kind in _FORM_DATA else fields.as_text(spec.kind, value)
            )
        self["staff_notes"].data = service.staff_notes

    def to_input(
        self, service: Any, country: str, known_categories: set[str]
    ) -> validation.ServiceInput:
        """The checked input for the service (None: a new one); raises InvalidResource.

        What the form does not show (id, verification, country) is kept from the stored
        service: the form cannot change it. The organization's id and details are not: without
        its id the organization is found by the name on the form, and an empty detail leaves
        the stored one.
        """
        raw = {spec.name: _text(spec.kind, self[spec.name].data) for spec in fields.ON_FORM}
        if service is not None:
            raw.update(fields.text_of_service(service, _KEPT))
        return validation.parse_input(raw, country, known_categories)


def _add_fields() -> None:
    # WTForms orders a form's fields by when each was made: make them in their places.
    made = [(spec.form, spec.name, partial(_unbound, spec)) for spec in fields.ON_FORM]
    made.append(
        (
            STAFF_NOTES_PLACE,
            "staff_notes",
            partial(TextAreaField, _l("Notes for staff (never shown to attendees)")),
        )
    )
    for _place, name, make in sorted(made, key=lambda entry: entry[0]):
        setattr(ServiceForm, name, make())


_add_fields()


def category_choices(locale: str) -> list[tuple[str, str]]:
    """Shipped categories as (slug, name) pairs in the display language."""
    return [(c.slug, c.name_es if locale.startswith("es") else c.name) for c in CATEGORIES]


class ImportForm(FlaskForm):
    """An import file (CSV template, HSDS JSON, or an HSDS CSV package zip)."""

    file = FileField(_l("File to import"))
