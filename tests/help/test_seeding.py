"""Reading pages do not write (issue 10.1): crisis lines are seeded at start-up, when an admin
changes the country, and by ``flask help seed``; GET /help only reads them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import delete, event, func, select

from kiosk.center import services as center
from kiosk.extensions import db
from kiosk.help.models import CrisisLine, CrisisLineSeed
from kiosk.help.seeds import SEEDS
from tests.conftest import post_form


def _unseed(app: Flask) -> None:
    """A database as the migrations leave it: no crisis lines, no record of seeding."""
    with app.app_context():
        db.session.execute(delete(CrisisLine))
        db.session.execute(delete(CrisisLineSeed))
        db.session.commit()


def _line_count(app: Flask, country: str = "US") -> int:
    with app.app_context():
        return int(
            db.session.scalar(
                select(func.count()).select_from(CrisisLine).where(CrisisLine.country == country)
            )
            or 0
        )


@pytest.fixture
def crisis_line_writes(app: Flask) -> Iterator[list[str]]:
    """Every statement that writes crisis_lines or crisis_line_seeds while the test runs."""
    seen: list[str] = []

    def listener(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        lowered = statement.lower()
        if lowered.startswith(("insert", "update", "delete")) and "crisis_line" in lowered:
            seen.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", listener)
    yield seen
    event.remove(engine, "before_cursor_execute", listener)


def test_the_app_fixture_seeds_like_start_up(app: Flask) -> None:
    assert _line_count(app) == len(SEEDS["US"])


def test_get_help_on_an_unseeded_database_writes_no_crisis_line(
    client: FlaskClient, app: Flask, crisis_line_writes: list[str]
) -> None:
    _unseed(app)
    crisis_line_writes.clear()
    response = client.get("/help")
    assert response.status_code == 200
    assert crisis_line_writes == []
    assert _line_count(app) == 0


def test_the_staff_lines_page_writes_no_crisis_line(
    admin_client: FlaskClient, app: Flask, crisis_line_writes: list[str]
) -> None:
    _unseed(app)
    crisis_line_writes.clear()
    assert admin_client.get("/staff/help/lines?country=GB").status_code == 200
    assert crisis_line_writes == []


def test_start_up_seeds_the_centers_country(app: Flask) -> None:
    import wsgi

    _unseed(app)
    wsgi.prepare(app)
    assert _line_count(app) == len(SEEDS["US"])


def test_changing_the_country_in_settings_seeds_it(admin_client: FlaskClient, app: Flask) -> None:
    assert _line_count(app, "IE") == 0
    with app.app_context():
        values = {f"setting-{key}": str(value) for key, value in center.all_values().items()}
    values["setting-help.country"] = "IE"
    response = post_form(admin_client, "/staff/admin/settings", values)
    assert response.status_code == 303
    assert _line_count(app, "IE") == len(SEEDS["IE"])
    assert "Samaritans" in admin_client.get("/staff/help/lines").get_data(as_text=True)


def test_the_seed_command_still_works(runner: FlaskCliRunner, app: Flask) -> None:
    result = runner.invoke(args=["help", "seed", "--country", "AU"])
    assert result.exit_code == 0, result.output
    assert f"Crisis lines for AU: {len(SEEDS['AU'])}." in result.output
    assert _line_count(app, "AU") == len(SEEDS["AU"])


def test_help_commands_are_registered_once(app: Flask) -> None:
    group = app.cli.commands["help"]
    assert sorted(group.commands) == ["purge", "seed"]  # type: ignore[attr-defined]
    # Not also attached to the blueprint (the old way, which made a second `flask help`).
    assert not app.blueprints["help"].cli.commands
