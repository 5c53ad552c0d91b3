"""The database refuses what the impact code would never write."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from flask import Flask
from sqlalchemy.exc import IntegrityError

from kiosk.db import write_transaction
from kiosk.reports.models import MeasureAnswer, PostSessionAnswer


@pytest.mark.parametrize(
    "row",
    [
        lambda: MeasureAnswer(answered_on=date(2026, 1, 1), measure="phq2", answers="1,1"),
        # Outside paired change's key: dated before 2000, or scored 100 or more, or below 0.
        lambda: MeasureAnswer(answered_on=date(1999, 12, 31), measure="ucla3", answers="1,1,1"),
        lambda: MeasureAnswer(
            answered_on=date(2026, 1, 1), measure="ucla3", answers="1,1,1", score=Decimal(100)
        ),
        lambda: MeasureAnswer(
            answered_on=date(2026, 1, 1), measure="ucla3", answers="1,1,1", score=Decimal(-1)
        ),
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


def test_every_score_a_measure_gives_is_accepted(app_ctx: Flask) -> None:
    with write_transaction() as session:
        for score in (None, Decimal(0), Decimal("35.00"), Decimal("99.99")):
            session.add(
                MeasureAnswer(
                    answered_on=date(2000, 1, 1), measure="ucla3", answers="1,1,1", score=score
                )
            )
