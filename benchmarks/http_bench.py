"""HTTP benchmark: Porchlight next to a bare Flask "hello", both on waitress with 8 threads.

    .venv/bin/python benchmarks/http_bench.py --quick        # a few minutes (search at 20,000)
    .venv/bin/python benchmarks/http_bench.py --rounds 7     # slower, tighter spread
    .venv/bin/python benchmarks/http_bench.py --quick --skip-search --baseline /tmp/before
        [--search-database-url postgresql+psycopg://...]     # search row on PostgreSQL too

It builds a temporary SQLite data folder with fixture data (an admin, an open session with 200
attendees, sessions with 500 and 2,000 rows for the printed sheet), starts ``wsgi.py`` on it and
a bare Flask app on free 127.0.0.1 ports, and runs every measure in interleaved rounds: each
round measures hello, then the app (hello right before each p50 row), so machine noise on a
shared box hits both alike. Every row is a ratio against hello from the same
round; the spread is the lowest and highest round. ``--baseline`` measures another checkout in
the same rounds, for before and after from one run.

Rows (issue 14): start page throughput; 16-concurrent sign-in POSTs (throughput and p95); the
roster poll at 200 attendees, unchanged and changed (p50); the printed sheet at 2,000 rows
(p50); search at 100,000 services (p95 ms, server time, benchmarks/search_benchmark.py's
loader); a kiosk POST's p95 while a 500-row sheet prints, against idle; cold start to healthy.
Lighthouse is a separate run (a browser, not a ratio): see docs/PERFORMANCE.md for the command.

Every request goes to 127.0.0.1 only, and every loop is bounded in count.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PASSWORD = "bench-password-long-enough-1"  # noqa: S105  (a throwaway account in a temp folder)
HELLO = """
import sys
from flask import Flask
from waitress import serve
app = Flask("hello")
@app.route("/")
def hello():
    return "Hello, World!"
@app.route("/healthz")
def health():
    return "ok"
serve(app, host="127.0.0.1", port=int(sys.argv[1]), threads=8, ident="")
"""


# ---- servers and a tiny client -------------------------------------------------------------


def free_port() -> int:
    """An unused TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """A server process on 127.0.0.1; ``started`` is the seconds from spawn to healthy."""

    def __init__(self, argv: list[str], env: dict[str, str], port: int, cwd: Path = ROOT) -> None:
        self.port = port
        began = time.perf_counter()
        self.process = subprocess.Popen(  # noqa: S603  (our own interpreter and script)
            argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=cwd
        )
        deadline = began + 60
        while time.perf_counter() < deadline:
            try:
                status, _body, _h = Client(port).get("/healthz")
                if status == 200:
                    break
            except OSError:
                pass
            if self.process.poll() is not None:
                raise RuntimeError(
                    self.process.stderr.read().decode() if self.process.stderr else ""
                )
            time.sleep(0.01)
        else:
            self.stop()
            raise RuntimeError("server did not become healthy in 60 s")
        self.started = time.perf_counter() - began

    def stop(self) -> None:
        """End the process we started."""
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def app_server(data_dir: Path, root: Path = ROOT) -> Server:
    """``python wsgi.py`` of the tree at ``root`` (this one by default) on a temporary data
    folder, as a center would start it."""
    port = free_port()
    env = {
        **os.environ,
        "KIOSK_DATA_DIR": str(data_dir),
        "KIOSK_HOST": "127.0.0.1",
        "KIOSK_PORT": str(port),
        "KIOSK_THREADS": "8",
    }
    env.pop("KIOSK_DATABASE_URL", None)
    return Server([sys.executable, str(root / "wsgi.py")], env, port, cwd=root)


def hello_server() -> Server:
    """The bare Flask baseline."""
    port = free_port()
    return Server([sys.executable, "-c", HELLO, str(port)], dict(os.environ), port)


