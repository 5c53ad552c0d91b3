"""The check-in measures: wording, answer scales and scoring, exactly as MEASURES.md gives them.

Privacy and validity: the wording below is copied unaltered from ../shared/docs/MEASURES.md
(validity and the licences depend on it). It is deliberately *not* wrapped in ``_()``: there is
no validated Spanish wording we may ship, so these strings must never reach a translator, and a
kiosk showing Spanish skips the measures instead (``offered_in``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

# Languages whose validated wording the app ships. Spanish is absent on purpose.
VALIDATED_LANGUAGES = frozenset({"en"})

SWEMWBS_COPYRIGHT = (
    "© NHS Health Scotland, University of Warwick and University of Edinburgh, 2008, "
    "all rights reserved"
)

# SWEMWBS raw score (7-35) -> metric score, the conversion table in MEASURES.md.
SWEMWBS_METRIC: dict[int, Decimal] = {
    raw: Decimal(metric)
    for raw, metric in zip(
        range(7, 36),
        [
            "7.00",
            "9.51",
            "11.25",
            "12.40",
            "13.33",
            "14.08",
            "14.75",
            "15.32",
            "15.84",
            "16.36",
            "16.88",
            "17.43",
            "17.98",
            "18.59",
            "19.25",
            "19.98",
            "20.73",
            "21.54",
            "22.35",
            "23.21",
            "24.11",
            "25.03",
            "26.02",
            "27.03",
            "28.13",
            "29.31",
            "30.70",
            "32.55",
            "35.00",
        ],
        strict=True,
    )
}


@dataclass(frozen=True)
class Item:
    """One question, with the number stored for each answer."""

    key: str
    text: str
    answers: tuple[tuple[int, str], ...]
    reverse: bool = False


@dataclass(frozen=True)
class Measure:
    """A validated measure (or the core pair's ONS question) as asked at the kiosk."""

    key: str
    name: str
    intro: str
    items: tuple[Item, ...]
    copyright: str = ""

    def item_keys(self) -> list[str]:
        """The items' keys, in order."""
        return [item.key for item in self.items]


UCLA_ANSWERS = ((1, "Hardly ever (or never)"), (2, "Some of the time"), (3, "Often"))
ONS_ANSWERS = (
    (1, "Often or always"),
    (2, "Some of the time"),
    (3, "Occasionally"),
    (4, "Hardly ever"),
    (5, "Never"),
)
PEARLIN_ANSWERS = ((1, "Strongly disagree"), (2, "Disagree"), (3, "Agree"), (4, "Strongly agree"))
ONS4_ANSWERS = tuple((n, str(n)) for n in range(11))
SWEMWBS_ANSWERS = (
    (1, "None of the time"),
    (2, "Rarely"),
    (3, "Some of the time"),
    (4, "Often"),
    (5, "All of the time"),
)

UCLA3 = Measure(
    "ucla3",
    "UCLA 3-item loneliness scale",
    "The next questions are about relationships with others. For each one, please say how "
    "often (if at all) you feel that way.",
    (
        Item("1", "How often do you feel that you lack companionship?", UCLA_ANSWERS),
        Item("2", "How often do you feel left out?", UCLA_ANSWERS),
        Item("3", "How often do you feel isolated from others?", UCLA_ANSWERS),
    ),
)
ONS_LONELINESS = Measure(
    "ons_lonely",
    "ONS direct loneliness question",
    "",
    (Item("1", "How often do you feel lonely?", ONS_ANSWERS),),
)
_PEARLIN_ITEMS = (
    Item(
        "1",
        "There is really no way I can solve some of the problems I have.",
        PEARLIN_ANSWERS,
        True,
    ),
    Item("2", "Sometimes I feel that I'm being pushed around in life.", PEARLIN_ANSWERS, True),
    Item("3", "I have little control over the things that happen to me.", PEARLIN_ANSWERS, True),
    Item("4", "I can do just about anything I really set my mind to do.", PEARLIN_ANSWERS),
    Item("5", "I often feel helpless in dealing with the problems of life.", PEARLIN_ANSWERS, True),
    Item("6", "What happens to me in the future mostly depends on me.", PEARLIN_ANSWERS),
    Item(
        "7",
        "There is little I can do to change many of the important things in my life.",
        PEARLIN_ANSWERS,
        True,
    ),
)
PEARLIN7 = Measure("pearlin7", "Pearlin Mastery Scale", "", _PEARLIN_ITEMS)
# The validated short form: items 1, 2, 3, 5 and 7 only (5-20).
PEARLIN5 = Measure(
    "pearlin5",
    "Pearlin Mastery Scale (5-item short form)",
    "",
    tuple(item for item in _PEARLIN_ITEMS if item.key in {"1", "2", "3", "5", "7"}),
)
ONS4 = Measure(
    "ons4",
    "ONS4 personal well-being",
    "Next I would like to ask you four questions about your feelings on aspects of your life. "
    "There are no right or wrong answers. For each of these questions I'd like you to give an "
    "answer on a scale of 0 to 10, where 0 is 'not at all' and 10 is 'completely'.",
    (
        Item("satisfied", "Overall, how satisfied are you with your life nowadays?", ONS4_ANSWERS),
        Item(
            "worthwhile",
            "Overall, to what extent do you feel that the things you do in your life are "
            "worthwhile?",
            ONS4_ANSWERS,
        ),
        Item("happy", "Overall, how happy did you feel yesterday?", ONS4_ANSWERS),
        Item("anxious", "Overall, how anxious did you feel yesterday?", ONS4_ANSWERS),
    ),
)
SWEMWBS = Measure(
    "swemwbs",
    "Short Warwick-Edinburgh Mental Wellbeing Scale (SWEMWBS)",
    "Below are some statements about feelings and thoughts. Please tick the box that best "
    "describes your experience of each over the last 2 weeks.",
    (
        Item("1", "I've been feeling optimistic about the future", SWEMWBS_ANSWERS),
        Item("2", "I've been feeling useful", SWEMWBS_ANSWERS),
        Item("3", "I've been feeling relaxed", SWEMWBS_ANSWERS),
        Item("4", "I've been dealing with problems well", SWEMWBS_ANSWERS),
        Item("5", "I've been thinking clearly", SWEMWBS_ANSWERS),
        Item("6", "I've been feeling close to other people", SWEMWBS_ANSWERS),
        Item("7", "I've been able to make up my own mind about things", SWEMWBS_ANSWERS),
    ),
    copyright=SWEMWBS_COPYRIGHT,
)

MEASURES: dict[str, Measure] = {
    m.key: m for m in (UCLA3, ONS_LONELINESS, PEARLIN7, PEARLIN5, ONS4, SWEMWBS)
}

Answers = dict[str, int | None]


class InvalidAnswer(ValueError):
    """An answer that is not on the item's scale."""


def clean_answers(measure: Measure, raw: Mapping[str, str | int | None]) -> Answers:
    """Validate answers (missing or blank = skipped); raises InvalidAnswer."""
    cleaned: Answers = {}
    for item in measure.items:
        value = raw.get(item.key)
        if value is None or value == "":
            cleaned[item.key] = None
            continue
        try:
            number = int(value)
        except (TypeError, ValueError) as exc:
            raise InvalidAnswer(item.key) from exc
        if number not in {n for n, _label in item.answers}:
            raise InvalidAnswer(item.key)
        cleaned[item.key] = number
    return cleaned


def score(measure: Measure, answers: Answers) -> Decimal | None:
    """The measure's score, or None when an item was skipped (no prorating) or it has none.

    UCLA-3: total 3-9. Pearlin: reversed items scored 5 - answer, then summed (7-28 / 5-20).
    SWEMWBS: raw 7-35 converted to the metric score. ONS4 items are reported separately and the
    ONS question is reported as a share, so neither has a score.
    """
    if measure.key in {ONS4.key, ONS_LONELINESS.key}:
        return None
    values = [answers.get(item.key) for item in measure.items]
    if any(value is None for value in values):
        return None
    if measure.key in {PEARLIN7.key, PEARLIN5.key}:
        return Decimal(
            sum(
                (5 - value) if item.reverse else value
                for item, value in zip(measure.items, values, strict=True)
                if value is not None
            )
        )
    raw = sum(value for value in values if value is not None)
    if measure.key == SWEMWBS.key:
        return SWEMWBS_METRIC[raw]
    return Decimal(raw)


def encode(measure: Measure, answers: Answers) -> str:
    """Answers as stored: one field per item in order, blank when skipped ("2,,3")."""
    return ",".join("" if answers.get(k) is None else str(answers[k]) for k in measure.item_keys())


def decode(measure: Measure, stored: str) -> Answers:
    """The stored answers back as a dict (blank = skipped)."""
    parts = stored.split(",")
    return {
        key: (int(parts[i]) if i < len(parts) and parts[i] else None)
        for i, key in enumerate(measure.item_keys())
    }
