"""The floor under the printed-sheet and unchanged-poll rows: the same work in a bare Flask app.

    .venv/bin/python benchmarks/page_floor.py [--rounds 5]

Issue 14 asks the 2,000-row printed sheet for a p50 within 20 times a bare Flask "hello", and
an unchanged roster poll within 3 times. This measures what the simplest Flask app doing the
same work costs against the same hello, with the same client (``http_bench.Client``, one
keep-alive connection) and the same sequential requests as ``http_bench.py``:

- ``sheet``: one SQLite query of 2,000 people's names and visits (columns only), a Jinja loop
  writing one table row each, autoescaped, in a page without any layout: no log-in, no
  navigation, no translations;
- ``sheet bytes``: the same page built once at start-up and returned as is (what moving the
  bytes alone costs: the real sheet's rows are longer still);
- ``poll``: a signed Flask session cookie read, one SQLite query by primary key, a 204 when the
  version in the URL matches (the unchanged poll without Flask-Login, CSRF or headers); then
  the same with the security headers, ``no-store`` and ``Vary`` every Porchlight response
  carries (``kiosk/security.py``).

Each ratio is the best any Flask app doing that work can reach on this box; Porchlight's rows
in ``http_bench.py`` are read against it. Bounded: a few hundred requests per round, 127.0.0.1
only, a temporary folder.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

from http_bench import (  # noqa: E402
    Client,
    Server,
    concurrent,
    expect,
    free_port,
    hello_server,
    p50_ratio,
    pct,
    print_rounds,
    timed_requests,
)

BARE = """
import sqlite3, sys, threading
from flask import Flask, request, session
from flask_wtf.csrf import generate_csrf
from sqlalchemy import create_engine, text
from waitress import serve

database = sys.argv[2]
with sqlite3.connect(database) as setup:
    setup.execute("PRAGMA journal_mode=WAL")
    setup.execute("CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT, visit TEXT)")
    setup.executemany(
        "INSERT INTO people (name, visit) VALUES (?, ?)",
        [(f"Person {n}" if n % 3 else None, ("first", "returning", "unknown")[n % 3])
         for n in range(2000)],
    )
    setup.execute("CREATE TABLE versions (token TEXT PRIMARY KEY, version TEXT)")
    setup.execute("INSERT INTO versions VALUES ('t', '2000-7')")

engine = create_engine("sqlite:///" + database)
app = Flask("bare")
app.secret_key = "floor-only-secret"
SHEET = app.jinja_env.from_string(
    "<!doctype html><html lang=en><title>Sheet</title><table><tbody>"
    "{% for name, visit in people %}<tr><td>{% if name %}<span dir=auto>{{ name }}</span>"
    "{% else %}Guest {{ loop.index }}{% endif %}</td><td>{{ visit }}</td></tr>{% endfor %}"
    "</tbody></table></html>"
)

def people():
    with engine.connect() as connection:
        return connection.execute(text("SELECT name, visit FROM people ORDER BY id")).all()

with app.app_context():
    BYTES = SHEET.render(people=people())

@app.route("/healthz")
def health():
    return "ok"

@app.route("/sheet")
def sheet():
    return SHEET.render(people=people())

@app.route("/staff-sheet")
def staff_sheet():
    # The same rows with the least a staff sheet must also do: find who is logged in (one
    # query by key), put the named people in alphabetical order (casefold, as Porchlight) with
    # the guests after them, and carry the security headers (after_request below).
    with engine.connect() as connection:
        connection.execute(
            text("SELECT version FROM versions WHERE token = :t"), {"t": session.get("t")}
        ).scalar()
        rows = connection.execute(text("SELECT name, visit FROM people ORDER BY id")).all()
    named = sorted((row for row in rows if row[0]), key=lambda row: row[0].casefold())
    return SHEET.render(people=named + [row for row in rows if not row[0]])

ROSTER = app.jinja_env.from_string(
    "<section hx-get='/poll-changed?v={{ version }}'><table><tbody>"
    "{% for id, name, visit in people %}<tr><td>{% if name %}<span dir=auto>{{ name }}</span>"
    "{% else %}Guest {{ loop.index }}{% endif %}</td><td>{{ visit }}</td>"
    "<td><a href='{{ remove }}{{ id }}'>Remove</a></td></tr>{% endfor %}</tbody></table></section>"
)

@app.route("/poll-changed")
def poll_changed():
    # The changed roster poll's least: the unchanged poll's query (the version has moved), then
    # 200 people's columns, names in alphabetical order, a row with a link each, the headers.
    with engine.connect() as connection:
        version = connection.execute(
            text("SELECT version FROM versions WHERE token = :t"), {"t": session.get("t")}
        ).scalar()
        rows = connection.execute(
            text("SELECT id, name, visit FROM people ORDER BY id LIMIT 200")
        ).all()
    named = sorted((row for row in rows if row[1]), key=lambda row: row[1].casefold())
    people = named + [row for row in rows if not row[1]]
    return ROSTER.render(people=people, version=version, remove="/remove/")

START = "<!doctype html><title>Start</title><form method=post><input name=csrf_token value=~T~>"
START += "<button>Sign in</button></form>" * 40
TOKENS = {}

