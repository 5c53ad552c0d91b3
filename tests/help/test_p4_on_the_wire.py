"""P4 end to end: a real sign-in and a real quiet word look the same on screen and on the wire."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.help.test_quiet_word import quiet_form, templates_used
from tests.sessions.helpers import make_session
from tests.signin.test_flow import HX, Kiosk

# Headers that differ per response for reasons unrelated to what the person did.
VOLATILE = {"Date", "Set-Cookie", "Content-Length"}


def _final_sign_in(client: FlaskClient, app: Flask, headers: dict[str, str]) -> Any:
    with app.app_context():
        group_id = make_session(collect_names=False).id
    kiosk = Kiosk(client, headers)
    kiosk.start(group_id)
    with templates_used(app) as names:
        response = kiosk.tap("visit-first")
    return response, list(names)


def _quiet_word(client: FlaskClient, app: Flask, headers: dict[str, str]) -> Any:
    form = quiet_form(client)
    with templates_used(app) as names:
        response = client.post(
            "/quiet-word", headers=headers, data={**form, "when": "now", "find_me": "by the window"}
        )
    return response, list(names)


def _screen(html: str) -> str:
    """Everything the person can see: the whole <body> (a fragment is all body), less the
    per-browser CSRF token, which differs between any two browsers whatever they did."""
    body = html.split("<body", 1)[-1].split("</body>", 1)[0]
    return re.sub(r'(name="csrf_token" value="|"X-CSRFToken": ")[^"]*', r"\1", body)


def _controls(html: str) -> list[str]:
    """Every control on the screen, in order, with its words."""
    return re.findall(r"<(?:a|button|input)\b[^>]*>[^<]*", _screen(html))


@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "fragment"])
def test_sign_in_and_quiet_word_are_indistinguishable(app: Flask, headers: dict[str, str]) -> None:
    signed, signed_templates = _final_sign_in(app.test_client(), app, headers)
    quiet, quiet_templates = _quiet_word(app.test_client(), app, headers)
    assert signed.status_code == quiet.status_code == 200
    assert signed_templates == quiet_templates
    signed_body, quiet_body = signed.get_data(as_text=True), quiet.get_data(as_text=True)
    assert abs(len(signed_body) - len(quiet_body)) <= 0.05 * len(signed_body)
    assert "Thank you — you're all set" in quiet_body and "by the window" not in quiet_body
    # What the screen shows is the very same markup either way.
    assert _screen(signed_body) == _screen(quiet_body)
    same_headers = {k: v for k, v in signed.headers.items() if k not in VOLATILE}
    assert same_headers == {k: v for k, v in quiet.headers.items() if k not in VOLATILE}
