"""A request context for service tests whose words (reasons, ranking's why) are translated."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask


@pytest.fixture
def req(app: Flask) -> Iterator[Flask]:
    """An application and request context (English)."""
    with app.test_request_context("/"):
        yield app
