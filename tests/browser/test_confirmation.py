"""A quiet word and a sign-in end on the very same screen, header to footer (issue 8, point 2).

Driven in Chromium the way a person does it (htmx swaps, as on the kiosk), then the whole
visible screen of both is compared: every word in <body>, every visible control, the title.
"""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import new_page
from tests.conftest import LiveServer
from tests.sessions.helpers import make_session

DONE = "Thank you — you're all set"

VISIBLE_CONTROLS = """() => Array.from(
  document.querySelectorAll('a, button, input, select, textarea'))
  .filter(el => el.type !== 'hidden' && el.getClientRects().length > 0
                && getComputedStyle(el).visibility !== 'hidden')
  .map(el => el.tagName + ':' + (el.innerText || el.value || '').trim())"""


def _screen(page: Any) -> dict[str, Any]:
    page.get_by_role("heading", name=DONE).wait_for()
    return {
        "text": page.locator("body").inner_text(),
        "controls": page.evaluate(VISIBLE_CONTROLS),
        "title": page.title(),
    }


def test_quiet_word_and_sign_in_end_on_identical_screens(
    browser: Any, live_server: LiveServer
) -> None:
    with live_server.app.app_context():
        make_session(title="Tuesday circle", collect_names=False)
    context, page, watch = new_page(browser, live_server.url)
    page.goto("/")
    page.get_by_role("button", name="Tuesday circle").click()
    page.get_by_role("button", name="Prefer not to say").click()
    signed_in = _screen(page)

    page.goto("/")
    page.get_by_role("link", name="I'd like a quiet word with someone").first.click()
    page.get_by_label("How can we find you? (optional)").fill("by the window")
    page.get_by_role("button", name="Send").click()
    quiet = _screen(page)

    assert quiet == signed_in
    assert "Exit" not in " ".join(quiet["controls"])
    assert "signed in" not in quiet["text"] and "by the window" not in quiet["text"]
    context.close()
    watch.assert_clean()
