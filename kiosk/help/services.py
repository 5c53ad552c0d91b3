"""Help services: crisis lines, discreet requests and their atomic claim, escalation, purge.

Plain functions that take plain values and raise named errors; they know nothing of ``request``.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from flask import has_request_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import CursorResult, delete, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ..center.services import Setting, get, register
from ..clock import to_minute, utcnow
from ..db import is_sqlite, purge_transaction, write_transaction
from ..extensions import db
from ..sessions.models import GroupSession
from .models import (
    CrisisLine,
    CrisisLineSeed,
    HelpDailyCount,
    ProfessionalHelpRequest,
    QuietWordRequest,
)
from .seeds import COUNTRIES, SEEDS

log = logging.getLogger(__name__)
STALE_AFTER = timedelta(days=182)
# Quiet words from one tablet less than this far apart show staff as one alert with a count.
FLOOD_WINDOW = timedelta(minutes=5)  # "not verified for 6 months"
HOW_CHOICES = ("call", "text", "chat")
WHEN_CHOICES = ("now", "after")
HELP_TYPES = ("clinician", "crisis_team", "emergency", "other")
OUTCOMES = (
    "spoke_privately",
    "referred_clinician",
    "called_crisis_line",
    "called_emergency",
    "not_found",
    "other",
)
KINDS: dict[str, type[QuietWordRequest] | type[ProfessionalHelpRequest]] = {
    "quiet": QuietWordRequest,
    "professional": ProfessionalHelpRequest,
}
DAILY_KIND = {"quiet": "quiet_word", "professional": "professional_help"}
FIND_ME_MAX = 60
ROOM_MAX = 60


def _country_choices() -> list[tuple[str, str]]:
    # Names are translated for the settings page; the CLI and purge job have no request.
    if not has_request_context():
        return [(code, code) for code in COUNTRIES]
    return [(code, str(name)) for code, name in COUNTRIES.items()]


COUNTRY = register(
    Setting(
        "help.country",
        _l("Country for crisis lines"),
        "US",
        kind="choice",
        choices=_country_choices,
        # The admin's action is the moment to load the new country's starter lines.
        after_save=lambda country: ensure_seeded(str(country)),
        help=_l("Get help now shows this country's crisis lines and emergency number."),
    )
)
ESCALATE_MINUTES = register(
    Setting(
        "help.escalate_minutes",
        _l("Minutes before an unanswered quiet word escalates"),
        3,
        kind="int",
        minimum=1,
        maximum=60,
    )
)
ON_CALL_NUMBER = register(
    Setting(
        "help.on_call_number",
        _l("On-call clinician's number"),
        "",
        help=_l("Shown on staff pages when a request is not answered in time."),
    )
)
RETENTION_DAYS = register(
    Setting(
        "help.retention_days",
        _l("Days to keep quiet-word and professional-help requests"),
        90,
        kind="int",
        minimum=1,
        maximum=3650,
        help=_l("Older requests are deleted; daily counts and response times are kept."),
    )
)
QUIET_WORD_LABEL = register(
    Setting(
        "help.quiet_word_label",
        _l("Wording of the quiet-word tile"),
        "",
        help=_l(
            'Leave empty for the standard wording, "I\'d like a quiet word with someone". '
            "Keep it neutral: no words about help or crisis."
        ),
    )
)


def quiet_word_label() -> str:
    """The quiet-word tile's wording: the center's own, or the standard neutral one.

    Views hand it to their templates (start page, shared confirmation, help pages).
    """
    custom = get(QUIET_WORD_LABEL.key)
    return str(custom or _l("I'd like a quiet word with someone"))


def _rowcount(result: Any) -> int:
    """Rows an UPDATE or DELETE touched (a CursorResult; typed loosely by SQLAlchemy)."""
    assert isinstance(result, CursorResult)  # noqa: S101
    return int(result.rowcount)


class LineNotFound(LookupError):
    """No crisis line with that id."""


class EmergencyLine(ValueError):
    """The emergency number cannot be removed (the kiosk must always show one)."""


class RequestNotFound(LookupError):
    """No open request of that kind and id."""


class InvalidChoice(ValueError):
    """A value is not one of the allowed choices."""


@dataclass(frozen=True)
class Claim:
    """The result of pressing "Acknowledge": who holds the request, and whether it was us."""

    won: bool
    by: str


@dataclass(frozen=True)
class Alert:
    """An open request as staff pages show it."""

    kind: str
    id: int
    created_at: datetime
    acknowledged_by: str | None
    escalated: bool
    when: str = ""
    find_me: str = ""
    room: str = ""
    help_type: str = ""
    raised_by: str = ""
    group: str = ""
    due_at: datetime | None = None
    urgency: str = "attention"  # urgent | attention | claimed
    # How many unanswered quiet words from one tablet this alert stands for (a flood, issue 9).
    count: int = 1
    # The ids folded into this one; resolving this alert resolves them too.
    also: tuple[int, ...] = ()


# ---- crisis lines -------------------------------------------------------------------------


def current_country() -> str:
    """The country whose lines the kiosk shows."""
    return str(get(COUNTRY.key))


def ensure_seeded(country: str) -> None:
    """Load the starter lines for a country once (``crisis_line_seeds`` records it, so removing
    every line does not bring them back).

    Called at start-up (``seed_starter_lines``), when an admin changes the center's country and
    by ``flask help seed``; never from a GET page (issue 10: reading pages do not write).
    """
    if country not in SEEDS or db.session.get(CrisisLineSeed, country) is not None:
        return
    with write_transaction() as session:
        # Checked again under the write lock: another tablet may have seeded it just now.
        if session.get(CrisisLineSeed, country) is not None:
            return
        session.add(CrisisLineSeed(country=country))
        session.flush()
        for order, entry in enumerate(SEEDS[country]):
            session.add(CrisisLine(country=country, sort_order=order * 10, **entry))


def seed_starter_lines() -> None:
    """Start-up: the center's country has its starter lines before the first page is shown.

    ``wsgi.prepare`` calls this right after the migrations (and the test fixtures do the same),
    so a fresh database shows the lines without any GET page writing.
    """
    ensure_seeded(current_country())


def lines_for(country: str) -> list[CrisisLine]:
    """A country's lines: the emergency number first, then in the staff's order (read-only)."""
    return list(
        db.session.scalars(
            select(CrisisLine)
            .where(CrisisLine.country == country)
            .order_by(CrisisLine.is_emergency.desc(), CrisisLine.sort_order, CrisisLine.id)
        )
    )


# Each public field and its Spanish version (staff fill it in; empty falls back to English).
SPANISH_FIELDS = {
    "name": "name_es",
    "hours": "hours_es",
    "languages": "languages_es",
    "public_note": "public_note_es",
}


@dataclass(frozen=True)
class PublicText:
    """What an attendee reads about a line, in the kiosk's language."""

    name: str
    hours: str
    languages: str
    public_note: str


