"""The sign-in step machine (kiosk/signin/flow.py) on its own: no app, no database."""

from __future__ import annotations

import pytest

from kiosk.signin import flow
from kiosk.signin.flow import Action, Move

ALL = flow.steps_for(collect_names=True, agreement="Be kind.")
VISIT_ONLY = flow.steps_for(collect_names=False, agreement=None)


def test_steps_follow_the_session_settings() -> None:
    assert ALL == ("name", "visit", "agreement")
    assert VISIT_ONLY == ("visit",)
    assert flow.steps_for(collect_names=False, agreement="Be kind.") == ("visit", "agreement")
    assert flow.steps_for(collect_names=True, agreement="") == ("name", "visit")


def test_start_begins_at_the_first_question() -> None:
    assert flow.next_move(ALL, "", "start") == Move(Action.BEGIN, "name")
    assert flow.next_move(VISIT_ONLY, "visit", "start") == Move(Action.BEGIN, "visit")


def test_next_and_skip_leave_the_name_screen_and_skip_forgets_the_name() -> None:
    assert flow.next_move(ALL, "name", "next") == Move(Action.SHOW, "visit")
    assert flow.next_move(ALL, "name", "skip") == Move(Action.SHOW, "visit", clear_name=True)


@pytest.mark.parametrize("screen", ["visit", "code", "newcode"])
def test_a_visit_answer_moves_on_from_the_visit_and_code_screens(screen: str) -> None:
    assert flow.next_move(ALL, screen, "visit-first") == Move(
        Action.SHOW, "agreement", visit="first"
    )
    assert flow.next_move(VISIT_ONLY, screen, "visit-returning") == Move(
        Action.FINISH, visit="returning"
    )


def test_an_unknown_visit_answer_is_recorded_as_unknown() -> None:
    assert flow.visit_answer("visit-sometimes") == "unknown"
    assert flow.next_move(VISIT_ONLY, "visit", "visit-") == Move(Action.FINISH, visit="unknown")


def test_the_last_answer_finishes() -> None:
    assert flow.next_move(ALL, "agreement", "agree") == Move(Action.FINISH)
    names_only = flow.steps_for(collect_names=True, agreement=None)
    assert flow.next_move(names_only, "visit", "visit-first") == Move(Action.FINISH, visit="first")


def test_code_buttons_lead_to_the_code_screens() -> None:
    assert flow.next_move(ALL, "visit", "code") == Move(Action.SHOW, "code")
    assert flow.next_move(ALL, "visit", "newcode") == Move(Action.NEW_CODE, "newcode")
    assert flow.next_move(ALL, "code", "check") == Move(Action.CHECK_CODE, "code")


def test_a_recognized_code_answers_the_visit_question_as_returning() -> None:
    assert flow.after_code_recognized(ALL) == Move(Action.SHOW, "agreement", visit="returning")
    assert flow.after_code_recognized(VISIT_ONLY) == Move(Action.FINISH, visit="returning")


def test_back_goes_one_step_back_and_leaves_from_the_first() -> None:
    assert flow.next_move(ALL, "agreement", "back") == Move(Action.SHOW, "visit")
    assert flow.next_move(ALL, "visit", "back") == Move(Action.SHOW, "name")
    assert flow.next_move(ALL, "name", "back") == Move(Action.LEAVE)
    assert flow.next_move(VISIT_ONLY, "visit", "back") == Move(Action.LEAVE)
    # The code screens belong to the visit question.
    assert flow.next_move(VISIT_ONLY, "code", "back") == Move(Action.SHOW, "visit")
    assert flow.next_move(VISIT_ONLY, "newcode", "back") == Move(Action.SHOW, "visit")
    # "Session closed" is not a question: Back leaves.
    assert flow.next_move(ALL, "closed", "back") == Move(Action.LEAVE)


@pytest.mark.parametrize(
    ("screen", "go"),
    [("name", "code"), ("name", "agree"), ("visit", "check"), ("agreement", "next")],
)
def test_a_button_from_another_screen_stays_put(screen: str, go: str) -> None:
    assert flow.next_move(ALL, screen, go) == Move(Action.SHOW, screen)


def test_a_forged_screen_name_starts_at_the_top() -> None:
    assert flow.next_move(ALL, "admin", "next") == Move(Action.SHOW, "name")
    assert flow.next_move(VISIT_ONLY, "name", "next") == Move(Action.SHOW, "visit")


def test_position_counts_the_code_screens_as_the_visit_question() -> None:
    assert flow.position(ALL, "name") == flow.Position(first_step=True, number=1, count=3)
    assert flow.position(ALL, "visit") == flow.Position(first_step=False, number=2, count=3)
    assert flow.position(VISIT_ONLY, "visit") == flow.Position(True, 1, 1)
    # On a code screen "Back" returns to the visit question, so it is never the first step.
    assert flow.position(VISIT_ONLY, "code") == flow.Position(False, 1, 1)
    assert flow.position(ALL, "closed") == flow.Position(True, 1, 3)


def test_a_screen_the_session_does_not_ask_cannot_be_answered() -> None:
    # Once a 500 (ValueError): "name" posted for a session that asks no names.
    assert flow.next_move(VISIT_ONLY, "name", "skip") == Move(Action.SHOW, "visit", clear_name=True)
    # A forged "agree" finishes; the one-time token still guards what is recorded.
    assert flow.next_move(VISIT_ONLY, "agreement", "agree") == Move(Action.FINISH)
