"""``flask demo-data --history``: a year of clearly fictional, anonymous activity.

Every group title starts with "Demo:" and every visitor code is a random hash that no words
produce, so nothing here can be mistaken for a real person or a real visit. It exists so a new
install can show every report and chart at once.
"""

from __future__ import annotations

import hashlib
import random
import secrets
from datetime import date, datetime, timedelta

from sqlalchemy import func, insert, select

from .. import clock
from ..auth import services as auth_services
from ..auth.models import Role, User
from ..db import write_transaction
from ..extensions import db
from ..help.models import HelpDailyCount, QuietWordRequest
from ..sessions.models import GroupSession, SessionFacilitator, SignIn, Source, Visit, random_id
from ..signin.models import VisitorCode
from . import measures as m
from .models import MeasureAnswer, PostSessionAnswer, Review

DEMO_PREFIX = "Demo: "
# The demo facilitator account runs the first two series (not the third), so logging in as it
# shows what a facilitator's reports look like: their own groups, nobody else's.
DEMO_FACILITATOR = "demo-facilitator"
FACILITATED_SERIES = 2
SERIES = (
    ("Demo: Tuesday peer circle", 1, 18),
    ("Demo: Thursday evening group", 3, 23),
    ("Demo: Saturday coffee and connect", 5, 10),
)
STORIES = (
    "Hearing that someone else felt the same way.",
    "Being listened to without anyone trying to fix it.",
    "The tea, and the quiet corner.",
    "Someone remembered me from last week.",
)


class AlreadyLoaded(Exception):
    """The demo history is there already."""


def _code(rng: random.Random) -> str:
    # A random hash, not the HMAC of any words: it can never match a real visitor code.
    return hashlib.sha256(f"demo-{rng.random()}".encode()).hexdigest()


