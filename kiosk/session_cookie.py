"""Flask's signed session cookie, checked once per distinct cookie rather than on every request.

Every request from a browser with a session (the kiosk's start page, a staff poll) carries the
same cookie until something in it changes, and Flask verifies its signature and decodes it each
time: about a third of a cached start page (issue 14, profiled). A cookie that verified is
remembered here, keyed by its exact bytes, for ``TTL`` seconds; only a byte-identical cookie
finds it, so nothing is ever trusted that was not verified, and no browser can be handed
another's values. Each request still gets its own session object.

Only cookies whose values are plain strings, numbers, booleans or None are remembered (a flash
message list, for one, is mutable and belongs to one request): those are decoded as before.
What the cookie holds is no attendee data (the product's rule), and a staff login in it is
still checked against the database on every request (kiosk/auth): this remembers only that
the signature is good. The store is bounded and per process.
"""

from __future__ import annotations

import time
from typing import Any

from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface

TTL = 60.0
MAX_COOKIES = 2048
_PLAIN = (str, int, float, bool, type(None))


class RememberingSessionInterface(SecureCookieSessionInterface):
    """``SecureCookieSessionInterface`` with verified cookies remembered (see module)."""

    def __init__(self) -> None:
        self._verified: dict[str, tuple[float, dict[str, Any]]] = {}

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        value = request.cookies.get(self.get_cookie_name(app))
        if not value:
            return super().open_session(app, request)
        now = time.monotonic()
        known = self._verified.get(value)
        if known is not None and now < known[0]:
            return self.session_class(known[1])
        session = super().open_session(app, request)
        if session and all(isinstance(item, _PLAIN) for item in session.values()):
            if len(self._verified) >= MAX_COOKIES:
                self._verified.clear()  # bounded; a cleared cookie is simply verified again
            self._verified[value] = (now + TTL, dict(session))
        return session


def init_session_cookie(app: Flask) -> None:
    """Use the remembering interface for Flask's session cookie."""
    app.session_interface = RememberingSessionInterface()
