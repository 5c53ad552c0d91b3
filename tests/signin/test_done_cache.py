"""The shared confirmation screen from the render cache (issue 14, sign-in POST speed).

After a sign-in the kiosk shows the screen every person gets (kiosk/start/confirmation.py); it
is rendered once per language, route, data version and minute (kiosk/start/cache.py). It must
still carry each browser's own CSRF token, nothing anyone typed, and the rooms open right now.
"""

from __future__ import annotations

import re

from flask import Flask

from kiosk import clock
from kiosk.extensions import db
from kiosk.start.cache import CSRF_MARK
from tests.conftest import csrf_from
from tests.core.test_start_cache import renders
from tests.sessions.helpers import make_session
from tests.signin.test_flow import Kiosk

TOKEN_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


def test_two_kiosks_get_one_rendering_each_with_its_own_token(app: Flask) -> None:
    with app.app_context():
        group_id = make_session(title="Grief circle", collect_names=True).id
    first, second = Kiosk(app.test_client()), Kiosk(app.test_client())
    with renders(app, "start/_done_swap.html") as seen:
        for kiosk, name in ((first, "Zelda"), (second, "Yusuf")):
            kiosk.start(group_id)
            kiosk.tap("next", name=name)
            kiosk.tap("visit-first")
            assert "Thank you — you're all set" in kiosk.html
    assert len(seen) == 1, "the second confirmation should come from the cache"
    token_one, token_two = csrf_from(first.html), csrf_from(second.html)
    assert token_one != token_two
    assert set(TOKEN_RE.findall(first.html)) == {token_one}
    assert set(TOKEN_RE.findall(second.html)) == {token_two}
    assert CSRF_MARK not in first.html + second.html
    # Nothing typed on the way reaches the shared screen, nor the group's title.
    for html in (first.html, second.html):
        assert "Zelda" not in html and "Yusuf" not in html and "Grief circle" not in html
    # Each token still works for its own browser (the language switch is a CSRF-checked POST).
    first.client.post("/language", data={"lang": "es", "csrf_token": token_two})
    assert '<html lang="en">' in first.client.get("/").get_data(as_text=True)
    first.client.post("/language", data={"lang": "es", "csrf_token": token_one})
    assert '<html lang="es">' in first.client.get("/").get_data(as_text=True)


def test_a_room_opening_shows_on_the_next_confirmation(app: Flask) -> None:
    with app.app_context():
        open_id = make_session(title="Morning circle", collect_names=False, minutes=180).id
        later = make_session(title="Garden circle", starts_in_minutes=45, collect_names=False)
        later.room = "Garden room"
        db.session.commit()
        opens_in = (
            later.starts_at - clock.utcnow()
        ).total_seconds() - 60 * later.opens_minutes_before
    kiosk = Kiosk(app.test_client())
    kiosk.start(open_id)
    kiosk.tap("visit-first")
    assert "Room 2" in kiosk.html and "Garden room" not in kiosk.html
    clock.advance(opens_in + 1)
    kiosk = Kiosk(app.test_client())
    kiosk.start(open_id)
    kiosk.tap("visit-first")
    assert "Thank you — you're all set" in kiosk.html
    assert "Garden room" in kiosk.html and "Room 2" in kiosk.html


def test_the_page_and_the_fragment_are_kept_apart(app: Flask) -> None:
    with app.app_context():
        group_id = make_session(collect_names=False).id
    fragment = Kiosk(app.test_client())
    fragment.start(group_id)
    fragment.tap("visit-first")
    page = Kiosk(app.test_client(), headers={})
    page.start(group_id)
    page.tap("visit-first")
    assert "<html" not in fragment.html and "<html" in page.html
    assert fragment.last.headers["Vary"] == page.last.headers["Vary"]
    assert "HX-Request" in page.last.headers["Vary"]
