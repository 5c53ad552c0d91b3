"""Porchlight: an offline sign-in kiosk and companion app for peer-led support programs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from .config import Settings

__version__ = "0.1.0"
ROOT = Path(__file__).resolve().parent.parent


def create_app(config: Settings | dict[str, Any] | None = None) -> Flask:
    """Build the app from settings (default: the environment)."""
    settings = config if isinstance(config, Settings) else Settings.from_env()
    # Bad settings stop start-up with one clear line (ConfigError), never a traceback later.
    settings.check()
    overrides = config if isinstance(config, dict) else {}
    from .routing import PorchlightFlask

    app = PorchlightFlask(
        __name__, template_folder=str(ROOT / "templates"), static_folder=str(ROOT / "static")
    )
    init_inputs(app)
    init_sync_cache(app)
    from .session_cookie import init_session_cookie

    init_session_cookie(app)
    init_config(app, settings, overrides)

    from . import models  # noqa: F401  (registers every table on the metadata)
    from .db import init_db, init_migrations
    from .errors import init_errors
    from .extensions import csrf, htmx
    from .i18n import init_i18n
    from .security import init_security

    init_db(app)
    init_migrations(app)  # Flask-Migrate (and Alembic) are set up on first use
    csrf.init_app(app)
    htmx.init_app(app)
    init_i18n(app)
    init_security(app)
    init_errors(app)
    init_auth(app)
    init_blueprints(app)
    init_templates(app)
    from .assets import init_assets

    init_assets(app)  # last: WhiteNoise wraps the whole app (static files answer first)
    return app


def init_config(app: Flask, settings: Settings, overrides: dict[str, Any]) -> None:
    """Translate the typed settings into Flask's config."""
    database_url = settings.resolved_database_url()
    app.config.update(
        KIOSK=settings,
        VERSION=__version__,
        SECRET_KEY=settings.load_secret_key(),
        SQLALCHEMY_DATABASE_URI=database_url,
        # A pre-ping guards against a server that dropped the connection; an SQLite file cannot,
        # so there it would only be one wasted round trip per request.
        SQLALCHEMY_ENGINE_OPTIONS={"pool_pre_ping": not database_url.startswith("sqlite")},
        MAX_CONTENT_LENGTH=settings.max_request_bytes,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_NAME="porchlight",
        # Kiosk pages may sit open all day and night: a CSRF token stays valid as long as the
        # browser's session cookie does, instead of failing after Flask-WTF's default hour.
        WTF_CSRF_TIME_LIMIT=None,
        WTF_CSRF_SSL_STRICT=False,
        BABEL_DEFAULT_LOCALE="en",
        # Each area keeps its own catalog; Flask-Babel merges them all.
        BABEL_TRANSLATION_DIRECTORIES=";".join(str(p) for p in translation_dirs()),
        TESTING=settings.testing,
    )
    if settings.testing:
        # Cheap password hashing for the test suite only (kiosk/auth/services.py).
        app.config["PASSWORD_HASH_METHOD"] = "scrypt:1024:1:1"  # noqa: S105  (a cost, not a secret)
    app.config.update(overrides)


def init_inputs(app: Flask) -> None:
    """Every form value, query value and header is cleaned of control characters (issue 9)."""
    from .inputs import CleanHeaders, CleanRequest

    app.request_class = CleanRequest
    app.wsgi_app = CleanHeaders(app.wsgi_app)  # type: ignore[method-assign]


def init_sync_cache(app: Flask) -> None:
    """Flask asks "is this an async function?" (``inspect``) of every hook and view on every
    request; the answer never changes for a given function, so it is remembered (issue 14: it
    was about 6 % of a cached start page)."""
    checked: dict[Any, Any] = {}
    ensure_sync = app.ensure_sync

    def cached_ensure_sync(func: Any) -> Any:
        try:
            return checked[func]
        except KeyError:
            if len(checked) > 4096:  # hooks and views are a fixed set; never grows in practice
                checked.clear()
            checked[func] = result = ensure_sync(func)
            return result
        except TypeError:  # an unhashable callable: just ask
            return ensure_sync(func)

    app.ensure_sync = cached_ensure_sync  # type: ignore[method-assign]


def translation_dirs() -> list[Path]:
    """The foundation's catalog folder, then every area's."""
    package = ROOT / "kiosk"
    return [package / "translations", *sorted(package.glob("*/translations"))]


def init_auth(app: Flask) -> None:
    """Staff accounts: login manager and CLI."""
    from .auth.access import init_access
    from .auth.cli import init_cli
    from .ops.cli import init_cli as init_ops_cli
    from .ops.retention import init_cli as init_retention_cli

    init_access(app)
    init_cli(app)
    init_ops_cli(app)
    init_retention_cli(app)


def init_blueprints(app: Flask) -> None:
    """Register every area's blueprint."""
    from .admin.routes import bp as admin_bp
    from .auth.routes import bp as auth_bp
    from .center.routes import bp as center_bp
    from .health.routes import bp as health_bp
    from .help.routes import bp as help_bp
    from .help.routes import staff_bp as help_staff_bp
    from .ops.routes import bp as ops_bp
    from .reports.routes import bp as checkin_bp
    from .reports.routes import staff_bp as reports_staff_bp
    from .resources.routes import bp as resources_bp
    from .resources.routes import staff_bp as resources_staff_bp
    from .sessions.routes import bp as sessions_bp
    from .signin.routes import init_signin
    from .start.routes import bp as start_bp

    for blueprint in (
        start_bp,
        auth_bp,
        admin_bp,
        center_bp,
        health_bp,
        help_bp,
        help_staff_bp,
        sessions_bp,
        resources_bp,
        resources_staff_bp,
        ops_bp,
        checkin_bp,
        reports_staff_bp,
    ):
        app.register_blueprint(blueprint)
    init_signin(app)

    from .introductions.routes import init_app as init_introductions

    init_introductions(app)

    from .help.cli import init_cli as init_help_cli

    init_help_cli(app)

    from .resources.cli import init_cli as init_resources_cli

    init_resources_cli(app)

    from .reports.cli import init_cli as init_reports_cli

    init_reports_cli(app)


def init_templates(app: Flask) -> None:
    """Values every template may use; compiled templates shared by the process's apps."""
    from .templating import BYTECODE, staff_nav

    app.jinja_env.bytecode_cache = BYTECODE
    app.add_template_global(staff_nav)

    @app.context_processor
    def _globals() -> dict[str, Any]:
        from flask import request
        from flask_babel import get_locale

        from .web import is_staff_path

        settings: Settings = app.config["KIOSK"]
        staff_page = is_staff_path(request.path)
        return {
            "settings": settings,
            "version": __version__,
            "current_locale": str(get_locale() or settings.default_locale),
            "is_staff_page": staff_page,
            "base_layout": "layouts/staff.html" if staff_page else "layouts/kiosk.html",
        }
