"""P4 timing: does a quiet word take noticeably longer than an ordinary sign-in?

research/reliability.md P4 asks for the median server time of the two to be within 20 %. Timing
belongs here, not in the test suite, where a noisy machine would make it flake. Both paths run
through the real app (test client, temporary SQLite database), interleaved so that machine noise
hits both alike; the start page is the baseline.

    .venv/bin/python benchmarks/p4_timing.py [RUNS]
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade

from kiosk import create_app
from kiosk.config import Settings
from tests.help.test_quiet_word import quiet_form
from tests.sessions.helpers import make_session
from tests.signin.test_flow import HX, Kiosk


def main(runs: int) -> None:
    """Time the last step of each path and print medians side by side."""
    app = create_app(Settings(data_dir=Path(tempfile.mkdtemp()), testing=True))
    with app.app_context():
        upgrade()
        group_id = make_session(collect_names=False, minutes=600).id
    timings: dict[str, list[float]] = {
        "start page (baseline)": [],
        "sign-in, last step": [],
        "quiet word, send": [],
    }
    for _ in range(runs):
        client = app.test_client()
        began = time.perf_counter()
        client.get("/")
        timings["start page (baseline)"].append(time.perf_counter() - began)

        kiosk = Kiosk(app.test_client(), HX)
        kiosk.start(group_id)
        began = time.perf_counter()
        kiosk.tap("visit-first")
        timings["sign-in, last step"].append(time.perf_counter() - began)

        quiet = app.test_client()
        form = quiet_form(quiet)
        began = time.perf_counter()
        quiet.post("/quiet-word", data={**form, "when": "now"}, headers=HX)
        timings["quiet word, send"].append(time.perf_counter() - began)

    print(f"{'path':<24}{'median ms':>10}{'p95 ms':>10}  ({runs} runs each, SQLite)")
    for name, values in timings.items():
        ordered = sorted(values)
        p95 = ordered[int(0.95 * (len(ordered) - 1))]
        print(f"{name:<24}{statistics.median(values) * 1000:>10.2f}{p95 * 1000:>10.2f}")
    ratio = statistics.median(timings["quiet word, send"]) / statistics.median(
        timings["sign-in, last step"]
    )
    print(f"quiet word / sign-in median ratio: {ratio:.2f} (P4 asks for 0.80-1.20)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50)
