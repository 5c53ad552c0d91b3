"""The staff alert bar and help queue in a real browser: compact, calm, ordered by urgency."""

from __future__ import annotations

from typing import Any

from flask import Flask

from kiosk import clock
from kiosk.help import services
from tests.browser.conftest import TABLET_LANDSCAPE, assert_accessible, log_in, new_page
from tests.conftest import PASSWORD, LiveServer, make_live_staff
from tests.sessions.helpers import make_session


def _group(app: Flask, minutes_left: int = 60) -> str:
    with app.app_context():
        return str(make_session(starts_in_minutes=-30, minutes=30 + minutes_left).id)


def _main_top(page: Any) -> float:
    return float(page.evaluate("document.getElementById('main').getBoundingClientRect().top"))


def test_nine_open_requests_leave_the_roster_in_the_first_viewport(
    browser: Any, live_server: LiveServer
) -> None:
    app = live_server.app
    make_live_staff(app)("fac", "facilitator")
    group_id = _group(app)
    context, page, watch = new_page(browser, live_server.url, TABLET_LANDSCAPE)
    log_in(page, "fac", PASSWORD)
    page.goto(f"/staff/sessions/{group_id}")
    page.get_by_text("No open help requests.").wait_for()
    top_before = _main_top(page)
    with app.app_context():
        for n in range(6):
            services.send_quiet_word("now" if n % 2 else "after", f"scarf {n}", group_id)
        for room in ("1", "2", "3"):
            services.raise_professional_help(room, "clinician", "ben", group_id)
    # The bar updates by polling while the facilitator reads: nothing below it moves.
    page.get_by_text("9 open help requests").wait_for(timeout=6000)
    assert _main_top(page) == top_before
    page.reload()
    roster = page.get_by_role("heading", name="Who is here")
    box = roster.bounding_box()
    assert box is not None and box["y"] + box["height"] <= TABLET_LANDSCAPE["height"]
    assert page.get_by_role("region", name="Who is here").get_by_text("Total").is_visible()
    # The most urgent is summarized: professional help, in red.
    bar = page.locator("#help-alerts")
    assert "Professional help needed" in bar.inner_text()
    assert "alert-bar-urgent" in (bar.get_attribute("class") or "")
    assert_accessible(page)
    context.close()
    watch.assert_clean()


def test_the_queue_puts_professional_help_first_then_now_then_after(
    browser: Any, live_server: LiveServer
) -> None:
    app = live_server.app
    make_live_staff(app)("fac", "facilitator")
    with app.app_context():
        services.send_quiet_word("after", "after one")
        services.send_quiet_word("now", "now one")
        services.raise_professional_help("Garden", "crisis_team", "ben")
    context, page, watch = new_page(browser, live_server.url, TABLET_LANDSCAPE)
    log_in(page, "fac", PASSWORD)
    page.get_by_role("link", name="Open the help queue").click()
    titles = page.locator(".help-request-title").all_inner_texts()
    assert [" ".join(t.split()) for t in titles] == [
        "Urgent Professional help needed · Crisis line or team",
        "Waiting Quiet word · Now",
        "Waiting Quiet word · After the group",
    ]
    assert_accessible(page)
    context.close()
    watch.assert_clean()


def test_after_the_group_does_not_escalate_before_its_group_ends(
    browser: Any, live_server: LiveServer
) -> None:
    app = live_server.app
    make_live_staff(app)("fac", "facilitator")
    group_id = _group(app, minutes_left=45)
    with app.app_context():
        services.send_quiet_word("after", "red hat", group_id)
    context, page, watch = new_page(browser, live_server.url, TABLET_LANDSCAPE)
    bar = page.locator("#help-alerts")

    clock.advance(40 * 60)  # long past the 3 minutes, but the group has 5 minutes to go
    log_in(page, "fac", PASSWORD)
    assert "alert-bar-attention" in (bar.get_attribute("class") or "")
    assert "Not answered in time" not in bar.inner_text()
    page.get_by_role("link", name="Open the help queue").click()
    assert page.get_by_text("Becomes urgent at").is_visible()

    clock.advance(9 * 60)  # the group ended 4 minutes ago
    page.reload()
    page.get_by_text("Not answered in time.").wait_for()
    assert "alert-bar-urgent" in (bar.get_attribute("class") or "")
    context.close()
    watch.assert_clean()


def test_resolve_without_an_outcome_is_refused_with_an_error_summary(
    browser: Any, live_server: LiveServer
) -> None:
    app = live_server.app
    make_live_staff(app)("fac", "facilitator")
    with app.app_context():
        services.send_quiet_word("now", "by the door")
    context, page, watch = new_page(browser, live_server.url, TABLET_LANDSCAPE)
    log_in(page, "fac", PASSWORD)
    page.goto("/staff/help/")
    page.get_by_role("link", name="Resolve").click()
    assert page.get_by_role("radio", checked=True).count() == 0
    page.get_by_role("button", name="Resolve").click()
    summary = page.get_by_role("alert").filter(has_text="There is a problem")
    summary.wait_for()
    # The refused form comes back as 400 (Chromium logs that); nothing else may be logged.
    assert watch.console_errors == [
        "Failed to load resource: the server responded with a status of 400 (BAD REQUEST)"
    ]
    watch.console_errors.clear()
    assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    assert_accessible(page)
    summary.get_by_role("link", name="Choose what happened before resolving.").click()
    assert page.evaluate("document.activeElement.id") == "outcome-0"
    page.get_by_label("Called a crisis line").check()
    page.get_by_role("button", name="Resolve").click()
    page.get_by_text("Resolved. Thank you.").wait_for()
    assert page.get_by_text("No open help requests.").is_visible()
    context.close()
    watch.assert_clean()
