"""Sessions, sign-ins, rosters, notes, CSV and retention: plain functions, no ``request``."""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cached_property
from operator import itemgetter
from typing import Any, NamedTuple

from sqlalchemy import Connection, bindparam, delete, func, select, true, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .. import clock
from ..auth.models import Role, User
from ..auth.services import staff_session_select
from ..csvsafe import neutralize
from ..db import purge_transaction, write_transaction
from ..extensions import db
from .models import (
    GroupSession,
    SessionFacilitator,
    SessionNote,
    SessionNoteChange,
    SignIn,
    Source,
    Visit,
    random_id,
)

# PRODUCT §6: names on sign-ins are anonymized after 30 days.
NAME_RETENTION = timedelta(days=30)
MAX_REPEAT_WEEKS = 52
MAX_TALLY = 200
NAME_MAX = 40


class SessionError(Exception):
    """Base for this area's named errors."""


class SessionNotFound(SessionError):
    """No such session (or sign-in)."""


class InvalidSession(SessionError):
    """The session details do not make sense; the message is a key for the form."""


class SignInClosed(SessionError):
    """The session is not open for sign-in now."""


class AlreadyRecorded(SessionError):
    """This one-time form token was used already: the sign-in exists, nothing new was added."""


@dataclass(frozen=True)
class SessionDetails:
    """What staff type for a session; times are the center's wall-clock time."""

    title: str
    starts_local: datetime
    ends_local: datetime
    description: str = ""
    format: str = "in_person"
    room: str = ""
    facilitators: str = ""
    agreement: str = ""
    collect_names: bool = True
    opens_minutes_before: int = 30
    # Facilitator accounts running the session (reports show them their own groups).
    facilitator_ids: tuple[int, ...] = ()


def wall_clock_times(day: date, start: time, end: time) -> tuple[datetime, datetime]:
    """A session's start and end on the center's wall clock, from its day and two times.

    An end earlier than the start (or equal to it) means the session runs past midnight: it ends
    on the next day, so 21:00 to 01:00 is four hours. Equal times make 24 hours, which the
    12-hour limit then refuses with its own message.
    """
    starts = datetime.combine(day, start)
    ends = datetime.combine(day, end)
    if ends <= starts:
        ends += timedelta(days=1)
    return starts, ends


def _check(details: SessionDetails) -> None:
    if not details.title.strip():
        raise InvalidSession("title")
    if details.ends_local <= details.starts_local:
        raise InvalidSession("ends_before_start")
    if details.ends_local - details.starts_local > timedelta(hours=12):
        raise InvalidSession("too_long")
    if not 0 <= details.opens_minutes_before <= 240:
        raise InvalidSession("window")


def _apply(row: GroupSession, details: SessionDetails) -> None:
    row.title = details.title.strip()
    row.description = details.description.strip()
    row.format = details.format
    row.room = details.room.strip()
    row.facilitators = details.facilitators.strip()
    row.agreement = details.agreement.strip()
    row.collect_names = details.collect_names
    row.opens_minutes_before = details.opens_minutes_before


def facilitator_accounts() -> list[tuple[int, str]]:
    """Active facilitator accounts staff can choose on the session form: (id, username)."""
    return [
        (int(user_id), str(name))
        for user_id, name in db.session.execute(
            select(User.id, User.username)
            .where(User.role == Role.FACILITATOR.value, User.active.is_(True))
            .order_by(User.username)
        )
    ]


def facilitator_ids(session_id: str) -> list[int]:
    """The facilitator accounts linked to one session."""
    return list(
        db.session.scalars(
            select(SessionFacilitator.user_id)
            .where(SessionFacilitator.session_id == session_id)
            .order_by(SessionFacilitator.user_id)
        )
    )


