"""HTTP-level sign-in burst (issue 9 "done when", research L1): 16 kiosks for 20 s over real HTTP.

Each client is a browser-like kiosk on 127.0.0.1 with its own cookies, running the real POST
sequence a person taps through (start page, group tile, name, first visit), and counting the
sign-ins the server acknowledged ("You're signed in"). At the end every acknowledged sign-in must
be in the database and no answer may be a 5xx. waitress is set up exactly as wsgi.py sets it up,
on a temporary SQLite database (or KIOSK_DATABASE_URL, e.g. PostgreSQL).

    .venv/bin/python benchmarks/signin_burst.py [CLIENTS] [SECONDS]

Bounded: at most CLIENTS threads, SECONDS long, 127.0.0.1 only. Exits 1 on any loss or 5xx.
"""

from __future__ import annotations

import http.cookiejar
import os
import statistics
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade
from sqlalchemy import func, select, text
from waitress.server import create_server

from kiosk import create_app
from kiosk.config import Settings
from kiosk.extensions import db
from kiosk.sessions.models import SignIn
from tests.conftest import free_port
from tests.reliability.forms import form_fields
from tests.sessions.helpers import make_session
from wsgi import server_options

SIGNED_IN = "Thank you — you're all set"


class Kiosk:
    """One tablet: its own cookie jar, htmx headers, the real sequence of POSTs."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        self.statuses: Counter[int] = Counter()
        self.acknowledged: list[str] = []
        self.latencies: list[float] = []

    def _open(self, path: str, data: dict[str, str] | None = None) -> str:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        headers = {"HX-Request": "true"} if data is not None else {}
        request = urllib.request.Request(self.base + path, data=body, headers=headers)  # noqa: S310
        started = time.perf_counter()
        try:
            with self.opener.open(request, timeout=30) as answer:
                self.statuses[answer.status] += 1
                return str(answer.read().decode())
        except urllib.error.HTTPError as error:
            self.statuses[error.code] += 1
            return ""
        finally:
            self.latencies.append(time.perf_counter() - started)

    def sign_in(self, number: int) -> None:
        start = self._open("/")
        fields = form_fields(start)
        if "session_id" not in fields:
            return
        step = self._open(
            "/signin/step",
            {"csrf_token": fields["csrf_token"], "session_id": fields["session_id"], "go": "start"},
        )
        fields = form_fields(step)
        fields.update(name=f"burst {number}", go="next")
        step = self._open("/signin/step", fields)
        fields = form_fields(step)
        fields["go"] = "visit-first"
        done = self._open("/signin/step", fields)
        if SIGNED_IN in done:
            self.acknowledged.append(f"burst {number}")


def main(clients: int, seconds: float) -> int:
    """Run the burst; print the figures; 0 when nothing was lost and nothing was a 5xx."""
    data_dir = Path(tempfile.mkdtemp(prefix="burst-"))
    settings = Settings(data_dir=data_dir, database_url=os.environ.get("KIOSK_DATABASE_URL", ""))
    app = create_app(settings)
    with app.app_context():
        if settings.database_url:
            db.session.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            db.session.commit()
        upgrade()
        make_session(collect_names=True, minutes=600)
    port = free_port()
    server = create_server(app, host="127.0.0.1", port=port, **server_options(settings))
    threading.Thread(target=server.run, daemon=True).start()
    kiosks = [Kiosk(f"http://127.0.0.1:{port}") for _ in range(clients)]
    deadline = time.monotonic() + seconds

    def run(kiosk: Kiosk, index: int) -> None:
        number = 0
        while time.monotonic() < deadline:
            kiosk.sign_in(index * 100_000 + number)
            number += 1

    threads = [threading.Thread(target=run, args=(k, i)) for i, k in enumerate(kiosks)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    acknowledged = {name for kiosk in kiosks for name in kiosk.acknowledged}
    statuses: Counter[int] = sum((kiosk.statuses for kiosk in kiosks), Counter())
    latencies = sorted(x for kiosk in kiosks for x in kiosk.latencies)
    with app.app_context():
        stored = set(db.session.scalars(select(SignIn.name)))
        rows = db.session.scalar(select(func.count()).select_from(SignIn))
    lost = acknowledged - stored
    errors = sum(count for code, count in statuses.items() if code >= 500)
    print(f"database: {app.config['SQLALCHEMY_DATABASE_URI'].split(':')[0]}")
    print(f"clients {clients}, {seconds:.0f} s, requests {sum(statuses.values())}")
    print(f"statuses {dict(sorted(statuses.items()))}")
    print(f"acknowledged sign-ins {len(acknowledged)}, rows stored {rows}, lost {len(lost)}")
    print(
        f"request latency: median {statistics.median(latencies) * 1000:.0f} ms, "
        f"p95 {latencies[int(len(latencies) * 0.95)] * 1000:.0f} ms, 5xx {errors}"
    )
    server.close()
    return 1 if lost or errors or not acknowledged else 0


if __name__ == "__main__":
    arguments = [*sys.argv[1:], "16", "20"]
    sys.exit(main(int(arguments[0]), float(arguments[1])))
