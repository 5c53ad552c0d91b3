"""Walk app.url_map: every endpoint has an expected status for every role, and gets it."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kiosk.auth import services
from tests.conftest import Staff
from tests.role_matrix import LOGIN, ROLES, Case, load_all

IGNORED_METHODS = {"HEAD", "OPTIONS"}
# CSP default-src 'self' forbids inline script and style; the browser walk (tests/browser/
# test_every_page.py) sees violations too, but only for the pages it reaches as one role.
INLINE = {
    "inline <script>": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE),
    "<style> element": re.compile(r"<style[\s>]", re.IGNORECASE),
    "style attribute": re.compile(r"<[a-z][^>]*\sstyle\s*=", re.IGNORECASE),
    "event-handler attribute": re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE),
    "hx-on attribute": re.compile(r"<[a-z][^>]*\s(?:data-)?hx-on", re.IGNORECASE),
    "javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
}


def inline_code(html: str) -> list[str]:
    """What in a page would need 'unsafe-inline' (none may)."""
    return [name for name, pattern in INLINE.items() if pattern.search(html)]


def test_every_endpoint_and_method_is_in_the_matrix(app: Flask) -> None:
    routes, _ = load_all()
    missing = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        cases = routes.get(rule.endpoint, [])
        for method in sorted((rule.methods or set()) - IGNORED_METHODS):
            if not any(case.method == method for case in cases):
                missing.append(f"{method} {rule.rule} ({rule.endpoint})")
    assert missing == [], "endpoints missing from tests/role_matrix:\n" + "\n".join(missing)
    stale = set(routes) - {rule.endpoint for rule in app.url_map.iter_rules()}
    assert stale == set(), f"matrix names endpoints that do not exist: {stale}"


def _client_for(role: str, app: Flask, staff: Staff) -> FlaskClient:
    if role == "anonymous":
        return app.test_client()
    if role == "disabled":
        client = staff.client_for("facilitator", "soon-disabled")
        with app.app_context():
            user_id = next(u.id for u in services.list_users() if u.username == "soon-disabled")
            # Keep one admin around so disabling is allowed.
            services.create_user("keeper-admin", "admin", "keeper admin password")
            services.set_active(user_id, False)
        return client
    return staff.client_for(role, f"matrix-{role}")


def _token(client: FlaskClient) -> str:
    from tests.conftest import csrf_from

    return csrf_from(client.get("/staff/login").get_data(as_text=True))


def _check(client: FlaskClient, case: Case, role: str, values: dict[str, Any]) -> str | None:
    path = case.path.format(**values)
    if case.method == "GET":
        response = client.get(path)
    else:
        data = dict(case.data)
        data["csrf_token"] = _token(client)
        response = client.open(path, method=case.method, data=data)
    expected = case.expected(role)
    if expected == LOGIN:
        ok = response.status_code == 302 and "/staff/login" in response.headers.get("Location", "")
    elif isinstance(expected, tuple):
        ok = response.status_code in expected
    else:
        ok = response.status_code == expected
    if ok and case.method == "GET" and response.mimetype == "text/html":
        found = inline_code(response.get_data(as_text=True))
        if found:
            return f"{role} GET {path}: {', '.join(found)}"
    if ok:
        return None
    return (
        f"{role} {case.method} {path}: expected {expected}, got {response.status_code} "
        f"{response.headers.get('Location', '')}"
    )


@pytest.mark.parametrize("role", ROLES)
def test_role_matrix(role: str, app: Flask, staff: Staff) -> None:
    routes, setups = load_all()
    values: dict[str, Any] = {}
    with app.app_context():
        for setup in setups:
            values.update(setup(app))
    client = _client_for(role, app, staff)
    # Logging out ends the client's session, so it goes last.
    ordered = sorted(routes.items(), key=lambda item: item[0] == "auth.logout")
    failures = [
        failure
        for _endpoint, cases in ordered
        for case in cases
        if (failure := _check(client, case, role, values))
    ]
    assert failures == [], "\n".join(failures)


def test_inline_code_check_finds_what_csp_would_block() -> None:
    assert inline_code('<script src="/static/js/kiosk.js" defer></script>') == []
    assert inline_code('<p class="lead">Click on=off style is fine in text</p>') == []
    assert inline_code("<script>alert(1)</script>") == ["inline <script>"]
    assert inline_code('<div style="color:red">') == ["style attribute"]
    assert inline_code('<button onclick="go()">') == ["event-handler attribute"]
    assert inline_code('<form hx-on::after-request="x">') == ["hx-on attribute"]
    assert inline_code("<style>p{}</style>") == ["<style> element"]
