"""Search benchmark: the kiosk lookup at 10,000 and 100,000 services.

    .venv/bin/python benchmarks/search_benchmark.py [--sizes 10000 100000] [--rounds 5]
        [--database-url postgresql+psycopg://...]   # default: a temporary SQLite file
        [--data-dir DIR --reuse]   # keep the database in DIR; reuse it when it has SIZE services
        [--skip-like] [--profile]  # no LIKE baseline; cProfile of the index queries
        [--per-query] [--browse]   # median per query; a topic tile and filters alone too

For each size it builds a migrated database, bulk-inserts synthetic services (with categories
and hours), then times each query as the server runs it: ``services.find`` (full-text index,
synonyms, crisis-first ordering, loading hours for open-now) and, in the same run, a naive
baseline doing the same with ``LIKE '%word%'``. Prints p50/p95 milliseconds per query.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, insert, select, text

from kiosk import create_app
from kiosk.config import Settings
from kiosk.db import write_transaction
from kiosk.extensions import db
from kiosk.resources import search, services
from kiosk.resources.models import (
    Organization,
    ResourceCategory,
    ResourceHours,
    ResourceService,
    new_uuid,
    service_categories,
)

QUERIES = [
    "therap",
    "therapist",
    "counseling",
    "food bank",
    "pantr",
    "shelter",
    "couns",
    "legal",
    "job",
    "dent",
    "crisis",
    "recovery",
    "grief",
    "clinic",
    "zzzz",
]
WORDS = (
    "community",
    "center",
    "family",
    "youth",
    "senior",
    "county",
    "street",
    "harbor",
    "river",
    "maple",
    "hope",
    "new",
    "way",
    "help",
    "care",
    "support",
    "health",
    "services",
    "program",
    "outreach",
    "network",
    "house",
    "place",
    "north",
    "south",
    "east",
    "west",
    "city",
    "women",
    "men",
    "veterans",
    "peer",
    "group",
    "drop-in",
    "walk-in",
)
TOPICS = {
    "counseling": "counseling therapy",
    "food-pantry": "food pantry groceries",
    "emergency-shelter": "shelter beds",
    "legal-aid": "legal advice lawyer",
    "help-find-work": "job training",
    "dental-care": "dental clinic",
    "addiction-recovery": "addiction recovery",
    "bereavement": "grief bereavement",
    "medical-care": "medical clinic",
    "crisis-line": "crisis line",
}


def build(size: int, database_url: str, data_dir: Path, reuse: bool = False) -> Any:
    """A migrated app with ``size`` synthetic services (kept as it is when ``reuse`` and the
    database already holds exactly that many)."""
    from flask_migrate import upgrade

    settings = Settings(data_dir=data_dir, database_url=database_url, testing=True)
    app = create_app(settings)
    if reuse and _holds(app, size):
        print(f"  reusing {size:,} services")
        return app
    if not database_url:  # a fresh SQLite file (a kept one may hold another size)
        for leftover in data_dir.glob("porchlight.db*"):
            leftover.unlink()
        app = create_app(settings)
    rng = random.Random(size)
    with app.app_context():
        if database_url:
            db.session.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            db.session.commit()
        upgrade()
        with write_transaction() as session:
            services.ensure_categories(session)
        categories = {c.slug: c.id for c in db.session.scalars(select(ResourceCategory))}
        started = time.perf_counter()
        with write_transaction() as session:
            orgs = [
                {
                    "id": n + 1,
                    "uuid": new_uuid(),
                    "name": f"Org {n}",
                    "description": "",
                    "website": "",
                    "email": "",
                }
                for n in range(max(size // 100, 1))
            ]
            session.execute(insert(Organization), orgs)
            batch: list[dict[str, Any]] = []
            links: list[dict[str, int]] = []
            hours: list[dict[str, Any]] = []
            for n in range(1, size + 1):
                slug = rng.choice(list(TOPICS))
                name = " ".join(rng.sample(WORDS, 3)).title()
                words = f"{name} {TOPICS[slug]} " + " ".join(rng.sample(WORDS, 12))
                batch.append(
                    {
                        "id": n,
                        "uuid": new_uuid(),
                        "organization_id": rng.randint(1, len(orgs)),
                        "name": name,
                        "description": words,
                        "phone": "+12025550123",
                        "text_phone": "",
                        "website": "",
                        "email": "",
                        "address": "",
                        "city": "",
                        "region": "",
                        "postal_code": "",
                        "country": "US",
                        "cost": rng.choice(["free", "sliding", "fee", ""]),
                        "cost_note": "",
                        "eligibility": "",
                        "languages": rng.choice(["en", "en,es", "es", "en,vi"]),
                        "accessibility": "",
                        "crisis": slug == "crisis-line",
                        "verify_locally": False,
                        "status": "active",
                        "verified_by": "",
                        "updated_by": "bench",
                        # As the service layer writes it: crisis services carry the marker word.
                        "search_text": search.normalize(
                            words + (f" {search.CRISIS_MARKER}" if slug == "crisis-line" else "")
                        ),
                    }
                )
                links.append({"service_id": n, "category_id": categories[slug]})
                if n % 4:
                    hours.append(
                        {"service_id": n, "weekday": n % 7, "opens": "09:00", "closes": "17:00"}
                    )
                if len(batch) == 5000:
                    session.execute(insert(ResourceService), batch)
                    batch = []
            if batch:
                session.execute(insert(ResourceService), batch)
            session.execute(insert(service_categories), links)
            session.execute(insert(ResourceHours), hours)
        _settle()
        print(f"  built {size:,} services in {time.perf_counter() - started:.1f} s")
    return app


def _holds(app: Any, size: int) -> bool:
    """Whether the database (migrated to the head first) holds exactly ``size`` services."""
    from flask_migrate import upgrade

    with app.app_context():
        upgrade()
        count = db.session.scalar(select(func.count()).select_from(ResourceService))
        db.session.remove()
        db.engine.dispose()
    return count == size


def _settle() -> None:
    """Fresh statistics, as a database that has been in use would have (both dialects).

    On PostgreSQL also VACUUM, as autovacuum soon does: it moves the GIN index's pending list
    into the index proper, and the planner's estimates (and plans) change with it; a run right
    after loading measured plans that a live database does not keep.
    """
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT").execute(
                text("VACUUM ANALYZE")
            )
    else:
        db.session.execute(text("ANALYZE"))
        db.session.commit()


def find_like(query: str, limit: int = 30) -> list[Any]:
    """The naive baseline: the same lookup with LIKE '%word%' instead of the index."""
    matches = search.like_baseline(query)
    if matches is None:
        return []
    ids = matches.subquery()
    stmt = (
        select(ResourceService)
        .join(ids, ids.c.id == ResourceService.id)
        .where(ResourceService.status == "active")
        .order_by(ResourceService.crisis.desc(), ResourceService.name)
        .limit(limit)
    )
    found = list(db.session.scalars(stmt))
    for service in found:  # load hours like the real lookup does
        _ = service.hours, service.exceptions, service.organization
    return found


def timed(function: Any, rounds: int) -> tuple[list[float], int]:
    """Milliseconds per query over every query and round; and the hits of the last round."""
    times, hits = [], 0
    for _ in range(rounds):
        hits = 0
        for query in QUERIES:
            db.session.remove()
            started = time.perf_counter()
            hits += len(function(query))
            times.append((time.perf_counter() - started) * 1000)
    return times, hits


# Not typed searches: a topic tile and the filters alone (the same ``services.find``). Not in
# the p95 above; printed with --browse. A Tuesday morning, for open-now.
BROWSE = {
    "topic tile": {"category": "food-pantry"},
    "language": {"language": "es"},
    "free": {"free": True},
    "open now": {"open_now": True, "now": datetime(2026, 11, 24, 10, 0)},
    "word + open now": {"query": "couns", "open_now": True, "now": datetime(2026, 11, 24, 10, 0)},
}


def browse_times(rounds: int) -> dict[str, list[float]]:
    """Milliseconds per round of each BROWSE case."""
    times: dict[str, list[float]] = {name: [] for name in BROWSE}
    for _ in range(rounds):
        for name, case in BROWSE.items():
            options = dict(case)
            query = str(options.pop("query", ""))
            db.session.remove()
            started = time.perf_counter()
            services.find(query, **options)
            times[name].append((time.perf_counter() - started) * 1000)
    return times


def percentile(values: list[float], share: float) -> float:
    """The value below which ``share`` of values fall."""
    return statistics.quantiles(values, n=100, method="inclusive")[round(share * 100) - 1]


def main() -> None:
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--data-dir", type=Path, help="keep the database here (one per size)")
    parser.add_argument("--reuse", action="store_true", help="reuse a database of that size")
    parser.add_argument("--skip-like", action="store_true", help="no LIKE baseline")
    parser.add_argument("--profile", action="store_true", help="cProfile the index queries")
    parser.add_argument("--per-query", action="store_true", help="median ms of each query")
    parser.add_argument("--browse", action="store_true", help="also a topic tile and filters")
    args = parser.parse_args()
    rows = []
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            if args.data_dir:
                folder = args.data_dir / str(size)
                folder.mkdir(parents=True, exist_ok=True)
            app = build(size, args.database_url, folder, reuse=args.reuse)
            with app.app_context():
                dialect = db.engine.dialect.name
                timed(services.find, 1)  # warm: connections, statement caches, pages
                profiler = cProfile.Profile() if args.profile else None
                if profiler:
                    profiler.enable()
                index_ms, index_hits = timed(services.find, args.rounds)
                if profiler:
                    profiler.disable()
                    pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
                if args.per_query:
                    for n, query in enumerate(QUERIES):
                        mine = index_ms[n :: len(QUERIES)]
                        print(f"    {query:<12} {statistics.median(mine):7.1f} ms")
                if args.browse:
                    for name, ms in browse_times(args.rounds).items():
                        print(f"    {name:<16} median {statistics.median(ms):7.1f} ms")
                like_ms, like_hits = [0.0, 0.0], 0
                if not args.skip_like:
                    like_ms, like_hits = timed(find_like, args.rounds)
                db.session.remove()
                db.engine.dispose()
            rows.append((size, dialect, index_ms, like_ms, index_hits, like_hits))
    print(f"\n{len(QUERIES)} queries x {args.rounds} rounds, 30 results max, server time only")
    print(f"load average {os.getloadavg()[0]:.1f} (1 min) at the end")
    print(
        f"{'services':>9} {'db':>10} | {'index p50':>9} {'p95':>7} | "
        f"{'LIKE p50':>9} {'p95':>7} | ms"
    )
    for size, dialect, index_ms, like_ms, _ih, _lh in rows:
        print(
            f"{size:>9,} {dialect:>10} | {percentile(index_ms, 0.5):>9.1f} "
            f"{percentile(index_ms, 0.95):>7.1f} | {percentile(like_ms, 0.5):>9.1f} "
            f"{percentile(like_ms, 0.95):>7.1f} |"
        )


if __name__ == "__main__":
    main()
