"""Measures at the kiosk, the post-session question, story review, and retention.

No function here sees ``request``: the locale, the code hash and the dates are passed in.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from flask import has_request_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from .. import clock
from ..center.services import Setting, get, register
from ..db import purge_transaction, write_transaction
from ..extensions import db
from ..sessions.models import GroupSession
from . import measures as m
from .models import Feeling, MeasureAnswer, PostSessionAnswer, Review

# ---- settings (Settings -> Measures) ---------------------------------------------------------


def _labelled(pairs: list[tuple[str, Any]]) -> list[tuple[str, str]]:
    # Labels are translated for the settings page; outside a request only the values matter.
    if not has_request_context():
        return [(value, value) for value, _label in pairs]
    return [(value, str(label)) for value, label in pairs]


def _on_off() -> list[tuple[str, str]]:
    return _labelled([("off", _l("Off")), ("on", _l("On"))])


CORE = register(
    Setting(
        "reports.measure_core",
        _l("Measures: loneliness (UCLA 3-item scale and the ONS loneliness question)"),
        "off",
        kind="choice",
        choices=_on_off,
        help=_l("Asked together, in English only, after a sign-in with a visitor code."),
    )
)
PEARLIN = register(
    Setting(
        "reports.measure_pearlin",
        _l("Measures: Pearlin mastery (feeling in control)"),
        "off",
        kind="choice",
        choices=lambda: _labelled(
            [
                ("off", _l("Off")),
                ("7", _l("All 7 items")),
                ("5", _l("Validated 5-item short form")),
            ]
        ),
    )
)
ONS4_SETTING = register(
    Setting(
        "reports.measure_ons4",
        _l("Measures: ONS4 personal well-being (optional)"),
        "off",
        kind="choice",
        choices=_on_off,
    )
)
SWEMWBS_SETTING = register(
    Setting(
        "reports.measure_swemwbs",
        _l("Measures: SWEMWBS well-being scale (optional)"),
        "off",
        kind="choice",
        choices=lambda: _labelled(
            [
                ("off", _l("Off")),
                ("registered", _l("On: I confirm our organization has registered to use SWEMWBS")),
            ]
        ),
        help=_l(
            "SWEMWBS is free for not-for-profits after registration with the University of "
            "Warwick. It stays off until an admin confirms the registration here."
        ),
    )
)
EVERY_DAYS = register(
    Setting(
        "reports.measure_every_days",
        _l("Days between measures for one visitor code"),
        28,
        kind="int",
        minimum=7,
        maximum=365,
    )
)
SCREEN_THRESHOLD = register(
    Setting(
        "reports.screen_threshold",
        _l("Reports: hide counts below this on staff screens"),
        5,
        kind="int",
        minimum=2,
        maximum=50,
        help=_l("Counts from 1 up to one less than this are hidden. Zero is always shown."),
    )
)
FUNDER_THRESHOLD = register(
    Setting(
        "reports.funder_threshold",
        _l("Reports: hide counts below this in the funder report and export"),
        11,
        kind="int",
        minimum=2,
        maximum=100,
    )
)

MEASURE_RETENTION = timedelta(days=730)  # 24 months: then the code link is dropped
STORY_RETENTION = timedelta(days=365)  # 12 months: then the text is deleted
POST_SESSION_WINDOW = timedelta(hours=1)  # the tile stays this long after a session ends
STORY_MAX = 600


class ReportsError(Exception):
    """Base for this area's named errors."""


class NotOffered(ReportsError):
    """The post-session question is not open for that session now."""


class InvalidInput(ReportsError):
    """An answer that is not one of the choices."""


# ---- measures at the kiosk -----------------------------------------------------------------


def enabled_measures() -> list[m.Measure]:
    """The measures admins switched on, in the order they are asked."""
    chosen: list[m.Measure] = []
    if get(CORE.key) == "on":
        chosen += [m.UCLA3, m.ONS_LONELINESS]
    pearlin = get(PEARLIN.key)
    if pearlin == "7":
        chosen.append(m.PEARLIN7)
    elif pearlin == "5":
        chosen.append(m.PEARLIN5)
    if get(ONS4_SETTING.key) == "on":
        chosen.append(m.ONS4)
    # Never without the admin's confirmation of the licence registration (MEASURES.md).
    if get(SWEMWBS_SETTING.key) == "registered":
        chosen.append(m.SWEMWBS)
    return chosen