def _link_facilitators(
    session: Session, rows: list[GroupSession], user_ids: tuple[int, ...]
) -> None:
    # Only facilitator accounts can be linked (a forged id for an admin or nobody is ignored).
    allowed = (
        set(
            session.scalars(
                select(User.id).where(User.id.in_(user_ids), User.role == Role.FACILITATOR.value)
            )
        )
        if user_ids
        else set()
    )
    ids = [row.id for row in rows]
    session.execute(delete(SessionFacilitator).where(SessionFacilitator.session_id.in_(ids)))
    session.add_all(
        SessionFacilitator(session_id=row_id, user_id=user_id)
        for row_id in ids
        for user_id in sorted(allowed)
    )


def create_sessions(details: SessionDetails, tz: str, repeat_weeks: int = 1) -> list[GroupSession]:
    """Create one session, or a weekly series of ``repeat_weeks`` occurrences."""
    _check(details)
    if not 1 <= repeat_weeks <= MAX_REPEAT_WEEKS:
        raise InvalidSession("repeat")
    series_id = random_id() if repeat_weeks > 1 else None
    created = []
    with write_transaction() as session:
        for week in range(repeat_weeks):
            # Step the wall-clock time, then convert: 6 pm stays 6 pm across a DST change.
            shift = timedelta(weeks=week)
            row = GroupSession(
                series_id=series_id,
                starts_at=clock.to_utc(details.starts_local + shift, tz),
                ends_at=clock.to_utc(details.ends_local + shift, tz),
            )
            _apply(row, details)
            session.add(row)
            created.append(row)
        session.flush()
        _link_facilitators(session, created, details.facilitator_ids)
    return created


def get_session(session_id: str) -> GroupSession:
    """One session by id; raises SessionNotFound."""
    row = db.session.get(GroupSession, session_id)
    if row is None:
        raise SessionNotFound(session_id)
    return row


def update_session(
    session_id: str, details: SessionDetails, tz: str, whole_series: bool = False
) -> int:
    """Edit one occurrence, or it and every later occurrence of its series; returns how many."""
    _check(details)
    with write_transaction() as session:
        row = session.get(GroupSession, session_id)
        if row is None:
            raise SessionNotFound(session_id)
        targets = [row]
        if whole_series and row.series_id:
            targets = list(
                session.scalars(
                    select(GroupSession).where(
                        GroupSession.series_id == row.series_id,
                        GroupSession.starts_at >= row.starts_at,
                    )
                )
            )
        old_day = clock.to_local(row.starts_at, tz).date()
        day_shift = details.starts_local.date() - old_day
        duration = details.ends_local - details.starts_local
        for target in targets:
            # Each occurrence keeps its own date (moved by as many days as the edited one) and
            # takes the new time of day and length.
            target_day = clock.to_local(target.starts_at, tz).date() + day_shift
            start_local = datetime.combine(target_day, details.starts_local.time())
            target.starts_at = clock.to_utc(start_local, tz)
            target.ends_at = clock.to_utc(start_local + duration, tz)
            _apply(target, details)
        _link_facilitators(session, targets, details.facilitator_ids)
        return len(targets)


def cancel_session(session_id: str, whole_series: bool = False) -> int:
    """Cancel one occurrence, or it and every later one of its series; returns how many."""
    with write_transaction() as session:
        row = session.get(GroupSession, session_id)
        if row is None:
            raise SessionNotFound(session_id)
        query = update(GroupSession).where(GroupSession.id == row.id)
        if whole_series and row.series_id:
            query = update(GroupSession).where(
                GroupSession.series_id == row.series_id, GroupSession.starts_at >= row.starts_at
            )
        return session.execute(query.values(cancelled=True)).rowcount  # type: ignore[attr-defined]


def opens_at(row: GroupSession) -> datetime:
    """When sign-in opens for a session."""
    return row.starts_at - timedelta(minutes=row.opens_minutes_before)


def is_open(row: GroupSession, now: datetime) -> bool:
    """True while a session's sign-in window is open."""
    return window_is_open(row.cancelled, row.starts_at, row.opens_minutes_before, row.ends_at, now)


def window_is_open(
    cancelled: bool,
    starts_at: datetime,
    opens_minutes_before: int,
    ends_at: datetime,
    now: datetime,
) -> bool:
    """The sign-in window rule on plain values (``record_signin`` reads only these columns)."""
    return not cancelled and starts_at - timedelta(minutes=opens_minutes_before) <= now < ends_at


