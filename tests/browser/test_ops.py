"""The health page in a real browser: the staff browser's clock is compared by the page's own
script, the banner shows on staff pages, and both languages pass axe."""

from __future__ import annotations

from typing import Any

import pytest

from kiosk.ops import health
from tests.browser.conftest import assert_accessible, log_in, new_page
from tests.conftest import PASSWORD, LiveServer, make_live_staff


def test_health_page_compares_the_browser_clock(browser: Any, live_server: LiveServer) -> None:
    make_live_staff(live_server.app)("clock-admin", "admin")
    context, page, watch = new_page(browser, live_server.url)
    log_in(page, "clock-admin", PASSWORD)
    page.get_by_role("link", name="Health").click()
    page.wait_for_url("**/staff/health")
    page.get_by_text("This computer's clock and the server's agree").wait_for()
    assert page.get_by_role("heading", name="Health", level=1).is_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Español").click()
    page.wait_for_selector("html[lang=es]")
    page.get_by_text("El reloj de esta computadora y el del servidor coinciden").wait_for()
    assert page.get_by_role("heading", name="Estado", level=1).is_visible()
    assert_accessible(page)
    context.close()
    watch.assert_clean()


def test_a_browser_clock_ten_minutes_off_gets_a_warning(
    browser: Any, live_server: LiveServer
) -> None:
    make_live_staff(live_server.app)("skew-admin", "admin")
    context, page, watch = new_page(browser, live_server.url)
    # The browser's clock runs ten minutes ahead of the server's.
    page.add_init_script("(() => { const real = Date.now; Date.now = () => real() + 600000; })();")
    log_in(page, "skew-admin", PASSWORD)
    page.goto("/staff/health")
    page.get_by_text("The clocks differ by 10 minutes.").wait_for()
    assert page.get_by_text("The server is behind this computer.").is_visible()
    context.close()
    watch.assert_clean()


def test_low_disk_banner_on_staff_pages(
    browser: Any, live_server: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(health, "disk_free_bytes", lambda _path: 200_000_000)
    make_live_staff(live_server.app)("disk-admin", "admin")
    context, page, watch = new_page(browser, live_server.url)
    log_in(page, "disk-admin", PASSWORD)
    banner = page.get_by_role("status").filter(has_text="less than 1 GB free")
    banner.wait_for()
    assert_accessible(page)
    banner.get_by_role("link", name="See the health page").click()
    page.wait_for_url("**/staff/health")
    assert page.get_by_text("less than 1 GB: make room").is_visible()
    context.close()
    watch.assert_clean()
