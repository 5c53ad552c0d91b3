"""The roster fragment and the printed sheet, rendered the fast way (one Core query, rows
joined in ``kiosk/sessions/rows.py``), print byte for byte what the old per-row Jinja loops
and the old ORM roster printed (issue 14): names with markup and right-to-left script, the
same name twice, no names, paper tallies, visitor codes, an empty name, English and Spanish.

The references below are the old code, kept verbatim as the definition of "the same sheet".
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import refresh
from sqlalchemy import select, text

from kiosk.extensions import db
from kiosk.i18n import LOCALE_KEY
from kiosk.sessions import services
from kiosk.sessions.models import SignIn, Visit
from kiosk.signin import services as signin_services
from tests.sessions.helpers import make_session

HX = {"HX-Request": "true"}

# The old templates, verbatim but for their comments: templates/sessions/_roster.html and the
# table of templates/sessions/sheet.html before issue 14's second pass (per-row Jinja work).
REFERENCE = Path(__file__).parent / "reference"
OLD_ROSTER = (REFERENCE / "old_roster.html").read_text(encoding="utf-8")
OLD_SHEET_TABLE = (REFERENCE / "old_sheet_table.html").read_text(encoding="utf-8")


def _old_roster(session_id: str) -> Any:
    """kiosk.sessions.services.roster before issue 14's second pass (ORM rows, full sort)."""
    rows = db.session.execute(
        select(SignIn.id, SignIn.name, SignIn.visit, SignIn.source)
        .where(SignIn.session_id == session_id)
        .order_by(SignIn.created_at, SignIn.id)
    )
    entries: list[dict[str, Any]] = []
    guest = 0
    for row_id, name, visit, source in rows:
        number = None
        if not name:
            guest += 1
            number = guest
        entries.append(
            {
                "id": row_id,
                "name": name,
                "guest_number": number,
                "first_time": visit == Visit.FIRST.value,
                "returning": visit == Visit.RETURNING.value,
                "source": source,
                "duplicate": None,
            }
        )
    entries.sort(
        key=lambda e: (e["name"] is None, (e["name"] or "").casefold(), e["guest_number"] or 0)
    )
    counts = Counter((e["name"] or "").casefold() for e in entries if e["name"])
    seen: Counter[str] = Counter()
    for entry in entries:
        key = (entry["name"] or "").casefold()
        if entry["name"] and counts[key] > 1:
            seen[key] += 1
            entry["duplicate"] = seen[key]
    listed = [SimpleNamespace(**entry) for entry in entries]
    first = sum(e.first_time for e in listed)
    returning = sum(e.returning for e in listed)
    return SimpleNamespace(
        entries=listed,
        total=len(listed),
        first_time=first,
        returning=returning,
        not_said=len(listed) - first - returning,
    )


def _fill(app: Flask, *, collect_names: bool) -> tuple[str, str]:
    """A session with every kind of roster line; its id and the visitor code used."""
    with app.app_context():
        group_id = make_session(collect_names=collect_names).id
        for name, visit in (
            ("Ana", "first"),
            ('<b>Zoë & "co"</b>', "returning"),
            ("lupe", "unknown"),
            ("Mia", "first"),
            ("Lupe", "returning"),
            ("مريم", "first"),
            ("~LABEL~ ~N~ ~ENTRY~ %(n)s", "unknown"),
            (None, "first"),
            (None, "returning"),
            ("LUPE", "first"),
        ):
            services.record_signin(group_id, form_token=None, name=name, visit=visit)
        # A returning visitor who used a code: counted, never shown by its code.
        code, digest = signin_services.create_code(signin_services.code_key("k"))
        services.record_signin(
            group_id, form_token=None, visit="returning", visitor_code_hash=digest
        )
        services.record_signin(group_id, form_token=None, name="Walk In", source="staff")
        services.add_tally(group_id, 2)
        if collect_names:
            # An empty (not NULL) name, as only a hand edit of the database could leave: the
            # old sort put it among the names, as a guest; so must the new one.
            with db.engine.begin() as connection:
                connection.execute(
                    text("UPDATE sign_ins SET name = '' WHERE session_id = :g AND name = 'Mia'"),
                    {"g": group_id},
                )
    return group_id, code


def _old_render(app: Flask, source: str, locale: str, **context: Any) -> str:
    with app.test_request_context("/staff/sessions/"):
        from flask import session

        session[LOCALE_KEY] = locale
        refresh()
        return app.jinja_env.from_string(source).render(**context)


@pytest.mark.parametrize("collect_names", [True, False])
@pytest.mark.parametrize("locale", ["en", "es"])
def test_roster_and_sheet_print_exactly_what_the_old_loops_printed(
    app: Flask, facilitator_client: FlaskClient, locale: str, collect_names: bool
) -> None:
    group_id, code = _fill(app, collect_names=collect_names)
    with facilitator_client.session_transaction() as cookie:
        cookie[LOCALE_KEY] = locale
    with app.app_context():
        old = _old_roster(group_id)
        version = services.roster_version(group_id)
        new = services.roster(group_id)
    assert [tuple(vars(e).values()) for e in old.entries] == [tuple(e) for e in new.entries]

    # The changed poll (the short path before the other hooks) and the full view agree.
    polled = facilitator_client.get(
        f"/staff/sessions/{group_id}/roster?v=stale", headers=HX
    ).get_data(as_text=True)
    expected = _old_render(
        app,
        OLD_ROSTER,
        locale,
        group=SimpleNamespace(id=group_id),
        roster=old,
        roster_version=version,
        poll_seconds=4,
    )
    assert polled.strip() == expected.strip()
    assert ("Visitante 1" if locale == "es" else "Guest 1") in polled
    if collect_names:
        assert "&lt;b&gt;Zoë &amp; &#34;co&#34;&lt;/b&gt; (" not in polled  # not a duplicate
        assert re.search(r"lupe \(3\)</span>", polled, re.I)  # three Lupes, numbered

    sheet = facilitator_client.get(f"/staff/sessions/{group_id}/sheet").get_data(as_text=True)
    table = re.search(r'<table class="table sheet-table">.*?</table>', sheet, re.S)
    assert table is not None
    assert code not in sheet and code not in polled
    assert table.group(0) == _old_render(app, OLD_SHEET_TABLE, locale, roster=old, blank_rows=8)


@pytest.mark.parametrize(
    "text", ["Ana", "", "Zoë", "a&b", "<b>", "x>y", 'say "hi"', "O'Brien", "&amp;", "مريم ~N~"]
)
def test_a_value_is_escaped_exactly_as_markupsafe_does(text: str) -> None:
    """The rows skip ``escape`` for values with nothing to escape; the output is the same."""
    from markupsafe import escape

    from kiosk.sessions.rows import _escaped

    assert _escaped(text) == str(escape(text))
