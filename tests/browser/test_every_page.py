"""Every page, in a real browser at tablet size: no console error, no CSP violation, no request
to another host, and no axe-core WCAG 2.2 A/AA violation. The page list comes from the role
matrix, so a new page is visited as soon as it is in the matrix."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import TABLET_LANDSCAPE, assert_accessible, log_in, new_page
from tests.conftest import PASSWORD, LiveServer
from tests.role_matrix import load_all

NOT_HTML = {"health.healthz"}


def _pages(role: str, values: dict[str, Any]) -> list[str]:
    routes, _ = load_all()
    paths = []
    for endpoint, cases in routes.items():
        if endpoint in NOT_HTML:
            continue
        for case in cases:
            if case.method == "GET" and case.expected(role) == 200:
                paths.append(case.path.format(**values))
    return sorted(set(paths))


def _setup(live_server: LiveServer) -> dict[str, Any]:
    _, setups = load_all()
    values: dict[str, Any] = {}
    with live_server.app.app_context():
        for setup in setups:
            values.update(setup(live_server.app))
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
    anonymous_pages = _pages("anonymous", values)
    admin_pages = _pages("admin", values)
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
    assert page.get_by_role("heading", name="Bienvenido/a").is_visible()
    assert_accessible(page)
    context.close()
    watch.assert_clean()
