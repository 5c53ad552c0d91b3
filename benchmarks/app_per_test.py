"""What a fresh app costs, as the test suite makes one per test: ``create_app`` and the first
render of a page, for a second and later app in the same process.

    .venv/bin/python benchmarks/app_per_test.py [APPS]

The first app pays for imports and for preparing the static files (both once per process) and
is not counted. Prints the median milliseconds of making an app, and of its first error page
render (a layout, its macros and the page), over ``APPS`` apps (default 20).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask import render_template

from kiosk import create_app
from kiosk.config import Settings


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    cache = Path(tempfile.mkdtemp(prefix="porchlight-static-"))
    made, rendered = [], []
    for number in range(count + 1):
        data_dir = Path(tempfile.mkdtemp(prefix="porchlight-app-"))
        began = time.perf_counter()
        app = create_app(Settings(data_dir=data_dir, testing=True, static_cache_dir=cache))
        middle = time.perf_counter()
        with app.test_request_context():
            render_template("errors/error.html", code=404, title="Gone", message="Gone.")
        ended = time.perf_counter()
        if number:  # the first app pays the process's one-time costs
            made.append((middle - began) * 1000)
            rendered.append((ended - middle) * 1000)
    print(f"create_app: median {statistics.median(made):.1f} ms over {count} apps")
    print(f"first render of a page: median {statistics.median(rendered):.1f} ms")


if __name__ == "__main__":
    main()
