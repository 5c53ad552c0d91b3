"""The kiosk's step form and the kiosk enrollment forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField
from wtforms.validators import DataRequired, Length

# The kiosk must never offer what an earlier visitor typed (PRODUCT principle 2).
NO_MEMORY = {
    "autocomplete": "off",
    "autocapitalize": "none",
    "autocorrect": "off",
    "spellcheck": "false",
}


class StepForm(FlaskForm):
    """One step of the sign-in flow.

    Privacy: the answers so far ride along in hidden fields of this one form, not in the Flask
    session cookie, the URL or the server: when the screen resets, they are gone for good.
    """

    session_id = HiddenField()
    token = HiddenField()
    step = HiddenField()
    visit = HiddenField()
    code_ref = HiddenField()
    name = StringField(
        _l("First name or nickname"),
        validators=[Length(max=40)],
        render_kw={**NO_MEMORY, "maxlength": "40", "autocapitalize": "words"},
    )
    code = StringField(
        _l("Your visitor code"),
        validators=[Length(max=80)],
        render_kw={**NO_MEMORY, "maxlength": "80"},
    )
    go = HiddenField()


class EnrollForm(FlaskForm):
    """Turn this browser into a named kiosk."""

    name = StringField(
        _l("Kiosk name"),
        validators=[DataRequired(), Length(max=60)],
        render_kw={"autocomplete": "off", "placeholder": _l("e.g. Lobby tablet")},
    )
