"""URL builders are compiled when first used, and build the same URLs Werkzeug's own would."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask, url_for
from werkzeug.routing import IntegerConverter, Map, Rule

from kiosk import create_app
from kiosk.config import Settings
from kiosk.routing import LazyBuilderRule

from ..conftest import STATIC_CACHE


def test_making_the_app_compiles_no_url_builder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    compiled: list[str] = []
    original = Rule._compile_builder

    def counting(rule: Rule, append_unknown: bool = True):  # type: ignore[no-untyped-def]
        compiled.append(rule.rule)
        return original(rule, append_unknown)

    monkeypatch.setattr(Rule, "_compile_builder", counting)
    app = create_app(Settings(data_dir=tmp_path, testing=True, static_cache_dir=STATIC_CACHE))
    assert len(list(app.url_map.iter_rules())) > 80
    assert compiled == []
    with app.test_request_context():
        assert url_for("start.index") == "/"
        assert url_for("start.index", next="x") == "/?next=x"
        url_for("start.index")
    # Flask builds with query arguments allowed: one builder, compiled once and then kept.
    assert compiled == ["/"]


def test_every_rule_builds_what_werkzeug_builds(app: Flask) -> None:
    rules = list(app.url_map.iter_rules())
    assert all(isinstance(rule, LazyBuilderRule) for rule in rules)
    for lazy in rules:
        eager = Rule(lazy.rule, endpoint=lazy.endpoint, defaults=lazy.defaults)
        Map([eager], converters=app.url_map.converters)
        values = {
            name: 7 if isinstance(conv, IntegerConverter) else "a b/ü"
            for name, conv in lazy._converters.items()
        }
        for extra in ({}, {"q": "x/y", "n": 2}):
            for unknown in (True, False):
                built = lazy.build({**values, **extra}, append_unknown=unknown)
                assert built == eager.build({**values, **extra}, append_unknown=unknown), lazy
        assert lazy.build(values) is not None