def open_sessions(now: datetime | None = None) -> list[GroupSession]:
    """Sessions open for sign-in right now, soonest first."""
    moment = now or clock.utcnow()
    # Windows are at most 4 hours long (see _check), so a bounded query then an exact filter.
    candidates = db.session.scalars(
        select(GroupSession)
        .where(
            GroupSession.cancelled.is_(False),
            GroupSession.ends_at > moment,
            GroupSession.starts_at <= moment + timedelta(hours=4),
        )
        .order_by(GroupSession.starts_at, GroupSession.title)
    )
    return [row for row in candidates if is_open(row, moment)]


def next_session(now: datetime | None = None) -> GroupSession | None:
    """The next session whose sign-in has not opened yet."""
    moment = now or clock.utcnow()
    candidates = db.session.scalars(
        select(GroupSession)
        .where(GroupSession.cancelled.is_(False), GroupSession.starts_at > moment)
        .order_by(GroupSession.starts_at)
        .limit(20)
    )
    return next((row for row in candidates if opens_at(row) > moment), None)


def sessions_on(day: date, tz: str) -> list[GroupSession]:
    """Every session (cancelled too) starting on a day of the center's calendar."""
    start = clock.to_utc(datetime.combine(day, time.min), tz)
    end = clock.to_utc(datetime.combine(day + timedelta(days=1), time.min), tz)
    return list(
        db.session.scalars(
            select(GroupSession)
            .where(GroupSession.starts_at >= start, GroupSession.starts_at < end)
            .order_by(GroupSession.starts_at, GroupSession.title)
        )
    )


def upcoming_sessions(now: datetime | None = None, limit: int = 100) -> list[GroupSession]:
    """Sessions that have not ended yet, soonest first."""
    moment = now or clock.utcnow()
    return list(
        db.session.scalars(
            select(GroupSession)
            .where(GroupSession.ends_at > moment)
            .order_by(GroupSession.starts_at, GroupSession.title)
            .limit(limit)
        )
    )


def clean_name(raw: str | None) -> str | None:
    """A given name trimmed to one line, or None when left empty."""
    text = " ".join((raw or "").split())[:NAME_MAX]
    return text or None


# Issue 14 (sign-in speed): what ``record_signin`` reads of the session under the write lock,
# built once. Columns only and a Core insert: the ORM's identity map, unit of work and flush
# were most of the time the write lock was held, and every other kiosk waited on it.
_SIGNIN_WINDOW = select(
    GroupSession.cancelled,
    GroupSession.starts_at,
    GroupSession.opens_minutes_before,
    GroupSession.ends_at,
    GroupSession.collect_names,
).where(GroupSession.id == bindparam("session_id"))
_INSERT_SIGNIN = SignIn.__table__.insert()
_VISITS = frozenset(v.value for v in Visit)


def record_signin(
    session_id: str,
    *,
    form_token: str | None,
    name: str | None = None,
    visit: str = Visit.UNKNOWN.value,
    visitor_code_hash: str | None = None,
    source: str = Source.KIOSK.value,
    now: datetime | None = None,
) -> SignIn:
    """Count one person at a session.

    The kiosk passes its one-time form token; a second use raises AlreadyRecorded and adds
    nothing, however the two requests race (the UNIQUE constraint decides). Returns the row as
    written (not attached to the ORM session).
    """
    if visit not in _VISITS:
        visit = Visit.UNKNOWN.value
    moment = now or clock.utcnow()
    values: dict[str, Any] = {
        "id": random_id(),
        "session_id": session_id,
        "form_token": form_token,
        "name": None,
        "visit": visit,
        "source": source,
        "visitor_code_hash": visitor_code_hash,
        "created_at": clock.to_minute(moment),
    }
    try:
        with write_transaction() as session:
            connection = session.connection()
            row = connection.execute(_SIGNIN_WINDOW, {"session_id": session_id}).one_or_none()
            if row is None:
                raise SessionNotFound(session_id)
            if source == Source.KIOSK.value and not window_is_open(
                row.cancelled, row.starts_at, row.opens_minutes_before, row.ends_at, moment
            ):
                raise SignInClosed(session_id)
            # A group that does not collect names gets none, whatever a form posts (B6).
            values["name"] = clean_name(name) if row.collect_names else None
            connection.execute(_INSERT_SIGNIN, values)
    except IntegrityError as exc:
        if form_token is not None and db.session.scalar(
            select(func.count()).select_from(SignIn).where(SignIn.form_token == form_token)
        ):
            raise AlreadyRecorded(session_id) from exc
        raise
    return SignIn(**values)


