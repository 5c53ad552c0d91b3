"""The console's roster in a real browser: polls answered 204 swap nothing, and a sign-in
brings the new roster at the next poll."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from kiosk.auth import services as auth_services
from kiosk.sessions import services
from tests.browser.conftest import log_in, new_page
from tests.conftest import PASSWORD, LiveServer
from tests.sessions.helpers import make_session


def test_browser_keeps_polling_through_204s_and_swaps_when_someone_signs_in(
    browser: Any, live_server: LiveServer
) -> None:
    with live_server.app.app_context():
        group_id = make_session(collect_names=False, title="Noon circle").id
        auth_services.create_user("fac", "facilitator", PASSWORD)
    context, console, watch = new_page(browser, live_server.url)
    log_in(console, "fac", PASSWORD)
    console.goto(f"/staff/sessions/{group_id}")
    expect(console.get_by_text("No one has signed in yet.")).to_be_visible()
    with console.expect_response(lambda r: "/roster" in r.url and r.status == 204, timeout=15_000):
        pass
    with live_server.app.app_context():
        services.record_signin(group_id, form_token=None, visit="first")
    with console.expect_response(lambda r: "/roster" in r.url and r.status == 200, timeout=15_000):
        pass
    expect(console.locator('[data-count="total"]')).to_have_text("1")
    expect(console.get_by_role("cell", name="Guest 1", exact=True)).to_be_visible()
    # The next polls carry the new version, and are 204 again.
    with console.expect_response(lambda r: "/roster" in r.url and r.status == 204, timeout=15_000):
        pass
    expect(console.get_by_role("cell", name="Guest 1", exact=True)).to_be_visible()
    context.close()
    watch.assert_clean()
