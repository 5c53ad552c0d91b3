"""Words other areas borrow from this one (kept here so they live in this area's catalog)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

PEER_ROLE_LABEL = _l("Peer supporter")
