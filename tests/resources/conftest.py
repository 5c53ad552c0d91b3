"""Helpers for resource directory tests: services from plain text fields."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from flask import Flask

from kiosk.resources import services


def make_service(**fields: str) -> SimpleNamespace:
    """Validate and save one service from text fields (defaults fill the required ones).

    Returns plain values, so tests can use them after the app context that saved them ends.
    """
    raw = {"name": "Test Service", "organization_name": "Test Org", **fields}
    data = services.parse_input(raw, "US", services.category_slugs())
    saved = services.save_service(data, "tester")[0]
    return SimpleNamespace(
        **{
            column: getattr(saved, column)
            for column in ("id", "uuid", "name", "phone", "text_phone", "updated_at", "verified_on")
        }
    )


@pytest.fixture
def add_service(app: Flask) -> Callable[..., Any]:
    """Create services, each in its own app context (clients keep their own contexts)."""

    def add(**fields: str) -> SimpleNamespace:
        with app.app_context():
            return make_service(**fields)

    return add
