"""Lighthouse mobile performance of the kiosk's start page and resource lookup.

    (cd /tmp/lh && npm install lighthouse@13.5.0)
    .venv/bin/python benchmarks/lighthouse.py --lighthouse /tmp/lh/node_modules/.bin/lighthouse \
        [--rounds 3] [--base /tmp/base]

Builds ``http_bench.build_data`` once, starts ``wsgi.py`` on it (and, with ``--base``, an older
tree's ``wsgi.py`` on a copy, so the two are measured in the same run, alternating), and runs
Lighthouse's mobile preset (simulated throttling, performance only) against ``/`` and
``/resources`` with the system Chromium, ``rounds`` times each. Prints each run's score and
metrics and the median score per page. Lighthouse is a browser, not a ratio: its simulated
timings scale the trace it records, so a loaded machine lowers the score (mostly through Total
Blocking Time); give the load average with any number. Only 127.0.0.1 is contacted.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

import http_bench  # noqa: E402

PAGES = ("/", "/resources")
METRICS = (
    "first-contentful-paint",
    "largest-contentful-paint",
    "total-blocking-time",
    "speed-index",
    "cumulative-layout-shift",
)


def run_lighthouse(lighthouse: str, url: str) -> dict[str, float]:
    """One Lighthouse run: the performance score (0-100), the metrics in ms, the render-blocking
    estimate."""
    for attempt in (1, 2):  # Chromium's start sometimes fails on a busy box: one retry
        with tempfile.TemporaryDirectory() as profile:
            done = subprocess.run(  # noqa: S603  (our own tool, a local URL)
                [
                    lighthouse,
                    url,
                    "--only-categories=performance",
                    "--output=json",
                    "--quiet",
                    f"--chrome-flags=--headless --no-sandbox --user-data-dir={profile}",
                ],
                env={
                    **os.environ,
                    "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium"),
                },
                capture_output=True,
                check=False,
                timeout=300,
            )
        if done.returncode == 0:
            break
        if attempt == 2:
            raise RuntimeError(done.stderr.decode()[-2000:] or done.stdout.decode()[-2000:])
    out = done.stdout
    report = json.loads(out)
    audits = report["audits"]
    result = {"score": round(report["categories"]["performance"]["score"] * 100)}
    for metric in METRICS:
        result[metric] = audits[metric]["numericValue"]
    blocking = audits.get("render-blocking-resources") or audits.get("render-blocking-insight")
    result["render-blocking-ms"] = (blocking or {}).get("numericValue", 0) or 0
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lighthouse", required=True, help="path to the lighthouse CLI")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--base", type=Path, help="an older tree to measure alongside")
    args = parser.parse_args()
    http_bench.byte_compile()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        data.mkdir()
        http_bench.build_data(data)
        trees = {"this tree": http_bench.ROOT}
        if args.base:
            trees = {"base": args.base, **trees}
        scores: dict[tuple[str, str], list[int]] = {}
        servers = {}
        try:
            for name, root in trees.items():
                folder = Path(tmp) / name.replace(" ", "-")
                shutil.copytree(data, folder)
                servers[name] = http_bench.app_server(folder, root)
            for _round in range(args.rounds):
                for name, server in servers.items():  # alternating, so load hits both alike
                    for page in PAGES:
                        url = f"http://127.0.0.1:{server.port}{page}"
                        result = run_lighthouse(args.lighthouse, url)
                        scores.setdefault((name, page), []).append(int(result["score"]))
                        shown = ", ".join(f"{k} {v:.0f}" for k, v in result.items())
                        print(f"{name:9} {page:11} {shown}", flush=True)
        finally:
            for server in servers.values():
                server.stop()
    print(f"load average: {os.getloadavg()[0]:.2f}")
    for (name, page), values in scores.items():
        print(f"{name:9} {page:11} median score {statistics.median(values):.0f} ({values})")


if __name__ == "__main__":
    main()
