"""Visitor codes, the kiosk's one-time form tokens, and enrolled kiosks.

No function here sees ``request``; the server key and times are passed in.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
import unicodedata
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from itsdangerous import BadSignature, TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import delete, func, select, update

from .. import clock
from ..db import purge_transaction, write_transaction
from ..extensions import db
from ..sessions import services as sessions
from .models import CodeAttempt, KioskDevice, VisitorCode

# Calm, curated word lists, one per kiosk language (words/SOURCES.md, tools/build_wordlists.py).
WORD_LISTS = {
    "en": Path(__file__).with_name("words") / "en.txt",
    "es": Path(__file__).with_name("words") / "es.txt",
}
CODE_WORDS = 3  # 3 words of at least 1,296: at least 31 bits (docs/SIGNIN.md)
CODE_RETENTION = timedelta(days=365)  # PRODUCT §6: forgotten after 12 months unused
# Wrong-code limits (the arithmetic is in docs/signin.md). Each guesser pays for its own guesses:
# every enrolled kiosk and every unenrolled browser (by a random cookie) has its own count. The
# first MAX_WRONG_CODES wrong codes in a day cost nothing; after that each wrong code pauses code
# entry *for that guesser only* for a while that doubles, from FIRST_PAUSE up to LONGEST_PAUSE.
MAX_WRONG_CODES = 5
WRONG_CODE_WINDOW = timedelta(days=1)
FIRST_PAUSE = timedelta(seconds=30)
LONGEST_PAUSE = timedelta(minutes=15)
# A guesser can drop its browser cookie and start a fresh count, so all unenrolled browsers
# together also have a ceiling: past it, code entry pauses for unenrolled browsers (never for an
# enrolled kiosk) until the hour's count falls again.
UNENROLLED_CEILING = 60
UNENROLLED_CEILING_WINDOW = timedelta(hours=1)
BROWSER_KEY_PREFIX = "browser-"
# Every code check takes at least this long, right or wrong, so timing tells nothing.
CODE_CHECK_SECONDS = 0.25
# A kiosk form is good for this long after the session was chosen.
FORM_TOKEN_MAX_AGE = 4 * 3600
UNENROLLED = "unenrolled"


class SignInError(Exception):
    """Base for this area's named errors."""


class TooManyTries(SignInError):
    """This kiosk typed too many wrong codes recently."""


class BadFormToken(SignInError):
    """The kiosk form's token is forged, for another session, or too old."""


def fold(text: str) -> str:
    """Lower case without accents: "Ábaco" and "abaco" are the same word to a code.

    A Spanish code typed on an English keyboard (or the other way round) must still match.
    """
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=4)
def words(language: str = "en") -> tuple[str, ...]:
    """The shipped word list for a kiosk language (English for any other)."""
    path = WORD_LISTS.get(language, WORD_LISTS["en"])
    return tuple(w for w in path.read_text(encoding="utf-8").split() if w)


@lru_cache(maxsize=4)
def code_key(secret_key: str) -> bytes:
    """The HMAC key for visitor codes, derived from the app's secret key.

    A separate derived key means a code hash is useless without the secret key file, which
    never leaves the server's data folder. Derived once per secret key (issue 14: every code
    drawn or checked derived it again); the cache holds only what the app's config holds.
    """
    return hmac.new(secret_key.encode(), b"porchlight visitor codes v1", hashlib.sha256).digest()


def normalize_code(text: str) -> str:
    """Lower-case words without accents joined by single dashes, whatever separators were typed.

    This is what the HMAC is taken of, so a code is one code in every language: the words
    were drawn from the list of the language the kiosk showed, but "árbol-nube-sol" and
    "ARBOL nube sol" hash the same, on the English kiosk or the Spanish one. Codes drawn from
    the earlier (ASCII) list hash exactly as before.
    """
    cleaned = "".join(ch if ch.isalpha() else " " for ch in fold(text))
    return "-".join(cleaned.split())


def hash_code(code: str, key: bytes) -> str:
    """The HMAC-SHA256 of a normalized code."""
    return hmac.new(key, normalize_code(code).encode(), hashlib.sha256).hexdigest()


