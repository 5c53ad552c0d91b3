"""Kiosk start page, idle reset and language choice."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, redirect, request, session, url_for
from werkzeug.wrappers import Response

from ..auth.access import SESSION_TOKEN_KEY
from ..help.services import quiet_word_label
from ..i18n import LANGUAGES, LOCALE_KEY
from ..inputs import safe_target
from ..sessions import services as sessions
from ..signin.services import start_tile
from .cache import cached_page, render_expires_at
from .icons import icon

bp = Blueprint("start", __name__)
# {{ icon("name") }} in every template: the vendored decorative icons (static/icons).
bp.add_app_template_global(icon, "icon")

# What survives a kiosk reset: a staff login on the same browser (so a facilitator's laptop is
# not logged out by the idle timer) and the CSRF secret. Everything else, including the chosen
# language, belongs to the person who just left.
_KEPT_ON_RESET = {SESSION_TOKEN_KEY, "_user_id", "_fresh", "_id", "csrf_token"}


@bp.route("/")
def index() -> str:
    """The kiosk start screen (from the render cache: see kiosk/start/cache.py)."""
    return cached_page("start/index.html", _start_context)


def _start_context() -> dict[str, Any]:
    """What the start page shows, computed only when the cache renders it afresh."""
    tile = start_tile()
    # The cached page must change the moment a window closes or the next one opens, not at
    # the next minute.
    for row in tile["open"]:
        render_expires_at(row.ends_at)
    if tile["next"] is not None:
        render_expires_at(sessions.opens_at(tile["next"]))
    # The label is a center setting (tracked by the cache key), so it belongs in the cached page.
    return {"signin": tile, "quiet_word_label": quiet_word_label()}


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
    # Only same-site paths, never another host (open redirect): see inputs.safe_target.
    back = safe_target(request.form.get("next"), url_for("start.index"))
    return redirect(back, 303)
