"""Dates and times on kiosk pages come out in the center's locale format, in both languages.

Every page a visitor can reach is rendered in English and Spanish with a group open now, one
later today, and a resource with opening hours; every time found on them must be a 12-hour
time (en_US and es_US both use one), and no line may mix 12- and 24-hour times.
"""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kiosk.i18n import LOCALE_KEY
from tests.conftest import csrf_from
from tests.resources.conftest import make_service
from tests.role_matrix import html_pages, setup_values
from tests.sessions.helpers import make_session

TIME = re.compile(r"\b(\d{1,2}):(\d{2})\b(\s?(?:[AaPp][Mm]|[ap]\.\s?m\.))?")
BLOCK = re.compile(
    r"<(?:/?(?:p|li|div|h[1-6]|tr|td|th|dd|dt|section|header|footer|small)\b[^>]*|br\s*/?)>"
)
TAG = re.compile(r"<[^>]+>")


def visible_lines(html: str) -> list[str]:
    """The page's text, one line per block element (scripts and styles dropped)."""
    html = re.sub(r"<(script|style|svg)\b.*?</\1>", "", html, flags=re.DOTALL)
    text = TAG.sub("", BLOCK.sub("\n", html)).replace("\u202f", " ").replace("&nbsp;", " ")
    return [line.strip() for line in text.splitlines() if line.strip()]


def times_on(lines: list[str]) -> list[tuple[str, bool]]:
    """(line, is_12_hour) for every time found; refuses a line mixing the two."""
    found = []
    for line in lines:
        kinds = {bool(match.group(3)) for match in TIME.finditer(line)}
        assert len(kinds) <= 1, f"12- and 24-hour times on one line: {line!r}"
        found += [(line, kind) for kind in kinds]
    return found


def test_the_checker_sees_24_hour_and_mixed_times() -> None:
    assert times_on(["Open 09:00-17:00"]) == [("Open 09:00-17:00", False)]
    assert times_on(["2:05 p. m.", "2:05 PM"]) == [("2:05 p. m.", True), ("2:05 PM", True)]
    with pytest.raises(AssertionError):
        times_on(["9:00 AM-17:00"])


def _kiosk_pages(app: Flask) -> list[str]:
    values = setup_values(app)
    with app.app_context():
        make_session(title="Later circle", starts_in_minutes=300, minutes=90)
        service = make_service(name="Open All Week", hours="Mon-Sun 08:30-21:15")
    pages = [path for path in html_pages("anonymous", values) if not path.startswith("/staff")]
    return [*pages, f"/resources/{service.uuid}", f"/resources/{service.uuid}/slip"]


@pytest.mark.parametrize("language", ["en", "es"])
def test_every_time_on_kiosk_pages_is_12_hour_and_never_mixed(
    app: Flask, client: FlaskClient, language: str
) -> None:
    pages = _kiosk_pages(app)
    with client.session_transaction() as session:
        session[LOCALE_KEY] = language
    seen: list[tuple[str, bool]] = []
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        seen += times_on(visible_lines(response.get_data(as_text=True)))
    # The resource search shows today's hours on its cards.
    home = client.get("/resources").get_data(as_text=True)
    search = client.post(
        "/resources/search", data={"q": "Open All Week", "csrf_token": csrf_from(home)}
    )
    seen += times_on(visible_lines(search.get_data(as_text=True)))
    assert seen, "no times found: the pages did not show the sessions and hours set up"
    bad = [line for line, twelve in seen if not twelve]
    assert bad == [], f"24-hour times on {language} kiosk pages: {bad}"
    marker = "PM" if language == "en" else "p.m."
    assert any(marker in line for line, _ in seen)
