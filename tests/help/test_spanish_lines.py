"""A crisis line's public fields in Spanish: staff fill them, the Spanish kiosk shows them, and
each falls back to the English text when left empty (issue 13, "Language and formats")."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from kiosk.extensions import db
from kiosk.help import services
from kiosk.help.models import CrisisLine
from tests.conftest import csrf_from, post_form
from tests.help.test_crisis_lines import _line_data

SPANISH = {
    "name_es": "Línea de apoyo cálida",
    "hours_es": "De 6 a 10 de la noche",
    "languages_es": "Inglés y español",
    "public_note_es": "Llamada gratuita.",
}


def _in_spanish(client: FlaskClient) -> None:
    token = csrf_from(client.get("/").get_data(as_text=True))
    client.post("/language", data={"lang": "es", "next": "/help", "csrf_token": token})


def _add(admin_client: FlaskClient, **changes: str) -> None:
    data = _line_data(public_note="Free to call.", **changes)
    assert post_form(admin_client, "/staff/help/lines/new", data).status_code == 303


def test_staff_fill_the_spanish_and_the_spanish_kiosk_shows_it(
    admin_client: FlaskClient, client: FlaskClient, app: Flask
) -> None:
    _add(admin_client, **SPANISH)
    with app.app_context():
        line = db.session.scalars(select(CrisisLine).where(CrisisLine.name == "Warm line")).one()
        assert {key: getattr(line, key) for key in SPANISH} == SPANISH
        line_id = line.id
    form = admin_client.get(f"/staff/help/lines/{line_id}").get_data(as_text=True)
    assert 'value="Línea de apoyo cálida"' in form and "Llamada gratuita." in form
    english = client.get("/help").get_data(as_text=True)
    assert "Warm line" in english and "Free to call." in english
    assert "Línea de apoyo cálida" not in english
    _in_spanish(client)
    spanish = client.get("/help").get_data(as_text=True)
    for text in SPANISH.values():
        assert text in spanish
    assert "Warm line" not in spanish and "Free to call." not in spanish


def test_an_empty_spanish_field_shows_the_english(
    admin_client: FlaskClient, client: FlaskClient
) -> None:
    _add(admin_client, name_es="Línea de apoyo cálida")
    _in_spanish(client)
    spanish = client.get("/help").get_data(as_text=True)
    assert "Línea de apoyo cálida" in spanish
    # Hours, languages and the note were left empty in Spanish: the English is shown.
    assert "6pm-10pm" in spanish and "Free to call." in spanish


def test_the_plan_fills_step_five_with_the_spanish_names(app: Flask) -> None:
    with app.app_context():
        line = next(x for x in services.lines_for("US") if not x.is_emergency)
        values = {key: getattr(line, key) for key in services.LINE_FIELDS}
        services.save_line({**values, "name_es": "Línea 988"}, line.id)
    with app.test_request_context("/"):
        assert "Línea 988: " in services.plan_prefill("US", "es")
        assert "Línea 988" not in services.plan_prefill("US", "en")


def test_an_overlong_spanish_name_is_refused_and_nothing_stored(
    admin_client: FlaskClient, app: Flask
) -> None:
    response = post_form(admin_client, "/staff/help/lines/new", _line_data(name_es="x" * 121))
    assert response.status_code == 400
    assert "There is a problem" in response.get_data(as_text=True)
    with app.app_context():
        assert (
            db.session.scalars(select(CrisisLine).where(CrisisLine.name == "Warm line")).all() == []
        )
