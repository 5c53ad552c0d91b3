"""Staff account rules: passwords, login throttling, revocable sessions, first-run setup."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import Select, bindparam, delete, func, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from ..clock import utcnow
from ..db import purge_transaction, write_transaction
from ..extensions import db
from .models import LoginEvent, LoginFailure, Role, SetupToken, StaffIdentity, StaffSession, User

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024
FAILURES_PER_MINUTE = 5
THROTTLE_WINDOW = timedelta(minutes=1)
SETUP_TOKEN_LIFETIME = timedelta(hours=24)
# Writing last_active_at on every click would make every staff request a write; a minute's
# precision is plenty for a 30-minute idle timeout.
ACTIVITY_WRITE_INTERVAL = timedelta(seconds=60)
USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
# werkzeug's scrypt at its default cost (N=2**15, r=8, p=1). Only the test suite asks for less
# (config PASSWORD_HASH_METHOD, set when Settings.testing): staff fixtures spent 2-3 s hashing.
PASSWORD_HASH_METHOD = "scrypt:32768:8:1"  # noqa: S105  (a cost, not a secret)


@cache
def _dummy_hash(method: str) -> str:
    """Verifying against this when the name is unknown keeps the reply time the same either way.

    Made on first use at the configured cost (one scrypt took a third of a second of every
    start when it was made at import).
    """
    return generate_password_hash("not a real password, only for timing", method=method)


def hash_password(password: str) -> str:
    """A salted scrypt hash of a staff password, at the configured cost."""
    method = current_app.config.get("PASSWORD_HASH_METHOD", PASSWORD_HASH_METHOD)
    return generate_password_hash(password, method=method)


class AuthError(Exception):
    """Base for account errors; the message is safe to show to staff."""


class PasswordRejected(AuthError):
    """The new password breaks a rule."""


class InvalidUsername(AuthError):
    """The username is not of the allowed shape."""


class UserExists(AuthError):
    """An account with that name exists already."""


class UnknownUser(AuthError):
    """No such account."""


class LoginFailed(AuthError):
    """Wrong name or password (deliberately not saying which)."""


class LoginThrottled(AuthError):
    """Too many failures for this account in the last minute."""


class SetupTokenInvalid(AuthError):
    """The setup link is unknown, used, or expired."""


class LastAdmin(AuthError):
    """The change would leave no active admin."""


def hash_token(token: str) -> str:
    """SHA-256 of a random token; tokens are stored only this way."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords, loaded once."""
    path = Path(__file__).with_name("common_passwords.txt")
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line and not line.startswith("#"))


def normalize_username(username: str) -> str:
    """Usernames compare case-insensitively."""
    return username.strip().lower()


