"""The role matrix: for every endpoint, what each kind of visitor must get.

Each area adds a module here with ``ROUTES: dict[str, list[Case]]`` (endpoint -> cases) and,
if its URLs need ids, ``setup(app) -> dict[str, object]`` that creates sample rows and returns
the values for the ``{placeholders}`` in its paths. tests/core/test_role_matrix.py walks
``app.url_map`` and fails on any endpoint or method missing from the matrix.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

LOGIN = "login"  # a redirect to the staff login page (or an HX-Redirect there for htmx)
ROLES = ("anonymous", "facilitator", "admin", "disabled", "peer")

Expected = int | str | tuple[int, ...]


@dataclass(frozen=True)
class Case:
    """One request and the status (or LOGIN) each role must get."""

    method: str
    path: str
    anonymous: Expected
    facilitator: Expected
    admin: Expected
    disabled: Expected = LOGIN
    data: tuple[tuple[str, str], ...] = ()
    # A peer supporter's login (kiosk/introductions) gets nothing but its own pages: unless a
    # case says otherwise, 403 wherever a logged-out visitor is sent to log in, and the same as
    # anyone on kiosk pages.
    peer: Expected | None = None

    def expected(self, role: str) -> Expected:
        """What this role must get."""
        if role == "peer" and self.peer is None:
            return 403 if self.anonymous == LOGIN else self.anonymous
        found: Expected = getattr(self, role)
        return found


def staff_only(method: str, path: str, ok: Expected = 200, **kwargs: Any) -> Case:
    """A page for any logged-in staff member."""
    return Case(method, path, anonymous=LOGIN, facilitator=ok, admin=ok, **kwargs)


def admin_only(method: str, path: str, ok: Expected = 200, **kwargs: Any) -> Case:
    """A page for admins only."""
    return Case(method, path, anonymous=LOGIN, facilitator=403, admin=ok, **kwargs)


def public(method: str, path: str, ok: Expected = 200, **kwargs: Any) -> Case:
    """A kiosk page anyone may use (a disabled staff cookie is just anonymous there)."""
    return Case(method, path, anonymous=ok, facilitator=ok, admin=ok, disabled=ok, **kwargs)


NOT_HTML = {"health.healthz"}


def html_pages(role: str, values: dict[str, Any]) -> list[str]:
    """Every GET page (HTML) that returns 200 for a role, with its placeholders filled."""
    routes, _ = load_all()
    paths = {
        case.path.format(**values)
        for endpoint, cases in routes.items()
        if endpoint not in NOT_HTML
        for case in cases
        if case.method == "GET" and case.expected(role) == 200
    }
    return sorted(paths)


def setup_values(app: Any) -> dict[str, Any]:
    """Run every area's setup (in an app context) and merge the placeholder values."""
    _, setups = load_all()
    values: dict[str, Any] = {}
    with app.app_context():
        for setup in setups:
            values.update(setup(app))
    return values


def load_all() -> tuple[dict[str, list[Case]], list[Callable[[Any], dict[str, Any]]]]:
    """Merge every area module's ROUTES and collect their setup functions."""
    routes: dict[str, list[Case]] = {}
    setups: list[Callable[[Any], dict[str, Any]]] = []
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        for endpoint, cases in module.ROUTES.items():
            assert endpoint not in routes, f"{endpoint} is in two matrix modules"
            routes[endpoint] = cases
        if hasattr(module, "setup"):
            setups.append(module.setup)
    return routes, setups
