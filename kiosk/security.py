"""Security baseline: response headers, request limits, and CSRF failures that calm down.

research/reliability.md A4, A8, A10, B3, P1, P2, F7.
"""

from __future__ import annotations

from flask import Flask, Response, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.wrappers import Response as BaseResponse

from .web import is_staff_path, redirect_page

# No inline script or style anywhere: every script and stylesheet is a file under static/.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
    "form-action 'self'"
)

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
}


def _add_headers(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if not request.path.startswith("/static/"):
        # Shared tablets: no page may be kept where the next person's Back button finds it.
        response.headers["Cache-Control"] = "no-store"
        response.headers["Pragma"] = "no-cache"
    return response


def _csrf_failed(error: CSRFError) -> BaseResponse | tuple[str, int]:
    """A stale or missing token: send the kiosk back to its start, gently; never a bare 400."""
    if is_staff_path(request.path):
        message = _("That form had expired. Please go back and try again.")
        return render_template("errors/error.html", code=400, message=message), 400
    flash(_("Sorry, that took a while. Let's start again."), "info")
    return redirect_page(url_for("start.index"))


def init_security(app: Flask) -> None:
    """Register the headers, limits and CSRF failure handling."""
    app.after_request(_add_headers)
    app.register_error_handler(CSRFError, _csrf_failed)
