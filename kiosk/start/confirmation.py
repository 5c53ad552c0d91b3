"""The one "you're signed in" screen.

A quiet-word request and an ordinary sign-in must end on the very same screen (same template,
same status, nearly the same length, no words about help), so that nobody standing nearby can
tell which one a person just did (research/reliability.md P4). Every flow that ends at the kiosk
calls ``signed_in_screen()`` rather than rendering its own.
"""

from __future__ import annotations

from flask import Response

from ..web import page_or_fragment

# Seconds the confirmation stays before the kiosk starts over for the next person.
RETURN_AFTER_SECONDS = 8


def signed_in_screen() -> Response:
    """Render the shared confirmation screen (page, or fragment for htmx)."""
    return page_or_fragment(
        "start/done.html", "start/_done.html", return_after=RETURN_AFTER_SECONDS
    )
