"""Forms for sessions, the console (walk-in, tally, notes) and removal."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from .models import Format, IncidentOutcome, Visit


def format_choices() -> list[tuple[str, str]]:
    """Session formats as (value, label)."""
    return [
        (Format.IN_PERSON.value, str(_l("In person"))),
        (Format.ONLINE.value, str(_l("Online"))),
        (Format.HYBRID.value, str(_l("Hybrid"))),
    ]


def visit_choices() -> list[tuple[str, str]]:
    """Answers to "first time?" as (value, label)."""
    return [
        (Visit.UNKNOWN.value, str(_l("Not asked / prefer not to say"))),
        (Visit.FIRST.value, str(_l("First time"))),
        (Visit.RETURNING.value, str(_l("Returning"))),
    ]


def outcome_choices() -> list[tuple[str, str]]:
    """Incident outcome codes as (value, label)."""
    return [
        (IncidentOutcome.NONE.value, str(_l("No incident"))),
        (IncidentOutcome.RESOLVED_IN_GROUP.value, str(_l("Resolved in the group"))),
        (IncidentOutcome.REFERRED.value, str(_l("Referred to staff or a professional"))),
        (IncidentOutcome.EMERGENCY.value, str(_l("Emergency services called"))),
    ]


class _Checkboxes(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class SessionForm(FlaskForm):
    """Create or edit a session."""

    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=120)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=2000)])
    format = SelectField(_l("Format"), choices=[])
    room = StringField(_l("Room or link"), validators=[Optional(), Length(max=80)])
    day = DateField(_l("Date"), validators=[InputRequired()])
    start_time = TimeField(_l("Starts at"), validators=[InputRequired()])
    end_time = TimeField(_l("Ends at"), validators=[InputRequired()])
    facilitators = StringField(_l("Facilitators"), validators=[Optional(), Length(max=200)])
    # The accounts that run the group: they see its figures in reports. Choices are the active
    # facilitator accounts, set by the view; anything else posted fails validation.
    facilitator_ids = _Checkboxes(_l("Facilitator accounts"), coerce=int, choices=[])
    agreement = TextAreaField(
        _l("Group agreement (optional)"), validators=[Optional(), Length(max=2000)]
    )
    collect_names = BooleanField(_l("Ask for a first name or nickname at sign-in"), default=True)
    opens_minutes_before = IntegerField(
        _l("Sign-in opens (minutes before the start)"),
        default=30,
        validators=[InputRequired(), NumberRange(0, 240)],
    )
    repeat_weeks = IntegerField(
        _l("Repeat weekly (number of weeks, 1 = just this once)"),
        default=1,
        validators=[Optional(), NumberRange(1, 52)],
    )
    scope = RadioField(_l("Apply to"), default="one", choices=[])

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.format.choices = format_choices()
        self.scope.choices = [
            ("one", str(_l("Only this session"))),
            ("series", str(_l("This and later sessions of the series"))),
        ]


class CancelForm(FlaskForm):
    """Cancel one session or the rest of its series."""

    scope = RadioField(_l("Cancel"), default="one", choices=[])

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.scope.choices = [
            ("one", str(_l("Only this session"))),
            ("series", str(_l("This and later sessions of the series"))),
        ]


class WalkInForm(FlaskForm):
    """Add a person by hand."""

    name = StringField(
        _l("First name or nickname (optional)"),
        validators=[Optional(), Length(max=40)],
        render_kw={"autocomplete": "off"},
    )
    visit = SelectField(_l("First time?"), choices=[])

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.visit.choices = visit_choices()


class TallyForm(FlaskForm):
    """Add a count from the paper sheet."""

    count = IntegerField(
        _l("People on the paper sheet"), validators=[InputRequired(), NumberRange(1, 200)]
    )


class NoteForm(FlaskForm):
    """De-identified session notes."""

    themes = TextAreaField(_l("Themes"), validators=[Optional(), Length(max=2000)])
    follow_ups = IntegerField(
        _l("Follow-ups needed"), default=0, validators=[InputRequired(), NumberRange(0, 999)]
    )
    incidents = IntegerField(
        _l("Incidents"), default=0, validators=[InputRequired(), NumberRange(0, 999)]
    )
    incident_outcome = SelectField(_l("Incident outcome"), choices=[])

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.incident_outcome.choices = outcome_choices()
