"""Kiosk sign-in in a real browser at tablet size: the four-tap path, two tablets at once with
the facilitator's live roster, the printed sheet, and nothing left behind for the next person."""

from __future__ import annotations

import base64
import io
import json
import re
import time
import unicodedata
import zlib
from typing import Any

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from kiosk.sessions import services
from tests.browser.conftest import assert_accessible, log_in, new_page
from tests.conftest import PASSWORD, LiveServer
from tests.sessions.helpers import make_session


def _session(live_server: LiveServer, **kwargs: Any) -> str:
    with live_server.app.app_context():
        return make_session(**kwargs).id


def test_anonymous_sign_in_takes_at_most_four_taps(browser: Any, live_server: LiveServer) -> None:
    group_id = _session(
        live_server, title="Tuesday circle", agreement="What is said here stays here."
    )
    context, page, watch = new_page(browser, live_server.url)
    page.goto("/")
    taps = 0

    def tap(name: str) -> None:
        nonlocal taps
        page.get_by_role("button", name=name).click()
        taps += 1

    tap("Tuesday circle")
    expect(
        page.get_by_role("heading", name="What should the facilitator call you?")
    ).to_be_visible()
    assert_accessible(page)
    tap("Skip")
    expect(page.get_by_role("heading", name="Is this your first time here?")).to_be_visible()
    assert_accessible(page)
    tap("Prefer not to say")
    expect(page.get_by_text("What is said here stays here.")).to_be_visible()
    assert_accessible(page)
    tap("I agree")
    expect(page.get_by_role("heading", name="Thank you — you're all set")).to_be_visible()
    assert taps <= 4
    assert page.url.rstrip("/") == live_server.url  # no step ever got its own URL
    with live_server.app.app_context():
        assert services.roster(group_id).total == 1
    context.close()
    watch.assert_clean()


def _pdf_text(pdf: bytes) -> str:
    text = "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)
    return unicodedata.normalize("NFKC", text)  # the "ﬁ" ligature back to "fi"


def test_two_tablets_roster_within_five_seconds_and_printed_sheet(
    browser: Any, live_server: LiveServer
) -> None:
    group_id = _session(live_server, title="Evening circle")
    with live_server.app.app_context():
        from kiosk.auth import services as auth_services

        auth_services.create_user("fac", "facilitator", PASSWORD)
    staff_ctx, console, staff_watch = new_page(browser, live_server.url)
    log_in(console, "fac", PASSWORD)
    console.goto(f"/staff/sessions/{group_id}")
    # The facilitator starts typing a walk-in; polling must not wipe it.
    console.get_by_label("First name or nickname (optional)").fill("Half-typed")

    first_ctx, first, first_watch = new_page(browser, live_server.url)
    second_ctx, second, second_watch = new_page(browser, live_server.url)
    first.goto("/")
    second.goto("/")
    # Both tablets work at the same time, step by step.
    first.get_by_role("button", name="Evening circle").click()
    second.get_by_role("button", name="Evening circle").click()
    first.get_by_label("First name or nickname").fill("Bea")
    first.get_by_role("button", name="Next").click()
    second.get_by_role("button", name="Skip").click()
    first.get_by_role("button", name="Get a visitor code").click()
    code = first.locator(".code-words").inner_text().strip()
    assert re.fullmatch(r"[a-z]+-[a-z]+-[a-z]+", code)
    assert_accessible(first)
    first.get_by_role("button", name="Yes, it's my first time").click()
    second.get_by_role("button", name="No, I've been before").click()
    expect(first.get_by_role("heading", name="Thank you — you're all set")).to_be_visible()
    expect(second.get_by_role("heading", name="Thank you — you're all set")).to_be_visible()
    signed_at = time.monotonic()
    assert code not in first.content()

    roster = console.locator("#roster")
    expect(roster.get_by_role("cell", name="Bea", exact=True)).to_be_visible(timeout=5000)
    expect(roster.get_by_role("cell", name="Guest 1", exact=True)).to_be_visible(timeout=5000)
    assert time.monotonic() - signed_at <= 5.0
    expect(roster.locator('[data-count="total"]')).to_have_text("2")
    expect(roster.locator('[data-count="first"]')).to_have_text("1")
    expect(roster.locator('[data-count="returning"]')).to_have_text("1")
    console.wait_for_timeout(4500)  # at least one more poll
    expect(console.get_by_label("First name or nickname (optional)")).to_have_value("Half-typed")
    assert_accessible(console)

    console.goto(f"/staff/sessions/{group_id}/sheet")
    assert_accessible(console)
    text = _pdf_text(console.pdf(format="Letter"))
    for expected in ("Evening circle", "Bea", "Guest 1", "Total", "Confidential"):
        assert expected in text, expected
    assert re.search(r"Total\s*2", text) and re.search(r"First time\s*1", text)
    # No word of the code is on the sheet, beyond words every sheet prints anyway (the
    # confidentiality line says "people", and the code "gym-people-wash" once made this fail).
    console.goto("/staff/sessions/blank-sheet")
    printed_anyway = set(_pdf_text(console.pdf(format="Letter")).split())
    console.goto(f"/staff/sessions/{group_id}/sheet")
    leaked = [
        word
        for word in code.split("-")
        if len(word) > 3 and word in text.split() and word not in printed_anyway
    ]
    assert code not in text and " ".join(code.split("-")) not in text and leaked == []
    a4 = _pdf_text(console.pdf(format="A4"))
    assert "Bea" in a4

    for ctx in (staff_ctx, first_ctx, second_ctx):
        ctx.close()
    for watch in (staff_watch, first_watch, second_watch):
        watch.assert_clean()