def generate_code(language: str = "en") -> str:
    """A fresh code of random words, drawn with ``secrets`` (never ``random``)."""
    vocabulary = words(language)
    return "-".join(secrets.choice(vocabulary) for _ in range(CODE_WORDS))


def _day(moment: datetime) -> datetime:
    # Codes keep dates only: "unused for 12 months" needs no more, and it says less (P5).
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)


def create_code(key: bytes, now: datetime | None = None, language: str = "en") -> tuple[str, str]:
    """Make and store a new code in the kiosk's language; returns (the words, to show once;
    their hash)."""
    moment = _day(now or clock.utcnow())
    for _attempt in range(5):
        code = generate_code(language)
        digest = hash_code(code, key)
        with write_transaction() as session:
            if session.get(VisitorCode, digest) is None:
                session.add(VisitorCode(code_hash=digest, created_on=moment, last_used_on=moment))
                return code, digest
    raise SignInError("could not draw an unused code")  # 5 collisions in 2^31: never in practice


def browser_key(cookie_token: str) -> str:
    """The limiter key of an unenrolled browser: a short hash of its random limiter cookie.

    Privacy: the cookie is random, says nothing about the person, and only its hash is kept,
    with the wrong-code times, for a day.
    """
    return BROWSER_KEY_PREFIX + hashlib.sha256(cookie_token.encode()).hexdigest()[:16]


def pause_after(wrong_codes: int) -> timedelta:
    """How long code entry pauses after a guesser's ``wrong_codes``-th wrong code of the day."""
    if wrong_codes < MAX_WRONG_CODES:
        return timedelta(0)
    doublings = min(wrong_codes - MAX_WRONG_CODES, 20)
    return min(FIRST_PAUSE * 2**doublings, LONGEST_PAUSE)


def _paused(kiosk_key: str, moment: datetime) -> bool:
    wrong, last = db.session.execute(
        select(func.count(), func.max(CodeAttempt.at)).where(
            CodeAttempt.kiosk_key == kiosk_key, CodeAttempt.at > moment - WRONG_CODE_WINDOW
        )
    ).one()
    if last is not None and moment < last + pause_after(int(wrong)):
        return True
    if kiosk_key.startswith(BROWSER_KEY_PREFIX) or kiosk_key == UNENROLLED:
        unenrolled = db.session.scalar(
            select(func.count()).where(
                (CodeAttempt.kiosk_key.startswith(BROWSER_KEY_PREFIX))
                | (CodeAttempt.kiosk_key == UNENROLLED),
                CodeAttempt.at > moment - UNENROLLED_CEILING_WINDOW,
            )
        )
        return int(unenrolled or 0) >= UNENROLLED_CEILING
    return False


def check_code(
    code: str,
    key: bytes,
    kiosk_key: str,
    now: datetime | None = None,
    min_seconds: float = CODE_CHECK_SECONDS,
) -> str | None:
    """The hash of a known code (marking it used), or None; raises TooManyTries.

    ``kiosk_key`` is the guesser: ``kiosk-<id>`` for an enrolled kiosk, ``browser_key(...)``
    for an unenrolled browser. A pause only ever stops the guesser that caused it.

    Right and wrong codes do the same work and are padded to the same duration.
    """
    started = time.monotonic()
    moment = now or clock.utcnow()
    try:
        if _paused(kiosk_key, moment):
            raise TooManyTries(kiosk_key)
        digest = hash_code(code, key)
        with write_transaction() as session:
            found = session.execute(
                update(VisitorCode)
                .where(VisitorCode.code_hash == digest)
                .values(last_used_on=_day(moment))
            ).rowcount  # type: ignore[attr-defined]
            if not found:
                session.add(CodeAttempt(kiosk_key=kiosk_key, at=moment))
        return digest if found else None
    finally:
        remaining = min_seconds - (time.monotonic() - started)
        if remaining > 0:
            time.sleep(remaining)


def purge_codes(now: datetime | None = None) -> int:
    """Forget codes unused for 12 months, and old wrong-code records; returns codes forgotten."""
    moment = now or clock.utcnow()
    with purge_transaction() as session:  # purges really delete (P6)
        forgotten = session.execute(
            delete(VisitorCode).where(VisitorCode.last_used_on < moment - CODE_RETENTION)
        ).rowcount  # type: ignore[attr-defined]
        session.execute(delete(CodeAttempt).where(CodeAttempt.at < moment - timedelta(days=1)))
    return int(forgotten or 0)