def public_text(line: CrisisLine, language: str) -> PublicText:
    """A line's public fields in ``language``: the Spanish ones on the Spanish kiosk, each
    falling back to the English text when staff left it empty."""
    values = {}
    for field_name, spanish in SPANISH_FIELDS.items():
        english = getattr(line, field_name) or ""
        values[field_name] = (getattr(line, spanish) or "").strip() if language == "es" else ""
        values[field_name] = values[field_name] or english
    return PublicText(**values)


def line_status(line: CrisisLine, now: datetime | None = None) -> str:
    """unverified ("verify locally"), stale (over 6 months) or current."""
    if line.verified_at is None:
        return "unverified"
    if (now or utcnow()) - line.verified_at > STALE_AFTER:
        return "stale"
    return "current"


def get_line(line_id: int) -> CrisisLine:
    """One line; raises LineNotFound."""
    line = db.session.get(CrisisLine, line_id)
    if line is None:
        raise LineNotFound(line_id)
    return line


LINE_FIELDS = (
    "country",
    "name",
    "number",
    "how",
    "text_keyword",
    "hours",
    "languages",
    "public_note",
    "name_es",
    "hours_es",
    "languages_es",
    "public_note_es",
    "staff_notes",
    "is_emergency",
    "sort_order",
)


def save_line(values: dict[str, Any], line_id: int | None = None) -> int:
    """Create or change a line; editing the number or how it works clears its verification."""
    if values["how"] not in HOW_CHOICES or values["country"] not in COUNTRIES:
        raise InvalidChoice(values["how"])
    with write_transaction() as session:
        if line_id is None:
            line = CrisisLine(**{key: values[key] for key in LINE_FIELDS})
            session.add(line)
            session.flush()
            return int(line.id)
        existing = session.get(CrisisLine, line_id)
        if existing is None:
            raise LineNotFound(line_id)
        line = existing
        if (line.number, line.how, line.text_keyword) != (
            values["number"],
            values["how"],
            values["text_keyword"],
        ):
            line.verified_at = None
            line.verified_by = None
        for key in LINE_FIELDS:
            setattr(line, key, values[key])
        return int(line.id)


