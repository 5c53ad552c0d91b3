"""The language switch mid-flow, as a person uses it (issue 8, point 8): tap Español on step 2
of the sign-in and of the plan; the same step comes back in Spanish with the answers kept."""

from __future__ import annotations

from typing import Any

from kiosk.sessions import services
from tests.browser.conftest import new_page
from tests.conftest import LiveServer
from tests.sessions.helpers import make_session

NAME = "Rosa Marker"


def test_sign_in_switches_language_on_step_two(browser: Any, live_server: LiveServer) -> None:
    with live_server.app.app_context():
        group_id = make_session(title="Tuesday circle", collect_names=True).id
    context, page, watch = new_page(browser, live_server.url)
    page.goto("/")
    page.get_by_role("button", name="Tuesday circle").click()
    page.get_by_label("First name or nickname").fill(NAME)
    page.get_by_role("button", name="Next").click()
    page.get_by_role("heading", name="Is this your first time here?").wait_for()
    page.get_by_role("button", name="Español").click()
    page.get_by_role("heading", name="¿Es tu primera vez aquí?").wait_for()
    assert NAME not in page.url
    assert all(NAME not in cookie["value"] for cookie in context.cookies())
    page.get_by_role("button", name="Sí, es mi primera vez").click()
    page.locator("section.done").wait_for()
    with live_server.app.app_context():
        assert [e.name for e in services.roster(group_id).entries] == [NAME]
    context.close()
    watch.assert_clean()


def test_plan_switches_language_on_step_two(browser: Any, live_server: LiveServer) -> None:
    context, page, watch = new_page(browser, live_server.url)
    page.goto("/plan")
    page.get_by_role("button", name="Start").click()
    page.get_by_text("Step 1 of 6").wait_for()
    page.locator("textarea").fill("first answer")
    page.get_by_role("button", name="Next").click()
    page.get_by_text("Step 2 of 6").wait_for()
    page.locator("textarea").fill("second answer")
    page.get_by_role("button", name="Español").click()
    page.get_by_text("Paso 2 de 6").wait_for()
    assert page.locator("textarea").input_value() == "second answer"
    assert "answer" not in page.url
    page.get_by_role("button", name="Atrás").click()
    page.get_by_text("Paso 1 de 6").wait_for()
    assert page.locator("textarea").input_value() == "first answer"
    context.close()
    watch.assert_clean()
