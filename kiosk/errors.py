"""Friendly error pages: plain words, never internals or tracebacks."""

from __future__ import annotations

import logging
import traceback

from flask import Flask, render_template, request
from flask_babel import gettext as _
from sqlalchemy.exc import InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException, InternalServerError

from .extensions import db
from .web import is_staff_path

log = logging.getLogger(__name__)


def _message(code: int) -> str:
    messages = {
        400: _("Something in that request did not look right. Please try again."),
        403: _("This page is not available here."),
        404: _("We could not find that page."),
        405: _("That action is not available here."),
        413: _("That was too much to send at once. Please try something smaller."),
        429: _("Too many tries. Please wait a minute and try again."),
        500: _("Something went wrong on our side. Please try again."),
        503: _("We could not save that just now. Please try again in a moment."),
    }
    return messages.get(code, messages[500])


def render_error(code: int) -> tuple[str, int]:
    """Render the friendly page for an HTTP status.

    An htmx request from a kiosk screen gets only the message fragment: static/js/kiosk.js
    shows it in place of the screen's content, with ways forward (issue 9, point 1).
    """
    if request.headers.get("HX-Request") == "true" and not is_staff_path(request.path):
        return render_template("errors/_kiosk_error.html", code=code, message=_message(code)), code
    return render_template("errors/error.html", code=code, message=_message(code)), code


def _http_error(error: HTTPException) -> tuple[str, int]:
    return render_error(error.code or 500)


def _unexpected(error: Exception) -> tuple[str, int]:
    # Log where it broke, but not the exception's message, the form, the query or the client
    # address: a database error's message carries the values a visitor typed.
    frames = "".join(traceback.format_tb(error.__traceback__))
    log.error(
        "Unhandled %s on %s %s\n%s",
        type(error).__name__,
        request.method,
        request.url_rule.rule if request.url_rule else "?",
        frames,
    )
    db.session.rollback()
    return render_error(500)


def _unavailable(error: Exception) -> tuple[str, int]:
    # The disk is full, another writer held the lock past the busy timeout, or PostgreSQL is
    # down: nothing was stored (the transaction rolled back). Say so honestly with a 503 and let
    # the next request try again; nothing needs a restart. As above, no message or values.
    log.error(
        "Database unavailable (%s) on %s %s",
        type(error).__name__,
        request.method,
        request.url_rule.rule if request.url_rule else "?",
    )
    try:
        db.session.rollback()
    except SQLAlchemyError:
        db.session.remove()
    return render_error(503)


def init_errors(app: Flask) -> None:
    """Register handlers so every error gets a page in the app's own words."""
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(InternalServerError, _http_error)
    app.register_error_handler(Exception, _unexpected)
    for unavailable in (OperationalError, InterfaceError, PoolTimeout):
        app.register_error_handler(unavailable, _unavailable)
