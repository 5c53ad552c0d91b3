"""Peer introductions: the roster's eligibility, ranking, the state machine, deadlines, purge.

Every transition is one conditional UPDATE (``WHERE state = … AND version = …``) inside
``write_transaction()``: when two coordinators act at once, one UPDATE matches and the other
finds nothing and is told who acted. A peer's slot is taken by a second conditional UPDATE
(``active_count < capacity``) in the same transaction, with a CHECK constraint behind it, so no
peer ever goes over capacity. Nothing here sees ``request``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from flask import current_app, has_request_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, delete, func, or_, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .. import clock
from ..auth.models import User
from ..center.services import Setting, get, register
from ..db import is_sqlite, purge_checkpoint, purge_transaction, write_transaction
from ..extensions import db
from .models import (
    CLOSED_STATES,
    OPEN_STATES,
    SLOT_STATES,
    Introduction,
    IntroductionMonthlyCount,
    IntroductionTransition,
    PeerSupporter,
    State,
)

CONTACT_KEY_FILE = "contact_key"
CONTACT_MAX = 120
FIRST_NAME_MAX = 40
CIPHER_KEY = "porchlight_contacts"

# ---- words the kiosk and the staff pages share ---------------------------------------------

LANGUAGE_CHOICES = [
    ("en", "English"),
    ("es", "Español"),
    ("fr", "Français"),
    ("pt", "Português"),
    ("zh", "中文"),
    ("vi", "Tiếng Việt"),
    ("ar", "العربية"),
    ("asl", "ASL"),
]
FORMAT_CHOICES = [
    ("in_person", _l("In person")),
    ("online", _l("A short online check-in")),
    ("messages", _l("Messages passed on by staff")),
]
GENDER_CHOICES = [
    ("woman", _l("A woman")),
    ("man", _l("A man")),
    ("nonbinary", _l("Non-binary")),
]
AGE_BANDS = [("18-29", "18-29"), ("30-44", "30-44"), ("45-64", "45-64"), ("65+", "65+")]

REASONS = {
    "untrained": _l("Training not recorded"),
    "refresher_overdue": _l("Safety refresher overdue"),
    "no_conduct": _l("Code of conduct not accepted"),
    "paused": _l("Paused (self-care)"),
    "at_capacity": _l("At capacity"),
}

# ---- settings ---------------------------------------------------------------------------


def _labelled(pairs: list[tuple[str, Any]]) -> list[tuple[str, str]]:
    # Labels are translated for the settings page; the CLI and purge job have no request.
    if not has_request_context():
        return [(value, value) for value, _label in pairs]
    return [(value, str(label)) for value, label in pairs]


def _on_off() -> list[tuple[str, str]]:
    return _labelled([("off", _l("Off")), ("on", _l("On"))])


def _yes_no() -> list[tuple[str, str]]:
    return _labelled([("no", _l("No")), ("yes", _l("Yes"))])


ENABLED = register(
    Setting(
        "introductions.enabled",
        _l("Peer introductions at the kiosk"),
        "off",
        kind="choice",
        choices=_on_off,
        help=_l('Shows "Meet a peer" and "Check my request" on the kiosk.'),
    )
)
FACILITATORS_COORDINATE = register(
    Setting(
        "introductions.facilitators",
        _l("Facilitators may coordinate introductions"),
        "no",
        kind="choice",
        choices=_yes_no,
    )
)
PROPOSAL_DAYS = register(
    Setting(
        "introductions.proposal_days",
        _l("Days a peer has to answer a proposal"),
        3,
        kind="int",
        minimum=1,
        maximum=60,
    )
)
REQUEST_DAYS = register(
    Setting(
        "introductions.request_days",
        _l("Days before an unmatched request expires"),
        30,
        kind="int",
        minimum=1,
        maximum=365,
    )
)
INTRODUCTION_DAYS = register(
    Setting(
        "introductions.introduction_days",
        _l("Days an introduction lasts unless renewed"),
        90,
        kind="int",
        minimum=1,
        maximum=730,
    )
)
SUPERVISION_WEEKS = register(
    Setting(
        "introductions.supervision_weeks",
        _l("Weeks between a peer's supervision or debrief"),
        6,
        kind="int",
        minimum=1,
        maximum=52,
    )
)
RETENTION_MONTHS = register(
    Setting(
        "introductions.retention_months",
        _l("Months to keep closed introductions (only counts stay after)"),
        12,
        kind="int",
        minimum=1,
        maximum=120,
    )
)
TOPICS = register(
    Setting(
        "introductions.topics",
        _l("Lived-experience topics peers and attendees may choose (one a line)"),
        "Loneliness / Soledad\nGrief and loss / Duelo\nParenting / Crianza\n"
        "Work and money / Trabajo y dinero\nCaring for someone / Cuidar a alguien\n"
        "New to the area / Recién llegado",
        kind="multiline",
        help=_l("Plain words about life, never diagnosis words."),
    )
)


def enabled() -> bool:
    """True when the program has switched introductions on."""
    return get(ENABLED.key) == "on"


def facilitators_coordinate() -> bool:
    """True when facilitators may use the coordinator queue as well as admins."""
    return get(FACILITATORS_COORDINATE.key) == "yes"


def topic_list() -> list[str]:
    """The staff-kept topic list."""
    return [line.strip()[:80] for line in str(get(TOPICS.key)).splitlines() if line.strip()][:30]


# ---- errors -----------------------------------------------------------------------------


class IntroductionError(Exception):
    """Base for this area's named errors."""