# North American short numbers for calls are three digits (911, 988, 211); five- and six-digit
# short codes there are for text messages only, and only the ones listed as SMS services.
_NANP = ("US", "CA")


def dialable(number: str, how: str, country: str) -> bool:
    """Whether a phone could actually reach this number from the country (libphonenumber).

    A full number must be valid for its region; a short number ("988", "116 123") must be a
    known short number there. In North America a call short number has three digits and a text
    short code must be a listed SMS service, so "12345" is refused for a crisis line.
    """
    # libphonenumber's metadata is imported on first use: only staff saving a line needs it,
    # and loading it at start-up slowed every cold start (docs/PERFORMANCE.md).
    import phonenumbers  # noqa: PLC0415
    from phonenumbers import shortnumberinfo  # noqa: PLC0415

    try:
        parsed = phonenumbers.parse(number, country)
    except phonenumbers.NumberParseException:
        return False
    if phonenumbers.is_valid_number(parsed):
        return True
    if not shortnumberinfo.is_valid_short_number_for_region(parsed, country):
        return False
    if country not in _NANP:
        return True
    digits = str(parsed.national_number)
    if len(digits) == 3:
        return True
    return how == "text" and shortnumberinfo.is_sms_service_for_region(parsed, country)


def verify_line(line_id: int, by: str) -> None:
    """Record that a staff member checked the line today."""
    with write_transaction() as session:
        line = session.get(CrisisLine, line_id)
        if line is None:
            raise LineNotFound(line_id)
        line.verified_at = utcnow()
        line.verified_by = by


def delete_line(line_id: int) -> None:
    """Remove a line for good; raises EmergencyLine for the emergency number."""
    with write_transaction() as session:
        line = session.get(CrisisLine, line_id)
        if line is None:
            raise LineNotFound(line_id)
        if line.is_emergency:
            raise EmergencyLine(line_id)
        session.delete(line)


def dial_uri(line: CrisisLine) -> str | None:
    """What a phone should open for this line: tel:, sms: (with its keyword) or a chat address."""
    if line.how == "chat":
        return line.number if line.number.startswith("https://") else None
    digits = re.sub(r"[^0-9+]", "", line.number)
    if not digits:
        return None
    if line.how == "text":
        return f"sms:{digits}" + (f"?body={line.text_keyword}" if line.text_keyword else "")
    return f"tel:{digits}"


def plan_prefill(country: str, language: str = "en") -> str:
    """Step 5 of the plan starts from the crisis list (the person may change it)."""
    lines = []
    for line in lines_for(country):
        how = {"call": _l("call"), "text": _l("text"), "chat": _l("chat")}[line.how]
        keyword = f" ({line.text_keyword})" if line.text_keyword else ""
        lines.append(f"{public_text(line, language).name}: {how} {line.number}{keyword}")
    return "\n".join(lines)


# ---- anonymous counts ---------------------------------------------------------------------