def add_tally(session_id: str, count: int) -> int:
    """Add ``count`` people from the paper sheet (visit unknown, no names)."""
    if not 1 <= count <= MAX_TALLY:
        raise InvalidSession("tally")
    with write_transaction() as session:
        if session.get(GroupSession, session_id) is None:
            raise SessionNotFound(session_id)
        moment = clock.utcnow()
        session.add_all(
            SignIn(
                session_id=session_id,
                source=Source.PAPER.value,
                visit=Visit.UNKNOWN.value,
                created_at=clock.to_minute(moment),
            )
            for _ in range(count)
        )
    return count


def remove_signin(session_id: str, signin_id: str) -> None:
    """Delete a mistaken entry for real."""
    with write_transaction() as session:
        result = session.execute(
            delete(SignIn).where(SignIn.id == signin_id, SignIn.session_id == session_id)
        )
        if not result.rowcount:  # type: ignore[attr-defined]
            raise SessionNotFound(signin_id)


class Entry(NamedTuple):
    """One line of a roster: a name given or "Guest n", never a code.

    A named tuple, not a dataclass: a printed sheet builds thousands of them per request, and a
    frozen dataclass costs about three times as much to make (issue 14).
    """

    id: str  # "" on the printed sheet's roster (sheet_roster), which shows no ids
    name: str | None
    guest_number: int | None
    first_time: bool
    returning: bool
    source: str
    # Set when two people gave the same name: "Lupe (1)", "Lupe (2)" tell them apart.
    duplicate: int | None = None


@dataclass(frozen=True)
class Roster:
    """A session's entries and counts."""

    entries: list[Entry] = field(default_factory=list)
    # The group session it belongs to, so its fragment can build its URLs without the session
    # row (the roster poll renders it from the roster alone).
    session_id: str = ""

    @property
    def total(self) -> int:
        """Everyone counted."""
        return len(self.entries)

    # Counted once per roster (a sheet shows each count and "not said" sums them again).
    @cached_property
    def first_time(self) -> int:
        """Those who said it was their first time."""
        return sum(entry.first_time for entry in self.entries)

    @cached_property
    def returning(self) -> int:
        """Those who said they had come before, or used a visitor code."""
        return sum(entry.returning for entry in self.entries)

    @property
    def not_said(self) -> int:
        """Those who skipped the question or were counted on paper: the counts add up."""
        return self.total - self.first_time - self.returning


# Only the columns a roster shows, in sign-in order; built once (every poll and sheet runs it).
_ROSTER_ROWS = (
    select(SignIn.id, SignIn.name, SignIn.visit, SignIn.source)
    .where(SignIn.session_id == bindparam("session_id"))
    .order_by(SignIn.created_at, SignIn.id)
)
_SHEET_ROWS = (
    select(SignIn.name, SignIn.visit)
    .where(SignIn.session_id == bindparam("session_id"))
    .order_by(SignIn.created_at, SignIn.id)
)


def roster(session_id: str, connection: Connection | None = None) -> Roster:
    """Everyone signed in to a session: named people by name, the others as Guest 1, 2, ...

    One Core query of four columns (on the ORM session's connection, or on ``connection``):
    no ORM objects or ORM result handling for a 2,000-row sheet or a 200-row poll.
    """
    if connection is None:
        connection = db.session.connection()
    rows = connection.execute(_ROSTER_ROWS, {"session_id": session_id}).all()
    return _roster_of(rows, session_id)


