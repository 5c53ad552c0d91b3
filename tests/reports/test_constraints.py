"""The database refuses what the impact code would never write."""

from __future__ import annotations

from datetime import date

import pytest
from flask import Flask
from sqlalchemy.exc import IntegrityError

from kiosk.db import write_transaction
from kiosk.reports.models import MeasureAnswer, PostSessionAnswer


@pytest.mark.parametrize(
    "row",
    [
        lambda: MeasureAnswer(answered_on=date(2026, 1, 1), measure="phq2", answers="1,1"),
        lambda: PostSessionAnswer(answered_on=date(2026, 1, 1), feeling="great"),
        lambda: PostSessionAnswer(answered_on=date(2026, 1, 1), feeling="a_lot", review="maybe"),
        # Approved for quoting without the person's consent.
        lambda: PostSessionAnswer(
            answered_on=date(2026, 1, 1), feeling="a_lot", story="x", review="approved"
        ),
    ],
)
def test_refused(app_ctx: Flask, row: object) -> None:
    with pytest.raises(IntegrityError), write_transaction() as session:
        session.add(row())  # type: ignore[operator]
