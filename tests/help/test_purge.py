"""Retention: requests are really deleted after the configured days; the counts stay."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import select

from kiosk import clock
from kiosk.center import services as center
from kiosk.extensions import db
from kiosk.help import services
from kiosk.help.models import HelpDailyCount, ProfessionalHelpRequest, QuietWordRequest
from tests.conftest import TEST_DATABASE_URL

MARKER = "ZZ-PURGE-MARKER"


def test_purge_deletes_old_requests_and_keeps_counts(app_ctx: Flask) -> None:
    services.send_quiet_word("now", MARKER)
    services.raise_professional_help("Room 9", "other", "ana")
    services.acknowledge("quiet", 1, "ana")
    clock.advance(89 * 86400)
    services.send_quiet_word("after", "recent")
    assert services.purge() == 0
    clock.advance(2 * 86400)
    assert services.purge() == 2
    assert [row.find_me for row in db.session.scalars(select(QuietWordRequest))] == ["recent"]
    assert db.session.scalars(select(ProfessionalHelpRequest)).all() == []
    counts: dict[str, int] = {}
    for count in db.session.scalars(select(HelpDailyCount)):
        counts[count.kind] = counts.get(count.kind, 0) + count.requests
    assert counts == {"quiet_word": 2, "professional_help": 1}


def test_retention_is_configurable(app_ctx: Flask) -> None:
    center.save({"help.retention_days": "7"}, "admin")
    services.send_quiet_word("now", "x")
    clock.advance(8 * 86400)
    assert services.purge() == 1


def test_the_cli_purges_and_the_words_leave_the_database_file(
    app: Flask, runner: FlaskCliRunner
) -> None:
    with app.app_context():
        services.send_quiet_word("now", MARKER)
        db.session.remove()
    clock.advance(91 * 86400)
    result = runner.invoke(args=["help", "purge"])
    assert result.exit_code == 0, result.output
    assert "Purged 1 help request(s)." in result.output
    with app.app_context():
        assert db.session.scalars(select(QuietWordRequest)).all() == []
    if not TEST_DATABASE_URL:
        data_dir = Path(app.config["KIOSK"].data_dir)
        for path in data_dir.glob("porchlight.db*"):
            assert MARKER.encode() not in path.read_bytes(), path


def test_the_seed_cli(app: Flask, runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["help", "seed", "--country", "IE"])
    assert result.exit_code == 0, result.output
    assert "Crisis lines for IE: 2." in result.output