class Conflict(IntroductionError):
    """Someone else changed the introduction first; ``by`` says who (a username or a role)."""

    def __init__(self, state: str, by: str) -> None:
        super().__init__(state)
        self.state = state
        self.by = by


class PeerUnavailable(IntroductionError):
    """The peer cannot be proposed (ineligible, or at capacity)."""


class NotFound(IntroductionError):
    """No such introduction or peer."""


class InvalidPeer(IntroductionError):
    """A roster entry failed validation; the message names the field."""


# ---- the contact cipher ---------------------------------------------------------------


def load_contact_key(data_dir: Path) -> bytes:
    """Read the contact key file, creating it (mode 0600, O_EXCL) on first start.

    Privacy: a key of its own, so the secret key (sessions, CSRF, code hashes) and the key that
    opens attendees' contacts can be rotated or withheld separately.
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / CONTACT_KEY_FILE
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_bytes().strip()
    with os.fdopen(fd, "wb") as handle:
        handle.write(Fernet.generate_key())
    return path.read_bytes().strip()


def _cipher() -> Fernet:
    return current_app.extensions[CIPHER_KEY]


def encrypt_contact(plain: str) -> str:
    """A Fernet token for a contact (never stored in plain text)."""
    return _cipher().encrypt(plain.encode()).decode("ascii")


def decrypt_contact(token: str | None) -> str:
    """The contact behind a token ("" if none or unreadable)."""
    if not token:
        return ""
    try:
        return _cipher().decrypt(token.encode("ascii")).decode()
    except InvalidToken:
        return ""


def clean_text(raw: str, limit: int) -> str:
    """One line, no control characters, at most ``limit`` characters."""
    kept = "".join(ch for ch in raw if ch.isprintable())
    return " ".join(kept.split())[:limit]


# ---- eligibility and ranking ------------------------------------------------------------


def _split(value: str) -> list[str]:
    return [part for part in value.split(",") if part]


def ineligible_reasons(peer: PeerSupporter, today: date) -> list[str]:
    """Why a peer cannot be proposed now (empty when they can)."""
    reasons = []
    if peer.trained_on is None:
        reasons.append("untrained")
    if peer.refresher_due is not None and peer.refresher_due < today:
        reasons.append("refresher_overdue")
    if peer.conduct_accepted_on is None:
        reasons.append("no_conduct")
    if peer.paused:
        reasons.append("paused")
    if peer.active_count >= peer.capacity:
        reasons.append("at_capacity")
    return reasons


def supervision_due(peer: PeerSupporter, today: date, weeks: int) -> bool:
    """True when the peer's last supervision or debrief is older than the reminder period."""
    return peer.last_supervision_on is None or peer.last_supervision_on < today - timedelta(
        weeks=weeks
    )


