"""The six steps of "My plan for hard moments", in the program's own words.

The order follows Stanley & Brown's safety planning intervention (2012); the wording, examples
and layout are ours, not their form (research/peer.md §3.1 on its copyright).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

PLAN_FIELD_MAX = 600


@dataclass(frozen=True)
class Step:
    """One screen of the plan."""

    key: str
    title: LazyString
    prompt: LazyString
    examples: tuple[LazyString, ...]


STEPS = (
    Step(
        "warning_signs",
        _l("Signs that a hard moment is coming"),
        _l("What do you notice in your thoughts, feelings or days when things start to get hard?"),
        (
            _l("I stop answering messages"),
            _l("I can't sleep"),
            _l("I feel on edge"),
            _l("I stay in bed"),
            _l("Everything feels too much"),
        ),
    ),
    Step(
        "on_my_own",
        _l("Things I can do on my own"),
        _l("What helps you get through a little while, by yourself?"),
        (
            _l("Go for a walk"),
            _l("Listen to music"),
            _l("Take a shower"),
            _l("Breathe slowly for five minutes"),
            _l("Write it down"),
        ),
    ),
    Step(
        "distractions",
        _l("People and places that take my mind off things"),
        _l("Where can you go, or who can you be around, to feel a bit better?"),
        (
            _l("A café or library"),
            _l("The park"),
            _l("This group"),
            _l("A friend's kitchen table"),
            _l("A place of worship"),
        ),
    ),
    Step(
        "people",
        _l("People I can ask for help"),
        _l("Who could you call or message? Add a number if you like."),
        (_l("A friend"), _l("A family member"), _l("A neighbour"), _l("Someone from this group")),
    ),
    Step(
        "professionals",
        _l("Professionals and crisis lines"),
        _l(
            "We filled in the crisis lines from this center's list. Change anything you like, "
            "and add your own doctor or worker."
        ),
        (_l("My doctor"), _l("My support worker"), _l("The nearest emergency department")),
    ),
    Step(
        "safer_space",
        _l("Making my space safer"),
        _l(
            "What could you put away, or ask someone to keep, so your space feels safer in a "
            "hard moment?"
        ),
        (
            _l("Ask someone to keep things for me"),
            _l("Lock things away"),
            _l("Stay somewhere else for a night"),
        ),
    ),
)
STEP_KEYS = tuple(step.key for step in STEPS)
REVIEW_STEP = len(STEPS) + 1


def navigate(current: str | None, go: str) -> tuple[int, str]:
    """Where a button leads: (step number, view), view being step, review or qr.

    Step 0 is the about page's "Start"; anything unexpected goes back to step 1.
    """
    try:
        step = min(max(int(current or 1), 0), REVIEW_STEP)
    except ValueError:
        step = 1
    view = "step"
    if go == "back":
        step = step - 1
    elif go == "next":
        step = step + 1
    elif go.startswith("edit-") and go[5:].isdigit():
        step = int(go[5:])
    elif go == "qr":
        return REVIEW_STEP, "qr"
    elif go != "stay":
        step = 1
    step = min(max(step, 1), REVIEW_STEP)
    return step, ("review" if step == REVIEW_STEP else view)
