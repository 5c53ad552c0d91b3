"""Screenshot every kiosk and staff screen at tablet sizes, in English and Spanish.

    .venv/bin/python tools/screenshots.py [OUT_DIR]     # default: screenshots/

Builds a temporary database with the demo directory, a group open now with a few sign-ins,
open help requests and an admin account, serves the real app with waitress on 127.0.0.1, and
has Chromium (/usr/bin/chromium, or KIOSK_CHROMIUM) photograph every GET page the role matrix
knows (tests/role_matrix: the same list the accessibility walk uses) plus the screens inside
the sign-in flow and the plan, at 768x1024 and 1280x800, in en and es. Open the PNGs and look.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

VIEWPORTS = {"768x1024": (768, 1024), "1280x800": (1280, 800)}
LANGUAGES = {"en": "English", "es": "Español"}
ADMIN, PASSWORD = "tour-admin", "a long tour password 42"


def _prepare(data_dir: Path) -> tuple[object, list[str], list[str]]:
    """A migrated database with demo data; returns the app and the kiosk and staff paths."""
    from flask_migrate import upgrade

    from kiosk import create_app
    from kiosk.auth import services as auth_services
    from kiosk.config import Settings
    from kiosk.help import services as help_services
    from kiosk.resources.cli import demo_data_command
    from kiosk.sessions import services as session_services
    from tests.role_matrix import html_pages, setup_values
    from tests.sessions.helpers import make_session

    app = create_app(Settings(data_dir=data_dir, testing=True))
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        # As wsgi.prepare does at start-up: GET pages never seed the crisis lines themselves.
        help_services.seed_starter_lines()
    app.test_cli_runner().invoke(demo_data_command)
    values = setup_values(app)
    with app.app_context():
        auth_services.create_user(ADMIN, "admin", PASSWORD)
        group = make_session(title="Coffee & Connection", starts_in_minutes=-10)
        for name, visit in (("Lupe", "first"), ("Lupe", "returning"), ("Sam", "unknown")):
            session_services.record_signin(group.id, form_token=None, name=name, visit=visit)
        help_services.send_quiet_word("now", "green scarf", group.id)
        help_services.send_quiet_word("after", "", group.id)
        help_services.raise_professional_help("Room 2", "clinician", ADMIN, group.id)
    kiosk = [p for p in html_pages("anonymous", values) if not p.startswith("/staff")]
    staff = [p for p in html_pages("admin", values) if p.startswith("/staff")]
    # Pages that end the tour's own session or change data are left out.
    staff = [p for p in staff if not re.search(r"/(logout|revoke|delete|active|remove)\b", p)]
    return app, sorted(set(kiosk)), sorted(set(staff))


def _serve(app: object) -> tuple[str, object]:
    from waitress.server import create_server

    from tests.conftest import free_port

    port = free_port()
    server = create_server(app, host="127.0.0.1", port=port, threads=8, ident="")
    threading.Thread(target=server.run, daemon=True).start()
    time.sleep(0.3)
    return f"http://127.0.0.1:{port}", server


def _slug(path: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", path).strip("-") or "home"


def _flow_shots(page: object, shoot: object) -> None:
    """Screens reached by tapping, not by URL: sign-in steps and the plan."""
    page.goto("/")  # type: ignore[attr-defined]
    tiles = page.locator(".tile-signin, [data-signin-tile]")  # type: ignore[attr-defined]
    if tiles.count():
        tiles.first.click()
        page.wait_for_timeout(500)  # type: ignore[attr-defined]
        shoot("flow-signin-step-1")
    page.goto("/plan")  # type: ignore[attr-defined]
    buttons = page.locator("main form button[type=submit]")  # type: ignore[attr-defined]
    if buttons.count():
        buttons.first.click()
        page.wait_for_timeout(500)  # type: ignore[attr-defined]
        shoot("flow-plan-step-1")


def main(out: Path) -> int:
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS

    with tempfile.TemporaryDirectory() as tmp:
        app, kiosk_paths, staff_paths = _prepare(Path(tmp))
        base, server = _serve(app)
        count = 0
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
            for language, button in LANGUAGES.items():
                for size, (width, height) in VIEWPORTS.items():
                    folder = out / language / size
                    folder.mkdir(parents=True, exist_ok=True)
                    context = browser.new_context(
                        viewport={"width": width, "height": height}, base_url=base
                    )
                    page = context.new_page()

                    def shoot(name: str, page: object = page, folder: Path = folder) -> None:
                        page.screenshot(path=str(folder / f"{name}.png"), full_page=True)  # type: ignore[attr-defined]

                    page.goto("/staff/login")
                    if language != "en":
                        page.get_by_role("button", name=button).click()
                    for path in kiosk_paths:
                        page.goto(path)
                        shoot("kiosk-" + _slug(path))
                        count += 1
                    _flow_shots(page, shoot)
                    page.goto("/staff/login")
                    shoot("staff-login")
                    page.locator("input[name=username]").fill(ADMIN)
                    page.locator("input[name=password]").fill(PASSWORD)
                    page.locator("main form button[type=submit]").first.click()
                    page.wait_for_load_state()
                    for path in staff_paths:
                        page.goto(path)
                        shoot("staff-" + _slug(path))
                        count += 1
                    context.close()
            browser.close()
        server.close()  # type: ignore[attr-defined]
    print(f"{count} screenshots in {out}/<language>/<size>/")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("KIOSK_SECRET_KEY", "screenshot-tour-only")
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "screenshots"))