def _cookie_payload(value: str) -> str:
    compressed = value.startswith(".")
    payload = value.lstrip(".").split(".")[0]
    raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    return (zlib.decompress(raw) if compressed else raw).decode()


def test_alice_leaves_no_trace_after_idle_reset(browser: Any, live_server: LiveServer) -> None:
    app = live_server.app
    app.config["KIOSK"] = app.config["KIOSK"].with_overrides(
        idle_reset_seconds=6, idle_prompt_seconds=2
    )
    _session(live_server, title="Morning circle")
    context, page, watch = new_page(browser, live_server.url)
    page.goto("/")
    page.get_by_role("button", name="Morning circle").click()
    page.get_by_label("First name or nickname").fill("Alice")
    page.get_by_role("button", name="Next").click()
    page.get_by_role("button", name="Yes, it's my first time").click()
    expect(page.get_by_role("heading", name="Thank you — you're all set")).to_be_visible()
    # The next person would have been Alice again, typing and then walking away.
    expect(page.get_by_role("heading", name="Welcome")).to_be_visible(timeout=12000)
    page.get_by_role("button", name="Morning circle").click()
    page.get_by_label("First name or nickname").fill("Alice")
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("heading", name="Is this your first time here?")).to_be_visible()
    # Idle: "Still there?" then the reset.
    expect(page.get_by_role("heading", name="Still there?")).to_be_visible(timeout=8000)
    expect(page.get_by_role("heading", name="Welcome")).to_be_visible(timeout=8000)
    assert "Alice" not in page.content()
    for _ in range(3):
        page.go_back()
        page.wait_for_load_state()
        assert "Alice" not in page.content()
    page.goto("/")
    storage = page.evaluate(
        "() => JSON.stringify({local: Object.assign({}, localStorage),"
        " session: Object.assign({}, sessionStorage), cookie: document.cookie})"
    )
    assert "Alice" not in storage
    stored = json.loads(storage)
    assert stored["local"] == {}
    # htmx keeps only the current path ("/") for its history logic; no history cache at all.
    assert set(stored["session"]) <= {"htmx-current-path-for-history"}
    assert "htmx-history-cache" not in storage
    for cookie in context.cookies():
        assert "Alice" not in cookie["value"]
        if cookie["name"] == "porchlight":
            assert "Alice" not in _cookie_payload(cookie["value"])
    context.close()
    watch.assert_clean()


def test_long_sheet_repeats_its_header_row_on_every_printed_page(
    browser: Any, live_server: LiveServer
) -> None:
    group_id = _session(live_server, title="Big circle")
    with live_server.app.app_context():
        services.add_tally(group_id, 70)
        from kiosk.auth import services as auth_services

        auth_services.create_user("printer", "facilitator", PASSWORD)
    context, page, watch = new_page(browser, live_server.url)
    log_in(page, "printer", PASSWORD)
    page.goto(f"/staff/sessions/{group_id}/sheet?paper=a4")
    reader = PdfReader(io.BytesIO(page.pdf(format="A4")))
    assert len(reader.pages) >= 2
    for number, pdf_page in enumerate(reader.pages, start=1):
        text = unicodedata.normalize("NFKC", pdf_page.extract_text() or "")
        assert "Name or nickname (optional)" in text, f"page {number} has no header row"
    whole = _pdf_text(page.pdf(format="A4"))
    assert "Guest 70" in whole and "Staff accounts" not in whole  # no navigation on paper
    context.close()
    watch.assert_clean()


@pytest.mark.parametrize("paper", ["letter", "a4"])
def test_the_printed_sheet_names_the_session_and_counts_pages_on_every_page(
    browser: Any, live_server: LiveServer, paper: str
) -> None:
    group_id = _session(live_server, title="Big circle")
    with live_server.app.app_context():
        for name in ("Lupe", "Lupe", "Ana"):
            services.record_signin(group_id, form_token=None, name=name, visit="first")
        services.record_signin(group_id, form_token=None, name="Bo", visit="returning")
        services.add_tally(group_id, 66)  # 70 rows in all; paper tallies did not say
        from kiosk.auth import services as auth_services

        auth_services.create_user("printer", "facilitator", PASSWORD)
    context, page, watch = new_page(browser, live_server.url)
    log_in(page, "printer", PASSWORD)
    page.goto(f"/staff/sessions/{group_id}/sheet?paper={paper}")
    # As a person prints: the sheet's own @page size and margins (where the running header is).
    reader = PdfReader(io.BytesIO(page.pdf(prefer_css_page_size=True)))
    pages = len(reader.pages)
    assert pages >= 2
    width, height = (float(v) for v in reader.pages[0].mediabox.upper_right)
    assert (round(width), round(height)) == ((612, 792) if paper == "letter" else (595, 842))
    for number, pdf_page in enumerate(reader.pages, start=1):
        # pypdf drops some spaces in the page margins: compare without any whitespace.
        text = "".join(unicodedata.normalize("NFKC", pdf_page.extract_text() or "").split())
        assert "Attendancesheet:Bigcircle" in text, f"page {number}: no session name"
        assert f"Page{number}of{pages}" in text, f"page {number}: no page n of m"
        assert "Confidential" in text, f"page {number}: no confidentiality line"
        assert re.search(r"\d{1,2}:\d{2}[AP]M", text), f"page {number}: no time"
    whole = "".join(_pdf_text(page.pdf(prefer_css_page_size=True)).split())
    # The counts add up: 3 first time + 1 returning + 66 not said = 70.
    assert "Total70" in whole and "Firsttime3" in whole
    assert "Returning1" in whole and "Notsaid66" in whole
    assert "Lupe(1)" in whole and "Lupe(2)" in whole
    context.close()
    watch.assert_clean()
