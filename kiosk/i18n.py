"""Language choice: English and Spanish, more through gettext catalogs."""

from __future__ import annotations

from typing import Any

from babel.support import Translations
from flask import Flask, current_app, request, session
from flask_babel import get_locale
from wtforms.i18n import messages_path

from .extensions import babel

LANGUAGES = {"en": "English", "es": "Español"}
LOCALE_KEY = "lang"


def select_locale() -> str:
    """The language chosen on this browser, else the center's default."""
    chosen = session.get(LOCALE_KEY)
    if chosen in LANGUAGES:
        return str(chosen)
    return str(current_app.config["KIOSK"].default_locale)


def select_timezone() -> str:
    """Dates are shown in the center's own time zone."""
    return str(current_app.config["KIOSK"].timezone)


def init_i18n(app: Flask) -> None:
    """Bind Flask-Babel with the locale and time-zone selectors."""
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)

    @app.context_processor
    def _languages() -> dict[str, object]:
        return {"languages": LANGUAGES}

    wtforms_catalogs: dict[str, Any] = {}

    @app.before_request
    def _wtforms_translations() -> None:
        # Flask-WTF looks for a request.wtforms_translations and, when there is none, re-reads
        # and re-parses WTForms' catalog file on every request that builds a form. One parsed
        # catalog per language, loaded on first use, is all it needs.
        locale = str(get_locale() or "en")
        catalog = wtforms_catalogs.get(locale)
        if catalog is None:
            catalog = Translations.load(messages_path(), [locale], domain="wtforms")
            wtforms_catalogs[locale] = catalog
        request.wtforms_translations = catalog  # type: ignore[attr-defined]
