"""My plan for hard moments: six steps, carried only in the POST body, never stored or logged."""

from __future__ import annotations

import logging
import re
from html import unescape
from typing import Any

import pytest
from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from flask.testing import FlaskClient

from kiosk.help.plan import STEP_KEYS, STEPS
from tests.conftest import csrf_from
from tests.help.conftest import snapshot

HX = {"HX-Request": "true"}
SECRET = "ZZ-PLAN-my-sister-Rosa-0142"


def _fields(html: str) -> dict[str, str]:
    """The form as a browser would send it: hidden inputs and the text box."""
    data = {
        name: unescape(value)
        for name, value in re.findall(r'<input type="hidden" name="([\w-]+)" value="([^"]*)"', html)
    }
    data["csrf_token"] = csrf_from(html)
    for name, value in re.findall(
        r'<textarea[^>]*name="(\w+)"[^>]*>\r?\n?(.*?)</textarea>', html, re.DOTALL
    ):
        data[name] = unescape(value)
    return data


def _post(
    client: FlaskClient,
    html: str,
    go: str = "next",
    headers: dict[str, str] | None = None,
    **typed: str,
) -> Any:
    data = _fields(html)
    data.update(typed)
    data["go"] = go
    return client.post("/plan/step", data=data, headers=headers or {})


def _walk(client: FlaskClient, headers: dict[str, str] | None = None) -> str:
    html = client.get("/plan").get_data(as_text=True)
    response = _post(client, html, headers=headers)
    for key in STEP_KEYS:
        html = response.get_data(as_text=True)
        assert response.status_code == 200
        response = _post(client, html, headers=headers, **{key: f"{SECRET} {key}"})
    assert response.status_code == 200
    return str(response.get_data(as_text=True))


@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "fragment"])
def test_walk_the_six_steps_to_a_printable_plan(
    client: FlaskClient, headers: dict[str, str]
) -> None:
    review = _walk(client, headers)
    assert ("<html" in review) is (headers == {})
    assert "data-plan-print" in review
    for step in STEPS:
        assert str(step.title) in review
    for key in STEP_KEYS:
        assert f"{SECRET} {key}" in review


def test_the_plan_page_cites_stanley_and_brown(client: FlaskClient) -> None:
    page = client.get("/plan").get_data(as_text=True)
    assert "Stanley" in page and "Brown" in page and "2012" in page
    assert "Nothing you type is kept" in page


def test_step_five_is_prefilled_from_the_crisis_list_and_editable(client: FlaskClient) -> None:
    html = client.get("/plan").get_data(as_text=True)
    response = _post(client, html)
    for _ in range(4):
        response = _post(client, response.get_data(as_text=True))
    html = response.get_data(as_text=True)
    assert "Step 5 of 6" in html
    assert _fields(html)["professionals"].startswith("Emergency services: call 911")
    # The person clears it and goes back and forth: it is not filled in again.
    response = _post(client, html, professionals="My doctor 555-0100")
    response = _post(client, response.get_data(as_text=True), go="back")
    assert _fields(response.get_data(as_text=True))["professionals"] == "My doctor 555-0100"


def test_qr_code_of_a_typical_plan_is_one_note(client: FlaskClient) -> None:
    review = _walk(client)
    response = _post(client, review, go="qr")
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert body.count("<svg") == 1
    assert body.count("Scan to save as a note") == 1
    assert "hotograph" not in body


def test_a_long_plan_gets_one_code_per_step_all_the_same_size(client: FlaskClient) -> None:
    review = _walk(client)
    long_words: dict[str, Any] = {
        key: f"{key} " + "a long answer in the person's own words " * 14 for key in STEP_KEYS
    }
    response = _post(client, review, go="qr", **long_words)
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    sizes = re.findall(r'<svg [^>]*width="(\d+)" height="(\d+)"', body)
    assert len(sizes) == len(STEPS) and len(set(sizes)) == 1, sizes
    assert body.count("Scan to save as a note") == len(STEPS)


def test_a_plan_leaves_no_trace_in_tables_logs_cookies_or_urls(
    client: FlaskClient, app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    client.get("/help")  # its daily count is written first; that is not the plan's doing
    before = snapshot(app)
    # Every logger the app or its servers use, at their most talkative (restored afterwards).
    for name in ("", "kiosk", "werkzeug", "waitress", "sqlalchemy", "flask", app.logger.name):
        caplog.set_level(logging.DEBUG, logger=name)
    responses: list[Any] = []
    html = client.get("/plan").get_data(as_text=True)
    response = _post(client, html)
    for key in STEP_KEYS:
        responses.append(response)
        typed = {key: f"{SECRET} {key}"}
        response = _post(client, response.get_data(as_text=True), headers=None, **typed)
    response = _post(client, response.get_data(as_text=True), go="qr")
    responses.append(response)
    assert SECRET in response.get_data(as_text=True)
    assert snapshot(app) == before
    assert SECRET not in caplog.text
    for response in responses:
        for name, value in response.headers.items():
            assert SECRET not in value, name
    cookie = client.get_cookie("porchlight")
    if cookie is not None:
        interface = app.session_interface
        assert isinstance(interface, SecureCookieSessionInterface)
        serializer = interface.get_signing_serializer(app)
        assert serializer is not None
        session = serializer.loads(cookie.value)
        assert SECRET not in repr(session)


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ({"warning_signs": "x" * 601}, "Step 1 of 6"),
        ({"people": "y" * 5000}, "Step 4 of 6"),
        ({"warning_signs": "x" * 700, "safer_space": "z" * 700}, "Step 1 of 6"),
    ],
)
def test_too_long_text_is_refused_kindly_and_kept_on_screen(
    client: FlaskClient, typed: dict[str, str], shown: str
) -> None:
    html = client.get("/plan").get_data(as_text=True)
    data = {"csrf_token": csrf_from(html), "step": "1", "go": "next", **typed}
    response = client.post("/plan/step", data=data)
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "Please shorten it a little." in body
    assert shown in body


@pytest.mark.parametrize("step", ["-4", "99", "two", ""])
def test_nonsense_steps_do_not_break_anything(client: FlaskClient, step: str) -> None:
    html = client.get("/plan").get_data(as_text=True)
    response = client.post(
        "/plan/step", data={"csrf_token": csrf_from(html), "step": step, "go": "next"}
    )
    assert response.status_code == 200


def test_a_plan_post_without_csrf_goes_back_to_the_start(client: FlaskClient) -> None:
    response = client.post("/plan/step", data={"step": "1", "warning_signs": SECRET})
    assert response.status_code == 303
    assert SECRET not in response.headers["Location"]


def test_the_plan_is_never_in_a_url_or_a_get_form(client: FlaskClient) -> None:
    review = _walk(client)
    assert 'method="get"' not in review.lower()
    assert "hx-get" not in review


@pytest.mark.parametrize(
    ("current", "go", "expected"),
    [
        ("0", "next", (1, "step")),
        ("1", "back", (1, "step")),
        ("3", "next", (4, "step")),
        ("6", "next", (7, "review")),
        ("7", "next", (7, "review")),
        ("7", "qr", (7, "qr")),
        ("7", "stay", (7, "review")),
        ("7", "edit-2", (2, "step")),
        ("7", "edit-99", (7, "review")),
        ("2", "launch", (1, "step")),
        ("x", "next", (2, "step")),
        (None, "next", (2, "step")),
    ],
)
def test_navigation(current: str | None, go: str, expected: tuple[int, str]) -> None:
    from kiosk.help.plan import navigate

    assert navigate(current, go) == expected