def _bump(
    session: Any, kind: str, requests: int = 0, acknowledged: int = 0, seconds: int = 0
) -> None:
    """Add to today's anonymous count for a kind (an upsert, safe with two writers)."""
    insert = sqlite_insert if is_sqlite() else pg_insert
    table = HelpDailyCount.__table__
    statement = insert(table).values(
        day=utcnow().date(),
        kind=kind,
        requests=requests,
        acknowledged=acknowledged,
        response_seconds_total=seconds,
    )
    statement = statement.on_conflict_do_update(
        index_elements=["day", "kind"],
        set_={
            "requests": table.c.requests + requests,
            "acknowledged": table.c.acknowledged + acknowledged,
            "response_seconds_total": table.c.response_seconds_total + seconds,
        },
    )
    session.execute(statement)


def count_help_now() -> None:
    """Someone opened Get help now: one more for today, nothing about who or which tablet.

    The one write GET /help makes, on purpose: an anonymous daily count (the program's measure
    of use), not seeding or any state a later page depends on.
    """
    with write_transaction() as session:
        _bump(session, "help_now", requests=1)


def daily_counts(days: int = 30) -> list[HelpDailyCount]:
    """The last days' counts, newest first."""
    since = utcnow().date() - timedelta(days=days)
    return list(
        db.session.scalars(
            select(HelpDailyCount)
            .where(HelpDailyCount.day >= since)
            .order_by(HelpDailyCount.day.desc(), HelpDailyCount.kind)
        )
    )


# ---- requests -----------------------------------------------------------------------------


def _check_group_session(session: Any, group_session_id: str | None) -> None:
    """Raise InvalidChoice unless the linked group session (if any) exists."""
    if group_session_id is not None and session.get(GroupSession, group_session_id) is None:
        raise InvalidChoice("group session")


def send_quiet_word(
    when: str,
    find_me: str,
    group_session_id: str | None = None,
    form_token: str | None = None,
    device: str | None = None,
) -> None:
    """Store a quiet-word request for staff (returns nothing the kiosk could show)."""
    if when not in WHEN_CHOICES:
        raise InvalidChoice(when)
    with write_transaction() as session:
        _check_group_session(session, group_session_id)
        if form_token is not None and session.scalar(
            select(QuietWordRequest.id).where(QuietWordRequest.form_token == form_token)
        ):
            # A double tap or a resubmitted form: already sent, and the screen says the same.
            return
        session.add(
            QuietWordRequest(
                # To the minute only (minimal metadata, clock.to_minute).
                created_at=to_minute(utcnow()),
                timing=when,
                find_me=find_me.strip()[:FIND_ME_MAX],
                group_session_id=group_session_id,
                form_token=form_token,
                device=device,
            )
        )
        _bump(session, DAILY_KIND["quiet"], requests=1)


def raise_professional_help(
    room: str, help_type: str, by: str, group_session_id: str | None = None
) -> int:
    """A facilitator flags that professional help is needed; returns the request id."""
    if help_type not in HELP_TYPES:
        raise InvalidChoice(help_type)
    with write_transaction() as session:
        _check_group_session(session, group_session_id)
        flag = ProfessionalHelpRequest(
            created_at=to_minute(utcnow()),
            room=room.strip()[:ROOM_MAX],
            help_type=help_type,
            raised_by=by,
            group_session_id=group_session_id,
        )
        session.add(flag)
        _bump(session, DAILY_KIND["professional"], requests=1)
        session.flush()
        return int(flag.id)


def _model(kind: str) -> type[QuietWordRequest] | type[ProfessionalHelpRequest]:
    try:
        return KINDS[kind]
    except KeyError as exc:
        raise RequestNotFound(kind) from exc