@dataclass
class Candidate:
    """A peer as a candidate for one request: what the rank rests on, and the words for it.

    The words are built only when a page shows them: the queue ranks every peer for many
    requests but shows a few, and translating each reason for each peer was most of its time.
    """

    peer: PeerSupporter
    score: int
    on_duty: bool
    language: str = ""
    matches: tuple[str, ...] = ()  # format | gender | age
    shared_topics: int = 0
    blocked_codes: tuple[str, ...] = ()  # REASONS keys, "language", "passed"

    @property
    def proposable(self) -> bool:
        return not self.blocked_codes

    @property
    def blocked(self) -> list[str]:
        """Why this peer cannot be proposed for this request, in words."""
        words = []
        for code in self.blocked_codes:
            if code == "language":
                words.append(
                    str(_l("Does not speak %(language)s", language=_language_name(self.language)))
                )
            elif code == "passed":
                words.append(str(_l("Already asked for this request")))
            else:
                words.append(str(REASONS[code]))
        return words

    @property
    def why(self) -> list[str]:
        """Why this peer ranks where it does, in words."""
        words = []
        if self.on_duty:
            words.append(str(_l("On duty today")))
        if self.language:
            words.append(str(_l("Speaks %(language)s", language=_language_name(self.language))))
        labels = {
            "format": _l("Offers the format asked for"),
            "gender": _l("Gender as asked for"),
            "age": _l("Same age band"),
        }
        words.extend(str(labels[m]) for m in self.matches)
        if self.shared_topics:
            words.append(str(_l("Shares %(n)s topic(s)", n=self.shared_topics)))
        spare = self.peer.capacity - self.peer.active_count
        words.append(str(_l("%(n)s of %(total)s places free", n=spare, total=self.peer.capacity)))
        return words


def _language_name(code: str) -> str:
    return dict(LANGUAGE_CHOICES).get(code, code)


@dataclass(frozen=True)
class PeerFacts:
    """What ranking needs from a peer, read from the row once per page (not once per request)."""

    peer: PeerSupporter
    id: int
    sort_name: str
    languages: frozenset[str]
    formats: frozenset[str]
    gender: str
    age_band: str
    topics: frozenset[str]
    spare: int
    on_duty: bool
    reasons: tuple[str, ...]


def peer_facts(peers: list[PeerSupporter], today: date) -> list[PeerFacts]:
    """Each peer's ranking facts."""
    return [
        PeerFacts(
            peer=peer,
            id=peer.id,
            sort_name=peer.display_name.lower(),
            languages=frozenset(_split(peer.languages)),
            formats=frozenset(_split(peer.formats)),
            gender=peer.gender,
            age_band=peer.age_band,
            topics=frozenset(filter(None, peer.topics.split("\n"))),
            spare=peer.capacity - peer.active_count,
            on_duty=peer.on_duty_on == today,
            reasons=tuple(ineligible_reasons(peer, today)),
        )
        for peer in peers
    ]


def rank(
    intro: Introduction, peers: list[PeerSupporter] | list[PeerFacts], today: date
) -> tuple[list[Candidate], list[Candidate]]:
    """(eligible peers best first; peers that cannot be proposed). Each explains itself.

    A stated language must match; then format, gender, age band and topic overlap add to the
    fit; spare capacity breaks ties; peers on duty today come first. A human chooses.
    """
    facts: list[PeerFacts] = [
        p if isinstance(p, PeerFacts) else peer_facts([p], today)[0] for p in peers
    ]
    ranked: list[tuple[tuple[bool, int, int, str], Candidate]] = []
    others: list[tuple[str, Candidate]] = []
    passed = set(_split(intro.passed_peer_ids))
    wanted_topics = set(filter(None, intro.pref_topics.split("\n")))
    language, wanted_format = intro.pref_language, intro.pref_format
    gender, age_band = intro.pref_gender, intro.pref_age_band
    for fact in facts:
        blocked = list(fact.reasons)
        if language and language not in fact.languages:
            blocked.append("language")
        if str(fact.id) in passed:
            blocked.append("passed")
        matches = []
        score = 0
        if wanted_format and wanted_format in fact.formats:
            score += 4
            matches.append("format")
        if gender and gender == fact.gender:
            score += 3
            matches.append("gender")
        if age_band and age_band == fact.age_band:
            score += 2
            matches.append("age")
        shared = len(wanted_topics & fact.topics) if wanted_topics else 0
        candidate = Candidate(
            peer=fact.peer,
            score=score + shared,
            on_duty=fact.on_duty,
            language=language,
            matches=tuple(matches),
            shared_topics=shared,
            blocked_codes=tuple(blocked),
        )
        if blocked:
            others.append((fact.sort_name, candidate))
        else:
            key = (not fact.on_duty, -candidate.score, -fact.spare, fact.sort_name)
            ranked.append((key, candidate))
    ranked.sort(key=lambda pair: pair[0])
    others.sort(key=lambda pair: pair[0])
    return [c for _k, c in ranked], [c for _k, c in others]


