"""Start Porchlight: apply migrations, print the first-run setup link, serve with waitress.

python wsgi.py
"""

from __future__ import annotations

import gc
import logging
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask


def prepare(app: Flask) -> str | None:
    """Bring the schema up to date; return a setup URL path when no admin exists yet."""
    from kiosk.auth import services
    from kiosk.db import schema_is_current
    from kiosk.help.services import seed_starter_lines

    with app.app_context():
        # Already at the head: one query instead of Alembic (issue 14, cold start). Anything
        # else, including any doubt, runs the full upgrade as before.
        if not schema_is_current():
            from flask_migrate import upgrade

            upgrade()
        # Start-up work, once: the crisis lines exist before the first GET /help (which never
        # writes them itself).
        seed_starter_lines()
        if services.admin_exists():
            return None
        token = services.issue_setup_token()
        return f"/staff/setup/{token}"


def server_options(settings: Any) -> dict[str, Any]:
    """waitress settings for a LAN kiosk (the tests serve with the same ones)."""
    # ident="" drops the "Server: waitress" banner; waitress writes no access log, so no client
    # addresses end up on disk. connection_limit and channel_timeout: see kiosk.config.Settings
    # (idle or half-open sockets must not lock every tablet out, issue 9 point 4).
    return {
        "threads": settings.threads,
        "ident": "",
        "max_request_body_size": settings.max_upload_bytes,
        "expose_tracebacks": False,
        "clear_untrusted_proxy_headers": True,
        "connection_limit": settings.connection_limit,
        "channel_timeout": settings.channel_timeout,
        # poll() rather than select(): select() cannot watch a socket whose number is 1024 or
        # more, and with 1,000 connections allowed plus the process's own files the server
        # thread died ("filedescriptor out of range in select()") and every tablet hung.
        "asyncore_use_poll": True,
    }


def main() -> int:
    """Run the app in production mode on the configured host and port."""
    # Issue 14 (cold start): start-up builds some hundred thousand long-lived objects (modules,
    # models, routes, templates); the cyclic garbage collector went over them some 300 times
    # (0.3-0.4 s of a start on a loaded box). It is off until the app is ready, then everything
    # made so far is moved out of its sight for good (gc.freeze: never garbage, never scanned
    # again, which also makes the later collections between requests cheaper).
    gc.disable()
    try:
        return _start()
    finally:
        gc.enable()


def _start() -> int:
    from waitress import serve

    from kiosk import create_app
    from kiosk.config import ConfigError, Settings

    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # Alembic logs each migration at INFO; that is noise for whoever starts the kiosk.
    logging.getLogger("alembic").setLevel(logging.WARNING)
    try:
        settings = Settings.from_env()
        app = create_app(settings)
    except ConfigError as exc:
        # One clear line (what, where, how to fix), never a traceback.
        print(f"Configuration error: {exc}", file=sys.stderr)
        return 2
    # Operations (issue 15): the data-dir lock tells `restore` a server is running; the
    # scheduled purge and backup start once the schema is up to date.
    from kiosk.ops.scheduler import hold_lock_or_explain, start_scheduled_jobs

    data_dir_lock = hold_lock_or_explain(settings)
    if data_dir_lock is None:
        return 3
    setup_path = prepare(app)
    start_scheduled_jobs(app)
    wildcard = {"0.0.0.0", "::", ""}  # noqa: S104  (recognizing it, not binding)
    host_for_link = "localhost" if settings.host in wildcard else settings.host
    base = f"http://{host_for_link}:{settings.port}"
    if setup_path:
        print(
            f"First run: create the admin account at {base}{setup_path} (works once, for 24 hours)",
            flush=True,
        )
    print(f"Porchlight is running at {base}/ (stop with Ctrl+C)", flush=True)
    gc.freeze()
    gc.enable()
    serve(app, host=settings.host, port=settings.port, **server_options(settings))
    return 0


if __name__ == "__main__":
    sys.exit(main())
