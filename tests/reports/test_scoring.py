"""Each measure scores fixed answer sets exactly as MEASURES.md says."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from kiosk.reports import measures as m

MEASURES_MD = Path(__file__).resolve().parents[2] / ".." / "shared" / "docs" / "MEASURES.md"


def test_ucla3_total_is_the_sum() -> None:
    assert m.score(m.UCLA3, {"1": 1, "2": 1, "3": 1}) == 3
    assert m.score(m.UCLA3, {"1": 2, "2": 3, "3": 1}) == 6
    assert m.score(m.UCLA3, {"1": 3, "2": 3, "3": 3}) == 9


def test_a_skipped_item_gives_no_score() -> None:
    assert m.score(m.UCLA3, {"1": 3, "2": None, "3": 3}) is None
    assert m.score(m.SWEMWBS, dict.fromkeys("123456", 3) | {"7": None}) is None


def test_pearlin_reverses_items_1_2_3_5_7() -> None:
    # Items 4 and 6 are scored as answered; the others as 5 - answer.
    answers: m.Answers = {"1": 1, "2": 2, "3": 1, "4": 4, "5": 2, "6": 3, "7": 1}
    assert m.score(m.PEARLIN7, answers) == (4 + 3 + 4 + 4 + 3 + 3 + 4)
    assert m.score(m.PEARLIN7, dict.fromkeys("1234567", 1)) == 4 * 5 + 1 * 2
    assert m.score(m.PEARLIN7, {"1": 4, "2": 4, "3": 4, "4": 1, "5": 4, "6": 1, "7": 4}) == 7
    assert m.score(m.PEARLIN7, {"1": 1, "2": 1, "3": 1, "4": 4, "5": 1, "6": 4, "7": 1}) == 28


def test_pearlin_short_form_is_items_1_2_3_5_7() -> None:
    assert m.PEARLIN5.item_keys() == ["1", "2", "3", "5", "7"]
    assert m.score(m.PEARLIN5, dict.fromkeys(["1", "2", "3", "5", "7"], 1)) == 20
    assert m.score(m.PEARLIN5, dict.fromkeys(["1", "2", "3", "5", "7"], 4)) == 5
    assert m.score(m.PEARLIN5, {"1": 2, "2": 3, "3": 1, "5": 4, "7": 2}) == 3 + 2 + 4 + 1 + 3


def test_ons_questions_have_no_combined_score() -> None:
    assert m.score(m.ONS4, {"satisfied": 7, "worthwhile": 8, "happy": 6, "anxious": 2}) is None
    assert m.score(m.ONS_LONELINESS, {"1": 1}) is None


def _table_from_measures_md() -> dict[int, Decimal]:
    text = MEASURES_MD.read_text(encoding="utf-8")
    table: dict[int, Decimal] = {}
    lines = [
        line
        for line in text.splitlines()
        if line.startswith("| raw") or line.startswith("| metric")
    ]
    for raw_line, metric_line in zip(lines[::2], lines[1::2], strict=True):
        raws = re.findall(r"\d+", raw_line)
        metrics = re.findall(r"\d+\.\d+", metric_line)
        table.update({int(r): Decimal(v) for r, v in zip(raws, metrics, strict=True)})
    return table


@pytest.mark.parametrize("raw", range(7, 36))
def test_swemwbs_conversion_at_every_raw_score(raw: int) -> None:
    # Build an answer set summing to ``raw`` (7 items of 1-5) and compare with MEASURES.md.
    answers: dict[str, int | None] = {}
    remaining = raw
    for index, key in enumerate(m.SWEMWBS.item_keys()):
        left = 6 - index  # items still to fill after this one, each at least 1
        value = min(5, remaining - left)
        answers[key] = value
        remaining -= value
    assert sum(v for v in answers.values() if v is not None) == raw
    assert m.score(m.SWEMWBS, answers) == _table_from_measures_md()[raw]


def test_the_whole_swemwbs_table_matches_measures_md() -> None:
    assert _table_from_measures_md() == m.SWEMWBS_METRIC
    assert len(m.SWEMWBS_METRIC) == 29


def test_wording_is_verbatim_from_measures_md() -> None:
    text = " ".join(MEASURES_MD.read_text(encoding="utf-8").split())
    for measure in m.MEASURES.values():
        if measure.intro:
            assert measure.intro in text, measure.key
        for item in measure.items:
            assert item.text in text, (measure.key, item.key)
        for _n, label in measure.items[0].answers:
            assert label in text, (measure.key, label)
    assert m.SWEMWBS_COPYRIGHT in text


def test_answers_outside_the_scale_are_refused() -> None:
    with pytest.raises(m.InvalidAnswer):
        m.clean_answers(m.UCLA3, {"1": "4"})
    with pytest.raises(m.InvalidAnswer):
        m.clean_answers(m.ONS4, {"happy": "eleven"})
    assert m.clean_answers(m.UCLA3, {"1": "2", "2": ""}) == {"1": 2, "2": None, "3": None}


def test_encode_decode_round_trip() -> None:
    answers = {"1": 2, "2": None, "3": 3}
    assert m.encode(m.UCLA3, answers) == "2,,3"
    assert m.decode(m.UCLA3, "2,,3") == answers
