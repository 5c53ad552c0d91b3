"""Resource directory endpoints: the kiosk lookup is public, upkeep is staff, interchange admin."""

from __future__ import annotations

from typing import Any

from . import LOGIN, Case, admin_only, public, staff_only

# (200,) instead of 200: the same status, but a picture or a download rather than an HTML page,
# so tests/browser/test_every_page.py does not open it for axe.
NOT_A_PAGE = (200,)
UNKNOWN = "00000000-0000-4000-8000-000000000000"

ROUTES = {
    "resources.index": [public("GET", "/resources")],
    "resources.search": [
        public("POST", "/resources/search", data=(("q", "therap"),)),
        public("POST", "/resources/search", data=(("browse", "food-pantry"),)),
    ],
    "resources.detail": [
        public("GET", "/resources/{service}"),
        public("GET", f"/resources/{UNKNOWN}", 404),
        public("GET", "/resources/{archived_service}", 404),
    ],
    "resources.slip": [
        public("GET", "/resources/{service}/slip"),
        public("GET", f"/resources/{UNKNOWN}/slip", 404),
    ],
    "resources.qr_code": [
        public("GET", "/resources/{service}/qr/call.svg", NOT_A_PAGE),
        public("GET", "/resources/{service}/qr/card.svg", NOT_A_PAGE),
        public("GET", "/resources/{service}/qr/nope.svg", 404),
    ],
    "resources_staff.staff_list": [staff_only("GET", "/staff/resources")],
    "resources_staff.stale": [staff_only("GET", "/staff/resources/stale")],
    "resources_staff.new": [
        staff_only("GET", "/staff/resources/new"),
        staff_only("POST", "/staff/resources/new", 400),
    ],
    "resources_staff.edit": [
        staff_only("GET", "/staff/resources/{service}/edit"),
        staff_only("POST", "/staff/resources/{service}/edit", 400),
        Case(
            "GET", f"/staff/resources/{UNKNOWN}/edit", anonymous=LOGIN, facilitator=404, admin=404
        ),
    ],
    "resources_staff.history": [staff_only("GET", "/staff/resources/{service}/history")],
    "resources_staff.verify": [staff_only("POST", "/staff/resources/{service}/verify", 303)],
    "resources_staff.closed_today": [
        staff_only("POST", "/staff/resources/{service}/closed-today", 303)
    ],
    "resources_staff.archive": [
        staff_only("GET", "/staff/resources/{spare_service}/archive"),
        staff_only("POST", "/staff/resources/{spare_service}/archive", 303),
    ],
    "resources_staff.restore": [
        staff_only("POST", "/staff/resources/{archived_service}/restore", 303)
    ],
    "resources_staff.import_file": [
        admin_only("GET", "/staff/resources/import"),
        admin_only("POST", "/staff/resources/import", 400),
    ],
    "resources_staff.import_apply": [admin_only("POST", "/staff/resources/import/apply", 400)],
    "resources_staff.export": [
        admin_only("GET", "/staff/resources/export/csv", NOT_A_PAGE),
        admin_only("GET", "/staff/resources/export/hsds-json", NOT_A_PAGE),
        admin_only("GET", "/staff/resources/export/hsds-csv", NOT_A_PAGE),
        admin_only("GET", "/staff/resources/export/xml", 404),
    ],
}


def setup(_app: Any) -> dict[str, Any]:
    """A listed service, a spare one the archive case may take away, and an archived one."""
    from kiosk.resources import services

    def make(name: str, status: str = "active") -> str:
        data = services.parse_input(
            {
                "name": name,
                "organization_name": "Matrix Org",
                "phone": "+12025550123",
                "hours": "Mon-Fri 09:00-17:00",
                "categories": "counseling",
                "status": status,
            },
            "US",
            services.category_slugs(),
        )
        return services.save_service(data, "matrix")[0].uuid

    return {
        "service": make("Matrix Counseling"),
        "spare_service": make("Spare Service"),
        "archived_service": make("Archived Service", "inactive"),
    }
