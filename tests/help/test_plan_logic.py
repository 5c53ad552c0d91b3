"""The plan's step decisions (kiosk/help/plan.py), without a request."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from kiosk.help.plan import (
    ONE_CODE_MAX_BYTES,
    PREFILL_STEP,
    REVIEW_STEP,
    STEP_KEYS,
    Screen,
    next_screen,
    qr_notes,
)


@pytest.fixture
def in_request(app: Flask) -> Iterator[None]:
    """Step titles are translated, so they need a request (for its language)."""
    with app.test_request_context("/"):
        yield


def test_a_refused_step_comes_back_whatever_was_pressed() -> None:
    assert next_screen("3", "next", {"people", "on_my_own"}, False) == Screen(2, "step")
    assert next_screen("7", "qr", {"safer_space"}, True) == Screen(6, "step")


def test_a_refused_form_without_a_named_step_starts_at_step_one() -> None:
    assert next_screen("4", "next", set(), False) == Screen(1, "step")


def test_the_language_switch_shows_the_same_screen() -> None:
    assert next_screen("3", "language", None, False) == Screen(3, "step")
    assert next_screen("7", "language", None, False) == Screen(7, "review")


def test_step_five_is_filled_in_once() -> None:
    assert next_screen(str(PREFILL_STEP - 1), "next", None, False) == Screen(
        PREFILL_STEP, "step", prefill=True
    )
    assert not next_screen(str(PREFILL_STEP - 1), "next", None, True).prefill
    assert not next_screen(str(PREFILL_STEP + 1), "back", None, True).prefill
    assert not next_screen(str(PREFILL_STEP - 2), "next", None, False).prefill


def test_qr_goes_to_the_review_step() -> None:
    assert next_screen("2", "qr", None, False) == Screen(REVIEW_STEP, "qr")


def test_a_typical_plan_is_one_note_with_every_written_step(in_request: None) -> None:
    notes = qr_notes({"warning_signs": "I stop sleeping", "people": "Ana 555-0100", "other": "x"})
    assert len(notes) == 1
    heading, text = notes[0]
    assert heading == "My plan for hard moments"
    assert text.startswith("My plan for hard moments\n\n1. Signs that a hard moment is coming")
    assert "I stop sleeping" in text and "4. People I can ask for help\nAna 555-0100" in text
    assert "Things I can do on my own" not in text  # empty steps are left out


def test_an_empty_plan_has_no_code(in_request: None) -> None:
    assert qr_notes(dict.fromkeys(STEP_KEYS, "  ")) == []


@pytest.mark.parametrize(("length", "codes"), [(50, 1), (ONE_CODE_MAX_BYTES // 4, len(STEP_KEYS))])
def test_a_plan_too_long_for_one_code_gets_one_per_step(
    in_request: None, length: int, codes: int
) -> None:
    answers = dict.fromkeys(STEP_KEYS, "x" * length)
    notes = qr_notes(answers)
    assert len(notes) == codes
    if codes > 1:
        assert notes[1] == (
            "Things I can do on my own",
            "Things I can do on my own\n" + "x" * length,
        )


def test_no_suicide_risk_wording_on_the_kiosk() -> None:
    """Kiosk templates and every Spanish catalog: the plan speaks of hard moments instead."""
    from kiosk import ROOT

    places = [*(ROOT / "templates").rglob("*.html"), *(ROOT / "kiosk").rglob("*.po")]
    found = [
        str(path.relative_to(ROOT))
        for path in places
        if "suicide risk" in " ".join(path.read_text(encoding="utf-8").lower().split())
        or "riesgo de suicidio" in " ".join(path.read_text(encoding="utf-8").lower().split())
    ]
    assert found == []