def all_peers() -> list[PeerSupporter]:
    """Every peer on the roster, by name."""
    return list(db.session.scalars(select(PeerSupporter).order_by(PeerSupporter.display_name)))


# ---- reading ----------------------------------------------------------------------------


def get_introduction(intro_id: int) -> Introduction:
    """One introduction; raises NotFound."""
    row = db.session.get(Introduction, intro_id)
    if row is None:
        raise NotFound(intro_id)
    return row


def get_peer(peer_id: int) -> PeerSupporter:
    """One peer; raises NotFound."""
    row = db.session.get(PeerSupporter, peer_id)
    if row is None:
        raise NotFound(peer_id)
    return row


def peer_for_user(user_id: int) -> PeerSupporter | None:
    """The roster entry linked to a ``peer`` login, if any."""
    return db.session.scalar(select(PeerSupporter).where(PeerSupporter.user_id == user_id))


def proposal_overdue(intro: Introduction, now: datetime) -> bool:
    """True when a proposal has waited past the answer period (computed on read, no write)."""
    return (
        intro.state == State.PROPOSED
        and intro.proposed_at is not None
        and intro.proposed_at < now - timedelta(days=int(get(PROPOSAL_DAYS.key)))
    )


@dataclass
class Queue:
    """What the coordinator sees: open requests oldest first, then everything in progress."""

    requested: list[Introduction]
    proposed: list[Introduction]
    accepted: list[Introduction]
    introduced: list[Introduction]
    concerns: list[Introduction]
    total_requested: int


def queue(limit: int = 50) -> Queue:
    """The coordinator's queue (reads only)."""
    waiting = db.session.scalar(
        select(func.count()).select_from(Introduction).where(Introduction.state == State.REQUESTED)
    )

    def in_state(state: State, order: Any, cap: int = limit) -> list[Introduction]:
        return list(
            db.session.scalars(
                select(Introduction).where(Introduction.state == state).order_by(order).limit(cap)
            )
        )

    return Queue(
        requested=in_state(State.REQUESTED, Introduction.requested_at),
        proposed=in_state(State.PROPOSED, Introduction.proposed_at),
        accepted=in_state(State.PEER_ACCEPTED, Introduction.peer_accepted_at),
        introduced=in_state(State.INTRODUCED, Introduction.introduced_at),
        concerns=list(
            db.session.scalars(
                select(Introduction)
                .where(Introduction.concern_open.is_(True))
                .order_by(Introduction.requested_at)
                .limit(limit)
            )
        ),
        total_requested=int(waiting or 0),
    )


def peer_view(peer: PeerSupporter) -> tuple[list[Introduction], list[Introduction]]:
    """A peer's own proposals (answer needed or given) and their introductions."""
    rows = list(
        db.session.scalars(
            select(Introduction)
            .where(Introduction.peer_id == peer.id, Introduction.state.in_(SLOT_STATES))
            .order_by(Introduction.proposed_at)
        )
    )
    proposals = [r for r in rows if r.state in (State.PROPOSED, State.PEER_ACCEPTED)]
    introduced = [r for r in rows if r.state == State.INTRODUCED]
    return proposals, introduced


def for_code(code_hash: str) -> Introduction | None:
    """The request a visitor code belongs to: the open one, else the latest closed one."""
    rows = list(
        db.session.scalars(
            select(Introduction)
            .where(Introduction.code_hash == code_hash)
            .order_by(Introduction.requested_at.desc(), Introduction.id.desc())
            .limit(10)
        )
    )
    open_rows = [r for r in rows if r.state in OPEN_STATES]
    if open_rows:
        return open_rows[0]
    return rows[0] if rows else None


# The badges' counts, built once: every staff page shows a badge, and building the statement
# cost five times what running it does (issue 14). Run on the ORM session's connection: a count
# needs no ORM result handling.
_WAITING_FOR_COORDINATOR = (
    select(func.count())
    .select_from(Introduction)
    .where(
        or_(
            Introduction.state == State.REQUESTED,
            Introduction.concern_open.is_(True),
            (Introduction.state == State.PROPOSED)
            & (Introduction.proposed_at < bindparam("cutoff")),
        )
    )
)
_WAITING_FOR_PEER = (
    select(func.count())
    .select_from(Introduction)
    .where(Introduction.peer_id == bindparam("peer_id"), Introduction.state == State.PROPOSED)
)


