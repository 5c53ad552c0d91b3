"""The floor under the sign-in POST row: a bare Flask + SQLAlchemy insert on waitress.

    .venv/bin/python benchmarks/signin_floor.py [--rounds 3]

Issue 14 asks the kiosk's sign-in POST (16 concurrent) for a throughput of at least a quarter
of a bare Flask "hello" and a p95 within twice hello's. This measures what the simplest
possible app that records a row costs against the same hello, with the same client and the same
16-thread load as ``http_bench.py``: Flask-SQLAlchemy on a SQLite file in WAL mode with
``synchronous=NORMAL`` (as Porchlight), one ORM insert and commit per POST, a short text reply,
waitress with 8 threads. Two variants: plain (SQLite's own locking, busy timeout) and with one
process-wide lock around the write (as Porchlight serializes its writers). Its ratio is the
best any app doing a real write can reach on this box; Porchlight's row is read against it.

Bounded: a few hundred requests per round, 127.0.0.1 only, temporary folder.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

from http_bench import (  # noqa: E402
    Client,
    Server,
    concurrent,
    expect,
    free_port,
    hello_server,
    pct,
    print_rounds,
)

BARE = """
import sys, threading
from flask import Flask, request
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import event
from waitress import serve

app = Flask("bare")
app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + sys.argv[2]
db = SQLAlchemy(app)
LOCK = threading.Lock() if sys.argv[3] == "locked" else None

class Row(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    note = db.Column(db.String(40))

with app.app_context():
    @event.listens_for(db.engine, "connect")
    def pragmas(connection, _record):
        cursor = connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
    db.create_all()

@app.route("/healthz")
def health():
    return "ok"

@app.route("/row", methods=["POST"])
def add():
    row = Row(note=request.form.get("note", "")[:40])
    if LOCK is None:
        db.session.add(row)
        db.session.commit()
    else:
        with LOCK:
            db.session.add(row)
            db.session.commit()
    return "recorded"

serve(app, host="127.0.0.1", port=int(sys.argv[1]), threads=8, ident="")
"""


def bare_server(folder: Path, variant: str) -> Server:
    port = free_port()
    database = folder / f"bare-{variant}.db"
    argv = [sys.executable, "-c", BARE, str(port), str(database), variant]
    return Server(argv, dict(os.environ), port)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    results: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for number in range(args.rounds):
            hello = hello_server()
            try:
                for variant in ("plain", "locked"):
                    bare = bare_server(Path(tmp), variant)
                    try:

                        def hello_get(port: int = hello.port) -> object:
                            client = Client(port)
                            return lambda: client.get("/")

                        def bare_post(port: int = bare.port) -> object:
                            client = Client(port)

                            def call() -> None:
                                status, _b, _h = client.request("POST", "/row", {"note": "x"})
                                expect(status, (200,), "bare insert")

                            return call

                        hello_rps, hello_lat = concurrent(hello_get, 16, 15)  # type: ignore[arg-type]
                        post_rps, post_lat = concurrent(bare_post, 16, 15)  # type: ignore[arg-type]
                        results.setdefault(
                            f"bare insert ({variant}) x16 throughput / hello", []
                        ).append(post_rps / hello_rps)
                        results.setdefault(
                            f"bare insert ({variant}) x16 p95 / hello p95", []
                        ).append(pct(post_lat, 0.95) / pct(hello_lat, 0.95))
                    finally:
                        bare.stop()
            finally:
                hello.stop()
            print(f"  round {number + 1}/{args.rounds} done", flush=True)
    print_rounds(f"{args.rounds} rounds", results)


if __name__ == "__main__":
    main()
