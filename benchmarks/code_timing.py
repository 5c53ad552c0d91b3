"""Visitor-code timing: do a right and a wrong code take the same time to check?

``check_code`` pads every check to ``CODE_CHECK_SECONDS`` so that timing says nothing about
whether a code exists. This measures the medians of both on a temporary SQLite database,
interleaved so machine noise hits both alike. (A test asserts the padding itself; a wall-clock
comparison would flake on a busy machine, so it lives here.)

    .venv/bin/python benchmarks/code_timing.py [RUNS]
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
from kiosk.signin import services


def main(runs: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(Settings(data_dir=Path(folder), testing=True))
        with app.app_context():
            upgrade()
            key = services.code_key("benchmark")
            code, _digest = services.create_code(key)
            right: list[float] = []
            wrong: list[float] = []
            for number in range(runs):
                for typed, kiosk, times in ((code, "r", right), (f"no-such-{number}", "w", wrong)):
                    started = time.perf_counter()
                    services.check_code(typed, key, f"{kiosk}{number}")
                    times.append(time.perf_counter() - started)
    difference = abs(statistics.median(right) - statistics.median(wrong))
    print(f"runs={runs} right median={statistics.median(right) * 1000:.1f} ms")
    print(f"runs={runs} wrong median={statistics.median(wrong) * 1000:.1f} ms")
    print(f"difference={difference * 1000:.1f} ms (padding floor {services.CODE_CHECK_SECONDS} s)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
