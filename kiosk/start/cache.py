"""The start page's render cache: the most-requested page, rendered once and reused.

The shared "you're all set" screen uses it too (``kiosk/start/confirmation.py``): like the
start page, it shows nothing of one person, only what every kiosk shows at that moment.

What the start page shows depends only on the language, the center settings, the sessions and
the clock. So a rendering is kept under a key made of

- the language,
- every tracked data version (``kiosk/versions.py``: settings, sessions, and whatever table an
  area adds with ``versions.track``), so a save anywhere, by any process, renders afresh,
- the current minute, for tiles that depend on the clock (a session running, an hour after it),

and is dropped earlier when a tile says when it will change (``render_expires_at``; the sign-in
tile does this for the moment a window opens or closes).

**A new tile stays correct without touching this file** as long as it reads only settings,
tracked tables, the language and the clock. A tile that reads another table must either have
that table tracked (``versions.track("table")`` in its area, at import time) or call
``render_expires_at`` with the latest moment its rendering may be shown.

Privacy and safety: the cached HTML never holds anything of one person. Each caller's CSRF
token is rendered as a marker and put in on the way out, and a request carrying a flash
message (meant for that one browser) skips the cache altogether.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app, g, render_template, request, session
from flask_babel import get_locale
from flask_wtf.csrf import generate_csrf

from .. import clock, versions

_EXTENSION = "porchlight_start_cache"
_EXPIRY = "_kiosk_render_expires_at"
# Letters and digits only, so that no escaping anywhere in a template can change it.
CSRF_MARK = "csrfmark" + secrets.token_hex(16)
MAX_ENTRIES = 64  # templates x routes x languages x a minute or two
_SIGNED = "porchlight_signed_csrf"
MAX_SIGNED = 4096


@dataclass(frozen=True)
class _Entry:
    html: str
    valid_until: datetime


def render_expires_at(moment: datetime) -> None:
    """Called while rendering a cached page: the result must not be shown at or after ``moment``."""
    current = g.get(_EXPIRY)
    if current is not None and moment < current:
        setattr(g, _EXPIRY, moment)


def _csrf_mark() -> str:
    return CSRF_MARK


def cached_page(template: str, context: Callable[[], dict[str, Any]] | None = None) -> str:
    """``template`` rendered with the cache above, with this caller's CSRF token put in.

    ``context`` is called only when the page is rendered afresh (a miss), never on a hit.
    """
    if session.get("_flashes"):
        # A flash belongs to this browser only: render it fresh, never keep it.
        return render_template(template, **(context() if context else {}))
    now = clock.utcnow()
    minute = now.replace(second=0, microsecond=0)
    # The endpoint too: a header marks the page it is on (``aria-current``), and a page reached
    # by two routes (the shared confirmation) must not lend one route's marking to the other.
    key = (
        template,
        request.endpoint,
        str(get_locale()),
        tuple(sorted(versions.current().items())),
        minute,
    )
    entries: dict[tuple[object, ...], _Entry] = current_app.extensions.setdefault(_EXTENSION, {})
    entry = entries.get(key)
    if entry is None or now >= entry.valid_until:
        setattr(g, _EXPIRY, minute + timedelta(minutes=1))
        html = render_template(template, csrf_token=_csrf_mark, **(context() if context else {}))
        entry = _Entry(html, g.pop(_EXPIRY))
        if len(entries) >= MAX_ENTRIES:
            entries.clear()  # old minutes and versions: never asked for again
        entries[key] = entry
    return entry.html.replace(CSRF_MARK, caller_csrf_token())


def caller_csrf_token() -> str:
    """This caller's CSRF token, signed once per session secret rather than on every request.

    Flask-WTF signs the secret kept in the caller's session cookie anew on each request (an
    HMAC and a timestamp). Tokens here never expire (``WTF_CSRF_TIME_LIMIT = None``), so a
    signature made earlier for the same secret is exactly as valid; it is kept per app, keyed
    by that secret, and only this caller's own secret finds it: no caller can be handed
    another's token. With a time limit set, every request signs afresh as before.
    """
    if current_app.config.get("WTF_CSRF_TIME_LIMIT") is not None or "csrf_token" in g:
        return str(generate_csrf())
    secret = session.get("csrf_token")
    signed: dict[str, str] = current_app.extensions.setdefault(_SIGNED, {})
    token = signed.get(secret) if isinstance(secret, str) else None
    if token is None:
        token = str(generate_csrf())
        secret = session.get("csrf_token")
        if isinstance(secret, str):
            if len(signed) >= MAX_SIGNED:
                signed.clear()  # bounded: old secrets are simply signed again when seen
            signed[secret] = token
    else:
        g.csrf_token = token  # what generate_csrf would have set, for anything later on
    return token
