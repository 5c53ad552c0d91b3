"""Login, setup and account forms."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from ..introductions.labels import PEER_ROLE_LABEL
from . import services
from .models import Role

PASSWORD_MESSAGES = {
    "short": _l("Use at least 12 characters."),
    "long": _l("Use at most 1024 characters."),
    "common": _l("That password is too common. Try a short sentence you will remember."),
    "username": _l("The password must not contain the username."),
}


def password_rules(form: Any, field: Any) -> None:
    """WTForms validator for the password rules, with messages in the user's language."""
    username_field = getattr(form, "username", None)
    username = getattr(username_field, "data", "") or getattr(form, "_username", "")
    try:
        services.check_password_rules(field.data or "", username)
    except services.PasswordRejected as exc:
        raise ValidationError(str(PASSWORD_MESSAGES[str(exc)])) from exc


def username_rules(_form: Any, field: Any) -> None:
    """WTForms validator for the username shape."""
    if not services.USERNAME_RE.match(services.normalize_username(field.data or "")):
        raise ValidationError(str(_l("Use 2 to 64 letters, digits, dots, dashes or underscores.")))


def role_choices() -> list[tuple[str, str]]:
    """Roles as (value, label) pairs in the user's language."""
    return [
        (Role.FACILITATOR.value, str(_l("Facilitator"))),
        (Role.ADMIN.value, str(_l("Admin"))),
        (Role.PEER.value, str(PEER_ROLE_LABEL)),
    ]


class LoginForm(FlaskForm):
    """Staff login."""

    username = StringField(
        _l("Username"),
        validators=[DataRequired(), Length(max=64)],
        render_kw={"autocomplete": "username", "autocapitalize": "none"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(), Length(max=1024)],
        render_kw={"autocomplete": "current-password"},
    )


class NewPasswordMixin:
    """A new password typed twice."""

    password = PasswordField(
        _l("New password"),
        validators=[DataRequired(), password_rules],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Type it again"),
        validators=[
            DataRequired(),
            EqualTo("password", message=_l("The two passwords are not the same.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )


class SetupForm(NewPasswordMixin, FlaskForm):
    """First admin account."""

    username = StringField(
        _l("Username"),
        validators=[DataRequired(), username_rules],
        render_kw={"autocomplete": "username", "autocapitalize": "none"},
    )


class NewUserForm(NewPasswordMixin, FlaskForm):
    """Add a staff account."""

    username = StringField(
        _l("Username"),
        validators=[DataRequired(), username_rules],
        render_kw={"autocomplete": "off", "autocapitalize": "none"},
    )
    role = SelectField(_l("Role"), choices=[])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.role.choices = role_choices()


class ResetPasswordForm(NewPasswordMixin, FlaskForm):
    """An admin sets a new password for an account."""

    def __init__(self, *args: Any, username: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._username = username


class RoleForm(FlaskForm):
    """Change an account's role."""

    role = SelectField(_l("Role"), choices=[])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.role.choices = role_choices()


class ButtonForm(FlaskForm):
    """No fields: carries the CSRF token for button-only POSTs."""