def waiting_for_coordinator(now: datetime) -> int:
    """The badge for coordinators: requests to match, concerns to read, answers overdue."""
    cutoff = now - timedelta(days=int(get(PROPOSAL_DAYS.key)))
    count = db.session.connection().execute(_WAITING_FOR_COORDINATOR, {"cutoff": cutoff}).scalar()
    return int(count or 0)


def waiting_for_peer(peer_id: int) -> int:
    """The badge for a peer: proposals that wait for their answer."""
    count = db.session.connection().execute(_WAITING_FOR_PEER, {"peer_id": peer_id}).scalar()
    return int(count or 0)


# ---- writing: the kiosk request -----------------------------------------------------------


@dataclass
class RequestAnswers:
    """What the person chose at the kiosk (every field optional)."""

    language: str = ""
    gender: str = ""
    age_band: str = ""
    format: str = ""
    topics: list[str] = field(default_factory=list)
    reach: str = "group"
    first_name: str = ""
    contact: str = ""
    code_hash: str | None = None


def _clean_answers(answers: RequestAnswers) -> RequestAnswers:
    topics = set(topic_list())
    return RequestAnswers(
        language=answers.language if answers.language in dict(LANGUAGE_CHOICES) else "",
        gender=answers.gender if answers.gender in dict(GENDER_CHOICES) else "",
        age_band=answers.age_band if answers.age_band in dict(AGE_BANDS) else "",
        format=answers.format if answers.format in dict(FORMAT_CHOICES) else "",
        topics=[t for t in answers.topics if t in topics],
        reach="contact" if answers.reach == "contact" and answers.contact.strip() else "group",
        first_name=clean_text(answers.first_name, FIRST_NAME_MAX),
        contact=clean_text(answers.contact, CONTACT_MAX),
        code_hash=answers.code_hash,
    )


def create_request(answers: RequestAnswers, form_nonce: str) -> int | None:
    """Store a request from the kiosk; returns its id (None when this form was sent already)."""
    clean = _clean_answers(answers)
    secret = clean.contact if clean.reach == "contact" else clean.first_name
    now = clock.utcnow()
    try:
        with write_transaction() as session:
            if session.scalar(select(Introduction.id).where(Introduction.form_nonce == form_nonce)):
                return None
            row = Introduction(
                state=State.REQUESTED.value,
                pref_language=clean.language,
                pref_gender=clean.gender,
                pref_age_band=clean.age_band,
                pref_format=clean.format,
                pref_topics="\n".join(clean.topics)[:600],
                reach=clean.reach,
                code_hash=clean.code_hash,
                # Privacy: encrypted before it reaches the database, never logged.
                contact_token=encrypt_contact(secret) if secret else None,
                form_nonce=form_nonce,
                requested_at=now,
            )
            session.add(row)
            session.flush()
            session.add(
                IntroductionTransition(
                    introduction_id=row.id,
                    from_state="",
                    to_state=State.REQUESTED.value,
                    actor_role="attendee",
                    at=now,
                )
            )
            return int(row.id)
    except IntegrityError:
        db.session.rollback()
        return None


# ---- writing: transitions -------------------------------------------------------------


def _release(session: Session, peer_id: int | None) -> None:
    if peer_id is not None:
        session.execute(
            update(PeerSupporter)
            .where(PeerSupporter.id == peer_id, PeerSupporter.active_count > 0)
            .values(active_count=PeerSupporter.active_count - 1)
        )


def _checkpoint() -> None:
    # The contact's old bytes may sit in the WAL until a checkpoint copies the page over them.
    purge_checkpoint()