def local_today(tz: str, now: datetime | None = None) -> date:
    """The center's date today."""
    return clock.to_local(now or clock.utcnow(), tz).date()


def measures_due(code_hash: str | None, locale: str, today: date) -> list[m.Measure]:
    """The measures to offer after this sign-in (empty: offer nothing).

    Nothing without a visitor code (there is nothing to pair and no way to space the asking),
    nothing in a language without validated wording, nothing within the admin's interval.
    """
    if not code_hash or locale not in m.VALIDATED_LANGUAGES:
        return []
    chosen = enabled_measures()
    if not chosen:
        return []
    since = today - timedelta(days=int(get(EVERY_DAYS.key)) - 1)
    recent = db.session.scalar(
        select(func.count())
        .select_from(MeasureAnswer)
        .where(MeasureAnswer.code_hash == code_hash, MeasureAnswer.answered_on >= since)
    )
    return [] if recent else chosen


@dataclass(frozen=True)
class Question:
    """One screen of the measure flow."""

    measure: m.Measure
    item: m.Item
    first_of_measure: bool

    @property
    def key(self) -> str:
        """The answer's key in the form: measure.item."""
        return f"{self.measure.key}.{self.item.key}"


def plan(chosen: list[m.Measure]) -> list[Question]:
    """Every item of the chosen measures, one per screen."""
    return [
        Question(measure, item, index == 0)
        for measure in chosen
        for index, item in enumerate(measure.items)
    ]


def parse_answer_field(raw: str) -> dict[str, str]:
    """The answers so far from the flow's hidden field ("ucla3.1=2;ucla3.2=")."""
    result: dict[str, str] = {}
    for part in raw.split(";")[:60]:
        key, _sep, value = part.partition("=")
        if key:
            result[key[:24]] = value[:3]
    return result


def format_answer_field(answers: dict[str, str]) -> str:
    """The inverse of parse_answer_field."""
    return ";".join(f"{key}={value}" for key, value in answers.items())


def record_measures(
    code_hash: str, chosen: list[m.Measure], raw: Mapping[str, str], today: date
) -> int:
    """Store one row per measure; returns rows written. Raises InvalidInput for a bad answer.

    A resubmitted final screen writes nothing twice: a code answers a measure once a day.
    """
    rows = []
    for measure in chosen:
        items: dict[str, str | int | None] = {
            item.key: raw.get(f"{measure.key}.{item.key}") for item in measure.items
        }
        try:
            answers = m.clean_answers(measure, items)
        except m.InvalidAnswer as exc:
            raise InvalidInput(measure.key) from exc
        rows.append((measure, answers))
    written = 0
    with write_transaction() as session:
        for measure, answers in rows:
            exists = session.scalar(
                select(func.count())
                .select_from(MeasureAnswer)
                .where(
                    MeasureAnswer.code_hash == code_hash,
                    MeasureAnswer.answered_on == today,
                    MeasureAnswer.measure == measure.key,
                )
            )
            if exists:
                continue
            value = m.score(measure, answers)
            session.add(
                MeasureAnswer(
                    code_hash=code_hash,
                    answered_on=today,
                    measure=measure.key,
                    answers=m.encode(measure, answers),
                    score=value,
                )
            )
            written += 1
    return written


# ---- the post-session question -------------------------------------------------------------


def post_session_groups(now: datetime | None = None) -> list[GroupSession]:
    """Sessions running now or ended less than an hour ago (the start-page tile)."""
    moment = now or clock.utcnow()
    return list(
        db.session.scalars(
            select(GroupSession)
            .where(
                GroupSession.cancelled.is_(False),
                GroupSession.starts_at <= moment,
                GroupSession.ends_at > moment - POST_SESSION_WINDOW,
            )
            .order_by(GroupSession.starts_at, GroupSession.id)
        )
    )


