"""Small helpers shared by every area's views."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Response, current_app, make_response, redirect, render_template, request
from flask_htmx.responses import HTMXResponseClientRedirect

from .extensions import htmx

F = TypeVar("F", bound=Callable[..., Any])


def wants_fragment() -> bool:
    """True for an htmx request that swaps part of a page.

    Boosted requests and history restores need the whole page, so they get it.
    """
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-Boosted") != "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def page_or_fragment(page: str, fragment: str, status: int = 200, **context: Any) -> Response:
    """Render the whole page, or only its fragment for htmx; the page includes the fragment."""
    template = fragment if wants_fragment() else page
    response = make_response(render_template(template, **context), status)
    # The same URL returns two shapes, so caches must key on the htmx header.
    response.vary.add("HX-Request")
    return response


def unchanged_poll(version: str, arg: str = "v") -> Response | None:
    """A 204 for a poll that already shows ``version``; None when it must get the new content.

    Any polling fragment can use this: put the version in its own ``hx-get`` URL
    (``url_for(..., v=version)``), and start its view with
    ``if (unchanged := unchanged_poll(version)) is not None: return unchanged``. htmx swaps
    nothing on a 204, so an unchanged poll costs one small query and no rendering; when the
    content changed, the new fragment carries the new version in its URL.
    """
    if not wants_fragment() or request.args.get(arg) != version:
        return None
    return no_change()


def no_change() -> Response:
    """The 204 a poll gets when its page already shows the current version: htmx swaps
    nothing on a 204."""
    response = make_response("", 204)
    response.vary.add("HX-Request")
    return response


def polling(view: F) -> F:
    """Mark a view as a background poll: it does not count as staff activity."""
    view.kiosk_polling = True  # type: ignore[attr-defined]
    return view


def is_polling_request() -> bool:
    """True when the current request goes to a view marked with ``@polling``."""
    view = current_app.view_functions.get(request.endpoint or "")
    return bool(getattr(view, "kiosk_polling", False))


def is_staff_path(path: str) -> bool:
    """True for staff (logged-in) pages; everything else is the kiosk side."""
    return path == "/staff" or path.startswith("/staff/")


def redirect_page(target: str, status: int = 303) -> Response:
    """Send the whole page to ``target``: a plain redirect, or HX-Redirect for htmx.

    htmx cannot see a redirect (the browser follows it and htmx would swap the whole target
    page into the fragment), so htmx requests get a 200 with the HX-Redirect header instead,
    and htmx then loads the target as a full page, which also drops the stale screen.
    """
    if htmx:  # flask-htmx: true for any request with "HX-Request: true"
        return HTMXResponseClientRedirect(target)
    return redirect(target, status)  # type: ignore[return-value]
