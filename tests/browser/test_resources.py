"""The resource lookup in a real browser at tablet size: type, open, see the number and code."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import assert_accessible, new_page
from tests.conftest import LiveServer


def _fill(live_server: LiveServer) -> None:
    from kiosk.db import write_transaction
    from kiosk.resources import services
    from kiosk.resources.demo import demo_rows

    with live_server.app.app_context(), write_transaction() as session:
        for row in demo_rows("US"):
            services.apply_input(session, row, "browser-test")


def test_find_counseling_by_typing_therap(browser: Any, live_server: LiveServer) -> None:
    zxingcpp = pytest.importorskip("zxingcpp")
    image_module = pytest.importorskip("PIL.Image")
    _fill(live_server)
    context, page, watch = new_page(browser, live_server.url)
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto("/")
    page.get_by_role("link", name="Find help nearby").click()
    page.wait_for_url("**/resources")
    box = page.get_by_label("What do you need?")
    box.press_sequentially("therap", delay=40)
    results = page.locator("#results .result-name")
    results.first.wait_for()
    # Locator waits, not wait_for_function: its string predicate is an eval the CSP refuses.
    results.nth(2).wait_for()
    # The search term never went into the address bar.
    assert "therap" not in page.url
    names = results.all_inner_texts()
    assert "Riverton Community Counseling" in names
    # Crisis resources come first, before every other listing.
    crisis_flags = [
        item.locator(".badge-crisis").count() > 0 for item in page.locator("#results .result").all()
    ]
    assert crisis_flags[0] is True
    assert crisis_flags == sorted(crisis_flags, reverse=True)
    assert_accessible(page)

    page.get_by_role("link", name="Riverton Community Counseling").click()
    heading = page.get_by_role("heading", name="Riverton Community Counseling")
    heading.wait_for()
    # The detail screen is swapped in: no new history entry, and nothing typed in any URL.
    assert page.url.endswith("/resources")
    assert not [url for url in requested if "therap" in url]
    phone = page.locator("a.big-phone").first
    assert phone.inner_text() == "(202) 555-0100"
    assert phone.get_attribute("href") == "tel:+12025550100"
    code = page.get_by_role("img", name="QR code to call (202) 555-0100")
    code.wait_for()
    for _attempt in range(50):
        if code.evaluate("img => img.complete && img.naturalWidth > 0"):
            break
        page.wait_for_timeout(100)
    # Read the code as a phone camera would: from the pixels on screen.
    import io

    shot = code.screenshot()
    decoded = zxingcpp.read_barcodes(image_module.open(io.BytesIO(shot)))
    assert [d.text for d in decoded] == ["tel:+12025550100"]
    assert_accessible(page)

    # Start over as the idle timer does: the next person sees an empty search, and Back does
    # not bring back what the last person looked at.
    page.evaluate("window.location.replace('/reset')")
    page.wait_for_url(f"{live_server.url}/")
    for _step in range(3):  # every earlier entry in the Back history
        if page.go_back() is None:
            break
        assert page.get_by_text("Riverton Community Counseling").count() == 0
        assert page.get_by_text("(202) 555-0100").count() == 0
    page.goto("/resources")
    assert page.get_by_label("What do you need?").input_value() == ""
    assert page.locator("#results .result").count() == 0
    context.close()
    watch.assert_clean()


def test_browse_tile_and_open_now_filter(browser: Any, live_server: LiveServer) -> None:
    _fill(live_server)
    context, page, watch = new_page(browser, live_server.url)
    page.goto("/resources")
    page.get_by_role("button", name="Food Pantry").click()
    page.locator("#results .result-name").first.wait_for()
    assert set(page.locator("#results .result-name").all_inner_texts()) == {
        "Eastside Food Pantry",
        "Westside Food Pantry",
        "Temple Street Food Pantry",
    }
    page.get_by_label("Free").check()
    page.wait_for_timeout(400)
    assert page.locator("#results .result").count() == 3
    assert_accessible(page)
    page.get_by_role("link", name="Temple Street Food Pantry").click()
    assert page.get_by_text("Hours unknown: call first").first.is_visible()
    context.close()
    watch.assert_clean()