def sheet_roster(session_id: str) -> Roster:
    """The roster as the printed sheet shows it: names and visits only (its entries carry no id
    and no source). A sheet can have thousands of rows; reading the two columns it prints
    instead of four took a fifth off the query (issue 14). The sheet shows no source either."""
    rows = db.session.connection().execute(_SHEET_ROWS, {"session_id": session_id})
    return _roster_of((("", name, visit, "") for name, visit in rows), session_id)


def _roster_of(rows: Iterable[Any], session_id: str) -> Roster:
    """The roster from ``(id, name, visit, source)`` rows in sign-in order."""
    first, returning = Visit.FIRST.value, Visit.RETURNING.value
    # Each named entry with its sort key, folded once: a sheet has thousands (issue 14).
    named: list[tuple[str, Entry]] = []
    guests: list[Entry] = []
    guest = 0
    for row_id, name, visit, source in rows:
        if name:
            entry = Entry(row_id, name, None, visit == first, visit == returning, source)
            named.append((name.casefold(), entry))
            continue
        guest += 1
        entry = Entry(row_id, name, guest, visit == first, visit == returning, source)
        # An empty (not NULL) name is numbered as a guest but sorts where "" sorts among the
        # names, as it always did; NULL (no name, or purged) comes after every name.
        if name is None:
            guests.append(entry)
        else:
            named.append(("", entry))
    # Named people in alphabetical order, then guests: the sheet does not show who came first.
    # The sort is stable, so equal names (and the empty ones) keep their sign-in order.
    named.sort(key=itemgetter(0))
    entries = [entry for _key, entry in named] + guests
    folded = [key for key, entry in named if entry.name]
    if len(set(folded)) < len(folded):
        entries = _number_duplicates(entries)
    return Roster(entries=entries, session_id=session_id)


def _number_duplicates(entries: list[Entry]) -> list[Entry]:
    """Number repeated names in sheet order, so a printed sheet tells the two Lupes apart."""
    counts = Counter((entry.name or "").casefold() for entry in entries if entry.name)
    seen: Counter[str] = Counter()
    numbered = []
    for entry in entries:
        key = (entry.name or "").casefold()
        if entry.name and counts[key] > 1:
            seen[key] += 1
            numbered.append(entry._replace(duplicate=seen[key]))
        else:
            numbered.append(entry)
    return numbered


# Built once: a poll every few seconds from every open console should not rebuild it each time.
_ROSTER_VERSION = (
    select(
        func.count(SignIn.id).label("signed"),
        func.count(SignIn.name).label("named"),
        func.max(SignIn.created_at).label("latest"),
    )
    .select_from(GroupSession)
    .outerjoin(SignIn, SignIn.session_id == GroupSession.id)
    .where(GroupSession.id == bindparam("session_id"))
    .group_by(GroupSession.id)
)
_VERSION_ROW = _ROSTER_VERSION.subquery("roster_version")
# An unchanged roster poll asks one thing: is this staff session live, and what is the roster's
# version? One query answers both (no row: unknown session or staff session gone).
_ROSTER_POLL = staff_session_select(
    _VERSION_ROW.c.signed, _VERSION_ROW.c.named, _VERSION_ROW.c.latest
).join(_VERSION_ROW, true())


def _version(count: int, named: int, latest: datetime | None) -> str:
    stamp = latest.strftime("%Y%m%d%H%M%S%f") if latest is not None else "0"
    return f"{count}.{named}.{stamp}"


@dataclass(frozen=True)
class RosterPoll:
    """What a roster poll found: the staff session's row, the roster's version, and the
    roster itself unless the poll already shows that version."""

    staff_session: Any
    version: str
    roster: Roster | None


