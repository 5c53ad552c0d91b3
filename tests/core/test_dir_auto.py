"""Every user-supplied text is shown with dir="auto" (issue 8, point 9).

Names, descriptions and notes may be in a right-to-left language. Every such field is filled
with Arabic, every kiosk and staff page is fetched, and each piece of that text must sit inside
an element whose nearest ``dir`` is ``auto``, so the browser sets its direction from the text.
"""

from __future__ import annotations

from html.parser import HTMLParser

from flask import Flask
from sqlalchemy import text

from kiosk.extensions import db
from tests.conftest import Staff
from tests.role_matrix import html_pages, setup_values

ARABIC = "مرحبا"
# Every column staff or attendees write free text into, and that some page shows.
USER_TEXT = {
    "group_sessions": ("title", "room", "agreement", "description"),
    "sign_ins": ("name",),
    "resource_services": (
        "name",
        "description",
        "eligibility",
        "accessibility",
        "cost_note",
        "address",
        "city",
    ),
    "resource_organizations": ("name",),
    "crisis_lines": ("name", "hours", "languages", "public_note", "staff_notes"),
    "kiosk_devices": ("name",),
    "session_notes": ("themes",),
}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


class _DirCheck(HTMLParser):
    """Records each piece of Arabic text whose nearest dir attribute is not "auto"."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, str | None]] = []
        self.bad: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in VOID:
            self.stack.append((tag, dict(attrs).get("dir")))

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break

    def handle_data(self, data: str) -> None:
        if ARABIC not in data or (self.stack and self.stack[-1][0] in ("title", "textarea")):
            return
        nearest = next((d for _tag, d in reversed(self.stack) if d is not None), None)
        if nearest != "auto":
            path = ">".join(tag for tag, _dir in self.stack[-3:])
            self.bad.append(f"{path}: {data.strip()[:40]!r}")


def _fill_with_arabic(app: Flask) -> None:
    with app.app_context():
        from kiosk.db import write_transaction
        from kiosk.help import services as help_services
        from kiosk.resources import services as resources
        from kiosk.resources.demo import demo_rows

        with write_transaction() as session:
            for row in demo_rows("US")[:3]:
                resources.apply_input(session, row, "test")
        help_services.lines_for("US")
        for table, columns in USER_TEXT.items():
            sets = ", ".join(f"{c} = :{c}" for c in columns)
            db.session.execute(
                text(f"UPDATE {table} SET {sets}"),  # noqa: S608  (names from the list above)
                {c: f"{ARABIC} {table}.{c}" for c in columns},
            )
        db.session.commit()


def test_user_text_has_dir_auto_on_every_page(app: Flask, staff: Staff) -> None:
    values = setup_values(app)
    _fill_with_arabic(app)
    clients = {"anonymous": app.test_client(), "admin": staff.client_for("admin")}
    bad: list[str] = []
    seen = 0
    for role, client in clients.items():
        for path in html_pages(role, values):
            page = client.get(path).get_data(as_text=True)
            seen += page.count(ARABIC)
            check = _DirCheck()
            check.feed(page)
            bad += [f"{role} {path} {b}" for b in check.bad]
    assert seen > 50  # the walk did reach the text
    assert bad == [], "\n".join(bad)
