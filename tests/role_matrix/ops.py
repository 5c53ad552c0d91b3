"""Operations: the health page, its clock check and the center export (admins only)."""

from __future__ import annotations

from . import admin_only

ROUTES = {
    "ops.page": [admin_only("GET", "/staff/health")],
    "ops.clock_check": [
        admin_only("POST", "/staff/health/clock", data=(("browser_ms", "1700000000000"),))
    ],
    "ops.center_export": [admin_only("POST", "/staff/health/export")],
}
