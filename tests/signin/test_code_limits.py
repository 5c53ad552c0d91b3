"""The wrong-code limit hurts only the guesser (issue 8, point 5).

One person typing nonsense must not stop anybody else's valid code: pauses are per enrolled
kiosk and per unenrolled browser, grow with each wrong code, and a shared ceiling keeps
cookie-dropping guessers from guessing without end.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask

from kiosk import clock
from kiosk.signin import services
from tests.sessions.helpers import make_session
from tests.signin.test_flow import Kiosk

KEY = services.code_key("test secret")
A, B = services.browser_key("a" * 22), services.browser_key("b" * 22)


def _wrong(key: str, times: int) -> None:
    for _ in range(times):
        assert services.check_code("nope-nope-nope", KEY, key, min_seconds=0) is None


def test_pause_grows_for_the_guesser_only(app_ctx: Flask) -> None:
    code, digest = services.create_code(KEY)
    _wrong(A, services.MAX_WRONG_CODES)
    with pytest.raises(services.TooManyTries):
        services.check_code(code, KEY, A, min_seconds=0)
    # Another browser and an enrolled kiosk are not paused by A's guesses.
    assert services.check_code(code, KEY, B, min_seconds=0) == digest
    assert services.check_code(code, KEY, "kiosk-7", min_seconds=0) == digest
    # The first pause is short ...
    clock.advance(services.FIRST_PAUSE.total_seconds() + 1)
    _wrong(A, 1)
    # ... and the next one twice as long.
    clock.advance(services.FIRST_PAUSE.total_seconds() + 1)
    with pytest.raises(services.TooManyTries):
        services.check_code(code, KEY, A, min_seconds=0)
    clock.advance(services.FIRST_PAUSE.total_seconds())
    assert services.check_code(code, KEY, A, min_seconds=0) == digest


def test_pause_schedule() -> None:
    assert services.pause_after(services.MAX_WRONG_CODES - 1) == timedelta(0)
    assert services.pause_after(services.MAX_WRONG_CODES) == services.FIRST_PAUSE
    assert services.pause_after(services.MAX_WRONG_CODES + 1) == 2 * services.FIRST_PAUSE
    assert services.pause_after(10_000) == services.LONGEST_PAUSE


def test_unenrolled_ceiling_pauses_only_unenrolled_browsers(app_ctx: Flask) -> None:
    code, digest = services.create_code(KEY)
    # Many fresh cookies, each below its own limit, together reach the ceiling.
    per_browser = services.MAX_WRONG_CODES - 1
    for n in range(-(-services.UNENROLLED_CEILING // per_browser)):
        _wrong(services.browser_key(f"dropped-cookie-{n:08d}"), per_browser)
    with pytest.raises(services.TooManyTries):
        services.check_code(code, KEY, services.browser_key("a-new-browser-cookie"), min_seconds=0)
    assert services.check_code(code, KEY, "kiosk-1", min_seconds=0) == digest
    clock.advance(services.UNENROLLED_CEILING_WINDOW.total_seconds() + 1)
    assert services.check_code(code, KEY, services.browser_key("later-cookie"), min_seconds=0)


def test_wrong_codes_in_one_browser_do_not_stop_a_valid_code_in_another(app: Flask) -> None:
    with app.app_context():
        group_id = make_session(collect_names=False).id
        code, _digest = services.create_code(services.code_key(app.config["SECRET_KEY"]))
    guesser = Kiosk(app.test_client())
    guesser.start(group_id)
    guesser.tap("code")
    for _ in range(services.MAX_WRONG_CODES + 1):
        guesser.tap("check", code="not-a-real-code")
    assert "paused on this tablet" in guesser.html

    visitor = Kiosk(app.test_client())
    visitor.start(group_id)
    visitor.tap("code")
    visitor.tap("check", code=code)
    assert "paused" not in visitor.html and "know that code" not in visitor.html
    assert "Thank you — you're all set" in visitor.html
    # The guesser is still paused, even with the right code.
    guesser.tap("check", code=code)
    assert "paused on this tablet" in guesser.html
