"""The coordinator's introductions queue with 500 open requests and 100 peers, against the kiosk
start page in the same run (the baseline), both through the real app (test client, temporary
SQLite database, or KIOSK_DATABASE_URL). Also times one request's page, which ranks all 100 peers.

    .venv/bin/python benchmarks/introductions_queue.py [RUNS]
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import os

from flask_migrate import upgrade

from kiosk import create_app
from kiosk.auth import services as auth_services
from kiosk.config import Settings
from kiosk.introductions import services
from tests.conftest import PASSWORD, Staff

REQUESTS = 500
PEERS = 100


def _fill(rng: random.Random) -> int:
    today = date.today()
    languages = [code for code, _name in services.LANGUAGE_CHOICES]
    formats = [code for code, _name in services.FORMAT_CHOICES]
    for n in range(PEERS):
        services.save_peer(
            {
                "display_name": f"Peer {n:03d}",
                "languages": ",".join(rng.sample(languages, 2)),
                "formats": ",".join(rng.sample(formats, 2)),
                "gender": rng.choice(["", "woman", "man", "nonbinary"]),
                "age_band": rng.choice(["", "18-29", "30-44", "45-64", "65+"]),
                "capacity": 20,
                "trained_on": today - timedelta(days=30),
                "conduct_accepted_on": today - timedelta(days=30),
                "paused": n % 10 == 0,
                "on_duty_on": today if n % 7 == 0 else None,
            }
        )
    first = 0
    for n in range(REQUESTS):
        intro = services.create_request(
            services.RequestAnswers(
                language=rng.choice(["", *languages]),
                format=rng.choice(["", *formats]),
                gender=rng.choice(["", "woman", "man"]),
                reach="contact",
                contact=f"Fictional {n} 555-01{n % 100:02d}",
            ),
            f"bench-{n}",
        )
        first = first or int(intro or 0)
    return first


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[int(0.95 * (len(ordered) - 1))]


def main(runs: int) -> None:
    """Interleave the three pages so machine noise hits all alike; print median and p95."""
    settings = Settings(
        data_dir=Path(tempfile.mkdtemp()),
        database_url=os.environ.get("KIOSK_DATABASE_URL", ""),
        testing=True,
    )
    app = create_app(settings)
    with app.test_request_context("/"):
        upgrade()
        auth_services.create_user("bench-admin", "admin", PASSWORD)
        first = _fill(random.Random(11))
    staff = Staff(app)
    admin = app.test_client()
    staff.login(admin, "bench-admin")
    kiosk = app.test_client()
    pages = {
        "start page (baseline)": (kiosk, "/"),
        "coordinator queue": (admin, "/staff/introductions/"),
        "one request, 100 peers": (admin, f"/staff/introductions/{first}"),
    }
    timings: dict[str, list[float]] = {name: [] for name in pages}
    for _ in range(runs):
        for name, (client, path) in pages.items():
            began = time.perf_counter()
            response = client.get(path)
            timings[name].append(time.perf_counter() - began)
            assert response.status_code == 200, (path, response.status_code)
    with app.app_context():
        dialect = app.extensions["sqlalchemy"].engine.dialect.name
    base = statistics.median(timings["start page (baseline)"])
    print(f"{runs} runs, {REQUESTS} open requests, {PEERS} peers, {dialect}")
    print(f"{'page':<26}{'median ms':>10}{'p95 ms':>10}{'x start':>9}")
    for name, values in timings.items():
        print(
            f"{name:<26}{statistics.median(values) * 1000:>10.2f}{_p95(values) * 1000:>10.2f}"
            f"{statistics.median(values) / base:>9.1f}"
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 40)
