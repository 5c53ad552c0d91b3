"""Language choice: English and Spanish, more through gettext catalogs."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, time
from typing import Any, cast
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError, dates
from babel.support import Translations
from flask import Flask, current_app, g, has_app_context, session
from flask_babel import format_date, get_locale, get_translations, refresh
from markupsafe import Markup
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


def current_translations() -> Translations:
    """Flask-Babel's translations for the locale in force, looked up once per locale per request.

    Flask-Babel's own lookup (``get_translations``) works the locale and its catalog out again
    on every call, through the request context several times over: about 15 microseconds, and
    a staff page's layout alone translates some twenty strings (issue 14). This keeps the
    catalog with the locale object it belongs to and uses it while that same object is in
    force; ``refresh()`` (a language switch) and ``force_locale`` put a new object in place,
    so the next string is looked up afresh, exactly as Flask-Babel would.
    """
    if not has_app_context():  # Flask-Babel's own answer there: no translations
        return cast(Translations, get_translations())
    state = getattr(g, "_flask_babel", None)
    kept = getattr(state, _KEPT, None)
    if kept is not None and kept[0] is getattr(state, "babel_locale", None):
        return cast(Translations, kept[1])
    translations = get_translations()  # works the locale out first when it is not yet
    state = getattr(g, "_flask_babel", None)
    locale = getattr(state, "babel_locale", None)
    if locale is not None:
        setattr(state, _KEPT, (locale, translations))
    return cast(Translations, translations)


# Where current_translations keeps its (locale, catalog) pair, beside Flask-Babel's own state.
_KEPT = "kiosk_translations"


def init_i18n(app: Flask) -> None:
    """Bind Flask-Babel with the locale and time-zone selectors."""
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    # Templates translate through current_translations (above); Flask-Babel installed the
    # same four callables around its slower lookup.
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda text: current_translations().ugettext(text),
        ngettext=lambda one, many, n: current_translations().ungettext(one, many, n),
        newstyle=True,
        pgettext=lambda context, text: current_translations().upgettext(context, text),
        npgettext=lambda context, one, many, n: current_translations().unpgettext(
            context, one, many, n
        ),
    )

    @app.context_processor
    def _languages() -> dict[str, object]:
        return {"languages": LANGUAGES}

    # Flask-WTF looks for request.wtforms_translations and, when there is none, re-reads and
    # re-parses WTForms' catalog file on every request that builds a form. One parsed catalog per
    # language, looked up only when a form asks for it (most requests build none: a cached start
    # page, a poll), is all it needs.
    app.request_class = type(
        "KioskRequest", (app.request_class,), {"wtforms_translations": property(_wtforms_catalog)}
    )
    app.add_template_filter(month_year)
    app.add_template_filter(auto_dir)
    init_formats(app)


_wtforms_catalogs: dict[str, Any] = {}


def _wtforms_catalog(_request: object) -> Any:
    """WTForms' own messages in the reader's language, parsed once per language."""
    locale = str(get_locale() or "en")
    catalog = _wtforms_catalogs.get(locale)
    if catalog is None:
        catalog = Translations.load(messages_path(), [locale], domain="wtforms")
        _wtforms_catalogs[locale] = catalog
    return catalog


def auto_dir(value: object) -> Markup:
    """Text someone typed, in its own ``dir="auto"`` span: a name or note in Arabic or Hebrew
    runs right to left, whatever the page's language (escaped like any other value)."""
    return Markup('<span dir="auto">%s</span>') % value


def month_year(moment: date | datetime) -> str:
    """ "November 2026" / "noviembre 2026": when staff last checked something, no finer."""
    return str(format_date(moment, "LLLL yyyy"))


# ---- dates and times in the center's locale ----------------------------------------------
# Every date and time on a page goes through these filters (they replace Flask-Babel's
# datetimeformat/timeformat/dateformat), so the language *and* the center's region decide the
# format: en_US and es_US both use a 12-hour clock, and no line mixes 12- and 24-hour times.
# Stored times are naive UTC (kiosk/clock.py); they are shown on the center's wall clock.

NAMED = ("short", "medium", "long", "full")


def format_locale() -> Locale:
    """The reader's language with the center's region (KIOSK_REGION, default US)."""
    region = str(current_app.config["KIOSK_REGION"])
    language = str(get_locale() or "en").split("_")[0]
    try:
        return Locale.parse(f"{language}_{region}")
    except (ValueError, UnknownLocaleError):
        return Locale.parse(language)


def _zone() -> ZoneInfo:
    return ZoneInfo(str(current_app.config["KIOSK"].timezone))


def _aware(value: datetime) -> datetime:
    """A stored naive-UTC time as an aware time in the center's zone."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(_zone())


def format_clock(value: datetime | time | str | None, fmt: str = "short") -> str:
    """A time of day: a stored datetime, a time, or "HH:MM" text from opening hours."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = time.fromisoformat(value)
        except ValueError:
            return str(value)
    if isinstance(value, datetime):
        value = _aware(value)
    return dates.format_time(value, fmt if fmt in NAMED else "short", locale=format_locale())


def format_day(value: datetime | date | None, fmt: str = "medium") -> str:
    """A date (a stored datetime is first moved to the center's zone)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = _aware(value).date()
    if fmt in NAMED:
        return dates.format_date(value, fmt, locale=format_locale())
    return dates.format_skeleton(fmt, value, locale=format_locale())


def format_moment(value: datetime | None, fmt: str = "short") -> str:
    """A date and time. A named format is the locale's; anything else means "weekday, day and
    month, then the time" in the locale's own order (never an English pattern in Spanish)."""
    if value is None:
        return ""
    moment = _aware(value)
    locale = format_locale()
    if fmt in NAMED:
        return dates.format_datetime(moment, fmt, locale=locale)
    day = dates.format_skeleton("MMMMEEEEd", moment, locale=locale)
    clock_time = dates.format_time(moment, "short", locale=locale)
    return str(dates.get_datetime_format("medium", locale=locale)).format(clock_time, day)


def init_formats(app: Flask) -> None:
    """Replace Flask-Babel's date filters with the center-locale ones above."""
    app.config.setdefault("KIOSK_REGION", os.environ.get("KIOSK_REGION") or "US")
    app.jinja_env.filters.update(
        timeformat=format_clock, dateformat=format_day, datetimeformat=format_moment
    )