def acknowledge(kind: str, request_id: int, by: str) -> Claim:
    """Claim a request: exactly one of several staff pressing at once wins.

    The claim is one conditional UPDATE (``WHERE acknowledged_by IS NULL``); its row count says
    whether this call won. Whoever lost reads back who holds it.
    """
    model = _model(kind)
    now = utcnow()
    with write_transaction() as session:
        result = session.execute(
            update(model)
            .where(model.id == request_id, model.acknowledged_by.is_(None))
            .values(acknowledged_by=by, acknowledged_at=now)
            .execution_options(synchronize_session=False)
        )
        if _rowcount(result) == 1:
            created = session.scalar(select(model.created_at).where(model.id == request_id))
            seconds = int((now - created).total_seconds()) if created else 0
            _bump(session, DAILY_KIND[kind], acknowledged=1, seconds=max(seconds, 0))
            return Claim(won=True, by=by)
        holder = session.scalar(select(model.acknowledged_by).where(model.id == request_id))
    if holder is None:
        raise RequestNotFound(request_id)
    return Claim(won=False, by=holder)


class HeldByOther(Exception):
    """Someone else acknowledged this request; resolving it needs an explicit take-over."""

    def __init__(self, holder: str) -> None:
        super().__init__(holder)
        self.holder = holder


def resolve(kind: str, request_id: int, outcome: str, by: str, take_over: bool = False) -> None:
    """Close a request with an outcome code only (no notes about what was said).

    A request another person acknowledged is theirs: resolving it raises HeldByOther unless
    ``take_over`` says this person means to take it over, which is recorded and logged.
    """
    if outcome not in OUTCOMES:
        raise InvalidChoice(outcome)
    model = _model(kind)
    # A flood shown as one alert is resolved as one: the quiet words folded into it go too.
    folded = next(
        (a.also for a in open_alerts() if a.kind == kind == "quiet" and a.id == request_id), ()
    )
    now = utcnow()
    with write_transaction() as session:
        created = session.scalar(select(model.created_at).where(model.id == request_id))
        if created is None:
            raise RequestNotFound(request_id)
        if folded:
            session.execute(
                update(model)
                .where(model.id.in_(folded), model.resolved_at.is_(None))
                .values(resolved_at=now, resolved_by=by, outcome=outcome)
                .execution_options(synchronize_session=False)
            )
        holder = session.scalar(select(model.acknowledged_by).where(model.id == request_id))
        if holder is not None and holder != by:
            if not take_over:
                raise HeldByOther(holder)
            session.execute(
                update(model)
                .where(model.id == request_id)
                .values(acknowledged_by=by, taken_over_from=holder)
                .execution_options(synchronize_session=False)
            )
            # Staff names and a request number only: nothing about the attendee.
            log.info("Help request %s %s taken over by %s from %s", kind, request_id, by, holder)
        # Resolving an unclaimed request claims it too, so its response time is counted.
        claimed = _rowcount(
            session.execute(
                update(model)
                .where(model.id == request_id, model.acknowledged_by.is_(None))
                .values(acknowledged_by=by, acknowledged_at=now)
                .execution_options(synchronize_session=False)
            )
        )
        if claimed:
            seconds = max(int((now - created).total_seconds()), 0)
            _bump(session, DAILY_KIND[kind], acknowledged=1, seconds=seconds)
        done = _rowcount(
            session.execute(
                update(model)
                .where(model.id == request_id, model.resolved_at.is_(None))
                .values(resolved_at=now, resolved_by=by, outcome=outcome)
                .execution_options(synchronize_session=False)
            )
        )
        if not done:
            raise RequestNotFound(request_id)


def _group_end_at(session: Any, moment: datetime) -> datetime | None:
    """When the last group open at ``moment`` ends (for an "after the group" with no group)."""
    return session.scalar(
        select(func.max(GroupSession.ends_at)).where(
            GroupSession.cancelled.is_(False),
            GroupSession.starts_at <= moment,
            GroupSession.ends_at >= moment,
        )
    )


