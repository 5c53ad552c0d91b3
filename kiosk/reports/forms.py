"""The kiosk's measure-step form, the post-session form and the story review form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, RadioField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..signin.forms import NO_MEMORY
from .models import Feeling


class MeasureStepForm(FlaskForm):
    """One screen of the optional questions.

    Privacy: the answers so far ride in this form's hidden fields (never the cookie, the URL or
    the server) until the last screen stores them; a reset forgets them for good.
    """

    ref = HiddenField()  # the signed reference to the visitor code checked at sign-in
    pos = HiddenField()
    answers = HiddenField()
    go = HiddenField()


def feeling_choices() -> list[tuple[str, str]]:
    """The post-session answers, in the wording of MEASURES.md (translated)."""
    return [
        (Feeling.A_LOT.value, str(_l("Yes, a lot"))),
        (Feeling.A_LITTLE.value, str(_l("A little"))),
        (Feeling.NO_CHANGE.value, str(_l("No change"))),
        (Feeling.LESS.value, str(_l("Less"))),
        (Feeling.NOT_SAID.value, str(_l("Prefer not to say"))),
    ]


class PostSessionForm(FlaskForm):
    """ "Do you feel more connected than when you arrived?" plus an optional story."""

    group = RadioField(
        _l("Which group were you at?"),
        validators=[DataRequired(message=_l("Choose your group."))],
        choices=[],
        validate_choice=False,
    )
    feeling = RadioField(
        _l("Do you feel more connected than when you arrived?"),
        validators=[DataRequired(message=_l("Choose an answer, or “Prefer not to say”."))],
        choices=[],
    )
    story = TextAreaField(
        _l("What helped today? (optional)"),
        validators=[Optional(), Length(max=600, message=_l("Use at most 600 characters."))],
        render_kw={**NO_MEMORY, "maxlength": "600", "rows": "4", "dir": "auto"},
    )
    consent = BooleanField(_l("You may quote this anonymously"), default=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.feeling.choices = feeling_choices()


class ReviewForm(FlaskForm):
    """Staff decision on one story; ``text`` is the redacted version for "redact and approve"."""

    decision = HiddenField()
    text = TextAreaField(_l("Redacted text"), validators=[Optional(), Length(max=600)])
