"""Cold start: the heavy libraries only some pages use are not imported at start-up (issue 14.7).

Timing belongs in benchmarks/ (http_bench.py measures cold start to healthy); this only checks
the imports that made it slow stay lazy, in a fresh interpreter so nothing earlier imported them.
"""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk import ROOT

# alembic: a start whose database is already at the head checks that with one query
# (kiosk.db.schema_is_current); Alembic and Flask-Migrate load only when there is work to do.
LAZY = ("segno", "pygal", "phonenumbers", "jsonschema", "alembic", "flask_migrate")

SCRIPT = """
import sys
import wsgi
from kiosk import create_app
app = create_app()
assert wsgi.prepare(app) is not None  # the start-up checks of `python wsgi.py` (no admin yet)
with app.test_client() as client:
    assert client.get("/healthz").status_code == 200
print(",".join(name for name in {lazy!r} if name in sys.modules))
"""


def test_start_up_and_healthz_import_none_of_the_lazy_libraries(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "KIOSK_DATA_DIR": str(tmp_path),
        "KIOSK_DATABASE_URL": f"sqlite:///{tmp_path / 'cold.db'}",
    }
    # The schema is made the way the server makes it, then a fresh process starts the app.
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "kiosk", "db", "upgrade"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT.format(lazy=LAZY)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.stdout.strip() == ""


def test_the_server_serves_with_the_garbage_collector_on_and_start_up_frozen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # wsgi.main turns the collector off while the app starts (issue 14: ~300 collections over
    # start-up's long-lived objects), then freezes what start-up made and turns it back on: a
    # server left with the collector off would grow without bound.
    import waitress

    import wsgi

    seen: dict[str, object] = {}

    def serve(_app: object, **_options: object) -> None:
        seen.update(enabled=gc.isenabled(), frozen=gc.get_freeze_count())

    monkeypatch.setattr(waitress, "serve", serve)
    monkeypatch.setenv("KIOSK_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("KIOSK_SCHEDULER", "off")
    monkeypatch.delenv("KIOSK_DATABASE_URL", raising=False)  # its own SQLite file, always
    try:
        assert wsgi.main() == 0
    finally:
        gc.unfreeze()
        gc.enable()
    assert seen == {"enabled": True, "frozen": seen["frozen"]}
    assert isinstance(seen["frozen"], int) and seen["frozen"] > 10_000
    assert gc.isenabled()