def escalates_at(
    kind: str, when: str, created_at: datetime, group_ends_at: datetime | None, minutes: int
) -> datetime:
    """When an unanswered request turns urgent: it follows what the person asked for.

    A "now" quiet word and a professional-help flag escalate N minutes after they were sent; an
    "after the group" quiet word only N minutes after its group ends (never mid-group, which
    would pull staff out of the room against the person's wish). With no group to wait for it
    is treated like "now".
    """
    wait = timedelta(minutes=minutes)
    if kind == "quiet" and when == "after" and group_ends_at is not None:
        return max(created_at, group_ends_at) + wait
    return created_at + wait


def _urgency(kind: str, acknowledged: bool, escalated: bool) -> str:
    """urgent (red), attention (amber) or claimed (neutral): red is rare, so it means something.

    Professional help is always urgent until someone takes it: a facilitator already decided a
    person needs help now.
    """
    if acknowledged:
        return "claimed"
    if kind == "professional" or escalated:
        return "urgent"
    return "attention"


# The queue's order: professional help first, then "now" quiet words, then "after the group".
_RANK = {("professional", ""): 0, ("quiet", "now"): 1, ("quiet", "after"): 2}


def queue_order(alert: Alert) -> tuple[int, int, datetime]:
    """Sort key for the queue: kind of request, then unanswered first, then oldest first."""
    return (
        _RANK.get((alert.kind, alert.when), 1),
        1 if alert.acknowledged_by else 0,
        alert.created_at,
    )


# The open requests' columns, built once: every staff page shows the alert bar, and building
# the statements and loading ORM objects for them was most of its cost (issue 14).
_OPEN_QUIET_WORDS = (
    select(
        QuietWordRequest.id,
        QuietWordRequest.created_at,
        QuietWordRequest.acknowledged_by,
        QuietWordRequest.timing,
        QuietWordRequest.find_me,
        QuietWordRequest.device,
        GroupSession.title.label("group_title"),
        GroupSession.ends_at.label("group_ends"),
    )
    .outerjoin(GroupSession, QuietWordRequest.group_session_id == GroupSession.id)
    .where(QuietWordRequest.resolved_at.is_(None))
)
_OPEN_PROFESSIONAL_HELP = select(
    ProfessionalHelpRequest.id,
    ProfessionalHelpRequest.created_at,
    ProfessionalHelpRequest.acknowledged_by,
    ProfessionalHelpRequest.room,
    ProfessionalHelpRequest.help_type,
    ProfessionalHelpRequest.raised_by,
).where(ProfessionalHelpRequest.resolved_at.is_(None))


def open_alerts(now: datetime | None = None) -> list[Alert]:
    """Every unresolved request in queue order, with escalation worked out per request."""
    now = now or utcnow()
    minutes = int(get(ESCALATE_MINUTES.key))
    alerts: list[Alert] = []
    quiet_devices: dict[int, str | None] = {}
    connection = db.session.connection()
    for row in connection.execute(_OPEN_QUIET_WORDS):
        group_ends = row.group_ends
        if row.timing == "after" and group_ends is None:
            group_ends = _group_end_at(db.session, row.created_at)
        due = escalates_at("quiet", row.timing, row.created_at, group_ends, minutes)
        escalated = row.acknowledged_by is None and now >= due
        quiet_devices[row.id] = row.device
        alerts.append(
            Alert(
                "quiet",
                row.id,
                row.created_at,
                row.acknowledged_by,
                escalated,
                when=row.timing,
                find_me=row.find_me,
                group=row.group_title or "",
                due_at=due,
                urgency=_urgency("quiet", row.acknowledged_by is not None, escalated),
            )
        )
    for flag in connection.execute(_OPEN_PROFESSIONAL_HELP):
        due = escalates_at("professional", "", flag.created_at, None, minutes)
        escalated = flag.acknowledged_by is None and now >= due
        alerts.append(
            Alert(
                "professional",
                flag.id,
                flag.created_at,
                flag.acknowledged_by,
                escalated,
                room=flag.room,
                help_type=flag.help_type,
                raised_by=flag.raised_by,
                due_at=due,
                urgency=_urgency("professional", flag.acknowledged_by is not None, escalated),
            )
        )
    # Floods are folded in time order, then the queue is ordered as usual.
    folded = _group_floods(sorted(alerts, key=lambda alert: alert.created_at), quiet_devices)
    return sorted(folded, key=queue_order)