class Client:
    """One keep-alive connection with a cookie jar (enough for a session cookie)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, form: dict[str, str] | None = None, **headers: str
    ) -> tuple[int, str, dict[str, str]]:
        """Send one request; returns status, body text and headers."""
        head = {k.replace("_", "-"): v for k, v in headers.items()}
        if self.cookies:
            head["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            head["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in range(2):
            try:
                self.conn.request(method, path, body=body, headers=head)
                response = self.conn.getresponse()
                data = response.read()
                break
            except (http.client.HTTPException, ConnectionError):
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                if attempt:
                    raise
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key] = rest.split(";", 1)[0]
        return response.status, data.decode("utf-8", "replace"), dict(response.getheaders())

    def get(self, path: str, **headers: str) -> tuple[int, str, dict[str, str]]:
        """GET a path."""
        return self.request("GET", path, **headers)


CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|"X-CSRFToken": "([^"]+)"')


def csrf_from(html: str) -> str:
    """The CSRF token on a page."""
    match = CSRF_RE.search(html)
    if not match:
        raise RuntimeError("no CSRF token on the page")
    return match.group(1) or match.group(2)


# ---- fixture data --------------------------------------------------------------------------


def build_data(data_dir: Path) -> dict[str, str]:
    """Migrated SQLite database with an admin and the sessions the measures need."""
    from flask_migrate import upgrade
    from sqlalchemy import insert

    from kiosk import create_app
    from kiosk.auth import services as auth
    from kiosk.config import Settings
    from kiosk.db import write_transaction
    from kiosk.sessions.models import SignIn
    from tests.sessions.helpers import make_session

    app = create_app(Settings(data_dir=data_dir, testing=False))
    ids: dict[str, str] = {}
    with app.app_context():
        upgrade()
        auth.create_user("benchadmin", "admin", PASSWORD)
        # Open for sign-in all run: no names asked and no agreement, so a visit answer is the
        # last step and one POST records a sign-in.
        ids["open"] = make_session(collect_names=False, minutes=600, title="Open circle").id
        ids["roster"] = make_session(minutes=600, title="Roster circle").id
        ids["sheet500"] = make_session(starts_in_minutes=-120, minutes=60, title="Sheet 500").id
        ids["sheet2000"] = make_session(starts_in_minutes=-240, minutes=60, title="Sheet 2000").id
        for key, count in (("roster", 200), ("sheet500", 500), ("sheet2000", 2000)):
            rows = [
                {
                    "id": f"{key}-{n:05d}",
                    "session_id": ids[key],
                    "name": f"Person {n}" if n % 3 else None,
                    "visit": ("first", "returning", "unknown")[n % 3],
                    "source": "kiosk",
                }
                for n in range(count)
            ]
            with write_transaction() as session:
                session.execute(insert(SignIn), rows)
        ids["secret"] = str(app.config["SECRET_KEY"])
    return ids


def byte_compile() -> None:
    """Write the app's ``.pyc`` files, as any start after the first has them.

    Cold start measures a start like a center's every morning: Python has already cached the
    compiled modules beside the sources (a first start writes them). Where the environment sets
    PYTHONDONTWRITEBYTECODE (this shared box does), every start would otherwise compile some
    120 modules again (0.2-0.3 s), which no installed kiosk pays; hello's modules (site-packages)
    are compiled at install. ``__pycache__`` is ignored by git.
    """
    import compileall

    for folder in ("kiosk", "migrations"):
        compileall.compile_dir(ROOT / folder, quiet=1)
    compileall.compile_file(ROOT / "wsgi.py", quiet=1)


# ---- measures ------------------------------------------------------------------------------


def pct(values: list[float], share: float) -> float:
    """The value below which ``share`` of the values fall."""
    if len(values) < 2:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[round(share * 100) - 1]


def print_rounds(title: str, results: dict[str, list[float]], width: int = 48) -> None:
    """Each measure's median over rounds with its lowest and highest round, and the load."""
    print(f"\n{title} (median [lowest - highest round]), load {os.getloadavg()[0]:.2f}")
    for name, values in results.items():
        print(
            f"  {name:<{width}} {statistics.median(values):8.3f}  "
            f"[{min(values):.3f} - {max(values):.3f}]"
        )


def timed_requests(calls: Callable[[], Any], count: int) -> list[float]:
    """Seconds for each of ``count`` sequential calls."""
    times = []
    for _ in range(count):
        began = time.perf_counter()
        calls()
        times.append(time.perf_counter() - began)
    return times


def p50_ratio(call: Callable[[], Any], hello: Callable[[], Any], count: int) -> float:
    """p50 of ``count`` calls over the p50 of hello requests timed right before them (at
    least 40, so the divisor is steady when ``count`` is small).

    Each side runs back to back, as one would serve a steady stream. Timing the two in turn,
    request by request, was tried: each request then finds its server idle, and the wake-up
    costs hello (0.5 ms warm) twice its time, which shrinks every ratio; not used.
    """
    hellos = timed_requests(hello, max(count, 40))
    return pct(timed_requests(call, count), 0.5) / pct(hellos, 0.5)


def concurrent(
    make: Callable[[], Callable[[], Any]], workers: int, per_worker: int
) -> tuple[float, list[float]]:
    """Run ``workers`` threads of ``per_worker`` calls each: throughput (req/s) and latencies."""
    latencies: list[float] = []
    lock = threading.Lock()
    calls = [make() for _ in range(workers)]
    barrier = threading.Barrier(workers + 1)

    def run(call: Callable[[], Any]) -> None:
        barrier.wait()
        mine = timed_requests(call, per_worker)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    barrier.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    return workers * per_worker / elapsed, latencies


