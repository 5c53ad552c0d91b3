"""Foundation endpoints: kiosk start, health, login, staff home, accounts."""

from __future__ import annotations

from typing import Any

from kiosk.auth import services

from . import LOGIN, Case, admin_only, public, staff_only

ROUTES = {
    "start.index": [public("GET", "/")],
    "start.reset": [public("GET", "/reset", 303)],
    "start.language": [public("POST", "/language", 303, data=(("lang", "es"), ("next", "/")))],
    "health.healthz": [public("GET", "/healthz")],
    "auth.login": [
        public("GET", "/staff/login"),
        public(
            "POST",
            "/staff/login",
            401,
            data=(("username", "nobody"), ("password", "wrong password!")),
        ),
    ],
    "auth.logout": [public("POST", "/staff/logout", 302)],
    "auth.setup": [
        public("GET", "/staff/setup/not-a-token", 404),
        public("POST", "/staff/setup/not-a-token", 404),
    ],
    "auth.home": [
        # A peer supporter's home is their own page (kiosk/introductions).
        staff_only("GET", "/staff/", peer=302),
        staff_only("GET", "/staff", peer=302),
    ],
    "admin.users": [
        admin_only("GET", "/staff/admin/users"),
        admin_only("POST", "/staff/admin/users", 400),
    ],
    "center.edit": [
        admin_only("GET", "/staff/admin/settings"),
        admin_only("POST", "/staff/admin/settings", (303, 400)),
    ],
    "admin.set_active": [
        admin_only("GET", "/staff/admin/users/{spare_user}/active"),
        admin_only("POST", "/staff/admin/users/{spare_user}/active", 303, data=(("active", "1"),)),
    ],
    "admin.set_role": [
        admin_only(
            "POST", "/staff/admin/users/{spare_user}/role", 303, data=(("role", "facilitator"),)
        )
    ],
    "admin.reset_password": [
        admin_only("GET", "/staff/admin/users/{spare_user}/password"),
        admin_only("POST", "/staff/admin/users/{spare_user}/password", 400),
        Case(
            "GET", "/staff/admin/users/999999/password", anonymous=LOGIN, facilitator=403, admin=404
        ),
    ],
}


def setup(_app: Any) -> dict[str, Any]:
    """An account the admin cases may change without touching the visitors' own accounts."""
    user = services.create_user("spare-user", "facilitator", "a spare account password")
    return {"spare_user": user.id}