def post_session_window_changes(now: datetime | None = None) -> list[datetime]:
    """When the tile's answer changes next: a listed session's window closing, or the next
    session starting (the cached start page must be rendered afresh at those moments)."""
    moment = now or clock.utcnow()
    moments = [g.ends_at + POST_SESSION_WINDOW for g in post_session_groups(moment)]
    upcoming = db.session.scalar(
        select(func.min(GroupSession.starts_at)).where(
            GroupSession.cancelled.is_(False), GroupSession.starts_at > moment
        )
    )
    if upcoming is not None:
        moments.append(upcoming)
    return moments


def record_post_session(  # noqa: PLR0917
    session_id: str,
    feeling: str,
    story: str,
    consent: bool,
    today: date,
    now: datetime | None = None,
) -> PostSessionAnswer:
    """Store one answer; raises NotOffered or InvalidInput."""
    if feeling not in {f.value for f in Feeling}:
        raise InvalidInput("feeling")
    if session_id not in {g.id for g in post_session_groups(now)}:
        raise NotOffered(session_id)
    text_ = " ".join(story.split())[:STORY_MAX] or None
    with write_transaction() as session:
        row = PostSessionAnswer(
            group_session_id=session_id,
            answered_on=today,
            feeling=feeling,
            story=text_,
            consent=bool(consent and text_),
            review=Review.PENDING.value if text_ else Review.NONE.value,
        )
        session.add(row)
    return row


def pending_stories() -> list[PostSessionAnswer]:
    """Texts waiting for staff review, oldest first."""
    return list(
        db.session.scalars(
            select(PostSessionAnswer)
            .where(PostSessionAnswer.review == Review.PENDING.value)
            .order_by(PostSessionAnswer.id)
        )
    )


def review_story(answer_id: int, decision: str, by: str, redacted: str | None = None) -> bool:
    """Approve, reject, or redact and approve a pending text; False if it was not pending.

    Only a text the person allowed to be quoted can be approved (also a database CHECK).
    Redacting overwrites the original: the removed words are not kept anywhere.
    """
    values: dict[str, object] = {"reviewed_by": by, "reviewed_at": clock.utcnow()}
    condition = [PostSessionAnswer.id == answer_id, PostSessionAnswer.review == "pending"]
    if decision == "reject":
        values["review"] = Review.REJECTED.value
    elif decision in {"approve", "redact"}:
        values["review"] = Review.APPROVED.value
        condition.append(PostSessionAnswer.consent.is_(True))
        if decision == "redact":
            cleaned = " ".join((redacted or "").split())[:STORY_MAX]
            if not cleaned:
                raise InvalidInput("redacted")
            values["story"] = cleaned
    else:
        raise InvalidInput("decision")
    with write_transaction() as session:
        result = session.execute(update(PostSessionAnswer).where(*condition).values(**values))
        return bool(result.rowcount)  # type: ignore[attr-defined]


# ---- retention ------------------------------------------------------------------------------


def purge(now: datetime | None = None) -> tuple[int, int]:
    """Drop the code link from measure answers after 24 months and story texts after 12.

    Returns (measure answers unlinked, texts deleted). The answers themselves stay: with no code
    and a bare date they describe nobody.
    """
    today = (now or clock.utcnow()).date()
    with purge_transaction() as session:  # purges really delete (P6)
        unlinked = session.execute(
            update(MeasureAnswer)
            .where(
                MeasureAnswer.code_hash.is_not(None),
                MeasureAnswer.answered_on < today - MEASURE_RETENTION,
            )
            .values(code_hash=None)
        ).rowcount  # type: ignore[attr-defined]
        texts = session.execute(
            update(PostSessionAnswer)
            .where(
                PostSessionAnswer.story.is_not(None),
                PostSessionAnswer.answered_on < today - STORY_RETENTION,
            )
            .values(story=None)
        ).rowcount  # type: ignore[attr-defined]
    return int(unlinked or 0), int(texts or 0)
