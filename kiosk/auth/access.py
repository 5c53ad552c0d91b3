"""Who may see what: the login manager's loaders and the role decorators every area uses."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any, TypeVar

from flask import Flask, abort, current_app, redirect, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..extensions import htmx, login
from ..web import is_polling_request, redirect_page
from . import services
from .models import Role

F = TypeVar("F", bound=Callable[..., Any])
SESSION_TOKEN_KEY = "staff_token"  # noqa: S105  (a session key name, not a secret)


def _load_user(user_id: str) -> services.StaffMember | None:
    settings = current_app.config["KIOSK"]
    return services.load_session(
        user_id,
        session.get(SESSION_TOKEN_KEY),
        idle=timedelta(minutes=settings.staff_idle_minutes),
        absolute=timedelta(hours=settings.staff_absolute_hours),
        # htmx polling keeps a page fresh but is not a person at the keyboard.
        counts_as_activity=not is_polling_request(),
    )


def _unauthorized() -> Any:
    if htmx:
        # A poll from a page whose session ended: send the whole page to the login screen.
        return redirect_page(url_for("auth.login"))
    return redirect(
        url_for("auth.login", next=request.full_path if request.method == "GET" else None)
    )


def init_access(app: Flask) -> None:
    """Configure Flask-Login for server-side, revocable staff sessions."""
    login.init_app(app)
    login.user_loader(_load_user)
    login.unauthorized_handler(_unauthorized)
    login.login_message = _l("Please log in to see that page.")
    login.login_message_category = "info"
    # Sessions live in the database (see StaffSession); the cookie's own protection is "basic".
    login.session_protection = "basic"


def signed_in_required(view: F) -> F:
    """Any logged-in, active account, a peer supporter's included (staff home only)."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return _unauthorized()
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def staff_required(view: F) -> F:
    """Any logged-in, active staff member (facilitator or admin); a peer supporter gets 403."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return _unauthorized()
        if current_user.role == Role.PEER:
            abort(403)
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def peer_required(view: F) -> F:
    """Peer supporters only: their own proposals and introductions; everyone else gets 403."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return _unauthorized()
        if current_user.role != Role.PEER:
            abort(403)
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def admin_required(view: F) -> F:
    """Logged-in admins only; facilitators get 403."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return _unauthorized()
        if current_user.role != Role.ADMIN:
            abort(403)
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]
