"""Every page, in a real browser at tablet size: no console error, no CSP violation, no request
to another host, and no axe-core WCAG 2.2 A/AA violation. The page list comes from the role
matrix, so a new page is visited as soon as it is in the matrix."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import TABLET_LANDSCAPE, assert_accessible, log_in, new_page
from tests.conftest import PASSWORD, LiveServer
from tests.role_matrix import html_pages, setup_values


def _setup(live_server: LiveServer) -> dict[str, Any]:
    values = setup_values(live_server.app)
    with live_server.app.app_context():
        from kiosk.auth import services

        services.create_user("browser-admin", "admin", PASSWORD)
    return values


def _visit_all(page: Any, paths: list[str]) -> None:
    for path in paths:
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        assert_accessible(page)


def test_every_page_is_clean_and_accessible(browser: Any, live_server: LiveServer) -> None:
    values = _setup(live_server)
    anonymous_pages = html_pages("anonymous", values)
    admin_pages = html_pages("admin", values)
    assert "/" in anonymous_pages and "/staff/admin/users" in admin_pages

    context, page, watch = new_page(browser, live_server.url)
    _visit_all(page, anonymous_pages)
    log_in(page, "browser-admin", PASSWORD)
    _visit_all(page, admin_pages)
    context.close()
    watch.assert_clean()


def test_kiosk_start_in_spanish_and_landscape(browser: Any, live_server: LiveServer) -> None:
    context, page, watch = new_page(browser, live_server.url, TABLET_LANDSCAPE)
    page.goto("/")
    page.get_by_role("button", name="Español").click()
    page.wait_for_selector("html[lang=es]")
    assert page.get_by_role("heading", name="Le damos la bienvenida").is_visible()
    assert_accessible(page)
    context.close()
    watch.assert_clean()
