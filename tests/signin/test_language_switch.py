"""Switching language mid-flow keeps the answers (issue 8, point 8).

The switch re-sends the flow's own form with go=language (static/js/language.js): the same step
comes back in the other language, answers still in the form, none in a URL or the cookie.
"""

from __future__ import annotations

from flask import Flask

from kiosk.signin import flow
from tests.help.test_plan import _fields, _post
from tests.sessions.helpers import make_session
from tests.signin.test_flow import Kiosk, decode_cookie, hidden_fields, signins

NAME = "Rosa-Marker"


def test_sign_in_step_two_comes_back_in_spanish_with_the_name(app: Flask) -> None:
    with app.app_context():
        group_id = make_session(collect_names=True).id
    client = app.test_client()
    kiosk = Kiosk(client, headers={})  # the switch is a whole-page POST, not an htmx swap
    kiosk.start(group_id)
    kiosk.tap("next", name=NAME)
    assert "Is this your first time here?" in kiosk.html
    response = kiosk.tap(flow.LANGUAGE, lang="es")
    assert response.status_code == 200
    assert "¿Es tu primera vez aquí?" in kiosk.html and '<html lang="es">' in kiosk.html
    assert hidden_fields(kiosk.html)["name"] == NAME  # the answer rode along
    assert NAME not in str(decode_cookie(client)) and NAME not in (response.location or "")
    kiosk.tap("visit-first")
    with app.app_context():
        assert [(r.name, r.visit) for r in signins()] == [(NAME, "first")]


def test_code_screens_survive_a_switch(app: Flask) -> None:
    with app.app_context():
        group_id = make_session(collect_names=False).id
    kiosk = Kiosk(app.test_client(), headers={})
    kiosk.start(group_id)
    kiosk.tap("code")
    kiosk.tap(flow.LANGUAGE, lang="es")
    assert hidden_fields(kiosk.html)["step"] == "code"
    kiosk.tap("visit")  # back to the question
    kiosk.tap("newcode")
    kiosk.tap(flow.LANGUAGE, lang="en")
    # A new code's words are shown once: the visit question comes back, the code is let go.
    fields = hidden_fields(kiosk.html)
    assert (fields["step"], fields["code_ref"]) == ("visit", "")


def test_plan_step_two_comes_back_in_spanish_with_both_answers(app: Flask) -> None:
    client = app.test_client()
    html = client.get("/plan").get_data(as_text=True)
    html = _post(client, html).get_data(as_text=True)  # Start: step 1
    html = _post(client, html, warning_signs="first answer").get_data(as_text=True)
    assert "Step 2 of 6" in html
    data = _fields(html)
    data.update(go="language", lang="es", on_my_own="second answer, typed")
    response = client.post("/plan/step", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Paso 2 de 6" in page
    assert "first answer" in _fields(page).values()
    assert _fields(page)["on_my_own"] == "second answer, typed"
    assert "answer" not in str(decode_cookie(client))