def load_history(seed: int = 12, now: datetime | None = None) -> dict[str, int]:  # noqa: PLR0912, PLR0915
    """Add a year of fictional sessions, sign-ins, measures, answers and quiet words."""
    if db.session.scalar(
        select(func.count())
        .select_from(GroupSession)
        .where(GroupSession.title.startswith(DEMO_PREFIX))
    ):
        raise AlreadyLoaded
    rng = random.Random(seed)  # noqa: S311  (fictional data, not security)
    moment = now or clock.utcnow()
    today = moment.date()
    first_day = today - timedelta(days=364)
    codes = [_code(rng) for _ in range(220)]
    regulars = codes[:60]
    counts = {"sessions": 0, "signins": 0, "measures": 0, "answers": 0, "quiet_words": 0}
    code_rows = [
        {"code_hash": c, "created_on": datetime.combine(first_day, datetime.min.time()),
         "last_used_on": datetime.combine(today, datetime.min.time())}
        for c in codes
    ]  # fmt: skip
    sessions: list[dict[str, object]] = []
    signins: list[dict[str, object]] = []
    answers: list[dict[str, object]] = []
    last_measured: dict[str, date] = {}
    measure_rows: list[dict[str, object]] = []
    facilitator_id = _demo_facilitator()
    links: list[dict[str, object]] = []
    for number, (title, weekday, hour) in enumerate(SERIES):
        series = random_id()
        day = first_day + timedelta(days=(weekday - first_day.weekday()) % 7)
        while day < today:
            start = datetime.combine(day, datetime.min.time()) + timedelta(hours=hour)
            session_id = random_id()
            sessions.append(
                {"id": session_id, "series_id": series, "title": title, "starts_at": start,
                 "ends_at": start + timedelta(minutes=90), "facilitators": "Demo facilitator",
                 "description": "", "format": "in_person", "room": "", "agreement": "",
                 "collect_names": False, "opens_minutes_before": 30, "cancelled": False,
                 "created_at": start - timedelta(days=7)}
            )  # fmt: skip
            if number < FACILITATED_SERIES:
                links.append({"session_id": session_id, "user_id": facilitator_id})
            seen: set[str] = set()
            for _ in range(rng.randint(9, 24)):
                code = None
                if rng.random() < 0.72:
                    code = rng.choice(regulars) if rng.random() < 0.6 else rng.choice(codes)
                    if code in seen:
                        continue
                    seen.add(code)
                visit = rng.choice(
                    [Visit.FIRST.value, Visit.RETURNING.value, Visit.RETURNING.value,
                     Visit.UNKNOWN.value]
                )  # fmt: skip
                signins.append(
                    {"id": random_id(), "session_id": session_id, "visit": visit,
                     "source": Source.KIOSK.value, "visitor_code_hash": code,
                     "created_at": start + timedelta(minutes=rng.randint(-20, 20))}
                )  # fmt: skip
                due = code and (code not in last_measured or (day - last_measured[code]).days >= 28)
                if due and code and rng.random() < 0.55:
                    last_measured[code] = day
                    measure_rows += _measures(rng, code, day, first_day)
            for _ in range(rng.randint(3, 9)):
                story = rng.choice(STORIES) if rng.random() < 0.15 else None
                consent = bool(story) and rng.random() < 0.8
                answers.append(
                    {"group_session_id": session_id, "answered_on": day,
                     "feeling": rng.choice(["a_lot", "a_lot", "a_little", "a_little",
                                            "no_change", "less", "not_said"]),
                     "story": story, "consent": consent,
                     "review": (Review.APPROVED.value if consent else Review.REJECTED.value)
                     if story else Review.NONE.value,
                     "reviewed_by": "demo" if story else None, "created_at": start}
                )  # fmt: skip
            day += timedelta(days=7)
    quiet = []
    help_now = []
    for offset in range(365):
        day = first_day + timedelta(days=offset)
        if rng.random() < 0.12:
            created = datetime.combine(day, datetime.min.time()) + timedelta(hours=19)
            quiet.append(
                {"created_at": created, "timing": "now", "find_me": "",
                 "acknowledged_by": "demo", "acknowledged_at": created + timedelta(
                     seconds=rng.randint(40, 400)),
                 "resolved_by": "demo", "resolved_at": created + timedelta(minutes=30),
                 "outcome": rng.choice(["spoke_privately", "referred_clinician"])}
            )  # fmt: skip
        taps = rng.choice([0, 0, 1, 2, 3])
        if taps:
            help_now.append({"day": day, "kind": "help_now", "requests": taps})
    with write_transaction() as session:
        session.execute(insert(VisitorCode), code_rows)
        session.execute(insert(GroupSession), sessions)
        session.execute(insert(SessionFacilitator), links)
        session.execute(insert(SignIn), signins)
        if measure_rows:
            session.execute(insert(MeasureAnswer), measure_rows)
        session.execute(insert(PostSessionAnswer), answers)
        if quiet:
            session.execute(insert(QuietWordRequest), quiet)
        for row in help_now:
            existing = session.get(HelpDailyCount, (row["day"], "help_now"))
            if existing is None:
                session.add(HelpDailyCount(**row))
    counts.update(
        sessions=len(sessions),
        signins=len(signins),
        measures=len(measure_rows),
        answers=len(answers),
        quiet_words=len(quiet),
    )
    return counts


def _demo_facilitator() -> int:
    """The demo facilitator account's id, created if missing.

    Its password is random and printed nowhere: an admin who wants to see a facilitator's view
    resets it under Users (no known password ships with demo data).
    """
    found = db.session.scalar(select(User).where(User.username == DEMO_FACILITATOR))
    if found is not None:
        return int(found.id)
    user = auth_services.create_user(DEMO_FACILITATOR, Role.FACILITATOR, secrets.token_urlsafe(24))
    return int(user.id)


def _measures(rng: random.Random, code: str, day: date, first_day: date) -> list[dict[str, object]]:
    # Slowly improving answers over the year, so the trend and paired change show something.
    progress = (day - first_day).days / 365
    rows = []
    for measure in (m.UCLA3, m.ONS_LONELINESS, m.PEARLIN5):
        answers: m.Answers = {}
        for item in measure.items:
            values = [n for n, _label in item.answers]
            if rng.random() < 0.05:
                answers[item.key] = None  # a skipped item
                continue
            lean = progress if measure.key == m.PEARLIN5.key and not item.reverse else -progress
            if measure.key == m.ONS_LONELINESS.key:
                lean = progress
            if item.reverse:
                lean = -progress
            index = round((len(values) - 1) * min(1, max(0, rng.random() * 0.8 + 0.3 * lean)))
            answers[item.key] = values[index]
        rows.append(
            {"code_hash": code, "answered_on": day, "measure": measure.key,
             "answers": m.encode(measure, answers), "score": m.score(measure, answers)}
        )  # fmt: skip
    return rows
