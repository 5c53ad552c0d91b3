"""The one "you're all set" screen.

A quiet-word request and an ordinary sign-in must end on the very same screen (same template,
same status, nearly the same length, no words about help), so that nobody standing nearby can
tell which one a person just did (research/reliability.md P4). Every flow that ends at the kiosk
calls ``signed_in_screen()`` rather than rendering its own.

"The same screen" means the whole screen, header to footer: the htmx fragment carries the kiosk
header too (an out-of-band swap), so a flow's own header tools (the help pages' Exit button) do
not stay on screen after it ends, and the words are true for both ("you're all set").
"""

from __future__ import annotations

from typing import Any

from flask import Response, make_response

from .. import clock
from ..help.services import quiet_word_label
from ..sessions import services as sessions
from ..web import wants_fragment
from .cache import cached_page, render_expires_at

# Seconds the confirmation stays before the kiosk starts over for the next person.
RETURN_AFTER_SECONDS = 8


def signed_in_screen() -> Response:
    """Render the shared confirmation screen (page, or fragment for htmx).

    The panel names the rooms where the groups open now meet, never a group's title (with one
    group open, its title would tell a bystander which group the person joined). Which rooms
    depends only on the time, never on what the person did, so a quiet word's screen still
    matches a sign-in's word for word; the start page shows the same rooms to anyone.

    Issue 14 (sign-in speed): since nothing on it belongs to the person, it comes from the
    start page's render cache (kiosk/start/cache.py: per language, data versions and minute,
    each caller's CSRF token put in on the way out, never with a flash message). Rendering it
    and finding the open rooms was about 40 % of a sign-in POST. Privacy: the cached HTML is
    the screen every person gets; nothing typed or chosen on the way here reaches it.
    """
    template = "start/_done_swap.html" if wants_fragment() else "start/done.html"
    response = make_response(cached_page(template, _context))
    # The same URL returns two shapes, so caches must key on the htmx header.
    response.vary.add("HX-Request")
    return response


def _context() -> dict[str, Any]:
    """What the screen shows, computed only when the cache renders it afresh."""
    now = clock.utcnow()
    open_now = sessions.open_sessions(now)
    # The rooms change the moment a group's window closes or the next one opens, not at the
    # next minute.
    for row in open_now:
        render_expires_at(row.ends_at)
    upcoming = sessions.next_session(now)
    if upcoming is not None:
        render_expires_at(sessions.opens_at(upcoming))
    return {
        "return_after": RETURN_AFTER_SECONDS,
        "rooms": sorted({group.room for group in open_now if group.room}),
        "quiet_word_label": quiet_word_label(),
    }
