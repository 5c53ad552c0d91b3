"""Every QR code on a kiosk page scans on an ordinary phone (issue 8, point 1).

Read from the pixels Chromium draws at tablet size, as a phone camera would: each code must be a
*standard* QR code (phone camera apps do not read Micro QR), at least 160 px wide, captioned, and
hold exactly the tel:, sms: or text it promises.
"""

from __future__ import annotations

import io
from typing import Any

import pytest

from tests.browser.conftest import new_page, write_plan
from tests.browser.test_resources import _fill
from tests.conftest import LiveServer

zxingcpp = pytest.importorskip("zxingcpp")
Image = pytest.importorskip("PIL.Image")


def _read_codes(page: Any) -> list[tuple[str, str]]:
    """(caption, decoded text) for every QR code on the page, checking format and size."""
    found = []
    figures = page.locator("figure.qr")
    for index in range(figures.count()):
        figure = figures.nth(index)
        picture = figure.locator("svg, img").first
        if picture.evaluate("el => el.tagName") == "IMG":
            for _attempt in range(50):
                if picture.evaluate("img => img.complete && img.naturalWidth > 0"):
                    break
                page.wait_for_timeout(100)
        box = picture.bounding_box()
        assert box["width"] >= 160 and box["height"] >= 160, box
        results = zxingcpp.read_barcodes(Image.open(io.BytesIO(picture.screenshot())))
        assert len(results) == 1, f"code {index} on {page.url} did not decode"
        assert results[0].format == zxingcpp.BarcodeFormat.QRCode, results[0].format
        caption = figure.locator("figcaption").inner_text().strip()
        assert caption.startswith("Scan to")
        found.append((caption, str(results[0].text)))
    return found


def test_get_help_now_codes_are_standard_qr(browser: Any, live_server: LiveServer) -> None:
    context, page, watch = new_page(browser, live_server.url)
    page.goto("/help")
    codes = _read_codes(page)
    assert ("Scan to call 988", "tel:988") in codes
    assert ("Scan to text 988", "sms:988") in codes
    assert ("Scan to text 838255", "sms:838255") in codes
    assert ("Scan to open the chat", "https://988lifeline.org/chat") in codes
    # One code per line that has something to dial, none elsewhere.
    assert len(codes) == page.locator(".help-line .help-qr").count()
    context.close()
    watch.assert_clean()


@pytest.mark.parametrize("screen", ["detail", "slip"])
def test_resource_codes_are_standard_qr(browser: Any, live_server: LiveServer, screen: str) -> None:
    _fill(live_server)
    from kiosk.resources import services

    with live_server.app.app_context():
        service = next(
            s for s in services.list_services() if s.name == "Riverton Community Counseling"
        )
        path = f"/resources/{service.uuid}" + ("/slip" if screen == "slip" else "")
    context, page, watch = new_page(browser, live_server.url)
    page.goto(path)
    codes = dict(_read_codes(page))
    assert codes["Scan to call (202) 555-0100"] == "tel:+12025550100"
    card = codes["Scan to keep these details"]
    assert card.startswith("Riverton Community Counseling\nCall: +12025550100")
    context.close()
    watch.assert_clean()


def test_plan_codes_are_standard_qr(browser: Any, live_server: LiveServer) -> None:
    """The plan's "Show as QR codes" screen: one readable code that saves the plan as a note."""
    context, page, watch = new_page(browser, live_server.url)
    write_plan(page, "Short walk by the river")
    page.get_by_role("button", name="Show as QR codes").click()
    page.get_by_role("button", name="Show the words").wait_for()
    codes = _read_codes(page)
    # Step 1 and step 5 (pre-filled from the crisis list) carry words: one note holds both.
    assert len(codes) == 1
    caption, text = codes[0]
    assert caption == "Scan to save as a note"
    assert "Short walk by the river" in text and "988" in text
    context.close()
    watch.assert_clean()