def check_password_rules(password: str, username: str = "") -> None:
    """Raise PasswordRejected unless the password is long enough and not common."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise PasswordRejected("short")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise PasswordRejected("long")
    lowered = password.lower()
    if lowered in common_passwords() or len(set(password)) < 3:
        raise PasswordRejected("common")
    if username and normalize_username(username) in lowered:
        raise PasswordRejected("username")


def _check_username(username: str) -> str:
    name = normalize_username(username)
    if not USERNAME_RE.match(name):
        raise InvalidUsername(name)
    return name


def create_user(username: str, role: Role | str, password: str) -> User:
    """Create a staff account; raises InvalidUsername, UserExists or PasswordRejected."""
    name = _check_username(username)
    role = Role(role)
    check_password_rules(password, name)
    with write_transaction() as session:
        if session.scalar(select(User.id).where(User.username == name)) is not None:
            raise UserExists(name)
        user = User(username=name, role=role.value, password_hash=hash_password(password))
        session.add(user)
    return user


def admin_exists() -> bool:
    """True when at least one active admin account exists."""
    query = select(User.id).where(User.role == Role.ADMIN.value, User.active.is_(True)).limit(1)
    return db.session.scalar(query) is not None


# Staff log-ins are kept this long for the admins' audit list (issue 9), then purged.
LOGIN_EVENT_RETENTION = timedelta(days=365)


def _audit(username: str, outcome: str) -> None:
    # Username, outcome and time only: never the client's address or browser (P1).
    with write_transaction() as session:
        session.add(LoginEvent(username=username, outcome=outcome, at=utcnow()))


def authenticate(username: str, password: str) -> User:
    """Check a login and record it for the audit list; raises LoginThrottled or LoginFailed."""
    name = normalize_username(username)[:64]
    try:
        user = _check_login(username, password)
    except LoginThrottled:
        _audit(name, "throttled")
        raise
    except LoginFailed:
        _audit(name, "failure")
        raise
    _audit(name, "success")
    return user


def login_events(limit: int = 500) -> list[LoginEvent]:
    """The latest staff log-in attempts, newest first (admins only)."""
    return list(db.session.scalars(select(LoginEvent).order_by(LoginEvent.at.desc()).limit(limit)))


def purge_login_events(now: datetime | None = None) -> int:
    """Forget log-in records older than 12 months; returns how many went."""
    cutoff = (now or utcnow()) - LOGIN_EVENT_RETENTION
    with purge_transaction() as session:  # purges really delete (P6)
        result = session.execute(delete(LoginEvent).where(LoginEvent.at < cutoff))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def _check_login(username: str, password: str) -> User:
    """Check a login; raises LoginThrottled or LoginFailed.

    Throttling is per account name: failures against one name never slow down another.
    """
    name = normalize_username(username)[:64]
    now = utcnow()
    with write_transaction() as session:
        session.execute(delete(LoginFailure).where(LoginFailure.failed_at < now - THROTTLE_WINDOW))
        recent = session.scalar(
            select(func.count()).select_from(LoginFailure).where(LoginFailure.username == name)
        )
        if (recent or 0) >= FAILURES_PER_MINUTE:
            raise LoginThrottled(name)
        user = session.scalar(select(User).where(User.username == name))
        method = current_app.config.get("PASSWORD_HASH_METHOD", PASSWORD_HASH_METHOD)
        stored = user.password_hash if user is not None else _dummy_hash(method)
        ok = check_password_hash(stored, password[:MAX_PASSWORD_LENGTH])
        if user is None or not ok or not user.active:
            session.add(LoginFailure(username=name, failed_at=now))
            # Commit the failure, then report it; the context manager commits on exit.
            failed = True
        else:
            failed = False
    if failed or user is None:
        raise LoginFailed(name)
    return user


def start_session(user: User) -> str:
    """Open a new server-side session for a user; returns the token for the cookie."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    with write_transaction() as session:
        session.add(
            StaffSession(
                token_hash=hash_token(token), user_id=user.id, created_at=now, last_active_at=now
            )
        )
    return token


@dataclass(frozen=True)
class StaffMember(StaffIdentity):
    """The logged-in account as a request sees it (Flask-Login's ``current_user``).

    A value read with the staff session in one query, not an ORM ``User``: every staff page
    and request loads it, and loading an ORM object (identity map, instance state) was a
    quarter of a blank staff page (issue 14). Pages use only these fields; anything that
    changes an account reads the ``User`` row itself.
    """

    id: int
    username: str
    role: str

    # Flask-Login's protocol: only a live session of an active account is ever made into one.
    is_active = True
    is_authenticated = True
    is_anonymous = False


def load_session(
    user_id: str,
    token: str | None,
    *,
    idle: timedelta,
    absolute: timedelta,
    counts_as_activity: bool,
) -> StaffMember | None:
    """Return the account behind a cookie, or None when the session is gone, idle or too old."""
    if not token or not user_id.isdigit():
        return None
    # The account comes in the same query: every staff request (a poll included) pays one.
    token_hash = hash_token(token)
    row = db.session.connection().execute(_LOAD_SESSION, {"token_hash": token_hash}).one_or_none()
    if row is None or row.user_id != int(user_id):
        return None
    now = utcnow()
    if not row.active or now - row.last_active_at > idle or now - row.created_at > absolute:
        end_session(token)
        return None
    if counts_as_activity and now - row.last_active_at > ACTIVITY_WRITE_INTERVAL:
        with write_transaction() as session:
            session.execute(
                update(StaffSession)
                .where(StaffSession.token_hash == token_hash)
                .values(last_active_at=now)
            )
    return StaffMember(row.user_id, row.username, row.role)


def staff_session_select(*columns: Any) -> Select[Any]:
    """One staff session's validity columns (and ``columns``), by ``:token_hash``; no ORM.

    For background polls that answer "nothing changed" without loading the account: the
    caller adds what it needs in the same query and checks the row with
    ``poll_session_valid``. Anything unusual (gone, idle, too old, disabled) is left to the
    full ``load_session`` path, which ends the session and sends the browser to log in.
    """
    return (
        select(
            StaffSession.user_id,
            StaffSession.created_at,
            StaffSession.last_active_at,
            User.active,
            User.role,
            *columns,
        )
        .join(User, User.id == StaffSession.user_id)
        .where(StaffSession.token_hash == bindparam("token_hash"))
    )