@dataclass(frozen=True)
class AlertSummary:
    """What the compact alert bar shows: counts by kind and the most urgent request."""

    total: int
    professional: int
    quiet_now: int
    quiet_after: int
    waiting: int
    top: Alert | None


def summarize(alerts: list[Alert]) -> AlertSummary:
    """Counts by kind and the most urgent request: the first one nobody has taken yet, in queue
    order (the list is already sorted), else the first one."""
    waiting = [a for a in alerts if a.acknowledged_by is None]
    return AlertSummary(
        total=len(alerts),
        professional=sum(1 for a in alerts if a.kind == "professional"),
        quiet_now=sum(1 for a in alerts if a.kind == "quiet" and a.when != "after"),
        quiet_after=sum(1 for a in alerts if a.kind == "quiet" and a.when == "after"),
        waiting=len(waiting),
        top=(waiting or alerts)[0] if alerts else None,
    )


def get_open_alert(kind: str, request_id: int) -> Alert:
    """One open request as the queue shows it; raises RequestNotFound."""
    for alert in open_alerts():
        if (alert.kind, alert.id) == (kind, request_id):
            return alert
    raise RequestNotFound(request_id)


def _group_floods(alerts: list[Alert], devices: dict[int, str | None]) -> list[Alert]:
    """Fold unanswered quiet words from one tablet, each within FLOOD_WINDOW of the last, into
    the first one with a count: a flood stays one line, so a real request is not buried.

    Nothing is refused or deleted: every request is stored and counted as usual.
    """
    shown: list[Alert] = []
    latest: dict[str, tuple[int, datetime]] = {}  # device -> (index in shown, last time)
    for alert in alerts:
        device = devices.get(alert.id) if alert.kind == "quiet" else None
        if device and alert.acknowledged_by is None:
            previous = latest.get(device)
            if previous and alert.created_at - previous[1] <= FLOOD_WINDOW:
                index = previous[0]
                head = shown[index]
                shown[index] = replace(
                    head,
                    count=head.count + 1,
                    escalated=head.escalated or alert.escalated,
                    also=(*head.also, alert.id),
                )
                latest[device] = (index, alert.created_at)
                continue
            latest[device] = (len(shown), alert.created_at)
        shown.append(alert)
    return shown


def recent_resolved(hours: int = 24) -> list[Any]:
    """Requests resolved in the last hours (outcome codes only), newest first."""
    since = utcnow() - timedelta(hours=hours)
    rows: list[Any] = []
    for model in KINDS.values():
        rows += db.session.scalars(select(model).where(model.resolved_at >= since))
    return sorted(rows, key=lambda row: row.resolved_at, reverse=True)


def alerts_digest(alerts: list[Alert]) -> str:
    """A short fingerprint of what the alert region shows, so an unchanged poll swaps nothing."""
    state = "|".join(f"{a.kind}:{a.id}:{a.acknowledged_by}:{a.escalated}:{a.count}" for a in alerts)
    return hashlib.sha256(state.encode()).hexdigest()[:16]


def purge(now: datetime | None = None) -> int:
    """Delete requests older than the retention period; returns how many rows went.

    Daily counts and response times were added to HelpDailyCount as requests came and were
    acknowledged, so reports keep them. ``purge_transaction()`` makes the words really gone from
    the files (secure_delete and a WAL checkpoint).
    """
    cutoff = (now or utcnow()) - timedelta(days=int(get(RETENTION_DAYS.key)))
    removed = 0
    with purge_transaction() as session:
        for model in KINDS.values():
            removed += _rowcount(session.execute(delete(model).where(model.created_at < cutoff)))
    return removed


def open_count() -> int:
    """How many requests are waiting (for the staff home card)."""
    return sum(
        db.session.scalar(
            select(func.count()).select_from(model).where(model.resolved_at.is_(None))
        )
        or 0
        for model in KINDS.values()
    )
