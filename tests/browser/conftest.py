"""Browser fixtures: Debian's Chromium driven by Playwright at a tablet-sized viewport.

Playwright's own browser download cannot work offline, so the tests use /usr/bin/chromium.
Without it the browser tests skip with a reason, unless KIOSK_REQUIRE_BROWSER=1 (CI), where a
missing browser is a failure.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import pytest

CHROMIUM = os.environ.get("KIOSK_CHROMIUM", "/usr/bin/chromium")
TABLET_PORTRAIT = {"width": 768, "height": 1024}
TABLET_LANDSCAPE = {"width": 1280, "height": 800}
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# The flags keep Chromium from reaching out to Google on a machine with no network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
]


def _browser_missing_reason() -> str | None:
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        return f"Chromium not found at {CHROMIUM} (apt-get install -y chromium)"
    try:
        import axe_playwright_python  # noqa: F401
        import playwright  # noqa: F401
    except ImportError as exc:
        return f"browser test tools not installed ({exc.name}); pip install -r requirements-dev.txt"
    return None


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium for the whole run."""
    reason = _browser_missing_reason()
    if reason:
        if os.environ.get("KIOSK_REQUIRE_BROWSER") == "1":
            pytest.fail(f"KIOSK_REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@dataclass
class PageWatch:
    """What a page did that it must not: console errors, CSP violations, other hosts."""

    origin: str
    console_errors: list[str] = field(default_factory=list)
    foreign_requests: list[str] = field(default_factory=list)

    def assert_clean(self) -> None:
        """Fail on any console error (CSP violations are console errors) or foreign request."""
        assert self.foreign_requests == [], f"requests to other hosts: {self.foreign_requests}"
        assert self.console_errors == [], f"console errors: {self.console_errors}"


def new_page(
    browser: Any, base_url: str, viewport: dict[str, int] | None = None
) -> tuple[Any, Any, PageWatch]:
    """A fresh context and page that record errors and block every other host."""
    context = browser.new_context(
        viewport=viewport or TABLET_PORTRAIT, base_url=base_url, has_touch=True, locale="en-US"
    )
    watch = PageWatch(origin=base_url)
    own = urlsplit(base_url).netloc

    def route(route: Any) -> None:
        url = route.request.url
        parts = urlsplit(url)
        if parts.scheme in ("http", "https", "ws", "wss") and parts.netloc != own:
            watch.foreign_requests.append(url)
            route.abort()
        else:
            route.continue_()

    context.route("**/*", route)
    page = context.new_page()

    def on_console(message: Any) -> None:
        if message.type == "error":
            watch.console_errors.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: watch.console_errors.append(f"pageerror: {error}"))
    return context, page, watch


@pytest.fixture
def browser_page(browser: Any, live_server: Any) -> Iterator[tuple[Any, PageWatch]]:
    """A tablet-sized page on the live server; fails the test on console errors or foreign hosts."""
    context, page, watch = new_page(browser, live_server.url)
    yield page, watch
    context.close()
    watch.assert_clean()


def assert_accessible(page: Any) -> None:
    """Run axe-core on the page: no WCAG 2.2 A/AA violations."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page,
        options={"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]},
    )
    assert results.violations_count == 0, (
        f"axe violations on {page.url}:\n{results.generate_report()}"
    )


def log_in(page: Any, username: str, password: str) -> None:
    """Log in through the staff form as a person would."""
    page.goto("/staff/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/staff/")


def write_plan(page: Any, first_step: str) -> None:
    """Walk the plan from its start, writing ``first_step`` in step 1, to the finished plan."""
    page.goto("/plan")
    page.get_by_role("button", name="Start").click()
    page.get_by_text("Step 1 of 6").wait_for()
    page.locator("textarea").fill(first_step)
    for step in range(2, 7):
        page.get_by_role("button", name="Next").click()
        page.get_by_text(f"Step {step} of 6").wait_for()
    page.get_by_role("button", name="Next").click()
