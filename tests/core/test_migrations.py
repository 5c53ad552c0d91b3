"""Flask-Migrate owns the schema: the migrations build exactly what the models describe."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask
from sqlalchemy import text

import wsgi
from kiosk import create_app
from kiosk.config import Settings
from kiosk.db import migration_heads, schema_is_current
from kiosk.extensions import db


def test_models_and_migrations_agree(app: Flask) -> None:
    # The app fixture's database was built by running every migration (tests/conftest.py).
    with app.app_context(), db.engine.connect() as connection:
        # Compare as `flask db migrate` does: with the app's own options (include_object leaves
        # out objects that migrations make by hand, such as the resource search index).
        options = {"compare_type": True, **app.extensions["migrate"].configure_args}
        context = MigrationContext.configure(connection, opts=options)
        diff = compare_metadata(context, db.metadata)
    assert diff == [], f"models and migrations differ; run flask db migrate:\n{diff}"


def test_migrations_have_one_head(app: Flask) -> None:
    with app.app_context():
        config = app.extensions["migrate"].migrate.get_config()
        heads = ScriptDirectory.from_config(config).get_heads()
    assert len(heads) == 1, f"several migration heads: {heads}"


# ---- the start-up schema check without Alembic (issue 14, cold start) ----------------------


def test_heads_read_as_text_are_alembics_heads(app: Flask) -> None:
    with app.app_context():
        config = app.extensions["migrate"].migrate.get_config()
        alembic_heads = set(ScriptDirectory.from_config(config).get_heads())
    assert migration_heads() == alembic_heads


def test_heads_of_a_branch_and_of_an_unreadable_script(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text('revision = "a"\ndown_revision = None\n')
    (tmp_path / "b.py").write_text('revision: str = "b"\ndown_revision = "a"\n')
    (tmp_path / "c.py").write_text("revision = 'c'\ndown_revision = 'a'\n")
    assert migration_heads(tmp_path) == {"b", "c"}
    (tmp_path / "d.py").write_text('revision = "d"\ndown_revision = ("b", "c")\n')
    assert migration_heads(tmp_path) == {"d"}
    (tmp_path / "e.py").write_text("REVISION = make_it()\n")
    assert migration_heads(tmp_path) is None


def test_schema_is_current_only_at_the_head(app: Flask) -> None:
    with app.app_context():
        assert schema_is_current()
        (head,) = migration_heads() or {""}
        try:
            _stamp("0018_search_crisis_marker")
            assert not schema_is_current()
            _stamp("0000_unknown")
            assert not schema_is_current()
        finally:
            _stamp(head)
        assert schema_is_current()


def test_schema_is_current_without_a_version_table(tmp_path: Path) -> None:
    # A brand-new database (SQLite file, nothing in it yet): the full upgrade must run.
    app = create_app(Settings(data_dir=tmp_path, testing=True))
    with app.app_context():
        assert not schema_is_current()
        db.engine.dispose()


@pytest.mark.parametrize("current", [True, False])
def test_start_up_runs_the_upgrade_unless_at_the_head(
    app: Flask, monkeypatch: pytest.MonkeyPatch, current: bool
) -> None:
    import flask_migrate

    import kiosk.db

    upgrades: list[bool] = []
    monkeypatch.setattr(kiosk.db, "schema_is_current", lambda: current)
    monkeypatch.setattr(flask_migrate, "upgrade", lambda: upgrades.append(True))
    wsgi.prepare(app)
    assert upgrades == ([] if current else [True])


def _stamp(revision: str) -> None:
    db.session.execute(text("UPDATE alembic_version SET version_num = :r"), {"r": revision})
    db.session.commit()