def expect(status: int, wanted: tuple[int, ...], what: str) -> None:
    """Stop the benchmark if a request did not do what it measures."""
    if status not in wanted:
        raise RuntimeError(f"{what}: HTTP {status}")


class Bench:
    """The app and hello servers, logged-in staff and ready-made kiosk requests."""

    def __init__(self, app: Server, hello: Server, ids: dict[str, str]) -> None:
        self.app, self.hello, self.ids = app, hello, ids
        self.staff = Client(app.port)
        page = self.staff.get("/staff/login")[1]
        status, _b, _h = self.staff.request(
            "POST",
            "/staff/login",
            {"username": "benchadmin", "password": PASSWORD, "csrf_token": csrf_from(page)},
        )
        expect(status, (303, 302), "log in")

    def hello_get(self) -> Callable[[], Any]:
        client = Client(self.hello.port)
        return lambda: client.get("/")

    def start_page(self) -> Callable[[], Any]:
        client = Client(self.app.port)

        def call() -> None:
            status, _b, _h = client.get("/")
            expect(status, (200,), "GET /")

        return call

    def signin_post(self) -> Callable[[], Any]:
        """A kiosk's last sign-in step: one POST that records a sign-in."""
        from kiosk.signin.services import issue_form_token

        client = Client(self.app.port)
        csrf = csrf_from(client.get("/")[1])
        secret, session_id = self.ids["secret"], self.ids["open"]

        def call() -> None:
            form = {
                "csrf_token": csrf,
                "session_id": session_id,
                "token": issue_form_token(secret, session_id),
                "step": "visit",
                "visit": "",
                "code_ref": "",
                "go": "visit-first",
            }
            status, _body, _h = client.request("POST", "/signin/step", form, HX_Request="true")
            expect(status, (200,), "sign-in POST")

        return call

    def roster_poll(self, *, changed: bool) -> Callable[[], Any]:
        """The console's roster poll; ``changed`` sends no version, so the roster is rendered."""
        path = f"/staff/sessions/{self.ids['roster']}/roster"
        status, body, _h = self.staff.get(path, HX_Request="true")
        expect(status, (200,), "roster poll")
        match = re.search(r'hx-get="([^"]+)"', body)
        versioned = match.group(1).replace("&amp;", "&") if match else path

        def call() -> None:
            status, _b, _h = self.staff.get(path if changed else versioned, HX_Request="true")
            expect(status, (200, 204), "roster poll")

        return call

    def sheet(self, key: str) -> Callable[[], Any]:
        client = Client(self.app.port)
        client.cookies = dict(self.staff.cookies)
        path = (
            "/staff/sessions/blank-sheet"
            if key == "blank"
            else f"/staff/sessions/{self.ids[key]}/sheet"
        )

        def call() -> None:
            status, _b, _h = client.get(path)
            expect(status, (200,), "sheet")

        return call


def printing_measure(bench: Bench, scale: int, add: Callable[[str, float], None]) -> None:
    """A kiosk POST's p95 while a 500-row sheet prints, against idle."""
    idle = timed_requests(bench.signin_post(), 20 * scale)
    stop = threading.Event()
    printing = bench.sheet("sheet500")

    def printer(call: Callable[[], Any] = printing, stop: threading.Event = stop) -> None:
        for _ in range(500):  # bounded, in case stop is never set
            if stop.is_set():
                return
            call()

    printer_thread = threading.Thread(target=printer)
    printer_thread.start()
    busy = timed_requests(bench.signin_post(), 20 * scale)
    stop.set()
    printer_thread.join()
    add(
        "kiosk POST p95 while 500-row sheet prints / idle",
        pct(busy, 0.95) / pct(idle, 0.95),
    )


