"""Impact: the kiosk's optional questions and post-session question; reports and story review."""

from __future__ import annotations

from datetime import date
from typing import Any

from kiosk.db import write_transaction
from kiosk.reports.models import PostSessionAnswer

from . import admin_only, public, staff_only

ROUTES = {
    "checkin.measures": [
        public("GET", "/checkin/measures", 303),
        # No form token or code reference: the kiosk starts over.
        public("POST", "/checkin/measures", 303, data=(("go", "yes"),)),
    ],
    "checkin.after": [
        public("GET", "/checkin/after"),
        public("POST", "/checkin/after", 400, data=(("feeling", "a_lot"),)),
    ],
    "reports.index": [
        staff_only("GET", "/staff/reports"),
        staff_only("GET", "/staff/reports?period=quarter"),
    ],
    "reports.funder": [admin_only("GET", "/staff/reports/funder")],
    # (200,): a CSV download, not an HTML page for tests/browser/test_every_page.py.
    "reports.export_csv": [
        staff_only("GET", "/staff/reports/export.csv", (200,)),
        admin_only("GET", "/staff/reports/export.csv?funder=1", (200,)),
    ],
    "reports.stories": [staff_only("GET", "/staff/reports/stories")],
    "reports.review": [
        staff_only("POST", "/staff/reports/stories/{story}", 303, data=(("decision", "reject"),))
    ],
}


def setup(_app: Any) -> dict[str, Any]:
    """One story waiting for review."""
    with write_transaction() as session:
        row = PostSessionAnswer(
            answered_on=date(2026, 1, 5),
            feeling="a_lot",
            story="Matrix story",
            consent=True,
            review="pending",
        )
        session.add(row)
        session.flush()
        return {"story": row.id}
