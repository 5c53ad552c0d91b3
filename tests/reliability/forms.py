"""Helpers for the input property tests: the POST endpoints of the role matrix and their fields."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

from sqlalchemy import String, Text, select

from kiosk.extensions import db
from kiosk.inputs import has_controls
from tests.role_matrix import load_all


class FieldParser(HTMLParser):
    """Collects each form field's name and its first value (inputs, textareas, selects)."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        name = found.get("name")
        if tag == "input" and name:
            kind = found.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in found and name in self.fields:
                return
            self.fields.setdefault(name, found.get("value") or "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields.setdefault(name, "")
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select:
            self.fields.setdefault(self._select, found.get("value") or "")
        elif tag == "button" and name and found.get("value"):
            self.fields.setdefault(name, found.get("value") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        if tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea and not self.fields[self._textarea]:
            self.fields[self._textarea] = data


def form_fields(html: str) -> dict[str, str]:
    """Every named field in a page, with a plausible value."""
    parser = FieldParser()
    parser.feed(html)
    return parser.fields


def post_endpoints() -> list[tuple[str, str, tuple[tuple[str, str], ...]]]:
    """(endpoint, path template, sample data) for every POST in the role matrix.

    Derived from the matrix, which test_role_matrix keeps equal to app.url_map: a new form
    endpoint is fuzzed as soon as it is listed there.
    """
    routes, _ = load_all()
    found = []
    for endpoint, cases in sorted(routes.items()):
        for case in cases:
            if case.method == "POST":
                found.append((endpoint, case.path, case.data))
                break
    return found


def stored_with_controls() -> list[str]:
    """Every stored text value (any table, any string column) that holds a control character."""
    bad = []
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, String | Text)]
        if not columns:
            continue
        for row in db.session.execute(select(*columns)):
            for column, value in zip(columns, row, strict=True):
                if isinstance(value, str) and has_controls(value):
                    bad.append(f"{table.name}.{column.name}={value!r}")
    db.session.rollback()
    return bad


def merged(base: dict[str, str], extra: dict[str, Any]) -> dict[str, Any]:
    """The base form with some fields replaced."""
    data: dict[str, Any] = dict(base)
    data.update(extra)
    return data
