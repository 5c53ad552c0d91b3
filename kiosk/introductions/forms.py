"""Forms: the kiosk's "Meet a peer" steps, "Check my request", the roster and staff actions."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..signin.forms import NO_MEMORY
from . import services


class MeetForm(FlaskForm):
    """One step of "Meet a peer".

    Privacy: the answers so far ride along in hidden fields of this one form (as at sign-in), not
    in the session cookie, the URL or the server: when the screen resets they are gone for good,
    and nothing is stored until the person sends the request on the consent screen.
    """

    step = HiddenField()
    token = HiddenField()
    language = HiddenField()
    gender = HiddenField()
    age_band = HiddenField()
    format = HiddenField()
    topics = HiddenField()
    reach = HiddenField()
    code_ref = HiddenField()
    first_name = StringField(
        _l("First name or nickname"),
        validators=[Length(max=services.FIRST_NAME_MAX)],
        render_kw={**NO_MEMORY, "maxlength": str(services.FIRST_NAME_MAX)},
    )
    contact = StringField(
        _l("Your first name and a phone number or email"),
        validators=[Length(max=services.CONTACT_MAX)],
        render_kw={**NO_MEMORY, "maxlength": str(services.CONTACT_MAX)},
    )
    code = StringField(
        _l("Your visitor code"),
        validators=[Length(max=80)],
        render_kw={**NO_MEMORY, "maxlength": "80"},
    )
    consent = BooleanField(_l("I agree. Please pass on my request."))
    go = HiddenField()


class CheckForm(FlaskForm):
    """ "Check my request": the code, then a signed reference to it for the actions."""

    code = StringField(
        _l("Your visitor code"),
        validators=[Length(max=80)],
        render_kw={**NO_MEMORY, "maxlength": "80"},
    )
    code_ref = HiddenField()
    go = HiddenField()


class ActForm(FlaskForm):
    """A staff button: which action, on which version of the introduction."""

    go = HiddenField()
    version = HiddenField()
    peer_id = HiddenField()
    meeting_note = StringField(_l("Where to meet (shown to the person once both said yes)"))


class _Checkboxes(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class PeerForm(FlaskForm):
    """A roster entry. Everything self-described is optional."""

    display_name = StringField(
        _l("Display name or alias"), validators=[DataRequired(), Length(max=60)]
    )
    user_id = SelectField(_l("Linked peer login"), coerce=int, choices=[], validators=[Optional()])
    languages = _Checkboxes(_l("Languages"), choices=[])
    formats = _Checkboxes(_l("Formats offered"), choices=[])
    age_band = SelectField(_l("Age band (optional)"), choices=[], validators=[Optional()])
    gender = SelectField(
        _l("Gender, as they describe it (optional)"), choices=[], validators=[Optional()]
    )
    community = StringField(
        _l("Culture or community, in their words (optional)"), validators=[Length(max=120)]
    )
    topics = _Checkboxes(_l("Lived-experience topics (optional)"), choices=[])
    capacity = IntegerField(
        _l("Most introductions at once"), default=3, validators=[NumberRange(min=1, max=20)]
    )
    trained_on = DateField(_l("Training completed"), validators=[Optional()])
    refresher_due = DateField(
        _l("Safety refresher due (empty: a year after training)"), validators=[Optional()]
    )
    conduct_accepted_on = DateField(_l("Code of conduct accepted"), validators=[Optional()])
    last_supervision_on = DateField(_l("Last supervision or debrief"), validators=[Optional()])
    paused = BooleanField(_l("Paused (self-care)"))
    on_duty = BooleanField(_l("On duty today"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user_id.choices = [(0, str(_l("Not linked"))), *services.peer_accounts()]
        self.age_band.choices = [("", str(_l("Not given"))), *services.AGE_BANDS]
        self.gender.choices = [
            ("", str(_l("Not given"))),
            *((value, str(label)) for value, label in services.GENDER_CHOICES),
        ]
        self.topics.choices = [(t, t) for t in services.topic_list()]
        self.languages.choices = list(services.LANGUAGE_CHOICES)
        self.formats.choices = [(value, str(label)) for value, label in services.FORMAT_CHOICES]
