"""flask demo-data: a fictional directory plus national crisis lines to verify locally."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskCliRunner

from kiosk.resources import services


def test_demo_data(app: Flask, runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["demo-data"])
    assert result.exit_code == 0, result.output
    assert runner.invoke(args=["demo-data"]).exit_code == 0  # twice: updates, no duplicates
    with app.app_context():
        listed = services.list_services()
        local = [s for s in listed if not s.verify_locally]
        national = [s for s in listed if s.verify_locally]
        assert len(local) >= 40
        assert all("(demo)" in s.organization.name for s in local)
        assert len({c.slug for s in local for c in s.categories}) >= 12
        assert any(h.closes <= h.opens for s in local for h in s.hours)  # overnight
        assert any(not s.hours for s in local)  # unknown hours
        assert len({code for s in local for code in s.languages.split(",")}) >= 5
        assert national and all(s.crisis for s in national)
        assert "988" in {s.phone for s in national}
        assert len(services.history(listed[0].uuid)) == 1


def test_reindex_rebuilds_search(app: Flask, runner: FlaskCliRunner) -> None:
    assert runner.invoke(args=["demo-data"]).exit_code == 0
    result = runner.invoke(args=["resources", "reindex"])
    assert result.exit_code == 0 and "rebuilt" in result.output
    with app.app_context():
        names = [listing.service.name for listing in services.find("therap")]
        assert "Riverton Community Counseling" in names
