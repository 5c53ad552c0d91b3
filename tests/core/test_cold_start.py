"""Cold start: the heavy libraries only some pages use are not imported at start-up (issue 14.7).

Timing belongs in benchmarks/ (http_bench.py measures cold start to healthy); this only checks
the imports that made it slow stay lazy, in a fresh interpreter so nothing earlier imported them.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

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
