"""Every string goes through Flask-Babel, and the Spanish catalog is complete and compiled."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale

from kiosk import ROOT, translation_dirs
from kiosk.i18n import switch_language

METHOD_MAP = [("**.py", "python"), ("**.html", "jinja2")]
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "_l": None,
    "lazy_gettext": None,
    "lazy_ngettext": (1, 2),
}


def _extracted() -> set[str]:
    ids: set[str] = set()
    for folder in ("kiosk", "templates"):
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / folder, METHOD_MAP, keywords=KEYWORDS
        ):
            ids.add(message if isinstance(message, str) else message[0])
    return ids


def _catalog_files() -> list[Path]:
    return [po for d in translation_dirs() for po in d.glob("es/LC_MESSAGES/messages.po")]


def _translated() -> set[str]:
    done: set[str] = set()
    for po in _catalog_files():
        with po.open("rb") as handle:
            for message in read_po(handle):
                strings = message.string if isinstance(message.string, tuple) else (message.string,)
                if message.id and not message.fuzzy and all(strings):
                    done.add(message.id if isinstance(message.id, str) else message.id[0])
    return done


def test_every_string_has_a_spanish_translation() -> None:
    extracted = _extracted()
    assert len(extracted) > 50  # the extraction itself works
    missing = sorted(extracted - _translated())
    assert missing == [], "untranslated (run tools/i18n.py update AREA):\n" + "\n".join(missing)


@pytest.mark.parametrize("po", _catalog_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_compiled_catalog_matches_its_source(po: Path) -> None:
    mo = po.with_suffix(".mo")
    assert mo.exists(), f"{mo} missing: run python tools/i18n.py compile"

    def key(value: object) -> object:
        # Plural entries come back as lists from one reader and tuples from the other.
        return tuple(value) if isinstance(value, list | tuple) else value

    with po.open("rb") as handle:
        source = {key(m.id): key(m.string) for m in read_po(handle) if m.id and not m.fuzzy}
    with mo.open("rb") as handle:
        compiled = {key(m.id): key(m.string) for m in read_mo(handle) if m.id}
    assert compiled == source, f"{mo} is stale: run python tools/i18n.py compile"


def test_pages_switch_to_spanish(client: FlaskClient) -> None:
    page = client.get("/").get_data(as_text=True)
    assert "Welcome" in page and 'lang="en"' in page
    from tests.conftest import csrf_from

    response = client.post(
        "/language", data={"lang": "es", "next": "/", "csrf_token": csrf_from(page)}
    )
    assert response.status_code == 303
    spanish = client.get("/").get_data(as_text=True)
    assert 'lang="es"' in spanish
    assert "Todo aquí es opcional" in spanish
    assert "Everything here is optional" not in spanish


def test_language_switch_refuses_unknown_language_and_foreign_redirect(client: FlaskClient) -> None:
    from tests.conftest import csrf_from

    token = csrf_from(client.get("/").get_data(as_text=True))
    assert client.post("/language", data={"lang": "xx", "csrf_token": token}).status_code == 400
    response = client.post(
        "/language", data={"lang": "es", "next": "//evil.example/", "csrf_token": token}
    )
    assert response.headers["Location"] == "/"


def test_reset_forgets_the_language(client: FlaskClient) -> None:
    from tests.conftest import csrf_from

    token = csrf_from(client.get("/").get_data(as_text=True))
    client.post("/language", data={"lang": "es", "next": "/", "csrf_token": token})
    client.get("/reset")
    assert 'lang="en"' in client.get("/").get_data(as_text=True)


def test_templates_follow_the_locale_in_force_within_one_request(app: Flask) -> None:
    """Templates keep the catalog found for the locale in force (kiosk.i18n): a language
    switch in the middle of a request (``switch_language``, which refreshes) and a forced
    locale both show at the very next string, and leaving the forced locale goes back."""
    page = app.jinja_env.from_string(
        "{{ _('Sessions') }}|{{ ngettext('%(num)d minute ago', '%(num)d minutes ago', 2) }}"
    )
    with app.test_request_context("/staff/"):
        assert page.render() == "Sessions|2 minutes ago"
        assert switch_language("es")
        assert page.render() == "Sesiones|hace 2 minutos"
        with force_locale("en"):
            assert page.render() == "Sessions|2 minutes ago"
        assert page.render() == "Sesiones|hace 2 minutos"
        assert switch_language("en")
        assert page.render() == "Sessions|2 minutes ago"
