"""Shared fixtures: an app on a temporary database, clients per role, a live server, a browser.

Set KIOSK_TEST_DATABASE_URL to a PostgreSQL URL to run the whole suite on PostgreSQL; by default
each test gets its own SQLite file copied from a template built once by the real migrations.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import text

from kiosk import clock, create_app
from kiosk.auth import services as auth_services
from kiosk.config import Settings
from kiosk.extensions import db
from kiosk.help.services import seed_starter_lines

TEST_DATABASE_URL = os.environ.get("KIOSK_TEST_DATABASE_URL", "")
PASSWORD = "correct horse battery staple"


# One folder of hashed static copies for every app of the run (kiosk/assets.py builds it once
# per process): copying and gzipping static/ for each test's data folder cost ~0.2 s a test.
STATIC_CACHE = Path(tempfile.mkdtemp(prefix="porchlight-static-"))


def _settings(data_dir: Path, database_url: str = "") -> Settings:
    return Settings(
        data_dir=data_dir, database_url=database_url, testing=True, static_cache_dir=STATIC_CACHE
    )


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path | None:
    """Build the schema once with the real migrations (SQLite template, or the PG database)."""
    from flask_migrate import upgrade

    data_dir = tmp_path_factory.mktemp("template")
    if TEST_DATABASE_URL:
        app = create_app(_settings(data_dir, TEST_DATABASE_URL))
        with app.app_context():
            db.session.execute(text("DROP SCHEMA public CASCADE"))
            db.session.execute(text("CREATE SCHEMA public"))
            db.session.commit()
            upgrade()
            db.engine.dispose()
        return None
    app = create_app(_settings(data_dir))
    with app.app_context():
        upgrade()
        # Seeded once here, so each test's copy has the lines and its own seeding is one read.
        seed_starter_lines()
        db.session.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
        db.session.commit()
        db.engine.dispose()
    return data_dir / "porchlight.db"


def sqlite_copy(template_db: Path | None, tmp_path: Path, **settings: Any) -> Flask:
    """An app on a private copy of the migrated SQLite template, free to migrate up and down.

    Skips on PostgreSQL, whose one test database every test shares.
    """
    if template_db is None:
        pytest.skip("needs a private SQLite copy (the PostgreSQL test database is shared)")
    data_dir = tmp_path / "sqlite-copy"
    data_dir.mkdir()
    shutil.copy(template_db, data_dir / "porchlight.db")
    return create_app(Settings(data_dir=data_dir, testing=True, **settings))


def _truncate_all() -> None:
    tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
    db.session.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    db.session.commit()


@pytest.fixture
def app(tmp_path: Path, template_db: Path | None) -> Iterator[Flask]:
    """A fresh app on its own empty (migrated) database."""
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    if template_db is not None:
        shutil.copy(template_db, data_dir / "porchlight.db")
    application = create_app(_settings(data_dir, TEST_DATABASE_URL))
    with application.app_context():
        if TEST_DATABASE_URL:
            _truncate_all()
        # What wsgi.prepare does after the migrations: the center's crisis lines are there.
        seed_starter_lines()
    yield application
    clock.reset()
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client with no one logged in."""
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    """Runs the app's CLI commands."""
    return app.test_cli_runner()


@pytest.fixture
def app_ctx(app: Flask) -> Iterator[Flask]:
    """An application context for calling services directly."""
    with app.app_context():
        yield app


CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|"X-CSRFToken": "([^"]+)"')


def csrf_from(html: str) -> str:
    """The CSRF token embedded in a page."""
    match = CSRF_RE.search(html)
    assert match, "page has no CSRF token"
    return match.group(1) or match.group(2)


@dataclass
class Staff:
    """Creates staff accounts and logs clients in."""

    app: Flask

    def create(self, username: str, role: str = "facilitator", password: str = PASSWORD) -> int:
        """Create an account; returns its id."""
        with self.app.app_context():
            return auth_services.create_user(username, role, password).id

    def login(self, client: FlaskClient, username: str, password: str = PASSWORD) -> Any:
        """Log a client in through the real login form."""
        page = client.get("/staff/login")
        token = csrf_from(page.get_data(as_text=True))
        return client.post(
            "/staff/login", data={"username": username, "password": password, "csrf_token": token}
        )

    def client_for(self, role: str, username: str | None = None) -> FlaskClient:
        """A new client logged in with a new account of that role."""
        name = username or f"{role}-{os.urandom(3).hex()}"
        self.create(name, role)
        new_client = self.app.test_client()
        response = self.login(new_client, name)
        assert response.status_code == 302, response.get_data(as_text=True)
        return new_client


@pytest.fixture
def staff(app: Flask) -> Staff:
    """Helper to create accounts and log in."""
    return Staff(app)


@pytest.fixture
def admin_client(staff: Staff) -> FlaskClient:
    """A client logged in as an admin."""
    return staff.client_for("admin", "admin")


@pytest.fixture
def facilitator_client(staff: Staff) -> FlaskClient:
    """A client logged in as a facilitator."""
    return staff.client_for("facilitator", "facilitator")


def post_form(
    client: FlaskClient,
    url: str,
    data: dict[str, Any] | None = None,
    page: str | None = None,
    **kwargs: Any,
) -> Any:
    """POST a form with a CSRF token taken from ``page`` (default: the same URL)."""
    html = client.get(page or url).get_data(as_text=True)
    payload = dict(data or {})
    payload["csrf_token"] = csrf_from(html)
    return client.post(url, data=payload, **kwargs)


# ---- live server -------------------------------------------------------------------------


def free_port() -> int:
    """A TCP port nobody is listening on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LiveServer:
    """A waitress server running the app in a background thread."""

    app: Flask
    url: str


@pytest.fixture
def live_server(app: Flask) -> Iterator[LiveServer]:
    """The real app served by waitress on a free port, with a temporary database."""
    from waitress.server import create_server

    port = free_port()
    server = create_server(app, host="127.0.0.1", port=port, threads=8, ident="")
    stopping = threading.Event()

    def serve() -> None:
        # Closing the sockets from the test's thread can wake the server's select() on a
        # closed descriptor; that is the shutdown itself, not an error worth reporting.
        try:
            server.run()
        except (OSError, ValueError):
            if not stopping.is_set():
                raise

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield LiveServer(app=app, url=f"http://127.0.0.1:{port}")
    stopping.set()
    for channel in list(server._map.values()):  # the listener and any kept-alive connection
        channel.close()
    server.task_dispatcher.shutdown(timeout=5)
    thread.join(timeout=5)


def make_live_staff(app: Flask) -> Callable[[str, str], None]:
    """Returns a function that creates an account on the live server's database."""

    def create(username: str, role: str) -> None:
        with app.app_context():
            auth_services.create_user(username, role, PASSWORD)

    return create
