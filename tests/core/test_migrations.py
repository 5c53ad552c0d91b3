"""Flask-Migrate owns the schema: the migrations build exactly what the models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask

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
