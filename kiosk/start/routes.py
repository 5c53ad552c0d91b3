"""Kiosk start page, idle reset and language choice."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, request, session, url_for
from werkzeug.wrappers import Response

from ..auth.access import SESSION_TOKEN_KEY
from ..i18n import LANGUAGES, LOCALE_KEY
from .cache import cached_page

bp = Blueprint("start", __name__)

# What survives a kiosk reset: a staff login on the same browser (so a facilitator's laptop is
# not logged out by the idle timer) and the CSRF secret. Everything else, including the chosen
# language, belongs to the person who just left.
_KEPT_ON_RESET = {SESSION_TOKEN_KEY, "_user_id", "_fresh", "_id", "csrf_token"}


@bp.route("/")
def index() -> str:
    """The kiosk start screen (from the render cache: see kiosk/start/cache.py)."""
    return cached_page("start/index.html")


@bp.route("/reset")
def reset() -> Response:
    """Forget the last attendee's choices and show a fresh start screen."""
    for key in list(session.keys()):
        if key not in _KEPT_ON_RESET:
            session.pop(key)
    return redirect(url_for("start.index"), 303)


@bp.route("/language", methods=["POST"])
def language() -> Response:
    """Switch the display language, then return to the page the person was on."""
    code = request.form.get("lang", "")
    if code not in LANGUAGES:
        abort(400)
    session[LOCALE_KEY] = code
    back = request.form.get("next", "")
    # Only same-site paths, never another host (open redirect).
    if not back.startswith("/") or back.startswith("//") or "\\" in back:
        back = url_for("start.index")
    return redirect(back, 303)
