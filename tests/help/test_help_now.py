"""Get help now: one tap from every kiosk screen, emergency number first, QR codes, no trace."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.help.conftest import snapshot


def test_help_now_shows_the_emergency_number_first_and_qr_codes(client: FlaskClient) -> None:
    page = client.get("/help").get_data(as_text=True)
    main = page[page.index("<main") :]
    assert main.index("911") < main.index("988")
    assert 'href="tel:911"' in main
    # One QR code per line that a phone can open (tel:, sms: or a chat address).
    assert main.count("<svg") == 5
    assert "Exit" in page


def test_help_now_records_only_an_anonymous_daily_count(client: FlaskClient, app: Flask) -> None:
    client.get("/help")  # seeds the crisis lines on first use
    before = snapshot(app)
    client.get("/help", headers={"User-Agent": "tablet-3"})
    after = snapshot(app)
    changed = {name for name in before if before[name] != after[name]}
    assert changed == {"help_daily_counts"}
    (row,) = after["help_daily_counts"]
    assert row[1] == "help_now" and row[2] == 2
    assert "tablet-3" not in repr(after) and "127.0.0.1" not in repr(after)


@pytest.mark.parametrize("path", ["/", "/help", "/quiet-word", "/plan", "/reset-not-a-page"])
def test_every_kiosk_screen_has_get_help_now_in_its_header(client: FlaskClient, path: str) -> None:
    page = client.get(path).get_data(as_text=True)
    header = page[page.index("<header") : page.index("</header>")]
    assert re.search(r'<a class="button button-help" href="/help"[^>]*>Get help now</a>', header)


@pytest.mark.parametrize("path", ["/help", "/quiet-word", "/plan"])
def test_sensitive_screens_have_a_quick_exit(client: FlaskClient, path: str) -> None:
    page = client.get(path).get_data(as_text=True)
    header = page[page.index("<header") : page.index("</header>")]
    assert 'href="/reset" data-start-over data-quick-exit>Exit</a>' in header


def test_help_now_in_spanish(client: FlaskClient) -> None:
    client.post("/language", data={"lang": "es", "next": "/help", "csrf_token": _token(client)})
    page = client.get("/help").get_data(as_text=True)
    assert "Pedir ayuda ahora" in page


def _token(client: FlaskClient) -> str:
    from tests.conftest import csrf_from

    return csrf_from(client.get("/").get_data(as_text=True))
