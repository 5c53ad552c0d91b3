"""Visitor codes: strong, drawn with secrets, stored only as an HMAC, uniform, forgotten."""

from __future__ import annotations

import math
import random
from datetime import time as dt_time

import pytest
from flask import Flask
from sqlalchemy import select

from kiosk import clock
from kiosk.extensions import db
from kiosk.signin import services
from kiosk.signin.models import CodeAttempt, VisitorCode

KEY = services.code_key("test secret")
time_of_day_zero = dt_time(0, 0)


def test_codes_have_at_least_30_bits() -> None:
    bits = services.CODE_WORDS * math.log2(len(services.words()))
    assert bits >= 30


def test_ten_thousand_codes_almost_never_repeat() -> None:
    drawn = [services.generate_code() for _ in range(10_000)]
    # 1295^3 ≈ 2.2e9 codes: by the birthday bound 10,000 draws repeat one with p ≈ 2 %, and
    # four repeats have p < 1e-8. A weaker draw (two words: 1.7e6 codes) repeats ~30 times.
    assert len(drawn) - len(set(drawn)) <= 3
    assert all(len(code.split("-")) == services.CODE_WORDS for code in drawn)


def test_codes_are_drawn_with_secrets_not_random(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("random module used")

    for name in ("choice", "choices", "randint", "random", "sample", "randrange"):
        monkeypatch.setattr(random, name, refuse)
    assert services.generate_code()


@pytest.mark.parametrize(
    ("typed", "same"),
    [
        ("acorn-bench-tulip", True),
        ("Acorn Bench Tulip", True),
        ("  acorn  bench--tulip ", True),
        ("acorn_bench_tulip", True),
        ("acornbenchtulip", False),
        ("acorn-bench", False),
    ],
)
def test_typed_codes_are_normalized(typed: str, same: bool) -> None:
    assert (services.hash_code(typed, KEY) == services.hash_code("acorn-bench-tulip", KEY)) is same


def test_only_the_hmac_is_stored(app_ctx: Flask) -> None:
    code, digest = services.create_code(KEY)
    stored = db.session.scalars(select(VisitorCode)).all()
    assert [row.code_hash for row in stored] == [digest]
    # Dates only, no time of day (P5).
    assert stored[0].last_used_on.time() == stored[0].created_on.time() == time_of_day_zero
    assert code not in digest and all(word not in digest for word in code.split("-"))
    # Keyed: another server key gives another hash, so the table alone is useless.
    assert services.hash_code(code, services.code_key("another secret")) != digest


def test_check_marks_use_and_wrong_codes_are_recorded_without_content(app_ctx: Flask) -> None:
    code, digest = services.create_code(KEY)
    assert services.check_code(code, KEY, "kiosk-1", min_seconds=0) == digest
    assert services.check_code("wrong-words-here", KEY, "kiosk-1", min_seconds=0) is None
    attempts = db.session.scalars(select(CodeAttempt)).all()
    assert [(a.kiosk_key) for a in attempts] == ["kiosk-1"]


def test_rate_limit_is_per_kiosk_and_passes(app_ctx: Flask) -> None:
    code, _digest = services.create_code(KEY)
    for _ in range(services.MAX_WRONG_CODES):
        assert services.check_code("nope", KEY, "kiosk-1", min_seconds=0) is None
    with pytest.raises(services.TooManyTries):
        services.check_code(code, KEY, "kiosk-1", min_seconds=0)
    # Another kiosk is not affected.
    assert services.check_code(code, KEY, "kiosk-2", min_seconds=0)
    clock.advance(services.WRONG_CODE_WINDOW.total_seconds() + 1)
    assert services.check_code(code, KEY, "kiosk-1", min_seconds=0)


def test_right_and_wrong_codes_are_padded_to_the_same_floor(
    app_ctx: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The equal-median comparison is a measurement: benchmarks/code_timing.py.
    code, _digest = services.create_code(KEY)
    slept: list[float] = []
    monkeypatch.setattr(services.time, "sleep", slept.append)
    assert services.check_code(code, KEY, "k-right", min_seconds=30)
    assert services.check_code("wrong-code", KEY, "k-wrong", min_seconds=30) is None
    # Both answers wait out the rest of the floor (the work itself takes far less than 30 s).
    assert len(slept) == 2 and all(25 < seconds <= 30 for seconds in slept)
    slept.clear()
    services.check_code(code, KEY, "k-right", min_seconds=0)
    assert slept == []


def test_codes_unused_for_12_months_are_forgotten(app_ctx: Flask) -> None:
    kept, _ = services.create_code(KEY)
    old, _ = services.create_code(KEY)
    clock.advance(200 * 86400)
    assert services.check_code(kept, KEY, "k", min_seconds=0)  # used: the year restarts
    clock.advance(170 * 86400)
    assert services.purge_codes() == 1
    assert services.check_code(kept, KEY, "k", min_seconds=0)
    assert services.check_code(old, KEY, "k", min_seconds=0) is None
