"""In-process timing and profile of the cached start page, the roster poll, the sheet, or the
kiosk's last sign-in POST (one recorded sign-in each).

    .venv/bin/python benchmarks/inprocess_profile.py start 2000
    .venv/bin/python benchmarks/inprocess_profile.py poll 2000 --profile
    .venv/bin/python benchmarks/inprocess_profile.py changed 2000   # poll with a stale version
    .venv/bin/python benchmarks/inprocess_profile.py sheet 300      # the 2,000-row sheet
    .venv/bin/python benchmarks/inprocess_profile.py blank 300      # the sheet with no rows
    .venv/bin/python benchmarks/inprocess_profile.py signin 1000 --profile

Builds ``http_bench.build_data`` in a temporary folder, then times the request against a bare
Flask "hello" through the same kind of test client: interleaved batches of 100, each side's
best batch (the least disturbed on a shared box). ``--profile`` adds a cProfile of the request.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import re
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

from flask import Flask  # noqa: E402
from http_bench import PASSWORD, build_data, csrf_from  # noqa: E402

from kiosk import create_app  # noqa: E402
from kiosk.config import Settings  # noqa: E402

HX = {"HX-Request": "true"}


def best_batch(call: Callable[[], object], size: int = 100) -> float:
    """Mean milliseconds per call over one batch."""
    started = time.perf_counter()
    for _ in range(size):
        call()
    return (time.perf_counter() - started) / size * 1e3


def staff_or_kiosk_call(what: str, client: Any, ids: dict[str, str]) -> Callable[[], None]:
    """The request to time: a staff poll or sheet, the kiosk's sign-in POST, or the start page."""
    if what in ("poll", "changed", "sheet", "blank"):
        page = client.get("/staff/login").get_data(as_text=True)
        login = {"username": "benchadmin", "password": PASSWORD, "csrf_token": csrf_from(page)}
        assert client.post("/staff/login", data=login).status_code in (302, 303)
        body = client.get(f"/staff/sessions/{ids['roster']}/roster", headers=HX).get_data(
            as_text=True
        )
        match = re.search(r'hx-get="([^"]+)"', body)
        assert match is not None
        url = match.group(1).replace("&amp;", "&")
        if what == "changed":
            # A poll whose page shows an older roster: what a console asks right after a
            # sign-in (the version moved), so the fragment is rendered.
            url = re.sub(r"v=[^&]*", "v=0.0.0", url)
        if what in ("sheet", "blank"):
            # The blank sheet is the same page without rows: the staff layout's own floor.
            url = (
                f"/staff/sessions/{ids['sheet2000']}/sheet"
                if what == "sheet"
                else "/staff/sessions/blank-sheet"
            )
            status, headers = 200, {}
        else:
            status, headers = (200 if what == "changed" else 204), HX

        def call() -> None:
            assert client.get(url, headers=headers).status_code == status
    elif what == "signin":
        from kiosk.signin.services import issue_form_token

        csrf = csrf_from(client.get("/").get_data(as_text=True))

        def call() -> None:
            form = {
                "csrf_token": csrf,
                "session_id": ids["open"],
                "token": issue_form_token(ids["secret"], ids["open"]),
                "step": "visit",
                "visit": "",
                "code_ref": "",
                "go": "visit-first",
            }
            assert client.post("/signin/step", data=form, headers=HX).status_code == 200
    else:

        def call() -> None:
            assert client.get("/").status_code == 200

    return call


def main() -> None:
    """Time (and optionally profile) one kind of request against hello."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["start", "poll", "changed", "sheet", "blank", "signin"])
    parser.add_argument("count", type=int, nargs="?", default=2000)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--sort", default="cumulative", help="cProfile sort key (--profile)")
    parser.add_argument("--lines", type=int, default=60, help="lines of the listing (--profile)")
    args = parser.parse_args()
    data_dir = Path(tempfile.mkdtemp())
    ids = build_data(data_dir)
    app = create_app(Settings(data_dir=data_dir, testing=False))
    hello = Flask("hello")
    hello.add_url_rule("/", "hello", lambda: "Hello, world!")
    hello_client, client = hello.test_client(), app.test_client()
    call = staff_or_kiosk_call(args.what, client, ids)

    def hello_call() -> None:
        hello_client.get("/")

    for warm in (call, hello_call):
        best_batch(warm, 50)
    hello_ms, app_ms = [], []
    for _ in range(max(1, args.count // 100)):
        hello_ms.append(best_batch(hello_call))
        app_ms.append(best_batch(call))
    print(
        f"best batch: hello {min(hello_ms):.3f} ms, {args.what} {min(app_ms):.3f} ms, "
        f"ratio {min(app_ms) / min(hello_ms):.2f}"
    )
    if args.profile:
        profile = cProfile.Profile()
        profile.enable()
        for _ in range(args.count):
            call()
        profile.disable()
        pstats.Stats(profile).sort_stats(args.sort).print_stats(args.lines)


if __name__ == "__main__":
    main()
