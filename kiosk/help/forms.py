"""Forms for the kiosk (quiet word, plan) and for staff (flags, alerts, crisis lines)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    URL,
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)
from wtforms.widgets import HiddenInput

from . import services
from .plan import PLAN_FIELD_MAX, STEPS
from .seeds import COUNTRIES


def when_choices() -> list[tuple[str, str]]:
    """'Now' or 'after the group'."""
    return [("now", str(_l("Now"))), ("after", str(_l("After the group")))]


def help_type_choices() -> list[tuple[str, str]]:
    """The kinds of professional help a facilitator can ask for."""
    labels = {
        "clinician": _l("On-call clinician"),
        "crisis_team": _l("Crisis line or team"),
        "emergency": _l("Emergency services"),
        "other": _l("Other"),
    }
    return [(key, str(labels[key])) for key in services.HELP_TYPES]


def outcome_labels() -> dict[str, str]:
    """Outcome codes in the reader's language."""
    labels = {
        "spoke_privately": _l("Spoke privately"),
        "referred_clinician": _l("Referred to a clinician"),
        "called_crisis_line": _l("Called a crisis line"),
        "called_emergency": _l("Called emergency services"),
        "not_found": _l("Could not find the person"),
        "other": _l("Other"),
    }
    return {key: str(labels[key]) for key in services.OUTCOMES}


def how_labels() -> dict[str, str]:
    """Call / text / chat in the reader's language."""
    return {"call": str(_l("Call")), "text": str(_l("Text")), "chat": str(_l("Chat"))}


class QuietWordForm(FlaskForm):
    """Both questions are optional: sending with nothing chosen is fine."""

    when = RadioField(
        _l("When would suit you?"), choices=[], default="now", validators=[Optional()]
    )
    find_me = StringField(
        _l("How can we find you? (optional)"),
        validators=[
            Optional(),
            Length(max=services.FIND_ME_MAX, message=_l("Please keep it short: a few words.")),
        ],
        render_kw={"autocomplete": "off", "maxlength": services.FIND_ME_MAX},
    )
    # The groups open right now, so staff know which room to go to; choosing none is fine.
    group = RadioField(
        _l("Are you in one of these groups? (optional)"), choices=[], validators=[Optional()]
    )
    # One-time token, signed by the server; see kiosk.signin.services.issue_form_token.
    token = HiddenField()

    def __init__(
        self, *args: Any, groups: list[tuple[str, str]] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.when.choices = when_choices()
        self.group.choices = groups or []


class ProfessionalHelpForm(FlaskForm):
    """A facilitator's flag: where and what kind of help, never what was said."""

    room = StringField(
        _l("Room"),
        validators=[Optional(), Length(max=services.ROOM_MAX)],
        render_kw={"autocomplete": "off"},
    )
    help_type = SelectField(_l("Help needed"), choices=[])
    # Set when the facilitator console links here for one of its sessions.
    group_session_id = StringField(widget=HiddenInput(), validators=[Optional(), Length(max=24)])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.help_type.choices = help_type_choices()


class ResolveForm(FlaskForm):
    """Close a request with an outcome code the person chose: there is no default, because a
    pre-selected "Spoke privately" would be recorded whenever someone pressed Resolve quickly."""

    outcome = RadioField(
        _l("What happened?"),
        choices=[],
        validators=[InputRequired(message=_l("Choose what happened before resolving."))],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.outcome.choices = list(outcome_labels().items())


def _chat_needs_address(form: Any, field: Any) -> None:
    if form.how.data == "chat":
        URL(require_tld=True, message=_l("For chat, enter the web address (https://…)."))(
            form, field
        )
    elif not any(ch.isdigit() for ch in field.data or ""):
        raise ValidationError(str(_l("Enter a phone number.")))
    elif not services.dialable(field.data, form.how.data, form.country.data or "US"):
        raise ValidationError(
            str(_l("That number cannot be dialed in this country. Check it and try again."))
        )


class CrisisLineForm(FlaskForm):
    """A crisis line as staff keep it."""

    country = SelectField(_l("Country"), choices=[])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    how = SelectField(_l("How"), choices=[])
    number = StringField(
        _l("Number or chat address"),
        validators=[DataRequired(), Length(max=120), _chat_needs_address],
    )
    text_keyword = StringField(
        _l("Word to text (optional)"), validators=[Optional(), Length(max=32)]
    )
    hours = StringField(_l("Hours"), validators=[Optional(), Length(max=120)])
    languages = StringField(_l("Languages"), validators=[Optional(), Length(max=200)])
    public_note = TextAreaField(
        _l("Note for attendees (shown on Get help now)"),
        validators=[Optional(), Length(max=1000)],
    )
    name_es = StringField(_l("Name in Spanish"), validators=[Optional(), Length(max=120)])
    hours_es = StringField(_l("Hours in Spanish"), validators=[Optional(), Length(max=120)])
    languages_es = StringField(_l("Languages in Spanish"), validators=[Optional(), Length(max=200)])
    public_note_es = TextAreaField(
        _l("Note for attendees in Spanish"), validators=[Optional(), Length(max=1000)]
    )
    staff_notes = TextAreaField(
        _l("Notes for staff (never shown to attendees)"),
        validators=[Optional(), Length(max=1000)],
    )
    is_emergency = BooleanField(_l("This is the emergency number"))
    sort_order = IntegerField(
        _l("Order on the list"), default=100, validators=[Optional(), NumberRange(min=0, max=1000)]
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.country.choices = [(code, str(name)) for code, name in COUNTRIES.items()]
        self.how.choices = list(how_labels().items())

    def values(self) -> dict[str, Any]:
        """The cleaned values for the service."""
        return {
            "country": self.country.data,
            "name": self.name.data.strip(),
            "number": self.number.data.strip(),
            "how": self.how.data,
            "text_keyword": (self.text_keyword.data or "").strip() or None,
            "hours": (self.hours.data or "").strip(),
            "languages": (self.languages.data or "").strip(),
            "public_note": (self.public_note.data or "").strip(),
            "staff_notes": (self.staff_notes.data or "").strip(),
            **{key: (self[key].data or "").strip() for key in services.SPANISH_FIELDS.values()},
            "is_emergency": bool(self.is_emergency.data),
            "sort_order": self.sort_order.data if self.sort_order.data is not None else 100,
        }


class PlanForm(FlaskForm):
    """The whole plan travels in every POST as hidden fields; the server keeps none of it."""

    step = HiddenField()
    prefilled = HiddenField()


for _step in STEPS:
    setattr(
        PlanForm,
        _step.key,
        TextAreaField(
            _step.title,
            validators=[
                Optional(),
                Length(
                    max=PLAN_FIELD_MAX,
                    message=_l("That is a lot to fit on one page. Please shorten it a little."),
                ),
            ],
            render_kw={
                "maxlength": PLAN_FIELD_MAX,
                "autocomplete": "off",
                "rows": 5,
                "spellcheck": "false",
            },
        ),
    )
