"""The kiosk layout is touch-first at both tablet orientations, and keeps nothing in storage."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import TABLET_LANDSCAPE, TABLET_PORTRAIT, new_page
from tests.conftest import LiveServer

MEASURE = """() => {
  const visible = el => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0;
  };
  const small = [...document.querySelectorAll('a, button, input, select, textarea')]
    .filter(el => visible(el) && !el.classList.contains('skip-link'))
    .map(el => { const r = el.getBoundingClientRect();
                 return {text: (el.innerText || el.name || '').trim(), w: r.width, h: r.height}; })
    .filter(box => box.w < 48 || box.h < 48);
  return {
    small,
    bodyFont: parseFloat(getComputedStyle(document.body).fontSize),
    overflow: document.documentElement.scrollWidth - window.innerWidth,
  };
}"""


@pytest.mark.parametrize(
    "viewport", [TABLET_PORTRAIT, TABLET_LANDSCAPE], ids=["portrait", "landscape"]
)
def test_kiosk_targets_text_and_fit(
    browser: Any, live_server: LiveServer, viewport: dict[str, int]
) -> None:
    context, page, watch = new_page(browser, live_server.url, viewport)
    page.goto("/")
    facts = page.evaluate(MEASURE)
    assert facts["small"] == [], f"touch targets under 48 px: {facts['small']}"
    assert facts["bodyFont"] >= 18
    assert facts["overflow"] <= 0, "page scrolls sideways"
    context.close()
    watch.assert_clean()


def test_no_htmx_history_snapshot_and_nothing_in_storage(
    browser: Any, live_server: LiveServer
) -> None:
    context, page, watch = new_page(browser, live_server.url)
    page.goto("/")
    page.get_by_role("button", name="Español").click()
    page.wait_for_selector("html[lang=es]")
    page.goto("/staff/login")
    page.go_back()
    storage = page.evaluate("() => ({local: {...localStorage}, session: {...sessionStorage}})")
    assert "htmx-history-cache" not in storage["session"]
    assert storage["local"] == {}
    config = page.evaluate("() => htmx.config.historyCacheSize")
    assert config == 0
    context.close()
    watch.assert_clean()


def test_idle_prompt_then_reset_to_start(browser: Any, live_server: LiveServer) -> None:
    """The prompt appears, and with no answer the kiosk starts over (language back to default)."""
    context, page, watch = new_page(browser, live_server.url)
    page.clock.install()
    page.goto("/")
    page.get_by_role("button", name="Español").click()
    page.wait_for_selector("html[lang=es]")
    page.wait_for_load_state("load")  # kiosk.js (deferred) has armed its timers
    page.clock.run_for(76_000)  # 90 s idle minus the 15 s prompt, plus a second
    assert page.get_by_role("dialog").is_visible()
    with page.expect_navigation():
        page.clock.run_for(16_000)
    page.wait_for_selector("html[lang=en]")
    assert page.url.rstrip("/") == live_server.url
    context.close()
    watch.assert_clean()


def test_still_here_keeps_the_screen(browser: Any, live_server: LiveServer) -> None:
    context, page, watch = new_page(browser, live_server.url)
    page.clock.install()
    page.goto("/")
    page.get_by_role("button", name="Español").click()
    page.wait_for_selector("html[lang=es]")
    page.wait_for_load_state("load")  # kiosk.js (deferred) has armed its timers
    page.clock.run_for(76_000)
    page.get_by_role("button", name="Sigo aquí").click()
    page.clock.run_for(20_000)
    assert page.locator("html").get_attribute("lang") == "es"
    assert not page.get_by_role("dialog").is_visible()
    context.close()
    watch.assert_clean()


def test_the_staff_login_reached_from_the_kiosk_resets_on_idle(
    browser: Any, live_server: LiveServer
) -> None:
    context, page, watch = new_page(browser, live_server.url)
    page.clock.install()
    page.goto("/")
    page.get_by_role("link", name="Staff").click()
    page.wait_for_url("**/staff/login")
    page.get_by_label("Username").fill("half-typed")
    page.wait_for_load_state("load")
    page.clock.run_for(76_000)
    assert page.get_by_role("dialog").is_visible()
    with page.expect_navigation():
        page.clock.run_for(16_000)
    assert page.url.rstrip("/") == live_server.url
    page.go_back()
    assert "half-typed" not in page.content()
    context.close()
    watch.assert_clean()
