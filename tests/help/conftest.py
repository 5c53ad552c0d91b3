"""Helpers for the help tests."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import select

from kiosk.extensions import db


def snapshot(app: Flask) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows (sorted), to prove a flow wrote nothing."""
    with app.app_context():
        tables = {}
        for table in db.metadata.sorted_tables:
            rows = db.session.execute(select(table)).all()
            tables[table.name] = sorted((tuple(row) for row in rows), key=repr)
        db.session.remove()
        return tables
