"""The search index behind the kiosk lookup (issue 14): the crisis marker word in every path
that writes a service, the PostgreSQL crisis index, and what one result query brings back."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import select, text

from kiosk.extensions import db
from kiosk.resources import hours, interchange, search, services
from kiosk.resources.models import ResourceService


def _text_of(name: str) -> str:
    db.session.remove()  # read what is stored, not a cached object
    return str(
        db.session.scalar(select(ResourceService.search_text).where(ResourceService.name == name))
    )


def _crowd(add_service: Any, count: int = 4) -> None:
    """Ordinary counseling services, so that a ranking cap of 1 leaves most matches out."""
    for n in range(count):
        add_service(
            name=f"Counseling Room {n}",
            categories="counseling",
            phone=f"+1202555030{n}",
            description="counseling counseling counseling",
        )


def _first(query: str) -> str:
    return services.find(query)[0].service.name


def _edit(uuid: str, **changes: str) -> None:
    raw = services.input_from_service(services.get_service(uuid))
    raw.update(changes)
    data = services.parse_input(raw, "US", services.category_slugs())
    services.save_service(data, "tester", uuid)


def test_crisis_toggle_adds_and_removes_the_marker(
    app_ctx: Flask, add_service: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    _crowd(add_service)
    line = add_service(name="Evening Listening Line", phone="+12025550399", description="couns")
    assert search.CRISIS_MARKER not in _text_of("Evening Listening Line")
    monkeypatch.setattr(search, "CANDIDATES", 1)

    _edit(line.uuid, crisis="yes")
    assert search.CRISIS_MARKER in _text_of("Evening Listening Line").split()
    # Past the ranking cap, the crisis line still comes first: it is found as a crisis match.
    assert _first("couns") == "Evening Listening Line"

    _edit(line.uuid, crisis="no")
    assert search.CRISIS_MARKER not in _text_of("Evening Listening Line")
    found = services.find("couns")
    assert all(not listing.service.crisis for listing in found)


def test_an_edit_keeps_the_marker(app_ctx: Flask, add_service: Any) -> None:
    line = add_service(name="Night Line", phone="988", crisis="yes", categories="crisis-line")
    _edit(line.uuid, name="Overnight Line", description="someone to talk to")
    assert search.CRISIS_MARKER in _text_of("Overnight Line").split()
    assert "someone" in _text_of("Overnight Line").split()


def test_imported_services_get_the_marker_right(
    app_ctx: Flask, add_service: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    _crowd(add_service)
    rows = [
        {"organization": "Line Org", "name": "Imported Crisis Line", "phone": "988",
         "crisis": "yes", "description": "counseling by phone"},
        {"organization": "Line Org", "name": "Imported Counseling", "phone": "+12025550401",
         "crisis": "no", "description": "counseling"},
    ]  # fmt: skip
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=interchange.CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    preview = interchange.read_file("directory.csv", out.getvalue().encode(), "US")
    assert not preview.errors
    interchange.apply_import(preview, "tester")  # many rows at once: services.insert_new
    assert search.CRISIS_MARKER in _text_of("Imported Crisis Line").split()
    assert search.CRISIS_MARKER not in _text_of("Imported Counseling")
    monkeypatch.setattr(search, "CANDIDATES", 1)
    assert _first("couns") == "Imported Crisis Line"


def test_reindex_puts_a_lost_marker_back(
    app: Flask, runner: FlaskCliRunner, add_service: Any
) -> None:
    add_service(name="Restored Line", phone="988", crisis="yes", categories="crisis-line")
    with app.app_context():
        # A database restored from before the marker existed: the text lacks it.
        db.session.execute(
            text("UPDATE resource_services SET search_text = 'restored line crisis'")
        )
        db.session.commit()
        assert search.CRISIS_MARKER not in _text_of("Restored Line")
    assert runner.invoke(args=["resources", "reindex"]).exit_code == 0
    with app.app_context():
        assert search.CRISIS_MARKER in _text_of("Restored Line").split()


def test_postgresql_finds_crisis_matches_through_the_crisis_index(app_ctx: Flask) -> None:
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the partial index is PostgreSQL's; SQLite's FTS5 uses the marker word")
    definition = db.session.scalar(
        text("SELECT indexdef FROM pg_indexes WHERE indexname = :name"),
        {"name": search.PG_CRISIS_INDEX},
    )
    assert definition is not None and "WHERE crisis" in definition
    # The crisis candidates' condition must let the planner use that index (a condition it
    # cannot prove implies "crisis" would leave only the whole index). With the test
    # database's few rows a sequential scan or a b-tree holding the crisis flag would win, so
    # they are put out of the way inside this transaction (rolled back below).
    statement = search.candidates("postgresql", search.CANDIDATES).params(tsquery="couns:*")
    sql = str(statement.compile(db.engine, compile_kwargs={"literal_binds": True}))
    db.session.execute(text("SET LOCAL enable_seqscan = off"))
    for index in ("ix_resource_services_crisis", search.BROWSE_INDEX):
        db.session.execute(text(f"DROP INDEX {index}"))
    plan = "\n".join(db.session.scalars(text(f"EXPLAIN {sql}")))
    db.session.rollback()
    assert search.PG_CRISIS_INDEX in plan, plan


def test_results_carry_organization_hours_and_exceptions(app_ctx: Flask, add_service: Any) -> None:
    pantry = add_service(
        name="Weekday Pantry",
        organization_name="Harbor Food Network",
        categories="food-pantry",
        phone="+12025550501",
        hours="Mon-Fri 09:00-17:00",
    )
    monday = datetime(2026, 11, 23, 10, 0)
    (listing,) = services.find("pantry", now=monday)
    assert listing.organization == "Harbor Food Network"
    assert listing.state == hours.OpenState.OPEN
    assert sorted(slot.weekday for slot in listing.weekly) == [0, 1, 2, 3, 4]
    assert listing.weekly[0].opens == "09:00" and listing.weekly[0].closes == "17:00"
    assert listing.exceptions == ()

    services.close_for_day(pantry.uuid, "tester", date(2026, 11, 23))
    (listing,) = services.find("pantry", now=monday)
    assert listing.exceptions == (hours.DatedException(date(2026, 11, 23), True, "", ""),)
    assert listing.state == hours.OpenState.CLOSED
    # Browsing (no typed words) reads the same columns.
    (browsed,) = services.find("", category="food-pantry", now=datetime(2026, 11, 24, 10, 0))
    assert browsed.state == hours.OpenState.OPEN and browsed.organization == "Harbor Food Network"


def test_browsing_reads_the_first_page_in_order_from_the_browse_index(app_ctx: Flask) -> None:
    # No typed word (a topic tile, a filter, open now): the page comes from the index in
    # result-list order, crisis first, instead of sorting every active service.
    dialect = db.engine.dialect.name
    statement = services._results_statement(
        dialect=dialect, candidates=0, category=False, language=False, free=False, fetch=30
    )
    sql = str(statement.compile(db.engine, compile_kwargs={"literal_binds": True}))
    if dialect == "sqlite":
        plan = " | ".join(row[-1] for row in db.session.execute(text(f"EXPLAIN QUERY PLAN {sql}")))
        # (The one sort left is of the page's own rows, after the LIMIT.)
        assert f"SEARCH resource_services USING INDEX {search.BROWSE_INDEX}" in plan, plan
    else:
        # The test database's few rows would make a sort the cheaper plan: price it out.
        db.session.execute(text("SET LOCAL enable_seqscan = off"))
        db.session.execute(text("SET LOCAL enable_sort = off"))
        plan = "\n".join(db.session.scalars(text(f"EXPLAIN {sql}")))
        db.session.rollback()
        assert search.BROWSE_INDEX in plan, plan
