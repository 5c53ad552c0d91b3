"""Shared helpers for the impact tests."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from kiosk.center import services as center
from kiosk.signin import services as signin_services
from tests.sessions.helpers import make_session
from tests.signin.test_flow import HX, hidden_fields

ACTION_RE = re.compile(r'<form method="post" action="([^"]+)"')


def enable_measures(app: Flask, **extra: str) -> None:
    """Switch on the core pair (and whatever else is given)."""
    with app.app_context():
        center.save({"reports.measure_core": "on", **extra}, "test")


def new_code(app: Flask) -> str:
    """A stored visitor code; returns its words."""
    with app.app_context():
        words, _digest = signin_services.create_code(
            signin_services.code_key(str(app.config["SECRET_KEY"]))
        )
    return words


class Screen:
    """A kiosk screen driven like htmx: each tap posts the form shown now to its action."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client
        self.html = client.get("/").get_data(as_text=True)

    def tap(self, go: str, **typed: str) -> Any:
        """Press a button on the current screen."""
        action = ACTION_RE.search(self.html)
        assert action, self.html
        form = hidden_fields(self.html)
        form.update(typed)
        form["go"] = go
        response = self.client.post(action.group(1), data=form, headers=HX)
        self.html = response.get_data(as_text=True)
        return response


def sign_in_with_code(app: Flask, client: FlaskClient, words: str) -> Screen:
    """Sign in to an open session (no name step) with a visitor code; returns the screen."""
    with app.app_context():
        group_id = make_session(collect_names=False).id
    screen = Screen(client)
    from tests.conftest import csrf_from

    screen.tap("start", session_id=group_id, csrf_token=csrf_from(screen.html))
    screen.tap("code")
    screen.tap("check", code=words)
    return screen
