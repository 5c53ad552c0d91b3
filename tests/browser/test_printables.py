"""Every kiosk printable prints what it shows (issue 8, point 3).

Printed to PDF by Chromium (print media, as window.print() would) and read back with pypdf: a
rule written for one printable must not blank another.
"""

from __future__ import annotations

import io
import re
import unicodedata
from typing import Any

from pypdf import PdfReader

from tests.browser.conftest import new_page, write_plan
from tests.browser.test_resources import _fill
from tests.conftest import LiveServer
from tests.sessions.helpers import make_session


def _pdf_text(pdf: bytes) -> str:
    text = "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)
    return unicodedata.normalize("NFKC", text)


def test_resource_slip_prints_name_phone_and_hours(browser: Any, live_server: LiveServer) -> None:
    _fill(live_server)
    from kiosk.resources import services

    with live_server.app.app_context():
        service = next(
            s for s in services.list_services() if s.name == "Riverton Community Counseling"
        )
        path = f"/resources/{service.uuid}"
    context, page, watch = new_page(browser, live_server.url)
    page.goto(path)
    page.get_by_role("link", name="Printable slip").click()  # swapped in by htmx, as on a kiosk
    page.get_by_role("button", name="Print").wait_for()
    text = _pdf_text(page.pdf(format="Letter"))
    assert "Riverton Community Counseling" in text
    assert "(202) 555-0100" in text
    # The weekly hours, in the locale's time format (09:00 or 9:00 AM) with an en dash.
    assert re.search(r"Monday: 0?9:00( AM)?\u2013(17:00|5:00 PM)", text), text
    # Paper, not screen: the buttons and the kiosk header stay off it.
    assert "Print" not in text and "Get help now" not in text
    context.close()
    watch.assert_clean()


def test_visitor_code_slip_prints_the_code(browser: Any, live_server: LiveServer) -> None:
    with live_server.app.app_context():
        make_session(title="Tuesday circle", collect_names=False)
    context, page, watch = new_page(browser, live_server.url)
    page.goto("/")
    page.get_by_role("button", name="Tuesday circle").click()
    page.get_by_role("button", name="Get a visitor code").click()
    words = page.locator(".code-words").inner_text()
    text = _pdf_text(page.pdf(format="Letter"))
    assert words in text
    assert "Keep this somewhere safe" in text
    assert "Tuesday circle" not in text and "Print this slip" not in text
    context.close()
    watch.assert_clean()


def test_plan_prints_its_sections(browser: Any, live_server: LiveServer) -> None:
    context, page, watch = new_page(browser, live_server.url)
    write_plan(page, "Short walk by the river")
    page.get_by_role("button", name="Print").wait_for()
    text = _pdf_text(page.pdf(format="Letter"))
    assert "Short walk by the river" in text
    assert "My plan for hard moments" in text
    assert "Show as QR codes" not in text
    context.close()
    watch.assert_clean()
