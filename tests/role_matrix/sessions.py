"""Sessions, the kiosk sign-in flow and enrolled kiosks."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from kiosk import clock
from kiosk.sessions import services
from kiosk.signin import services as signin_services

from . import LOGIN, Case, admin_only, public, staff_only

ROUTES = {
    "sessions.index": [staff_only("GET", "/staff/sessions"), staff_only("GET", "/staff/sessions/")],
    "sessions.new": [
        staff_only("GET", "/staff/sessions/new"),
        staff_only("POST", "/staff/sessions/new", 400, data=(("title", ""),)),
    ],
    "sessions.edit": [
        staff_only("GET", "/staff/sessions/{session}/edit"),
        staff_only("POST", "/staff/sessions/{session}/edit", 400),
    ],
    "sessions.cancel": [
        staff_only("POST", "/staff/sessions/{spare_session}/cancel", 303, data=(("scope", "one"),))
    ],
    "sessions.console": [
        staff_only("GET", "/staff/sessions/{session}"),
        staff_only("GET", "/staff/sessions/does-not-exist", 404),
    ],
    "sessions.roster": [staff_only("GET", "/staff/sessions/{session}/roster")],
    "sessions.walk_in": [
        staff_only(
            "POST",
            "/staff/sessions/{session}/walk-in",
            303,
            data=(("name", "Matrix"), ("visit", "first")),
        )
    ],
    "sessions.tally": [
        staff_only("POST", "/staff/sessions/{session}/tally", 303, data=(("count", "2"),))
    ],
    "sessions.remove": [
        staff_only("GET", "/staff/sessions/{session}/entries/{entry}/remove"),
        staff_only("POST", "/staff/sessions/{session}/entries/{entry}/remove", 303),
    ],
    "sessions.notes": [
        staff_only(
            "POST",
            "/staff/sessions/{session}/notes",
            303,
            data=(
                ("themes", "sleep"),
                ("follow_ups", "0"),
                ("incidents", "0"),
                ("incident_outcome", "none"),
            ),
        )
    ],
    "sessions.sheet": [staff_only("GET", "/staff/sessions/{session}/sheet")],
    "sessions.blank_sheet": [staff_only("GET", "/staff/sessions/blank-sheet")],
    # (200,): a stylesheet, not an HTML page (see attendance_csv below).
    "sessions.sheet_css": [
        staff_only("GET", "/staff/sessions/{session}/sheet.css", (200,)),
        staff_only("GET", "/staff/sessions/blank/sheet.css", (200,)),
        staff_only("GET", "/staff/sessions/nope/sheet.css", 404),
    ],
    # (200,) rather than 200: a CSV download, so tests/browser/test_every_page.py (which opens
    # every GET that answers exactly 200 as an HTML page) leaves it out.
    "sessions.attendance_csv": [
        staff_only("GET", "/staff/sessions/{session}/attendance.csv", (200,))
    ],
    "signin.step": [
        public("GET", "/signin/step", 303),
        # No such session: the kiosk starts over (the flow has its own tests).
        public("POST", "/signin/step", 303, data=(("session_id", "nope"), ("go", "start"))),
    ],
    "signin.leave": [
        public("GET", "/signin/kiosk-mode"),
        public("POST", "/signin/kiosk-mode", 303),
    ],
    "kiosks.index": [
        admin_only("GET", "/staff/kiosks"),
        admin_only("POST", "/staff/kiosks", 400, data=(("name", ""),)),
    ],
    "kiosks.revoke": [
        admin_only("GET", "/staff/kiosks/{kiosk}/revoke"),
        Case("GET", "/staff/kiosks/999999/revoke", anonymous=LOGIN, facilitator=403, admin=404),
        admin_only("POST", "/staff/kiosks/{kiosk}/revoke", 303),
        Case("POST", "/staff/kiosks/999999/revoke", anonymous=LOGIN, facilitator=403, admin=303),
    ],
}


def setup(_app: Any) -> dict[str, Any]:
    """A session open for sign-in now with one entry, a spare session, and a kiosk."""
    now = clock.to_local(clock.utcnow(), "America/New_York").replace(tzinfo=None)
    details = services.SessionDetails(
        title="Matrix circle",
        starts_local=now,
        ends_local=now + timedelta(hours=1),
        agreement="We listen.",
    )
    group = services.create_sessions(details, "America/New_York")[0]
    spare = services.create_sessions(details, "America/New_York")[0]
    entry = services.record_signin(group.id, form_token=None, name="Matrix entry")
    device, _token = signin_services.enroll_kiosk("Matrix tablet", "setup")
    return {"session": group.id, "spare_session": spare.id, "entry": entry.id, "kiosk": device.id}
