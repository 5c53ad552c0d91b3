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

from flask import Response

from .. import clock
from ..help.services import quiet_word_label
from ..sessions import services as sessions
from ..web import page_or_fragment

# Seconds the confirmation stays before the kiosk starts over for the next person.
RETURN_AFTER_SECONDS = 8


def signed_in_screen() -> Response:
    """Render the shared confirmation screen (page, or fragment for htmx).

    The panel names the rooms where the groups open now meet, never a group's title (with one
    group open, its title would tell a bystander which group the person joined). Which rooms
    depends only on the time, never on what the person did, so a quiet word's screen still
    matches a sign-in's word for word; the start page shows the same rooms to anyone.
    """
    rooms = sorted({group.room for group in sessions.open_sessions(clock.utcnow()) if group.room})
    return page_or_fragment(
        "start/done.html",
        "start/_done_swap.html",
        return_after=RETURN_AFTER_SECONDS,
        rooms=rooms,
        quiet_word_label=quiet_word_label(),
    )
