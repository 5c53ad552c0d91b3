"""The six steps of "My plan for hard moments", in the program's own words.

The order follows Stanley & Brown's safety planning intervention (2012); the wording, examples
and layout are ours, not their form (research/peer.md §3.1 on its copyright).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from flask_babel import LazyString
from flask_babel import gettext as _
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
# Step 5 starts from the center's crisis lines, filled in once (the person may change them).
PREFILL_STEP = STEP_KEYS.index("professionals") + 1
# The whole plan goes in one QR code up to this many bytes (a version-25-or-so code at medium
# error correction: still scans from a tablet screen); a longer plan gets one code per step,
# all drawn the same size.
ONE_CODE_MAX_BYTES = 1200
# The plan screens' idle prompt: how long its countdown runs before the plan is cleared.
PLAN_PROMPT_SECONDS = 60


@dataclass(frozen=True)
class Screen:
    """What the plan shows after a button press."""

    step: int
    view: str  # step | review | qr
    prefill: bool = False  # fill step 5 from the crisis lines now


def next_screen(
    current: str | None, go: str, refused: Collection[str] | None, prefilled: bool
) -> Screen:
    """The screen after pressing ``go`` on step ``current``.

    ``refused`` is None when the form was accepted, else the keys of the steps whose text was
    refused: the first of them comes back with its message (step 1 if none), whatever was
    pressed. ``go == "language"`` (the header's language switch mid-plan) shows the same screen
    again, in the other language.
    """
    if refused is not None:
        first = next((n for n, item in enumerate(STEPS, 1) if item.key in refused), 1)
        return Screen(first, "step")
    step, view = navigate(current, "stay" if go == "language" else go)
    return Screen(step, view, prefill=view == "step" and step == PREFILL_STEP and not prefilled)


def qr_notes(answers: Mapping[str, str]) -> list[tuple[str, str]]:
    """(heading, text) for each QR code: the whole plan as one note when it fits, else a note
    per written step. Empty steps are left out; an empty plan gives no code."""
    written = [
        (number, item, (answers.get(item.key) or "").strip())
        for number, item in enumerate(STEPS, 1)
    ]
    written = [entry for entry in written if entry[2]]
    if not written:
        return []
    title = _("My plan for hard moments")
    parts = [f"{number}. {item.title}\n{text}" for number, item, text in written]
    whole = title + "\n\n" + "\n\n".join(parts)
    if len(whole.encode("utf-8")) <= ONE_CODE_MAX_BYTES:
        return [(title, whole)]
    return [(str(item.title), f"{item.title}\n{text}") for _number, item, text in written]


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
