"""The start page's render cache (kiosk/start/cache.py) and the cached center settings.

The cache must never hand one browser's CSRF token or flash message to another, and what staff
change (sessions, settings, from any process) must reach the kiosk within a minute.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask, template_rendered

from kiosk import clock, create_app
from kiosk.center import services as center
from kiosk.start.cache import CSRF_MARK
from tests.conftest import csrf_from
from tests.sessions.helpers import TZ, make_session


@contextmanager
def renders(app: Flask, name: str) -> Iterator[list[str]]:
    """Collect each time the template ``name`` is really rendered."""
    seen: list[str] = []

    def record(_sender: Any, template: Any, **_extra: Any) -> None:
        if template.name == name:
            seen.append(name)

    template_rendered.connect(record, app)
    try:
        yield seen
    finally:
        template_rendered.disconnect(record, app)


def test_each_caller_gets_its_own_csrf_token_from_one_rendering(app: Flask) -> None:
    first, second = app.test_client(), app.test_client()
    with renders(app, "start/index.html") as seen:
        page_one = first.get("/").get_data(as_text=True)
        page_two = second.get("/").get_data(as_text=True)
    assert len(seen) == 1, "the second caller should be served from the cache"
    token_one, token_two = csrf_from(page_one), csrf_from(page_two)
    assert token_one != token_two
    assert token_one not in page_two
    assert token_two not in page_one
    assert CSRF_MARK not in page_one + page_two
    # Every token on the page (language switch, body header) is the caller's own.
    assert page_two.count(token_two) == page_two.count("csrf_token") + page_two.count("X-CSRFToken")
    # And each token works for its own browser: switching language is a CSRF-checked POST.
    first.post("/language", data={"lang": "es", "csrf_token": token_two})
    assert '<html lang="en">' in first.get("/").get_data(as_text=True)
    second.post("/language", data={"lang": "es", "csrf_token": token_two})
    assert '<html lang="es">' in second.get("/").get_data(as_text=True)


def test_a_flash_reaches_only_its_own_browser_and_is_never_cached(app: Flask) -> None:
    bystander, person = app.test_client(), app.test_client()
    bystander.get("/")  # fills the cache
    person.get("/")
    # A stale sign-in POST flashes "start again" for this browser only.
    person.post("/signin/step", data={"csrf_token": csrf_from(person.get("/").get_data(True))})
    flashed = person.get("/").get_data(as_text=True)
    assert "Let&#39;s start again" in flashed or "Let's start again" in flashed
    for page in (bystander.get("/"), app.test_client().get("/"), person.get("/")):
        html = page.get_data(as_text=True)
        assert "start again" not in html


def test_a_session_edit_shows_on_the_kiosk_at_once(app: Flask) -> None:
    from kiosk.sessions import services

    kiosk = app.test_client()
    with app.app_context():
        group = make_session(title="Morning circle", minutes=120, collect_names=False)
        details = services.SessionDetails(
            title="Evening circle",
            starts_local=clock.to_local(group.starts_at, TZ).replace(tzinfo=None),
            ends_local=clock.to_local(group.ends_at, TZ).replace(tzinfo=None),
            collect_names=False,
        )
    assert "Morning circle" in kiosk.get("/").get_data(as_text=True)
    with app.app_context():
        services.update_session(group.id, details, TZ)
    html = kiosk.get("/").get_data(as_text=True)
    assert "Evening circle" in html
    assert "Morning circle" not in html


def test_a_window_opening_shows_within_a_minute(app: Flask) -> None:
    kiosk = app.test_client()
    with app.app_context():
        group = make_session(title="Afternoon circle", starts_in_minutes=45, minutes=60)
        opens_in = (
            group.starts_at - clock.utcnow()
        ).total_seconds() - 60 * group.opens_minutes_before
    before = kiosk.get("/").get_data(as_text=True)
    assert "No group is open for sign-in right now" in before
    clock.advance(opens_in + 1)
    after = kiosk.get("/").get_data(as_text=True)
    assert "Sign in to a group" in after
    assert "Afternoon circle" in after


def test_a_settings_save_by_another_process_reaches_this_one(app: Flask) -> None:
    kiosk = app.test_client()
    assert "quiet word with someone" in kiosk.get("/").get_data(as_text=True)
    # Another app on the same database (as a second server process or the flask CLI would be).
    other = create_app(dataclasses.replace(app.config["KIOSK"]))
    with other.app_context():
        center.save({"help.quiet_word_label": "Talk with a peer"}, by="cli")
    with app.app_context():
        assert center.get("help.quiet_word_label") == "Talk with a peer"
    html = kiosk.get("/").get_data(as_text=True)
    assert "Talk with a peer" in html


def test_settings_are_read_once_until_they_change(app: Flask) -> None:
    from sqlalchemy import event

    from kiosk.extensions import db

    statements: list[str] = []
    with app.app_context():
        center.get("help.quiet_word_label")
        event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
        for _ in range(3):
            with app.test_request_context():
                center.get("help.quiet_word_label")
        reads = [s for s in statements if "FROM center_settings" in s]
        assert reads == [], "cached settings should not be read again"
        center.save({"help.quiet_word_label": "A word"}, by="admin")
        with app.test_request_context():
            assert center.get("help.quiet_word_label") == "A word"


def test_a_cache_hit_asks_the_database_nothing(app: Flask, monkeypatch: Any) -> None:
    """Within versions.TTL, a cached start page costs no query at all (not even the versions)."""
    from datetime import timedelta

    from sqlalchemy import event

    from kiosk import versions
    from kiosk.extensions import db

    # A loaded test machine may take more than the real second between two requests, and a
    # minute boundary re-renders the page: start just after one, with a TTL that cannot lapse.
    monkeypatch.setattr(versions, "TTL", timedelta(hours=1))
    clock.advance(60 - clock.utcnow().second + 0.5)
    kiosk = app.test_client()
    kiosk.get("/")
    statements: list[str] = []
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    kiosk.get("/")
    kiosk.get("/")
    assert statements == []


def test_a_write_by_another_process_outside_the_orm_shows_within_the_ttl(app: Flask) -> None:
    """A save this process never saw (another process's own connection) shows once the kept
    versions are older than versions.TTL."""
    from sqlalchemy import create_engine, text

    from kiosk import versions
    from kiosk.extensions import db

    kiosk = app.test_client()
    assert "quiet word with someone" in kiosk.get("/").get_data(as_text=True)
    with app.app_context():
        url = db.engine.url
    other = create_engine(url)  # not the app's session: none of its events fire
    with other.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO center_settings (key, value, updated_at, updated_by) "
                "VALUES ('help.quiet_word_label', 'Talk with a peer', :now, 'cli')"
            ),
            {"now": clock.utcnow()},
        )
        connection.execute(versions._BUMP, {"name": "center_settings"})
    other.dispose()
    clock.advance(versions.TTL.total_seconds() + 0.01)
    assert "Talk with a peer" in kiosk.get("/").get_data(as_text=True)