def roster_poll(
    session_id: str, token_hash: str, shown: str | None, is_live: Callable[[Any], bool]
) -> RosterPoll | None:
    """For a roster poll: the staff session's row (checked by ``is_live``, e.g.
    ``auth.services.poll_session_valid``) and the roster's version in one query, then, only
    if the version is not the one ``shown``, the roster; all on one bare pooled connection (no
    ORM session), which it only reads. None when the group session or the staff session does
    not exist, or the staff session is not live: nothing of the roster is read then."""
    with db.engine.connect() as connection:
        row = connection.execute(
            _ROSTER_POLL, {"session_id": session_id, "token_hash": token_hash}
        ).one_or_none()
        if row is None or not is_live(row):
            return None
        version = _version(row.signed, row.named, row.latest)
        if version == shown:
            return RosterPoll(row, version, None)
        return RosterPoll(row, version, roster(session_id, connection))


def roster_version(session_id: str) -> str:
    """Changes whenever the roster does: how many, how many named, and the latest sign-in.

    A poll that sends back the version it has is answered with 204 when nothing changed.
    Counting names too catches the retention purge, which blanks names without adding rows.
    Raises SessionNotFound for an unknown session: the same one query answers both, so an
    unchanged poll costs a single query.
    """
    found = db.session.execute(_ROSTER_VERSION, {"session_id": session_id}).one_or_none()
    if found is None:
        raise SessionNotFound(session_id)
    return _version(*found)


def note_changes(session_id: str) -> list[SessionNoteChange]:
    """Who changed a session's notes, oldest first."""
    return list(
        db.session.scalars(
            select(SessionNoteChange)
            .where(SessionNoteChange.session_id == session_id)
            .order_by(SessionNoteChange.changed_at, SessionNoteChange.id)
        )
    )


def get_note(session_id: str) -> SessionNote | None:
    """A session's notes, if written."""
    return db.session.get(SessionNote, session_id)


def save_note(
    session_id: str, *, themes: str, follow_ups: int, incidents: int, incident_outcome: str, by: str
) -> SessionNote:
    """Create or replace a session's de-identified notes."""
    if not (0 <= follow_ups <= 999 and 0 <= incidents <= 999):
        raise InvalidSession("count")
    with write_transaction() as session:
        if session.get(GroupSession, session_id) is None:
            raise SessionNotFound(session_id)
        note = session.get(SessionNote, session_id)
        if note is None:
            note = SessionNote(session_id=session_id)
            session.add(note)
        new_values = {
            "themes": themes.strip()[:2000],
            "follow_ups": follow_ups,
            "incidents": incidents,
            "incident_outcome": incident_outcome,
        }
        changed = [key for key, value in new_values.items() if getattr(note, key) != value]
        if changed:
            # Who changed which fields and when; never the content (issue 9).
            session.add(
                SessionNoteChange(
                    session_id=session_id,
                    changed_by=by,
                    changed_at=clock.utcnow(),
                    fields=",".join(changed),
                )
            )
        note.themes = themes.strip()[:2000]
        note.follow_ups = follow_ups
        note.incidents = incidents
        note.incident_outcome = incident_outcome
        note.updated_by = by
    return note


def attendance_csv(
    row: GroupSession,
    entries: Roster,
    tz: str,
    headers: list[str],
    guest_label: Callable[[int], str],
) -> str:
    """The attendance as RFC 4180 CSV (CRLF, quoted where needed), formula-safe, never codes."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    starts = clock.to_local(row.starts_at, tz)
    writer.writerow([neutralize(h) for h in headers])
    for entry in entries.entries:
        label = entry.name if entry.name else guest_label(entry.guest_number or 0)
        writer.writerow(
            [
                neutralize(row.title),
                starts.strftime("%Y-%m-%d %H:%M"),
                neutralize(label),
                "1" if entry.first_time else "0",
                "1" if entry.returning else "0",
            ]
        )
    return buffer.getvalue()


def purge_names(now: datetime | None = None) -> int:
    """Blank the names on sign-ins older than the retention period; returns how many."""
    cutoff = (now or clock.utcnow()) - NAME_RETENTION
    with purge_transaction() as session:
        result = session.execute(
            update(SignIn)
            .where(SignIn.created_at < cutoff, SignIn.name.is_not(None))
            .values(name=None)
        )
        count = int(result.rowcount or 0)  # type: ignore[attr-defined]
    return count
