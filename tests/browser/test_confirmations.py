"""Destructive and hard-to-undo staff actions go through a page that names the thing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from kiosk.help import services as help_services
from kiosk.sessions import services as session_services
from kiosk.signin import services as signin_services
from tests.browser.conftest import assert_accessible, log_in, new_page
from tests.conftest import PASSWORD, LiveServer, make_live_staff
from tests.resources.conftest import make_service
from tests.sessions.helpers import make_session


def _setup(live_server: LiveServer) -> dict[str, Any]:
    app = live_server.app
    make_live_staff(app)("boss", "admin")
    make_live_staff(app)("dana", "facilitator")
    with app.app_context():
        line = next(x for x in help_services.lines_for("US") if not x.is_emergency)
        signin_services.enroll_kiosk("Lobby tablet", "boss")
        service = make_service(name="Harbor Counseling", organization_name="Harbor Org")
        group = make_session(title="Tuesday circle")
        session_services.record_signin(group.id, form_token=None, name="Lupe")
        return {"line": line.name, "service": service.uuid, "group": group.id}


# (what to open, the button or link that starts it, the name the confirmation must show,
#  the confirm button, what the list shows afterwards)
Action = tuple[Callable[[dict[str, Any]], str], str, str, str, str]
ACTIONS: dict[str, Action] = {
    "remove a crisis line": (
        lambda v: "/staff/help/lines",
        "Remove 988 Suicide & Crisis Lifeline",
        "988 Suicide & Crisis Lifeline",
        "Yes, remove it",
        "Line removed.",
    ),
    "disable an account": (
        lambda v: "/staff/admin/users",
        "Disable dana",
        "dana",
        "Yes, disable dana",
        "Account dana disabled and logged out.",
    ),
    "revoke a kiosk": (
        lambda v: "/staff/kiosks",
        "Revoke Lobby tablet",
        "Lobby tablet",
        "Yes, revoke Lobby tablet",
        "Kiosk revoked.",
    ),
    "archive a resource": (
        lambda v: f"/staff/resources/{v['service']}/history",
        "Archive",
        "Harbor Counseling",
        "Yes, archive it",
        "Archived.",
    ),
    "remove a sign-in": (
        lambda v: f"/staff/sessions/{v['group']}",
        "Remove Lupe",
        "Lupe",
        "Yes, remove it",
        "Entry removed.",
    ),
}


@pytest.mark.parametrize("action", list(ACTIONS))
def test_each_destructive_action_shows_its_confirmation(
    browser: Any, live_server: LiveServer, action: str
) -> None:
    values = _setup(live_server)
    start, trigger, thing, confirm, done = ACTIONS[action]
    context, page, watch = new_page(browser, live_server.url)
    log_in(page, "boss", PASSWORD)
    page.goto(start(values))
    page.get_by_role("link", name=trigger, exact=True).click()
    heading = page.get_by_role("heading", level=1)
    assert heading.inner_text().endswith("?")
    assert thing in page.locator("main").inner_text()
    assert (
        page.get_by_role("link", name="No, keep it").is_visible()
        or page.get_by_role("link", name="Keep it").is_visible()
    )
    assert_accessible(page)
    # Keeping it changes nothing; going ahead does it.
    page.go_back()
    page.get_by_role("link", name=trigger, exact=True).click()
    page.get_by_role("button", name=confirm).click()
    page.get_by_text(done).wait_for()
    context.close()
    watch.assert_clean()


def test_the_emergency_number_cannot_be_removed(browser: Any, live_server: LiveServer) -> None:
    _setup(live_server)
    context, page, watch = new_page(browser, live_server.url)
    log_in(page, "boss", PASSWORD)
    page.goto("/staff/help/lines")
    row = page.get_by_role("row").filter(has_text="emergency number")
    assert row.get_by_role("link", name="Edit").is_visible()
    assert row.get_by_role("link", name="Remove").count() == 0
    with live_server.app.app_context():
        (emergency,) = [x for x in help_services.lines_for("US") if x.is_emergency]
        emergency_id = emergency.id
    page.goto(f"/staff/help/lines/{emergency_id}/delete")
    page.get_by_text("The emergency number cannot be removed.").wait_for()
    assert "911" in page.locator("table").inner_text()
    context.close()
    watch.assert_clean()
