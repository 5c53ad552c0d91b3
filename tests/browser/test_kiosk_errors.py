"""Issue 9 point 1 in Chromium: a kiosk request that fails shows a calm message in place, and a
quiet word never fails silently (group closed, stale token, database locked, server down)."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from kiosk import clock, create_app
from kiosk.config import Settings
from kiosk.extensions import db
from kiosk.help.models import QuietWordRequest
from kiosk.sessions.models import GroupSession
from tests.browser.conftest import new_page
from tests.conftest import TEST_DATABASE_URL, LiveServer
from tests.sessions.helpers import make_session

SENT = "Thank you — you're all set"


@pytest.fixture
def app(tmp_path: Path, template_db: Path | None) -> Iterator[Flask]:
    """As tests/conftest.py's app, but SQLite writers give up on a lock after 300 ms."""
    from tests.conftest import _truncate_all

    data_dir = tmp_path / "data"
    data_dir.mkdir()
    if template_db is not None:
        shutil.copy(template_db, data_dir / "porchlight.db")
    settings = Settings(
        data_dir=data_dir, database_url=TEST_DATABASE_URL, testing=True, busy_timeout_ms=300
    )
    application = create_app(settings)
    if TEST_DATABASE_URL:
        with application.app_context():
            _truncate_all()
    yield application
    clock.reset()
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def kiosk(browser: Any, live_server: LiveServer) -> Iterator[Any]:
    context, page, _watch = new_page(browser, live_server.url)
    yield page
    context.close()


def _requests(app: Flask) -> list[QuietWordRequest]:
    with app.app_context():
        return list(db.session.scalars(select(QuietWordRequest)))


def test_group_closes_before_send_the_quiet_word_still_reaches_staff(
    kiosk: Any, live_server: LiveServer
) -> None:
    with live_server.app.app_context():
        group_id = make_session(title="Tuesday circle").id
    kiosk.goto("/quiet-word")
    kiosk.get_by_label("Tuesday circle").check()
    with live_server.app.app_context():
        # The group ends while the person is still on the screen.
        row = db.session.get_one(GroupSession, group_id)
        row.ends_at = clock.utcnow() - timedelta(minutes=1)
        row.starts_at = row.ends_at - timedelta(hours=1)
        db.session.commit()
    kiosk.get_by_role("button", name="Send").click()
    kiosk.get_by_text(SENT).wait_for()
    stored = _requests(live_server.app)
    assert len(stored) == 1
    assert stored[0].group_session_id is None


def test_stale_token_asks_again_visibly(kiosk: Any, live_server: LiveServer) -> None:
    kiosk.goto("/quiet-word")
    kiosk.locator('input[name="token"]').evaluate("input => { input.value = 'stale.token' }")
    kiosk.get_by_role("button", name="Send").click()
    kiosk.get_by_text("Sorry, that took a while. Please press Send again.").wait_for()
    kiosk.get_by_role("button", name="Send").click()  # the fresh token it came back with
    kiosk.get_by_text(SENT).wait_for()
    assert len(_requests(live_server.app)) == 1


@pytest.mark.skipif(bool(TEST_DATABASE_URL), reason="a SQLite write lock")
def test_database_locked_says_tell_staff_then_try_again_works(
    kiosk: Any, live_server: LiveServer
) -> None:
    kiosk.goto("/quiet-word")
    kiosk.get_by_label("How can we find you? (optional)").fill("green scarf")
    holder = sqlite3.connect(live_server.app.config["KIOSK"].data_dir / "porchlight.db")
    holder.isolation_level = None
    holder.execute("BEGIN IMMEDIATE")
    try:
        kiosk.get_by_role("button", name="Send").click()
        alert = kiosk.get_by_role("alert").filter(has_text="Please tell any member of staff.")
        alert.wait_for()
        assert "We could not save that just now" in alert.inner_text()
        assert kiosk.get_by_role("link", name="Start over").is_visible()
        # Large type: the words that matter most are the biggest on the screen.
        size = kiosk.locator(".kiosk-error-staff").evaluate(
            "el => parseFloat(getComputedStyle(el).fontSize)"
        )
        assert size >= 28
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    kiosk.get_by_role("button", name="Try again").click()
    kiosk.get_by_text(SENT).wait_for()
    stored = _requests(live_server.app)
    assert [row.find_me for row in stored] == ["green scarf"]


def test_server_down_shows_the_message_in_place(kiosk: Any, live_server: LiveServer) -> None:
    kiosk.goto("/quiet-word")
    kiosk.route("**/quiet-word", lambda route: route.abort("connectionrefused"))
    kiosk.get_by_role("button", name="Send").click()
    alert = kiosk.get_by_role("alert").filter(has_text="Please tell any member of staff.")
    alert.wait_for()
    assert "We could not reach the sign-in system." in alert.inner_text()
    assert kiosk.get_by_role("link", name="Get help now").first.is_visible()
    kiosk.unroute("**/quiet-word")
    kiosk.get_by_role("button", name="Try again").click()
    kiosk.get_by_text(SENT).wait_for()
    assert len(_requests(live_server.app)) == 1


def test_sign_in_server_error_is_shown_not_silent(kiosk: Any, live_server: LiveServer) -> None:
    with live_server.app.app_context():
        make_session(title="Tuesday circle")
    kiosk.goto("/")
    kiosk.route("**/signin/step", lambda route: route.fulfill(status=500, body="oops"))
    kiosk.get_by_role("button", name="Tuesday circle").click()
    kiosk.get_by_role("alert").filter(has_text="Sorry, that did not go through.").wait_for()
