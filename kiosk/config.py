"""Typed settings, read once from ``KIOSK_*`` environment variables."""

from __future__ import annotations

import os
import secrets
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale

SECRET_KEY_FILE = "secret_key"  # noqa: S105  (a file name, not a secret)


class ConfigError(ValueError):
    """A setting has a value the app cannot use."""


def _int(name: str, default: int, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}") from exc
    if value < minimum:
        raise ConfigError(f"{name} must be at least {minimum}")
    return value


@dataclass(frozen=True)
class Settings:
    """Everything the app can be told from outside; frozen so nothing changes it mid-run."""

    # All interfaces by default: the tablets reach this machine over the local network.
    host: str = "0.0.0.0"  # noqa: S104
    port: int = 8080
    data_dir: Path = Path("instance")
    database_url: str = ""
    threads: int = 8
    # waitress: most open connections, and seconds before an idle one is closed (issue 9: the
    # defaults, 100 and 120 s, let 99 half-open sockets lock every tablet out). A center has a
    # few tablets and laptops on its LAN; 1000 connections cost little, and 30 s of silence is
    # far longer than any kiosk request takes.
    connection_limit: int = 1000
    channel_timeout: int = 30
    # How long a SQLite writer waits for another's lock before the request answers 503.
    busy_timeout_ms: int = 10000
    # Center details shown on printed sheets and used for "open now".
    center_name: str = "Porchlight"
    timezone: str = "America/New_York"
    country: str = "US"
    default_locale: str = "en"
    # Kiosk hygiene: seconds of no touch before the "Still there?" prompt plus its countdown.
    idle_reset_seconds: int = 90
    idle_prompt_seconds: int = 15
    # The plan for hard moments takes thought and typing: its screens wait longer, and their
    # "Still there?" prompt counts down for a minute with a "More time" button.
    plan_idle_seconds: int = 300
    # Staff sessions.
    staff_idle_minutes: int = 30
    staff_absolute_hours: int = 12
    # Largest request body accepted, in bytes (file imports get their own, larger limit).
    max_request_bytes: int = 1_000_000
    max_upload_bytes: int = 20_000_000
    # Backups: the folder (default DATA_DIR/backups; e.g. a mounted USB drive) and whether the
    # server process runs its own scheduled jobs (purge, backup). Only wsgi.py starts them.
    backup_dir: Path | None = None
    # Where static files are copied under their hashed names (default DATA_DIR/static-cache;
    # kiosk/assets.py). The test suite points every app at one folder.
    static_cache_dir: Path | None = None
    scheduler: bool = True
    testing: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_env(cls) -> Settings:
        """Build settings from the environment, with the embedded defaults."""
        data_dir = Path(os.environ.get("KIOSK_DATA_DIR") or "instance")
        return cls(
            host=os.environ.get("KIOSK_HOST") or "0.0.0.0",  # noqa: S104  (see the field)
            port=_int("KIOSK_PORT", 8080, 1),
            data_dir=data_dir,
            database_url=os.environ.get("KIOSK_DATABASE_URL") or "",
            threads=_int("KIOSK_THREADS", 8, 1),
            connection_limit=_int("KIOSK_CONNECTION_LIMIT", 1000, 10),
            channel_timeout=_int("KIOSK_CHANNEL_TIMEOUT", 30, 5),
            busy_timeout_ms=_int("KIOSK_BUSY_TIMEOUT_MS", 10000, 100),
            center_name=os.environ.get("KIOSK_CENTER_NAME") or "Porchlight",
            timezone=os.environ.get("KIOSK_TIMEZONE") or "America/New_York",
            country=(os.environ.get("KIOSK_COUNTRY") or "US").upper(),
            default_locale=os.environ.get("KIOSK_LOCALE") or "en",
            idle_reset_seconds=_int("KIOSK_IDLE_RESET_SECONDS", 90, 20),
            plan_idle_seconds=_int("KIOSK_PLAN_IDLE_SECONDS", 300, 90),
            backup_dir=Path(os.environ["KIOSK_BACKUP_DIR"])
            if os.environ.get("KIOSK_BACKUP_DIR")
            else None,
            static_cache_dir=Path(os.environ["KIOSK_STATIC_CACHE_DIR"])
            if os.environ.get("KIOSK_STATIC_CACHE_DIR")
            else None,
            scheduler=(os.environ.get("KIOSK_SCHEDULER") or "on").lower() not in {"off", "0", "no"},
        )

    def check(self) -> None:
        """Refuse settings the app cannot run with, in one line that says how to fix it."""
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ConfigError(
                f"KIOSK_TIMEZONE={self.timezone!r} is not a time zone name; "
                "use one like America/New_York"
            ) from exc
        if self.country not in Locale("en").territories or not self.country.isalpha():
            raise ConfigError(
                f"KIOSK_COUNTRY={self.country!r} is not a two-letter country code; use one like US"
            )
        if self.default_locale not in ("en", "es"):
            raise ConfigError(f"KIOSK_LOCALE={self.default_locale!r} is not offered; use en or es")
        self.check_data_dir()

    def check_data_dir(self) -> None:
        """The data directory must exist (or be creatable) and take a write."""
        where = self.data_dir.resolve()
        try:
            where.mkdir(parents=True, exist_ok=True)
            # A probe with a name of its own: two servers starting on one data dir at once
            # shared ".write-check", and one's unlink failed on the other's (a false "cannot be
            # written" that stopped start-up).
            with tempfile.NamedTemporaryFile(dir=where, prefix=".write-check-") as probe:
                probe.write(b"ok")
                probe.flush()
        except OSError as exc:
            raise ConfigError(
                f"KIOSK_DATA_DIR={str(where)!r} cannot be written ({exc.strerror}); "
                "give the user running Porchlight write access to it, or point KIOSK_DATA_DIR "
                "at a folder it can write"
            ) from exc

    def with_overrides(self, **changes: Any) -> Settings:
        """Return a copy with some fields changed (tests use this)."""
        return replace(self, **changes)

    def resolved_database_url(self) -> str:
        """The SQLAlchemy URL: the configured one, or a SQLite file in the data dir."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'porchlight.db').resolve()}"

    def backups_folder(self) -> Path:
        """Where backups go: KIOSK_BACKUP_DIR, or ``backups`` in the data dir."""
        return self.backup_dir if self.backup_dir is not None else self.data_dir / "backups"

    def load_secret_key(self) -> str:
        """Read the secret key file, creating it (mode 0600) on first start."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        path = self.data_dir / SECRET_KEY_FILE
        try:
            # O_EXCL: two processes starting at once must not both write a key.
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return path.read_text(encoding="ascii").strip()
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(secrets.token_hex(32))
        return path.read_text(encoding="ascii").strip()