def start_tile(now: datetime | None = None) -> dict[str, Any]:
    """What the kiosk start page's sign-in tile shows: open sessions, or when the next one opens.

    Privacy: sessions only, never who signed in or how many.
    """
    moment = now or clock.utcnow()
    open_now = sessions.open_sessions(moment)
    return {"open": open_now, "next": None if open_now else sessions.next_session(moment)}


# ---- one-time form tokens ----------------------------------------------------------------


class _ClockSigner(TimestampSigner):
    """Timestamps from the app's clock, so token ages follow ``clock`` like everything else."""

    def get_timestamp(self) -> int:
        return int(clock.utcnow().replace(tzinfo=UTC).timestamp())


class _ClockSerializer(URLSafeTimedSerializer):
    default_signer = _ClockSigner


def _serializer(secret_key: str) -> URLSafeTimedSerializer:
    return _ClockSerializer(secret_key, salt="porchlight kiosk sign-in form")


def issue_form_token(secret_key: str, session_id: str) -> str:
    """A signed one-time token for one sign-in to one session (carried in a hidden field)."""
    return _serializer(secret_key).dumps({"n": secrets.token_urlsafe(24), "s": session_id})


def read_form_token(secret_key: str, token: str, session_id: str) -> str:
    """The token's random part (what the database keeps unique); raises BadFormToken."""
    try:
        data = _serializer(secret_key).loads(token, max_age=FORM_TOKEN_MAX_AGE)
    except BadSignature as exc:
        raise BadFormToken from exc
    if (
        not isinstance(data, dict)
        or data.get("s") != session_id
        or not isinstance(data.get("n"), str)
    ):
        raise BadFormToken
    return str(data["n"])


def sign_code_ref(secret_key: str, digest: str) -> str:
    """A signed reference to a checked code, so later steps can trust it without the words."""
    return _ClockSerializer(secret_key, salt="porchlight code ref").dumps(digest)


def read_code_ref(secret_key: str, ref: str) -> str | None:
    """The code hash behind a reference, or None if it is missing, forged or old."""
    if not ref:
        return None
    try:
        value = _ClockSerializer(secret_key, salt="porchlight code ref").loads(
            ref, max_age=FORM_TOKEN_MAX_AGE
        )
    except BadSignature:
        return None
    return value if isinstance(value, str) else None


# ---- enrolled kiosks ---------------------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def enroll_kiosk(name: str, by: str) -> tuple[KioskDevice, str]:
    """Register a kiosk; returns it and the cookie token (shown to nobody, stored hashed)."""
    clean = " ".join(name.split())[:60]
    if not clean:
        raise SignInError("name")
    token = secrets.token_urlsafe(32)
    with write_transaction() as session:
        device = KioskDevice(name=clean, token_hash=_token_hash(token), enrolled_by=by)
        session.add(device)
    return device, token


def kiosk_for_token(token: str | None) -> KioskDevice | None:
    """The active kiosk a cookie token belongs to, if any."""
    if not token or len(token) > 200:
        return None
    device = db.session.scalar(
        select(KioskDevice).where(KioskDevice.token_hash == _token_hash(token))
    )
    if device is None or device.revoked_at is not None:
        return None
    return device


def touch_kiosk(device_id: int, now: datetime | None = None) -> None:
    """Note that a kiosk was seen (at most once a minute is enough for the list)."""
    moment = now or clock.utcnow()
    with write_transaction() as session:
        session.execute(
            update(KioskDevice).where(KioskDevice.id == device_id).values(last_seen_at=moment)
        )


def revoke_kiosk(device_id: int) -> bool:
    """Stop a kiosk being one; returns False if it was unknown or revoked already."""
    with write_transaction() as session:
        result = session.execute(
            update(KioskDevice)
            .where(KioskDevice.id == device_id, KioskDevice.revoked_at.is_(None))
            .values(revoked_at=clock.utcnow())
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]


def list_kiosks() -> list[KioskDevice]:
    """Every kiosk, newest first."""
    return list(
        db.session.scalars(
            select(KioskDevice).order_by(KioskDevice.enrolled_at.desc(), KioskDevice.id.desc())
        )
    )
