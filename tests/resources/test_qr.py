"""QR codes hold the information itself; decoded here with zxing-cpp."""

from __future__ import annotations

import io
from typing import Any

import pytest
from flask.testing import FlaskClient

from kiosk.resources import qr

zxingcpp = pytest.importorskip("zxingcpp")
Image = pytest.importorskip("PIL.Image")


def decode(content: str) -> str:
    """Render a code to PNG as segno draws it, and read it back with a real decoder."""
    out = io.BytesIO()
    qr.make(content).save(out, kind="png", scale=6, border=4)
    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(out.getvalue())))
    assert len(results) == 1
    return str(results[0].text)


@pytest.fixture
def service(add_service: Any) -> Any:
    """A service with a call number, a text number, an address and hours."""
    return add_service(
        name="Harbor Warm Line",
        phone="(202) 555-0123",
        text_phone="202-555-0155",
        address="1 Main St",
        city="Springfield",
        region="IL",
        postal_code="62701",
        hours="Mon-Sun 22:00-06:00",
    )


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("call", "tel:+12025550123"),
        ("text", "sms:+12025550155"),
    ],
)
def test_phone_codes_decode_to_the_number(
    client: FlaskClient, service: Any, kind: str, expected: str
) -> None:
    response = client.get(f"/resources/{service.uuid}/qr/{kind}.svg")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert response.data == qr.svg(expected, title="Harbor Warm Line")
    assert decode(expected) == expected


def test_card_code_holds_name_phone_address_and_hours(client: FlaskClient, service: Any) -> None:
    text = qr.payload(
        "card",
        name=service.name,
        phone=service.phone,
        text_phone=service.text_phone,
        address="1 Main St, Springfield, IL, 62701",
        hours="Mon-Sun 22:00-06:00",
        labels=("Call", "Text"),
    )
    response = client.get(f"/resources/{service.uuid}/qr/card.svg")
    assert response.data == qr.svg(text, title="Harbor Warm Line")
    decoded = decode(text)
    for part in ("Harbor Warm Line", "Call: +12025550123", "1 Main St", "Mon-Sun 22:00-06:00"):
        assert part in decoded


def test_svg_passes_the_strict_csp(client: FlaskClient, service: Any) -> None:
    body = client.get(f"/resources/{service.uuid}/qr/call.svg").get_data(as_text=True)
    assert "<style" not in body and "<script" not in body and "style=" not in body


def test_no_text_code_without_a_text_number(client: FlaskClient, add_service: Any) -> None:
    plain = add_service(name="Call Only", phone="(202) 555-0123")
    assert client.get(f"/resources/{plain.uuid}/qr/text.svg").status_code == 404
    page = client.get(f"/resources/{plain.uuid}").get_data(as_text=True)
    assert "qr/call.svg" in page and "qr/text.svg" not in page


def test_detail_and_slip_show_the_phone(client: FlaskClient, service: Any) -> None:
    for url in (f"/resources/{service.uuid}", f"/resources/{service.uuid}/slip"):
        page = client.get(url).get_data(as_text=True)
        assert "(202) 555-0123" in page and 'href="tel:+12025550123"' in page
        assert "qr/card.svg" in page


def test_card_code_speaks_the_chosen_language(client: FlaskClient, service: Any) -> None:
    from tests.conftest import csrf_from

    token = csrf_from(client.get("/").get_data(as_text=True))
    client.post("/language", data={"lang": "es", "next": "/", "csrf_token": token})
    text = qr.payload(
        "card",
        name=service.name,
        phone=service.phone,
        text_phone=service.text_phone,
        address="1 Main St, Springfield, IL, 62701",
        hours="lun-dom 22:00-06:00",
        labels=("Llamar", "Mensaje de texto"),
    )
    response = client.get(f"/resources/{service.uuid}/qr/card.svg")
    assert response.data == qr.svg(text, title="Harbor Warm Line")
    assert "Llamar: +12025550123" in decode(text)


def test_detail_and_slip_as_fragments(client: FlaskClient, service: Any) -> None:
    for url in (f"/resources/{service.uuid}", f"/resources/{service.uuid}/slip"):
        response = client.get(url, headers={"HX-Request": "true"})
        body = response.get_data(as_text=True)
        assert response.status_code == 200 and "<html" not in body
        assert "(202) 555-0123" in body and "HX-Request" in response.headers["Vary"]
