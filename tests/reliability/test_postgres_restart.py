"""PostgreSQL drops every connection (a restart, a failover): the kiosk carries on without the
app being restarted, and no acknowledged sign-in is lost (issue 9, research F4).

The restart is simulated from a separate connection with ``pg_terminate_backend`` on every other
backend of the test database, while the app's pool holds several idle connections. The pool
checks a connection before lending it (``pool_pre_ping``), so the very next kiosk request is
already served; a request that still met a dead connection would be a calm 503
(kiosk/errors.py), never a 500.
"""

from __future__ import annotations

import http.cookiejar
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.pool import NullPool

from kiosk.extensions import db
from kiosk.sessions.models import SignIn
from tests.conftest import TEST_DATABASE_URL, LiveServer
from tests.reliability.forms import form_fields
from tests.sessions.helpers import make_session

pytestmark = pytest.mark.skipif(not TEST_DATABASE_URL, reason="PostgreSQL only")

SIGNED_IN = "Thank you — you're all set"
KIOSKS = 4


class Kiosk:
    """One tablet: its own cookies, the real htmx POST sequence of a sign-in."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        self.statuses: Counter[int] = Counter()
        self.acknowledged: list[str] = []
        self.bodies: list[str] = []

    def _open(self, path: str, data: dict[str, str] | None = None) -> str:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        headers = {"HX-Request": "true"} if data is not None else {}
        request = urllib.request.Request(self.base + path, data=body, headers=headers)
        try:
            with self.opener.open(request, timeout=30) as answer:
                self.statuses[answer.status] += 1
                return str(answer.read().decode())
        except urllib.error.HTTPError as error:
            self.statuses[error.code] += 1
            self.bodies.append(error.read().decode())
            return ""

    def sign_in(self, name: str) -> None:
        fields = form_fields(self._open("/"))
        if "session_id" not in fields:
            return
        step = self._open(
            "/signin/step",
            {"csrf_token": fields["csrf_token"], "session_id": fields["session_id"], "go": "start"},
        )
        fields = form_fields(step)
        fields.update(name=name, go="next")
        fields = form_fields(self._open("/signin/step", fields))
        fields["go"] = "visit-first"
        if SIGNED_IN in self._open("/signin/step", fields):
            self.acknowledged.append(name)


def _round(kiosks: list[Kiosk], label: str) -> None:
    """Every kiosk signs someone in at the same time (so the pool holds several connections)."""
    threads = [
        threading.Thread(target=kiosk.sign_in, args=(f"{label} {index}",))
        for index, kiosk in enumerate(kiosks)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)


def _restart_postgres() -> int:
    """Drop every other connection to the test database; returns how many were dropped."""
    outside = create_engine(TEST_DATABASE_URL, poolclass=NullPool)
    try:
        with outside.connect() as connection:
            dropped = connection.scalars(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            ).all()
    finally:
        outside.dispose()
    return len(dropped)


def test_the_kiosk_carries_on_after_postgres_drops_every_connection(
    live_server: LiveServer,
) -> None:
    app = live_server.app
    with app.app_context():
        make_session(collect_names=True, minutes=600)
        db.session.remove()
    kiosks = [Kiosk(live_server.url) for _ in range(KIOSKS)]
    _round(kiosks, "before")
    assert sum(len(k.acknowledged) for k in kiosks) == KIOSKS
    # The app's pool holds idle connections; all of them die here (not vacuous: some do).
    assert _restart_postgres() >= 1
    _round(kiosks, "after")
    _round(kiosks, "later")
    statuses: Counter[int] = sum((k.statuses for k in kiosks), Counter())
    assert statuses == Counter({200: statuses[200]}), (statuses, [k.bodies for k in kiosks])
    acknowledged = {name for k in kiosks for name in k.acknowledged}
    assert len(acknowledged) == 3 * KIOSKS
    with app.app_context():
        stored = set(db.session.scalars(select(SignIn.name)))
        db.session.remove()
    assert acknowledged <= stored


def test_a_request_on_a_dead_connection_is_a_calm_503_then_200(
    live_server: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without the pre-ping (a connection that dies between the check and the query), the one
    request that meets it answers a calm 503, and the next is served: no restart needed."""
    app = live_server.app
    with app.app_context():
        make_session(collect_names=True, minutes=600)
        db.session.remove()
        monkeypatch.setattr(db.engine.pool, "_pre_ping", False)
    kiosk = Kiosk(live_server.url)
    kiosk.sign_in("before")
    assert kiosk.acknowledged == ["before"]
    assert _restart_postgres() >= 1
    answers = []
    for _ in range(2):
        # Get help now reads the crisis lines on every request; the start page may come from
        # its render cache without touching the database, and never meet the dead connection.
        request = urllib.request.Request(live_server.url + "/help")
        try:
            with kiosk.opener.open(request, timeout=30) as answer:
                answers.append((answer.status, answer.read().decode()))
        except urllib.error.HTTPError as error:
            answers.append((error.code, error.read().decode()))
    assert [status for status, _body in answers] == [503, 200]
    assert "Traceback" not in answers[0][1]
    assert "We could not save that just now. Please try again in a moment." in answers[0][1]
    kiosk.sign_in("after")
    assert kiosk.acknowledged == ["before", "after"]
    with app.app_context():
        stored = set(db.session.scalars(select(SignIn.name)))
        db.session.remove()
    assert {"before", "after"} <= stored