def measure_round(
    data_dir: Path,
    root: Path,
    ids: dict[str, str],
    *,
    wanted: Callable[[str], bool],
    scale: int,
    add: Callable[[str, float], None],
) -> None:
    """One round for the app of the tree at ``root``: both servers started anew, every wanted
    measure, each against hello in the same round."""
    # Cold start: each round starts both servers anew (page cache warm, interpreter not).
    hello = hello_server()
    app = app_server(data_dir, root)
    add("cold start to healthy, s", app.started)
    add("  (hello cold start, s)", hello.started)
    try:
        bench = Bench(app, hello, ids)
        for warm in (bench.start_page(), bench.hello_get()):
            timed_requests(warm, 20)
        n = 50 * scale
        if wanted("start"):
            hello_rps, _ = concurrent(bench.hello_get, 8, n)
            app_rps, _ = concurrent(bench.start_page, 8, n)
            add("GET / throughput / hello", app_rps / hello_rps)

        if wanted("signin"):
            hello_rps, hello_lat = concurrent(bench.hello_get, 16, 15 * scale)
            post_rps, post_lat = concurrent(bench.signin_post, 16, 15 * scale)
            add("sign-in POST x16 throughput / hello", post_rps / hello_rps)
            add("sign-in POST x16 p95 / hello p95", pct(post_lat, 0.95) / pct(hello_lat, 0.95))

        hello_get = bench.hello_get()
        if wanted("poll"):
            for changed in (False, True):
                label = "changed" if changed else "unchanged"
                ratio = p50_ratio(bench.roster_poll(changed=changed), hello_get, 30 * scale)
                add(f"roster poll 200, {label}, p50 / hello", ratio)
        if wanted("sheet"):
            ratio = p50_ratio(bench.sheet("sheet2000"), hello_get, 8 * scale)
            add("printed sheet 2,000 rows, p50 / hello", ratio)
            # The same page with no rows (the blank sheet): the staff layout's own cost
            # (log-in, alert bar, navigation), the floor under any sheet.
            ratio = p50_ratio(bench.sheet("blank"), hello_get, 8 * scale)
            add("  (blank sheet, no rows, p50 / hello)", ratio)
        if wanted("printing"):
            printing_measure(bench, scale, add)
    finally:
        app.stop()
        hello.stop()


def main() -> None:
    """Build, start, measure and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds and requests")
    parser.add_argument("--rounds", type=int, default=0)
    parser.add_argument(
        "--search-size", type=int, default=0, help="default 100,000 (--quick 20,000)"
    )
    parser.add_argument("--search-database-url", default="")
    parser.add_argument("--skip-search", action="store_true")
    parser.add_argument(
        "--baseline",
        default="",
        help="another checkout of Porchlight to measure in the same rounds (before/after)",
    )
    parser.add_argument(
        "--only",
        default="",
        help="comma-separated measures to run: start, signin, poll, sheet, printing "
        "(default: all; cold start is always recorded)",
    )
    args = parser.parse_args()
    only = set(filter(None, args.only.split(",")))

    def wanted(measure: str) -> bool:
        return not only or measure in only

    rounds = args.rounds or (3 if args.quick else 5)
    search_size = args.search_size or (20_000 if args.quick else 100_000)
    scale = 1 if args.quick else 2

    results: dict[str, list[float]] = {}

    def add(name: str, value: float) -> None:
        results.setdefault(name, []).append(value)

    # With --baseline, another checkout (e.g. ``git worktree add /tmp/before <commit>``) is
    # measured in the same rounds on the same data, alternating which goes first: before and
    # after from one run, against the same hello.
    trees = [("", ROOT)]
    if args.baseline:
        trees.append(("baseline", Path(args.baseline).resolve()))
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        print("building fixture data ...", flush=True)
        ids = build_data(data_dir)
        byte_compile()
        for number in range(rounds):
            for label, root in trees if number % 2 == 0 else trees[::-1]:
                prefix = f"[{label}] " if label else ""

                def add_for_tree(name: str, value: float, prefix: str = prefix) -> None:
                    add(prefix + name, value)

                measure_round(data_dir, root, ids, wanted=wanted, scale=scale, add=add_for_tree)
            print(f"  round {number + 1}/{rounds} done", flush=True)

    if not args.skip_search:
        search_p95(search_size, "", rounds, add)
        if args.search_database_url:
            search_p95(search_size, args.search_database_url, rounds, add)

    if args.baseline:
        # Each row of this tree with the baseline's beside it.
        results = {
            name: values
            for mine in [name for name in results if not name.startswith("[baseline]")]
            for name, values in (
                (mine, results[mine]),
                (f"[baseline] {mine}", results.get(f"[baseline] {mine}", [])),
            )
            if values
        }
    print_rounds(f"{rounds} interleaved rounds", results, width=63 if args.baseline else 52)
    print("  Lighthouse: a separate run, see docs/PERFORMANCE.md")


def search_p95(
    size: int, database_url: str, rounds: int, add: Callable[[str, float], None]
) -> None:
    """The project search benchmark's loader and query list, p95 ms per round."""
    import search_benchmark

    from kiosk.extensions import db
    from kiosk.resources import services

    with tempfile.TemporaryDirectory() as tmp:
        print(f"building {size:,} services ...", flush=True)
        app = search_benchmark.build(size, database_url, Path(tmp))
        with app.app_context():
            name = f"search {size:,} services {db.engine.dialect.name}, p95 ms"
            for _ in range(rounds):
                times, _hits = search_benchmark.timed(services.find, 1)
                add(name, pct(times, 0.95))
            db.session.remove()
            db.engine.dispose()


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()
