"""Language choice: English and Spanish, more through gettext catalogs."""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask, current_app, session
from flask_babel import format_date, refresh
from markupsafe import Markup

from .extensions import babel

LANGUAGES = {"en": "English", "es": "Español"}
LOCALE_KEY = "lang"


def select_locale() -> str:
    """The language chosen on this browser, else the center's default."""
    chosen = session.get(LOCALE_KEY)
    if chosen in LANGUAGES:
        return str(chosen)
    return str(current_app.config["KIOSK"].default_locale)


def switch_language(code: str) -> bool:
    """Show this browser's pages in ``code`` from now on (this request included).

    Only the language goes into the session cookie; a flow that switches mid-way carries its
    answers in its own form fields, never here.
    """
    if code not in LANGUAGES:
        return False
    session[LOCALE_KEY] = code
    refresh()  # this very response is rendered in the new language
    return True


def select_timezone() -> str:
    """Dates are shown in the center's own time zone."""
    return str(current_app.config["KIOSK"].timezone)


def init_i18n(app: Flask) -> None:
    """Bind Flask-Babel with the locale and time-zone selectors."""
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)

    @app.context_processor
    def _languages() -> dict[str, object]:
        return {"languages": LANGUAGES}

    app.add_template_filter(month_year)
    app.add_template_filter(auto_dir)


def auto_dir(value: object) -> Markup:
    """Text someone typed, in its own ``dir="auto"`` span: a name or note in Arabic or Hebrew
    runs right to left, whatever the page's language (escaped like any other value)."""
    return Markup('<span dir="auto">%s</span>') % value


def month_year(moment: date | datetime) -> str:
    """ "November 2026" / "noviembre 2026": when staff last checked something, no finer."""
    return str(format_date(moment, "LLLL yyyy"))