@app.route("/start")
def start():
    # The cached start page's least: the settings version checked (one query), the page built
    # once, this caller's CSRF token put in (signed once per session secret, as Porchlight),
    # the session cookie and the headers.
    with engine.connect() as connection:
        connection.execute(text("SELECT version FROM versions WHERE token = 't'")).scalar()
    secret = session.setdefault("csrf", "0123456789abcdef")
    token = TOKENS.get(secret) or TOKENS.setdefault(secret, generate_csrf())
    return START.replace("~T~", token)

@app.route("/sheet500")
def sheet500():
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT name, visit FROM people LIMIT 500")).all()
    return SHEET.render(people=rows)

WRITE = threading.Lock()

@app.route("/post", methods=["POST"])
def post():
    # A kiosk POST's least: read the form, write one row under the one write lock, reply.
    with WRITE, engine.begin() as connection:
        connection.execute(
            text("INSERT INTO people (name, visit) VALUES (NULL, :v)"),
            {"v": request.form.get("visit", "unknown")},
        )
    return "thanks"

@app.route("/bytes")
def sheet_bytes():
    return BYTES

@app.route("/login")
def login():
    session["t"] = "t"
    return "in"

@app.route("/poll")
def poll():
    with engine.connect() as connection:
        version = connection.execute(
            text("SELECT version FROM versions WHERE token = :t"), {"t": session.get("t")}
        ).scalar()
    if version is not None and request.args.get("v") == version:
        return "", 204
    return "changed"

@app.route("/poll-with-headers")
def poll_with_headers():
    return poll()

@app.after_request
def headers(response):
    # What every Porchlight response carries (kiosk/security.py), for the second poll row only.
    if request.path in ("/poll-with-headers", "/staff-sheet", "/poll-changed", "/start"):
        from kiosk.security import SECURITY_HEADERS
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        response.headers["Cache-Control"] = "no-store"
        response.headers["Pragma"] = "no-cache"
        response.vary.add("HX-Request")
    return response

serve(app, host="127.0.0.1", port=int(sys.argv[1]), threads=8, ident="")
"""


def bare_server(folder: Path) -> Server:
    port = free_port()
    argv = [sys.executable, "-c", BARE, str(port), str(folder / "floor.db")]
    return Server(argv, dict(os.environ), port)


def getter(port: int, path: str) -> Callable[[], Callable[[], Any]]:
    """For ``concurrent``: makes, per thread, a client of its own that GETs ``path``."""

    def make() -> Callable[[], Any]:
        client = Client(port)
        return lambda: client.get(path)

    return make


def printing_ratio(poster: Client, printer: Client, count: int) -> float:
    """The bare POST's p95 while another connection prints the 500-row sheet without pause,
    against its p95 idle: as ``http_bench.printing_measure``."""

    def post() -> None:
        status, _body, _headers = poster.request("POST", "/post", {"visit": "first"})
        expect(status, (200,), "bare POST")

    timed_requests(post, 5)
    idle = timed_requests(post, count)
    stop = threading.Event()

    def printing() -> None:
        for _ in range(2000):  # bounded, in case stop is never set
            if stop.is_set():
                return
            expect(printer.get("/sheet500")[0], (200,), "bare 500-row sheet")

    thread = threading.Thread(target=printing)
    thread.start()
    busy = timed_requests(post, count)
    stop.set()
    thread.join()
    return pct(busy, 0.95) / pct(idle, 0.95)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=40, help="per measure per round")
    args = parser.parse_args()
    results: dict[str, list[float]] = {}
    for number in range(args.rounds):
        with tempfile.TemporaryDirectory() as tmp:
            hello, bare = hello_server(), bare_server(Path(tmp))
            try:
                hello_client, client = Client(hello.port), Client(bare.port)
                expect(client.get("/login")[0], (200,), "log in")
                for name, path, status in (
                    ("bare 2,000-row sheet, p50 / hello", "/sheet", 200),
                    ("  (the same bytes, built once), p50 / hello", "/bytes", 200),
                    (
                        "  (+ log-in query, name order, headers)",
                        "/staff-sheet",
                        200,
                    ),
                    ("bare unchanged poll, p50 / hello", "/poll?v=2000-7", 204),
                    (
                        "  (with the headers every response carries)",
                        "/poll-with-headers?v=2000-7",
                        204,
                    ),
                    ("bare changed poll, 200 rows, p50 / hello", "/poll-changed", 200),
                ):
                    expect(client.get(path)[0], (status,), path)
                    # Hello right before each measure, as http_bench.py does.
                    ratio = p50_ratio(
                        lambda c=client, p=path: c.get(p),  # type: ignore[misc]
                        lambda c=hello_client: c.get("/"),  # type: ignore[misc]
                        args.requests,
                    )
                    results.setdefault(name, []).append(ratio)
                # As http_bench.py's GET / row: 8 threads, each on its own connection.
                hello_rps, _ = concurrent(getter(hello.port, "/"), 8, args.requests)
                start_rps, _ = concurrent(getter(bare.port, "/start"), 8, args.requests)
                results.setdefault("bare start page throughput / hello", []).append(
                    start_rps / hello_rps
                )
                results.setdefault("bare POST p95 while a 500-row sheet prints / idle", []).append(
                    printing_ratio(client, Client(bare.port), args.requests)
                )
            finally:
                bare.stop()
                hello.stop()
        print(f"  round {number + 1}/{args.rounds} done", flush=True)
    print_rounds(f"{args.rounds} rounds", results)


if __name__ == "__main__":
    main()
