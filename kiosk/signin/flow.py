"""The kiosk sign-in's step machine: which screen a button leads to.

Pure: no request, no database, no clock, no keys. The view reads the form, asks ``next_move``
what the button means, and carries the move out (issuing tokens, drawing or checking codes,
recording the sign-in). Keeping the rules here lets them be tested screen by screen.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from ..sessions.models import Visit

NAME = "name"
VISIT = "visit"
AGREEMENT = "agreement"
CODE = "code"
NEWCODE = "newcode"
CLOSED = "closed"
# The two code screens belong to the visit question: "Back" from either returns to it.
CODE_SCREENS = (CODE, NEWCODE)
VISIT_PREFIX = "visit-"
# The language switch pressed mid-flow: the same screen again, in the other language.
LANGUAGE = "language"


class Action(enum.Enum):
    """What the view must do for a button press."""

    SHOW = "show"  # render ``Move.step``
    BEGIN = "begin"  # a fresh sign-in: new one-time token, no answers, first step
    FINISH = "finish"  # record the sign-in
    LEAVE = "leave"  # back past the first step: the start page, no message
    NEW_CODE = "new-code"  # draw a visitor code and show it once
    CHECK_CODE = "check-code"  # check the typed code


@dataclass(frozen=True)
class Move:
    """One button press, decided: what to do, which screen, and which answers change."""

    action: Action
    step: str = ""
    visit: str | None = None  # the visit answer to set, if the press gave one
    clear_name: bool = False  # "Skip" on the name screen forgets what was typed
    forget_code: bool = False  # a drawn code whose words can no longer be shown


def steps_for(collect_names: bool, agreement: str | None) -> tuple[str, ...]:
    """The questions a session asks, in order."""
    steps = [NAME] if collect_names else []
    steps.append(VISIT)
    if agreement:
        steps.append(AGREEMENT)
    return tuple(steps)


def after(steps: tuple[str, ...], step: str, visit: str | None = None) -> Move:
    """The step after ``step``, or FINISH when it was the last."""
    if step not in steps:
        # A question this session does not ask (a forged form): start at the top.
        return Move(Action.SHOW, steps[0])
    index = steps.index(step)
    if index + 1 < len(steps):
        return Move(Action.SHOW, steps[index + 1], visit=visit)
    return Move(Action.FINISH, visit=visit)


def before(steps: tuple[str, ...], step: str) -> Move:
    """The step before ``step``, or LEAVE from the first (or from a screen not in the list)."""
    if step in CODE_SCREENS:
        return Move(Action.SHOW, VISIT)
    index = steps.index(step) if step in steps else 0
    return Move(Action.SHOW, steps[index - 1]) if index > 0 else Move(Action.LEAVE)


def visit_answer(go: str) -> str:
    """The visit value a ``visit-…`` button stands for; anything unknown is "unknown"."""
    value = go.removeprefix(VISIT_PREFIX)
    return value if value in {v.value for v in Visit} else Visit.UNKNOWN.value


def next_move(steps: tuple[str, ...], current: str, go: str) -> Move:  # noqa: PLR0911
    """What pressing ``go`` on screen ``current`` does (one branch per button)."""
    if go == "start":
        return Move(Action.BEGIN, steps[0])
    if go == "back":
        return before(steps, current)
    if go == LANGUAGE:
        return same_screen(steps, current)
    if current == NAME and go in ("next", "skip"):
        move = after(steps, NAME)
        return Move(move.action, move.step, clear_name=go == "skip")
    if current in (VISIT, *CODE_SCREENS) and go.startswith(VISIT_PREFIX):
        return after(steps, VISIT, visit=visit_answer(go))
    if current == VISIT and go == CODE:
        return Move(Action.SHOW, CODE)
    if current == VISIT and go == NEWCODE:
        return Move(Action.NEW_CODE, NEWCODE)
    if current == CODE and go == "check":
        return Move(Action.CHECK_CODE, CODE)
    if current == AGREEMENT and go == "agree":
        return Move(Action.FINISH)
    # Not a button on this screen (a stale or forged form): stay put.
    return Move(Action.SHOW, current if current in steps else steps[0])


def same_screen(steps: tuple[str, ...], current: str) -> Move:
    """The screen on show, again (after a language switch), with every answer kept.

    A new code's words are shown once and never kept, so that screen cannot come back: the
    visit question does, and the unseen code is let go.
    """
    if current == NEWCODE:
        return Move(Action.SHOW, VISIT, forget_code=True)
    if current in steps or current == CODE:
        return Move(Action.SHOW, current)
    return Move(Action.SHOW, steps[0])


def after_code_recognized(steps: tuple[str, ...]) -> Move:
    """A typed code was known: the person is returning, and the visit question is answered."""
    return after(steps, VISIT, visit=Visit.RETURNING.value)


@dataclass(frozen=True)
class Position:
    """Where a screen sits in the flow, for "Step n of m" and whether "Back" leaves."""

    first_step: bool
    number: int
    count: int


def position(steps: tuple[str, ...], step: str) -> Position:
    """The screen's place: the code screens count as the visit question's."""
    main_step = VISIT if step in CODE_SCREENS else step
    index = steps.index(main_step) if main_step in steps else 0
    return Position(first_step=index == 0 and step == main_step, number=index + 1, count=len(steps))
