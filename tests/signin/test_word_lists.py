"""Visitor-code words are calm, plentiful, and work in either language (issue 8, point 6)."""

from __future__ import annotations

import math

import pytest
from flask import Flask

from kiosk.signin import services

WORDS = services.WORD_LISTS["en"].parent
NAMED_IN_THE_ISSUE = {"grave", "drown", "coma", "grief", "wound", "panic", "hurt", "gore", "bleak"}


def _deny() -> set[str]:
    lines = (WORDS / "deny.txt").read_text(encoding="utf-8").splitlines()
    return {services.fold(w) for line in lines if not line.startswith("#") for w in line.split()}


@pytest.mark.parametrize("language", ["en", "es"])
def test_lists_are_large_unique_and_plain(language: str) -> None:
    words = services.words(language)
    assert len(words) >= 1296
    assert code_bits(len(words)) >= 31
    folded = [services.fold(w) for w in words]
    assert len(set(folded)) == len(folded)  # unique even typed without accents
    assert all(w.isalpha() and w == w.lower() and 3 <= len(w) <= 8 for w in words)


def code_bits(size: int) -> float:
    return services.CODE_WORDS * math.log2(size)


@pytest.mark.parametrize("language", ["en", "es"])
def test_no_denied_word_is_in_a_list(language: str) -> None:
    denied = _deny()
    assert denied >= NAMED_IN_THE_ISSUE
    assert {services.fold(w) for w in services.words(language)} & denied == set()


def test_sources_and_licences_are_beside_the_lists() -> None:
    text = (WORDS / "SOURCES.md").read_text()
    assert "MIT" in text and "Creative Commons" in text


def test_a_spanish_code_works_on_the_english_kiosk(app_ctx: Flask) -> None:
    key = services.code_key("test secret")
    code, digest = services.create_code(key, language="es")
    assert all(word in services.words("es") for word in code.split("-"))
    # Typed on an English keyboard: no accents, capitals, spaces.
    typed = services.fold(code).replace("-", " ").upper()
    assert services.check_code(typed, key, "kiosk-1", min_seconds=0) == digest


def test_accents_do_not_change_a_code() -> None:
    key = services.code_key("k")
    assert services.hash_code("árbol-año-niño", key) == services.hash_code("ARBOL ano nino", key)
    # Codes issued from the old ASCII list keep their hash.
    assert services.normalize_code("Acorn  Bench-cedar") == "acorn-bench-cedar"