# What ``load_session`` reads, built once (every staff request runs it).
_LOAD_SESSION = staff_session_select(User.username)


def poll_session_valid(
    row: Any, user_id: str, *, idle: timedelta, absolute: timedelta, staff_only: bool
) -> bool:
    """True when a ``staff_session_select`` row is a live session of ``user_id``.

    The same rules as ``load_session`` (account active, not idle, not too old), read from the
    database on every call: a logout, a disabled account or a password reset (each deletes the
    session rows or clears ``active``) is seen by the very next poll, in any process. A poll is
    not activity, so nothing is written.
    """
    if row is None or not user_id.isdigit() or row.user_id != int(user_id) or not row.active:
        return False
    if staff_only and row.role == Role.PEER.value:
        return False
    now = utcnow()
    return now - row.last_active_at <= idle and now - row.created_at <= absolute


def end_session(token: str | None) -> None:
    """Forget one session (logout)."""
    if not token:
        return
    with write_transaction() as session:
        session.execute(delete(StaffSession).where(StaffSession.token_hash == hash_token(token)))


def end_all_sessions(user_id: int) -> None:
    """Log a user out everywhere (disable, password reset)."""
    with write_transaction() as session:
        session.execute(delete(StaffSession).where(StaffSession.user_id == user_id))


def _get_user(session: object, user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise UnknownUser(str(user_id))
    return user


def _other_active_admins(user_id: int) -> int:
    query = (
        select(func.count())
        .select_from(User)
        .where(User.role == Role.ADMIN.value, User.active.is_(True), User.id != user_id)
    )
    return db.session.scalar(query) or 0


def set_active(user_id: int, active: bool) -> User:
    """Enable or disable an account; disabling logs it out everywhere."""
    with write_transaction() as session:
        user = _get_user(session, user_id)
        if not active and user.is_admin and _other_active_admins(user_id) == 0:
            raise LastAdmin(user.username)
        user.active = active
        if not active:
            session.execute(delete(StaffSession).where(StaffSession.user_id == user_id))
    return user


def change_role(user_id: int, role: Role | str) -> User:
    """Give an account another role (never leaving the center without an admin)."""
    role = Role(role)
    with write_transaction() as session:
        user = _get_user(session, user_id)
        if user.is_admin and role != Role.ADMIN and _other_active_admins(user_id) == 0:
            raise LastAdmin(user.username)
        user.role = role.value
    return user


def reset_password(user_id: int, password: str) -> User:
    """Set a new password and log the account out everywhere."""
    with write_transaction() as session:
        user = _get_user(session, user_id)
        check_password_rules(password, user.username)
        user.password_hash = hash_password(password)
        user.password_changed_at = utcnow()
        session.execute(delete(StaffSession).where(StaffSession.user_id == user_id))
    return user


def list_users() -> list[User]:
    """All staff accounts, by name."""
    return list(db.session.scalars(select(User).order_by(User.username)))


def issue_setup_token(now: datetime | None = None) -> str:
    """Create a one-time setup token (24 h, single use); returns the token for the link."""
    now = now or utcnow()
    token = secrets.token_urlsafe(24)
    with write_transaction() as session:
        session.add(
            SetupToken(
                token_hash=hash_token(token), created_at=now, expires_at=now + SETUP_TOKEN_LIFETIME
            )
        )
    return token


def setup_token_valid(token: str) -> bool:
    """True when the token is known, unused and unexpired, and no admin exists yet."""
    row = db.session.get(SetupToken, hash_token(token))
    return (
        row is not None and row.used_at is None and row.expires_at > utcnow() and not admin_exists()
    )


def redeem_setup_token(token: str, username: str, password: str) -> User:
    """Create the first admin with a setup token, using it up."""
    name = _check_username(username)
    check_password_rules(password, name)
    digest = hash_token(token)
    now = utcnow()
    with write_transaction() as session:
        # The conditional update is the claim: of two simultaneous uses, only one matches.
        claimed = session.execute(  # type: ignore[attr-defined]
            update(SetupToken)
            .where(
                SetupToken.token_hash == digest,
                SetupToken.used_at.is_(None),
                SetupToken.expires_at > now,
            )
            .values(used_at=now)
        ).rowcount
        if not claimed or admin_exists():
            raise SetupTokenInvalid()
        if session.scalar(select(User.id).where(User.username == name)) is not None:
            raise UserExists(name)
        user = User(username=name, role=Role.ADMIN.value, password_hash=hash_password(password))
        session.add(user)
    return user
