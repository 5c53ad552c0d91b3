"""Help endpoints: kiosk pages for everyone, alerts for staff, crisis lines for admins."""

from __future__ import annotations

from typing import Any

from kiosk.help import services

from . import LOGIN, Case, admin_only, public, staff_only

ROUTES = {
    "help.now": [public("GET", "/help")],
    "help.quiet_word": [
        public("GET", "/quiet-word"),
        # No one-time token in the matrix's POST: the screen asks again.
        public("POST", "/quiet-word", 400, data=(("when", "now"),)),
    ],
    "help.plan": [public("GET", "/plan")],
    "help.plan_step": [public("POST", "/plan/step", data=(("step", "1"), ("go", "next")))],
    "help_staff.dashboard": [staff_only("GET", "/staff/help/")],
    "help_staff.alerts": [staff_only("GET", "/staff/help/alerts")],
    "help_staff.acknowledge": [
        staff_only("POST", "/staff/help/alerts/quiet/{quiet_id}/acknowledge", 303),
        staff_only("POST", "/staff/help/alerts/bogus/1/acknowledge", 404),
    ],
    "help_staff.resolve": [
        staff_only("GET", "/staff/help/alerts/quiet/{quiet_id}/resolve"),
        staff_only("GET", "/staff/help/alerts/quiet/999999/resolve", 404),
        staff_only(
            "POST",
            "/staff/help/alerts/professional/{flag_id}/resolve",
            (303, 404),
            data=(("outcome", "spoke_privately"),),
        ),
    ],
    "help_staff.professional": [
        staff_only("GET", "/staff/help/professional"),
        staff_only(
            "POST",
            "/staff/help/professional",
            303,
            data=(("room", "2"), ("help_type", "clinician")),
        ),
    ],
    "help_staff.lines": [
        admin_only("GET", "/staff/help/lines"),
        admin_only("GET", "/staff/help/lines?country=GB"),
        Case("GET", "/staff/help/lines?country=XX", anonymous=LOGIN, facilitator=403, admin=404),
    ],
    "help_staff.line_new": [
        admin_only("GET", "/staff/help/lines/new"),
        admin_only("POST", "/staff/help/lines/new", 400),
    ],
    "help_staff.line_edit": [
        admin_only("GET", "/staff/help/lines/{line_id}"),
        admin_only("POST", "/staff/help/lines/{line_id}", 400, data=(("name", ""),)),
        Case("GET", "/staff/help/lines/999999", anonymous=LOGIN, facilitator=403, admin=404),
    ],
    "help_staff.line_verify": [admin_only("POST", "/staff/help/lines/{line_id}/verify", 303)],
    "help_staff.line_delete": [
        admin_only("GET", "/staff/help/lines/{spare_line_id}/delete"),
        # The emergency number is refused: back to the list with a message.
        admin_only("GET", "/staff/help/lines/{line_id}/delete", 303),
        admin_only("POST", "/staff/help/lines/{line_id}/delete", 303),
        admin_only("POST", "/staff/help/lines/{spare_line_id}/delete", (303, 404)),
    ],
}


def setup(_app: Any) -> dict[str, Any]:
    """A quiet word, a professional-help flag and two crisis lines to act on."""
    from sqlalchemy import select

    from kiosk.extensions import db
    from kiosk.help.models import QuietWordRequest

    services.send_quiet_word("now", "")
    quiet_id = db.session.scalars(select(QuietWordRequest.id)).first()
    flag_id = services.raise_professional_help("1", "other", "setup")
    lines = services.lines_for("US")
    spare = services.save_line(
        {**{key: getattr(lines[-1], key) for key in services.LINE_FIELDS}, "name": "Spare line"}
    )
    return {
        "quiet_id": quiet_id,
        "flag_id": flag_id,
        "line_id": lines[0].id,
        "spare_line_id": spare,
    }
