"""Cold start to healthy, interleaved: an older tree's ``wsgi.py``, this one's, and hello.

    git archive <commit> | tar -x -C /tmp/base
    .venv/bin/python benchmarks/cold_start.py /tmp/base [--rounds 8]

Builds ``http_bench.build_data`` once (with the older tree's code, so both start on a database
at its head), byte-compiles both trees (``http_bench.byte_compile``: a center's every start
after the first has its ``.pyc`` files), then in each round starts the older tree's server,
this tree's, and the bare Flask hello, one after the other on free 127.0.0.1 ports, each until
``/healthz`` answers 200, and stops it. Prints the median and range of each. Bounded: ``rounds``
times 3 starts, 60 s each at most.
"""

from __future__ import annotations

import argparse
import compileall
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

import http_bench  # noqa: E402


def start(root: Path, data_dir: Path) -> float:
    """Seconds from spawning ``root``'s ``wsgi.py`` to its first healthy answer."""
    server = http_bench.app_server(data_dir, root)
    server.stop()
    return server.started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base", type=Path, help="an exported older tree (git archive)")
    parser.add_argument("--rounds", type=int, default=8)
    args = parser.parse_args()
    here, base = HERE.parent, args.base.resolve()
    for root in (here, base):
        for folder in ("kiosk", "migrations"):
            compileall.compile_dir(root / folder, quiet=1)
        compileall.compile_file(root / "wsgi.py", quiet=1)
    times: dict[str, list[float]] = {"base": [], "this tree": [], "hello": []}
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        # The fixture data, made by the older tree so that its schema is the one both read.
        subprocess.run(  # noqa: S603  (our own interpreter and scripts)
            [
                sys.executable,
                "-c",
                f"import sys; sys.path[:0] = [{str(base / 'benchmarks')!r}, {str(base)!r}]; "
                f"import http_bench; http_bench.build_data(__import__('pathlib').Path({tmp!r}))",
            ],
            check=True,
            capture_output=True,
            timeout=300,
        )
        for number in range(args.rounds):
            times["base"].append(start(base, data_dir))
            times["this tree"].append(start(here, data_dir))
            hello = http_bench.hello_server()
            hello.stop()
            times["hello"].append(hello.started)
            print(f"  round {number + 1}/{args.rounds} done", flush=True)
    print(
        f"\ncold start to healthy, s, {args.rounds} interleaved rounds (median [lowest - highest])"
    )
    for name, values in times.items():
        print(
            f"  {name:<10} {statistics.median(values):6.2f}  "
            f"[{min(values):.2f} - {max(values):.2f}]"
        )


if __name__ == "__main__":
    main()
