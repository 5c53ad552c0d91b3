"""Reports over a busy year: 100,000 sign-ins and 20,000 measure answers.

Server time (p50 / p95) of the report page for a whole year and for one month (a first view,
charts drawn afresh, and a repeat view, charts from the memo in kiosk/reports/charts.py), the
funder CSV, and the kiosk start page in the same run as the baseline. The goal (issue #12) is
a report in 300 ms or less. Runs through the real app (test client, temporary SQLite database; set
KIOSK_BENCH_DATABASE_URL to an empty PostgreSQL database to measure that instead).

    .venv/bin/python benchmarks/reports_benchmark.py [RUNS]
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade
from sqlalchemy import insert, text

from kiosk import clock, create_app
from kiosk.auth import services as auth_services
from kiosk.config import Settings
from kiosk.db import write_transaction
from kiosk.extensions import db
from kiosk.reports import charts
from kiosk.reports import measures as m
from kiosk.reports.models import MeasureAnswer
from kiosk.sessions.models import GroupSession, SignIn
from kiosk.signin.models import VisitorCode
from tests.conftest import PASSWORD, csrf_from

SIGNINS = 100_000
MEASURES = 20_000
SESSIONS = 2_000
CODES = 6_000


def fill(today: date) -> None:
    """Bulk-insert a year of activity (fictional)."""
    rng = random.Random(7)
    first = today - timedelta(days=364)
    codes = [f"{n:064x}" for n in range(CODES)]
    sessions = []
    for n in range(SESSIONS):
        start = datetime.combine(first + timedelta(days=n * 364 // SESSIONS), datetime.min.time())
        start += timedelta(hours=18)
        sessions.append(
            {"id": f"s{n}", "series_id": f"series{n % 12}", "title": f"Group {n % 12}",
             "starts_at": start, "ends_at": start + timedelta(hours=1),
             "facilitators": "Sam", "description": "", "format": "in_person", "room": "",
             "agreement": "", "collect_names": False, "opens_minutes_before": 30,
             "cancelled": False, "created_at": start}
        )  # fmt: skip
    signins = [
        {"id": f"i{n}", "session_id": f"s{n % SESSIONS}",
         "visit": rng.choice(["first", "returning", "unknown"]), "source": "kiosk",
         "visitor_code_hash": rng.choice(codes) if rng.random() < 0.7 else None,
         "created_at": sessions[n % SESSIONS]["starts_at"]}
        for n in range(SIGNINS)
    ]  # fmt: skip
    measures = []
    for n in range(MEASURES):
        measure = m.UCLA3 if n % 2 else m.PEARLIN5
        answers = {item.key: rng.choice(item.answers)[0] for item in measure.items}
        measures.append(
            {"code_hash": codes[n % CODES],
             "answered_on": first + timedelta(days=rng.randint(0, 364)),
             "measure": measure.key, "answers": m.encode(measure, answers),
             "score": m.score(measure, answers)}
        )  # fmt: skip
    with write_transaction() as session:
        session.execute(
            insert(VisitorCode),
            [{"code_hash": c, "created_on": sessions[0]["starts_at"]} for c in codes],
        )
        session.execute(insert(GroupSession), sessions)
        for chunk in range(0, SIGNINS, 10_000):
            session.execute(insert(SignIn), signins[chunk : chunk + 10_000])
        session.execute(insert(MeasureAnswer), measures)


def main(runs: int) -> None:
    """Fill the database, then time each page interleaved with the start page."""
    url = os.environ.get("KIOSK_BENCH_DATABASE_URL", "")
    app = create_app(Settings(data_dir=Path(tempfile.mkdtemp()), testing=True, database_url=url))
    today = clock.utcnow().date()
    began = time.perf_counter()
    with app.app_context():
        upgrade()
        fill(today)
        auth_services.create_user("bench", "admin", PASSWORD)
        if url:
            # A live PostgreSQL has planner statistics and a visibility map (autovacuum analyzes
            # and, since PostgreSQL 13, vacuums a table after a burst of inserts); a table filled
            # a second ago has neither, gets naive plans, and its index-only scans visit every
            # heap page. VACUUM cannot run inside a transaction: an autocommit connection.
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM ANALYZE"))
    took = time.perf_counter() - began
    print(f"filled {SIGNINS:,} sign-ins, {MEASURES:,} measure answers in {took:.1f} s")
    client = app.test_client()
    token = csrf_from(client.get("/staff/login").get_data(as_text=True))
    client.post(
        "/staff/login", data={"username": "bench", "password": PASSWORD, "csrf_token": token}
    )
    year = f"period=custom&from={(today - timedelta(days=364)).isoformat()}&to={today.isoformat()}"
    paths = {
        "start page (baseline)": "/",
        "report, 1 year, 1st view": f"/staff/reports?{year}",
        "report, 1 year, repeat": f"/staff/reports?{year}",
        "report, 1 month, 1st": "/staff/reports?period=month",
        "report, 1 month, repeat": "/staff/reports?period=month",
        "funder CSV, one year": f"/staff/reports/export.csv?funder=1&{year}",
    }
    timings: dict[str, list[float]] = {name: [] for name in paths}
    # CPU time of this process too: on a shared, loaded machine wall time swings several-fold,
    # while the CPU a request costs (SQLite runs in-process) does not.
    cpu: dict[str, list[float]] = {name: [] for name in paths}
    kiosk = app.test_client()
    for _ in range(runs):
        for name, path in paths.items():
            who = kiosk if path == "/" else client
            if "1st" in name:
                charts._chart.cache_clear()  # a first view draws its charts afresh
            began, began_cpu = time.perf_counter(), time.process_time()
            response = who.get(path)
            timings[name].append(time.perf_counter() - began)
            cpu[name].append(time.process_time() - began_cpu)
            assert response.status_code == 200, (path, response.status_code)
    database = "PostgreSQL" if url else "SQLite"
    print(f"{'path':<26}{'p50 ms':>8}{'p95 ms':>8}{'cpu p50':>9}  ({runs} runs each, {database})")
    base = statistics.median(timings["start page (baseline)"])
    for name, values in timings.items():
        ordered = sorted(values)
        p95 = ordered[int(0.95 * (len(ordered) - 1))]
        p50 = statistics.median(values)
        cpu50 = statistics.median(cpu[name]) * 1000
        print(
            f"{name:<26}{p50 * 1000:>8.1f}{p95 * 1000:>8.1f}{cpu50:>9.1f}"
            f"   x{p50 / base:.1f} of start page"
        )
    print("goal: report p50 <= 300 ms")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10)
