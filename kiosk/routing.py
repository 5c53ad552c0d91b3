"""URL rules whose URL builders are compiled on first use, not when the app is made.

Werkzeug compiles two small Python functions per rule (with and without extra query arguments)
as each rule is added: about 0.6 ms a rule, 50-60 ms for the app's ~90 rules, paid at every
start and by every test's fresh app. Most rules are never built into a URL by a given process
(a kiosk never links to the staff reports), so the builder is compiled the first time
``url_for`` asks for it; matching incoming requests does not use it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask
from werkzeug.routing import Rule


class LazyBuilderRule(Rule):
    """A Werkzeug rule that compiles each URL builder on its first call."""

    def _compile_builder(self, append_unknown: bool = True) -> Callable[..., tuple[str, str]]:
        compiled: list[Callable[..., tuple[str, str]]] = []

        def build(rule: Rule, **values: Any) -> tuple[str, str]:
            # Two threads may both compile on the first call; both get the same function, and
            # the list keeps the first, so the race costs one extra compile and nothing else.
            if not compiled:
                compiled.append(Rule._compile_builder(rule, append_unknown).__get__(rule, None))
            return compiled[0](**values)

        return build


class PorchlightFlask(Flask):
    """The app class: Flask with URL builders compiled on first use (even the static rule)."""

    url_rule_class = LazyBuilderRule
