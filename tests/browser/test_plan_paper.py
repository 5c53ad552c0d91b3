"""The plan on paper, as a note on a phone, and its longer idle reset (issue 13, the plan).

Printed to PDF by Chromium (print media, as window.print() would), read back with pypdf; the
QR code read from the pixels with zxing-cpp; the idle prompt driven by Playwright's fake clock.
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from pypdf import PdfReader

from kiosk.help.plan import PLAN_PROMPT_SECONDS, STEP_KEYS
from tests.browser.conftest import new_page
from tests.browser.test_printables import _pdf_text
from tests.browser.test_qr_codes import _read_codes
from tests.conftest import LiveServer

# A typical plan: a line or two in each step, in the person's own words.
ANSWERS = {
    "warning_signs": "I stop answering messages and stay in bed past noon.",
    "on_my_own": "Walk to the river, music on, slow breathing for five minutes.",
    "distractions": "The library on Main Street; Tuesday's group.",
    "people": "Ana 555-0100, my brother Luis 555-0142",
    "professionals": "Dr. Patel's office 555-0199; 988 any time",
    "safer_space": "Ask Luis to keep my pills for the week.",
}


def _write_whole_plan(page: Any) -> None:
    page.goto("/plan")
    page.get_by_role("button", name="Start").click()
    for number, key in enumerate(STEP_KEYS, 1):
        page.get_by_text(f"Step {number} of {len(STEP_KEYS)}").wait_for()
        page.locator("textarea").fill(ANSWERS[key])
        page.get_by_role("button", name="Next").click()
    page.get_by_role("button", name="Print").wait_for()


def _largest_words_size(pdf: bytes, words: str) -> float:
    """The font size (pt) a piece of text is drawn at in the PDF (font size times text matrix)."""
    sizes: list[float] = []

    def visit(text: str, cm: Any, tm: Any, _font: Any, size: float) -> None:
        if text.strip() and text.strip()[:20] in words:
            scale = (tm[0] ** 2 + tm[1] ** 2) ** 0.5 * (cm[0] ** 2 + cm[1] ** 2) ** 0.5
            sizes.append(size * scale)

    for pdf_page in PdfReader(io.BytesIO(pdf)).pages:
        pdf_page.extract_text(visitor_text=visit)
    return max(sizes, default=0.0)


@pytest.mark.parametrize("paper", ["Letter", "A4"])
def test_a_typical_plan_prints_on_one_page_with_the_words_large(
    browser: Any, live_server: LiveServer, paper: str
) -> None:
    context, page, watch = new_page(browser, live_server.url)
    _write_whole_plan(page)
    pdf = page.pdf(format=paper)
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1
    text = _pdf_text(pdf)
    for words in ANSWERS.values():
        assert " ".join(words.split()[:3]) in text, words
    assert "Written on" in text and "More I want to add" in text
    assert "Show as QR codes" not in text and "Change" not in text
    # The person's words at 14 pt or more: in the print style sheet and in the PDF itself.
    page.emulate_media(media="print")
    points = page.locator(".plan-text").evaluate_all(
        "els => els.map(el => parseFloat(getComputedStyle(el).fontSize) * 0.75)"
    )
    assert len(points) == len(STEP_KEYS) and min(points) >= 14, points
    # Chromium writes 18.66 px times 0.75 (rounded to 2 decimals): 14 pt to one decimal.
    assert round(_largest_words_size(pdf, ANSWERS["on_my_own"]), 1) >= 14
    context.close()
    watch.assert_clean()


def test_the_plan_is_one_code_that_saves_it_as_a_note(
    browser: Any, live_server: LiveServer
) -> None:
    context, page, watch = new_page(browser, live_server.url)
    _write_whole_plan(page)
    page.get_by_role("button", name="Show as QR codes").click()
    page.get_by_role("button", name="Show the words").wait_for()
    codes = _read_codes(page)
    assert len(codes) == 1
    caption, text = codes[0]
    assert caption == "Scan to save as a note"
    assert text.startswith("My plan for hard moments\n\n1. Signs that a hard moment is coming\n")
    for words in ANSWERS.values():
        assert words in text
    assert "hotograph" not in page.content()
    context.close()
    watch.assert_clean()


def test_the_plan_counts_down_before_it_clears_and_more_time_extends_it(
    browser: Any, live_server: LiveServer
) -> None:
    plan_seconds = live_server.app.config["KIOSK"].plan_idle_seconds
    context, page, watch = new_page(browser, live_server.url)
    page.clock.install()
    page.goto("/plan")
    page.get_by_role("button", name="Start").click()
    page.get_by_text("Step 1 of 6").wait_for()
    page.locator("textarea").fill("Short walk by the river")
    dialog = page.get_by_role("dialog", name="Still there?")
    # The ordinary kiosk reset (90 s) does not apply on the plan.
    page.clock.run_for(120 * 1000)
    assert not dialog.is_visible()
    page.clock.run_for((plan_seconds - PLAN_PROMPT_SECONDS - 120 + 1) * 1000)
    dialog.wait_for()
    assert dialog.get_by_text(f"Starting over in {PLAN_PROMPT_SECONDS - 1} seconds").is_visible()
    page.clock.run_for(20 * 1000)
    assert dialog.get_by_text(f"Starting over in {PLAN_PROMPT_SECONDS - 21} seconds").is_visible()
    dialog.get_by_role("button", name="More time").click()
    assert not dialog.is_visible()
    # Well past the moment it would have cleared: still the plan, with the words typed.
    page.clock.run_for(PLAN_PROMPT_SECONDS * 1000)
    assert page.locator("textarea").input_value() == "Short walk by the river"
    assert not dialog.is_visible()
    # Left alone again: the prompt, then a fresh start screen.
    page.clock.run_for((plan_seconds - 2 * PLAN_PROMPT_SECONDS) * 1000)
    dialog.wait_for()
    page.clock.run_for((PLAN_PROMPT_SECONDS + 1) * 1000)
    page.wait_for_url(f"{live_server.url}/")
    assert "Short walk by the river" not in page.content()
    context.close()
    watch.assert_clean()
