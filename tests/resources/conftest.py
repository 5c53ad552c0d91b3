"""Helpers for resource directory tests: services from plain text fields."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

from kiosk.resources import services


def make_service(**fields: str) -> Any:
    """Validate and save one service from text fields (defaults fill the required ones)."""
    raw = {"name": "Test Service", "organization_name": "Test Org", **fields}
    data = services.parse_input(raw, "US", services.category_slugs())
    return services.save_service(data, "tester")[0]


@pytest.fixture
def add_service(app_ctx: Flask) -> Callable[..., Any]:
    """Create services inside the app context."""
    return make_service
