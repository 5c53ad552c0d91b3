"""HSDS import benchmark: is importing a package linear in the number of services?

    .venv/bin/python benchmarks/import_benchmark.py [--sizes 1000 10000] [--format hsds-csv]
        [--database-url postgresql+psycopg://...]   # the importing database; default SQLite

For each size it builds a directory of synthetic services (benchmarks/search_benchmark.py's
builder), exports it in the chosen format, then imports that file into a second, empty
database the way an upload does: preview (``read_file``) then apply (``apply_import``), and
``resources reindex``. Prints seconds per step and, as the baseline in the same run, the time
per 1,000 services relative to the smallest size (1.0 = perfectly linear).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade
from sqlalchemy import text

from benchmarks.search_benchmark import build
from kiosk import create_app
from kiosk.config import Settings
from kiosk.extensions import db
from kiosk.resources import interchange, search


def run(size: int, kind: str, database_url: str = "") -> dict[str, float]:
    with tempfile.TemporaryDirectory() as source_dir, tempfile.TemporaryDirectory() as target_dir:
        source = build(size, "", Path(source_dir))
        with source.app_context():
            content = interchange.export(kind)
            db.session.remove()
            db.engine.dispose()
        name = {"csv": "services.csv", "hsds-json": "services.json"}.get(kind, "package.zip")
        target = create_app(
            Settings(data_dir=Path(target_dir), database_url=database_url, testing=True)
        )
        times: dict[str, float] = {}
        with target.app_context():
            if database_url:  # an empty database to import into (it is wiped: use a scratch one)
                db.session.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
                db.session.commit()
            upgrade()
            started = time.perf_counter()
            preview = interchange.read_file(name, content, "US")
            times["preview"] = time.perf_counter() - started
            assert not preview.errors, preview.errors[:5]
            assert preview.new == size, (preview.new, size)
            started = time.perf_counter()
            interchange.apply_import(preview, "bench")
            times["apply"] = time.perf_counter() - started
            started = time.perf_counter()
            search.rebuild_index()
            times["reindex"] = time.perf_counter() - started
            db.session.remove()
            db.engine.dispose()
        times["total"] = sum(times.values())
        return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--format", default="hsds-csv", choices=interchange.FORMATS)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    baseline = None
    for size in sorted(args.sizes):
        times = run(size, args.format, args.database_url)
        per_thousand = times["total"] / size * 1000
        baseline = baseline or per_thousand
        steps = "  ".join(f"{step} {seconds:6.1f} s" for step, seconds in times.items())
        print(
            f"{args.format} {size:>6,} services: {steps}  "
            f"per 1,000: {per_thousand:.2f} s (x{per_thousand / baseline:.2f} of the smallest)"
        )


if __name__ == "__main__":
    main()
