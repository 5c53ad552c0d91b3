"""A small registry of center settings: each area registers what it needs, admins edit them.

Areas call ``register(Setting(...))`` at import time; ``get(key)`` returns the stored value or
the default, already converted to its type.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from flask_babel import LazyString
from sqlalchemy import select

from .. import versions
from ..db import write_transaction
from ..extensions import db
from .models import CenterSetting


class InvalidSetting(ValueError):
    """The value typed for a setting cannot be used; the message says why."""


@dataclass(frozen=True)
class Setting:
    """A setting's name, label, default and how to read it from text."""

    key: str
    label: LazyString | str
    default: Any
    kind: str = "text"  # text | int | choice | multiline
    help: LazyString | str = ""
    choices: Callable[[], list[tuple[str, str]]] | None = None
    minimum: int | None = None
    maximum: int | None = None
    validate: Callable[[str], str] | None = field(default=None, compare=False)
    # Called with the new value after a save that changed it (help.country loads its lines).
    after_save: Callable[[Any], None] | None = field(default=None, compare=False)

    def parse(self, raw: str) -> Any:
        """Turn typed text into a value; raises InvalidSetting."""
        text = raw.strip()
        if self.kind == "int":
            try:
                number = int(text)
            except ValueError as exc:
                raise InvalidSetting("whole number") from exc
            if (self.minimum is not None and number < self.minimum) or (
                self.maximum is not None and number > self.maximum
            ):
                raise InvalidSetting("out of range")
            return number
        if (
            self.kind == "choice"
            and self.choices is not None
            and text not in {value for value, _label in self.choices()}
        ):
            raise InvalidSetting("not a choice")
        if self.validate is not None:
            text = self.validate(text)
        if len(text) > 2000:
            raise InvalidSetting("too long")
        return text


REGISTRY: dict[str, Setting] = {}


def register(setting: Setting) -> Setting:
    """Make a setting known (idempotent, so re-imports are harmless)."""
    REGISTRY[setting.key] = setting
    return setting


_CACHE_KEY = "porchlight_center_settings"


def _stored() -> dict[str, str]:
    """Every stored setting as text, cached per app until the settings' data version moves.

    The version is bumped in the same transaction as any write to the table (kiosk/versions.py),
    so a save from this process, another process or the ``flask`` CLI is seen on the next
    request, at the cost of one tiny query instead of a settings read per lookup.
    """
    version = versions.current()["center_settings"]
    cached = current_app.extensions.get(_CACHE_KEY)
    if cached is not None and cached[0] == version:
        return cached[1]
    stored = {row.key: row.value for row in db.session.scalars(select(CenterSetting))}
    current_app.extensions[_CACHE_KEY] = (version, stored)
    return stored


def get(key: str) -> Any:
    """The setting's stored value, or its default."""
    setting = REGISTRY[key]
    stored = _stored().get(key)
    if stored is None:
        return setting.default
    try:
        return setting.parse(stored)
    except InvalidSetting:
        return setting.default


def version() -> int:
    """The settings' data version (changes with every save, wherever it was made)."""
    return versions.current()["center_settings"]


def all_values() -> dict[str, Any]:
    """Every registered setting's current value."""
    stored = _stored()
    values = {}
    for key, setting in REGISTRY.items():
        try:
            values[key] = setting.parse(stored[key]) if key in stored else setting.default
        except InvalidSetting:
            values[key] = setting.default
    return values


def save(changes: dict[str, str], by: str) -> None:
    """Validate and store several settings at once (all or nothing)."""
    parsed = {key: REGISTRY[key].parse(raw) for key, raw in changes.items()}
    changed = []
    with write_transaction() as session:
        for key, value in parsed.items():
            row = session.get(CenterSetting, key)
            text = str(value)
            if row is None or row.value != text:
                changed.append(key)
            if row is None:
                session.add(CenterSetting(key=key, value=text, updated_by=by))
            else:
                row.value = text
                row.updated_by = by
    # After the commit, in their own transactions (write_transaction does not nest).
    for key in changed:
        hook = REGISTRY[key].after_save
        if hook is not None:
            hook(parsed[key])