def _transition(  # noqa: PLR0917  (each argument is one part of the rule)
    session: Session,
    intro_id: int,
    allowed: tuple[State, ...],
    new: State,
    actor_role: str,
    actor_name: str = "",
    version: int | None = None,
    peer_id: int | None = None,
    values: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> None:
    """Move one introduction with one conditional UPDATE; raises Conflict or NotFound."""
    moment = now or clock.utcnow()
    current = session.execute(
        select(Introduction.state, Introduction.version, Introduction.last_actor).where(
            Introduction.id == intro_id
        )
    ).first()
    if current is None:
        raise NotFound(intro_id)
    state, seen_version, last_actor = current
    if state not in allowed or (version is not None and version != seen_version):
        raise Conflict(state, last_actor or "")
    changes: dict[str, Any] = {
        "state": new.value,
        "version": Introduction.version + 1,
        "last_actor": actor_name or actor_role,
        **(values or {}),
    }
    if new != State.INTRODUCED or state != State.INTRODUCED:
        stamp = {
            State.PROPOSED: "proposed_at",
            State.PEER_ACCEPTED: "peer_accepted_at",
            State.INTRODUCED: "introduced_at",
            State.ENDED: "ended_at",
            State.DECLINED: "declined_at",
            State.WITHDRAWN: "withdrawn_at",
            State.EXPIRED: "expired_at",
        }.get(new)
        if stamp:
            changes[stamp] = moment
    if new in CLOSED_STATES:
        # Privacy: the contact goes in the same UPDATE that closes the introduction.
        changes["contact_token"] = None
        changes["closed_at"] = moment
        changes["concern_open"] = False
        if is_sqlite():
            session.execute(text("PRAGMA secure_delete=ON"))
    query = update(Introduction).where(
        Introduction.id == intro_id,
        Introduction.state == state,
        Introduction.version == seen_version,
    )
    if peer_id is not None:
        query = query.where(Introduction.peer_id == peer_id)
    matched = session.execute(query.values(**changes)).rowcount  # type: ignore[attr-defined]
    if not matched:
        raise Conflict(state, last_actor or "")
    session.add(
        IntroductionTransition(
            introduction_id=intro_id,
            from_state=state,
            to_state=new.value,
            actor_role=actor_role,
            at=moment,
        )
    )


def propose(
    intro_id: int,
    peer_id: int,
    actor_name: str,
    version: int | None = None,
    today: date | None = None,
) -> None:
    """A coordinator proposes a request to a peer; raises Conflict or PeerUnavailable."""
    day = today or clock.utcnow().date()
    with write_transaction() as session:
        intro = session.get(Introduction, intro_id)
        if intro is None:
            raise NotFound(intro_id)
        if str(peer_id) in _split(intro.passed_peer_ids):
            raise PeerUnavailable(peer_id)
        if intro.pref_language:
            peer = session.get(PeerSupporter, peer_id)
            if peer is None or intro.pref_language not in _split(peer.languages):
                raise PeerUnavailable(peer_id)
        # The slot first: one conditional UPDATE that only an eligible peer with room matches.
        took = session.execute(
            update(PeerSupporter)
            .where(
                PeerSupporter.id == peer_id,
                PeerSupporter.active_count < PeerSupporter.capacity,
                PeerSupporter.paused.is_(False),
                PeerSupporter.trained_on.is_not(None),
                PeerSupporter.conduct_accepted_on.is_not(None),
                or_(PeerSupporter.refresher_due.is_(None), PeerSupporter.refresher_due >= day),
            )
            .values(active_count=PeerSupporter.active_count + 1)
        ).rowcount  # type: ignore[attr-defined]
        if not took:
            raise PeerUnavailable(peer_id)
        # Raises Conflict when someone else moved the request first: the slot is rolled back.
        _transition(
            session,
            intro_id,
            (State.REQUESTED,),
            State.PROPOSED,
            "coordinator",
            actor_name,
            version,
            values={"peer_id": peer_id},
        )


def peer_answer(
    intro_id: int,
    peer_id: int,
    accept: bool,
    actor_role: str,
    actor_name: str,
    *,
    meeting_note: str = "",
) -> None:
    """The peer says yes or no (from their login, or recorded by the coordinator)."""
    with write_transaction() as session:
        if accept:
            _transition(
                session,
                intro_id,
                (State.PROPOSED,),
                State.PEER_ACCEPTED,
                actor_role,
                actor_name,
                peer_id=peer_id,
                values={"meeting_note": clean_text(meeting_note, 200)},
            )
            return
        _back_to_queue(session, intro_id, (State.PROPOSED,), actor_role, actor_name, peer_id)


def _back_to_queue(  # noqa: PLR0917
    session: Session,
    intro_id: int,
    allowed: tuple[State, ...],
    actor_role: str,
    actor_name: str,
    peer_id: int | None = None,
    now: datetime | None = None,
) -> None:
    intro = session.get(Introduction, intro_id)
    if intro is None:
        raise NotFound(intro_id)
    held = intro.peer_id
    passed = _split(intro.passed_peer_ids)
    if held is not None and str(held) not in passed:
        passed.append(str(held))
    _transition(
        session,
        intro_id,
        allowed,
        State.REQUESTED,
        actor_role,
        actor_name,
        peer_id=peer_id,
        values={
            "peer_id": None,
            "passed_peer_ids": ",".join(passed)[-2000:],
            "meeting_note": "",
            "proposed_at": None,
            "peer_accepted_at": None,
        },
        now=now,
    )
    _release(session, held)


def confirm(intro_id: int, actor_role: str, actor_name: str = "") -> None:
    """The person says yes too: both have, so the introduction is made."""
    with write_transaction() as session:
        _transition(
            session, intro_id, (State.PEER_ACCEPTED,), State.INTRODUCED, actor_role, actor_name
        )


def different_peer(intro_id: int, actor_role: str, actor_name: str = "") -> None:
    """Ask for a different peer (no reason asked): back to the queue, this peer passed over."""
    with write_transaction() as session:
        _back_to_queue(session, intro_id, SLOT_STATES, actor_role, actor_name)


def close(intro_id: int, new: State, actor_role: str, actor_name: str = "") -> None:
    """Withdraw, decline or end an introduction; the contact is deleted for good."""
    allowed = {
        State.WITHDRAWN: OPEN_STATES,
        State.DECLINED: (State.REQUESTED,),
        State.ENDED: (State.INTRODUCED,),
    }[new]
    with write_transaction() as session:
        held = session.scalar(select(Introduction.peer_id).where(Introduction.id == intro_id))
        _transition(session, intro_id, allowed, new, actor_role, actor_name)
        _release(session, held)
    _checkpoint()


def end_as_peer(intro_id: int, peer_id: int, actor_name: str) -> None:
    """A peer ends one of their own introductions."""
    with write_transaction() as session:
        _transition(
            session, intro_id, (State.INTRODUCED,), State.ENDED, "peer", actor_name, peer_id=peer_id
        )
        _release(session, peer_id)
    _checkpoint()


def renew(intro_id: int, actor_name: str) -> None:
    """Keep an introduction going for another period."""
    with write_transaction() as session:
        _transition(
            session,
            intro_id,
            (State.INTRODUCED,),
            State.INTRODUCED,
            "coordinator",
            actor_name,
            values={"renewed_at": clock.utcnow()},
        )


def raise_concern(intro_id: int) -> None:
    """The person tells staff about a concern: it reaches the coordinator, never the peer."""
    with write_transaction() as session:
        session.execute(
            update(Introduction)
            .where(Introduction.id == intro_id, Introduction.state.in_(OPEN_STATES))
            .values(concern_open=True)
        )


def concern_seen(intro_id: int) -> None:
    """The coordinator has taken the concern up."""
    with write_transaction() as session:
        session.execute(
            update(Introduction).where(Introduction.id == intro_id).values(concern_open=False)
        )


# ---- deadlines and purge ---------------------------------------------------------------


@dataclass
class DeadlineResult:
    """How many introductions each deadline moved."""

    lapsed: int = 0
    expired: int = 0
    ended: int = 0


def apply_deadlines(now: datetime | None = None) -> DeadlineResult:
    """Lapse unanswered proposals, expire unmatched requests, end introductions not renewed.

    Run by ``flask --app kiosk purge``, ``flask --app kiosk introductions deadlines`` and the
    coordinator's "Apply deadlines now" button; never by a GET (pages compute "overdue" on read).
    """
    moment = now or clock.utcnow()
    result = DeadlineResult()
    proposal_cutoff = moment - timedelta(days=int(get(PROPOSAL_DAYS.key)))
    request_cutoff = moment - timedelta(days=int(get(REQUEST_DAYS.key)))
    intro_cutoff = moment - timedelta(days=int(get(INTRODUCTION_DAYS.key)))
    lapsing = db.session.scalars(
        select(Introduction.id).where(
            Introduction.state == State.PROPOSED, Introduction.proposed_at < proposal_cutoff
        )
    ).all()
    for intro_id in lapsing:
        try:
            with write_transaction() as session:
                _back_to_queue(session, intro_id, (State.PROPOSED,), "system", "system", now=moment)
            result.lapsed += 1
        except IntroductionError:
            continue
    expiring = db.session.scalars(
        select(Introduction.id).where(
            or_(
                (Introduction.state == State.REQUESTED)
                & (Introduction.requested_at < request_cutoff),
                (Introduction.state == State.PEER_ACCEPTED)
                & (Introduction.peer_accepted_at < request_cutoff),
            )
        )
    ).all()
    for intro_id in expiring:
        try:
            with write_transaction() as session:
                held = session.scalar(
                    select(Introduction.peer_id).where(Introduction.id == intro_id)
                )
                _transition(
                    session,
                    intro_id,
                    (State.REQUESTED, State.PEER_ACCEPTED),
                    State.EXPIRED,
                    "system",
                    now=moment,
                )
                _release(session, held)
            result.expired += 1
        except IntroductionError:
            continue
    ending = db.session.scalars(
        select(Introduction.id).where(
            Introduction.state == State.INTRODUCED,
            func.coalesce(Introduction.renewed_at, Introduction.introduced_at) < intro_cutoff,
        )
    ).all()
    for intro_id in ending:
        try:
            with write_transaction() as session:
                held = session.scalar(
                    select(Introduction.peer_id).where(Introduction.id == intro_id)
                )
                _transition(
                    session, intro_id, (State.INTRODUCED,), State.ENDED, "system", now=moment
                )
                _release(session, held)
            result.ended += 1
        except IntroductionError:
            continue
    if result.expired or result.ended:
        _checkpoint()
    return result


def purge(now: datetime | None = None) -> int:
    """Delete introductions closed longer ago than the retention period, keeping counts only."""
    moment = now or clock.utcnow()
    months = int(get(RETENTION_MONTHS.key))
    cutoff = moment - timedelta(days=round(months * 30.44))
    with purge_transaction() as session:  # purges really delete (P6)
        old = session.scalars(
            select(Introduction).where(
                Introduction.state.in_(CLOSED_STATES), Introduction.closed_at < cutoff
            )
        ).all()
        for row in old:
            month = row.requested_at.date().replace(day=1)
            count = session.get(IntroductionMonthlyCount, (month, row.state))
            if count is None:
                count = IntroductionMonthlyCount(
                    month=month, outcome=row.state, introductions=0, reached_introduced=0
                )
                session.add(count)
            count.introductions += 1
            count.reached_introduced += 1 if row.introduced_at is not None else 0
        ids = [row.id for row in old]
        if ids:
            session.execute(
                delete(IntroductionTransition).where(
                    IntroductionTransition.introduction_id.in_(ids)
                )
            )
            session.execute(delete(Introduction).where(Introduction.id.in_(ids)))
    return len(ids)


# ---- the roster ---------------------------------------------------------------------------


PEER_FIELDS = (
    "display_name",
    "user_id",
    "languages",
    "formats",
    "age_band",
    "gender",
    "community",
    "topics",
    "capacity",
    "trained_on",
    "refresher_due",
    "conduct_accepted_on",
    "last_supervision_on",
    "paused",
    "on_duty_on",
)


def save_peer(values: dict[str, Any], peer_id: int | None = None) -> int:
    """Create or update a roster entry; raises InvalidPeer (message: the field) or NotFound."""
    name = clean_text(str(values.get("display_name") or ""), 60)
    if not name:
        raise InvalidPeer("display_name")
    defaults: dict[str, Any] = {"capacity": 3, "paused": False}
    for text_field in ("languages", "formats", "age_band", "gender", "community", "topics"):
        defaults[text_field] = ""
    clean = {key: values.get(key, defaults.get(key)) for key in PEER_FIELDS}
    for key, default in defaults.items():
        if clean[key] is None:
            clean[key] = default
    clean["display_name"] = name
    if clean["trained_on"] and not clean["refresher_due"]:
        # Default: the safety refresher falls due a year after training.
        clean["refresher_due"] = clean["trained_on"] + timedelta(days=365)
    with write_transaction() as session:
        if clean["user_id"]:
            taken = session.scalar(
                select(PeerSupporter.id).where(
                    PeerSupporter.user_id == clean["user_id"], PeerSupporter.id != (peer_id or 0)
                )
            )
            if taken:
                raise InvalidPeer("user_id")
        if peer_id is None:
            row = PeerSupporter(active_count=0, **clean)
            session.add(row)
        else:
            found = session.get(PeerSupporter, peer_id)
            if found is None:
                raise NotFound(peer_id)
            row = found
            if int(clean["capacity"] or 1) < row.active_count:
                raise InvalidPeer("capacity")
            for key, value in clean.items():
                setattr(row, key, value)
        session.flush()
        return int(row.id)


def peer_accounts() -> list[tuple[int, str]]:
    """Staff logins with the ``peer`` role, for linking to a roster entry."""
    return [
        (row.id, row.username)
        for row in db.session.scalars(
            select(User).where(User.role == "peer").order_by(User.username)
        )
    ]
