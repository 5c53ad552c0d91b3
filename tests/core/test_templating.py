"""A template is compiled once per process, for every app, and again when its source changes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask, render_template
from jinja2 import Environment, FileSystemLoader

from kiosk import create_app
from kiosk.config import Settings
from kiosk.templating import BYTECODE, ProcessBytecodeCache

from ..conftest import STATIC_CACHE, Staff, post_form

_TOKEN = re.compile(r"[\w-]{20,}\.[\w-]{6}\.[\w-]{20,}")


def _compiles(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    seen: list[str] = []
    original = Environment._compile

    def counting(env: Environment, source: str, filename: str):  # type: ignore[no-untyped-def]
        seen.append(filename)
        return original(env, source, filename)

    monkeypatch.setattr(Environment, "_compile", counting)
    return seen


def _new_app(data_dir: Path) -> Flask:
    data_dir.mkdir()
    return create_app(Settings(data_dir=data_dir, testing=True, static_cache_dir=STATIC_CACHE))


def test_a_second_app_renders_without_compiling_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    BYTECODE.clear()
    compiles = _compiles(monkeypatch)
    first, second = _new_app(tmp_path / "one"), _new_app(tmp_path / "two")
    pages = []
    for app in (first, second):
        with app.test_request_context():
            page = render_template("errors/error.html", code=404, title="Gone", message="Gone.")
        # Each app signs its own CSRF token; the rest of the page is the same.
        pages.append(_TOKEN.sub("TOKEN", page))
        if app is first:
            assert compiles, "the first app compiles the page and its layouts"
            compiles.clear()
    assert compiles == []
    assert pages[0] == pages[1]


def test_an_edited_template_is_compiled_afresh(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    compiles = _compiles(monkeypatch)
    cache = ProcessBytecodeCache()
    (tmp_path / "page.html").write_text("one {{ 1 + 1 }}")

    def render() -> str:
        env = Environment(loader=FileSystemLoader(tmp_path), bytecode_cache=cache, autoescape=True)
        return env.get_template("page.html").render()

    assert render() == "one 2"
    assert render() == "one 2"
    assert len(compiles) == 1
    (tmp_path / "page.html").write_text("two {{ 2 + 2 }}")
    assert render() == "two 4"
    assert len(compiles) == 2


def _nav(page: str) -> str:
    found = re.search(r'<ul class="staff-nav">(.*?)</ul>', page, re.S)
    assert found, "the page has the staff navigation"
    return found.group(1)


def test_the_staff_navigation_is_rendered_per_language_role_and_badge(
    app: Flask, staff: Staff
) -> None:
    """The navigation is rendered once per language, role and badge count, then reused: a new
    request for the introductions queue shows at once, and one role's links never reach
    another role's page."""
    from tests.introductions.helpers import add_request

    admin = staff.client_for("admin", "nav-admin")
    facilitator = staff.client_for("facilitator", "nav-facilitator")
    first = _nav(admin.get("/staff/").get_data(as_text=True))
    assert "Staff accounts" in first and 'class="badge"' not in first
    # The facilitator's page comes after the admin's and shares its language and badge (none).
    plain = _nav(facilitator.get("/staff/").get_data(as_text=True))
    assert "Sessions" in plain and "Staff accounts" not in plain
    assert _nav(admin.get("/staff/").get_data(as_text=True)) == first
    with app.app_context():
        add_request("n1")
    assert re.search(r'Introductions <span class="badge">1', _nav(admin.get("/staff/").text))
    # The same role in Spanish gets the Spanish links, not the cached English ones.
    post_form(admin, "/language", {"lang": "es", "next": "/staff/"}, page="/staff/")
    spanish = _nav(admin.get("/staff/").get_data(as_text=True))
    assert "Cuentas del personal" in spanish and "Staff accounts" not in spanish
