"""Shared helpers for the introductions tests: peers, requests, and the kiosk walk."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask.testing import FlaskClient

from kiosk import clock
from kiosk.center import services as center
from kiosk.introductions import services
from tests.conftest import csrf_from


def enable() -> None:
    """Switch introductions on (they are off by default)."""
    center.save({"introductions.enabled": "on"}, "test")


def add_peer(name: str = "Robin", **changes: Any) -> int:
    """An eligible peer (trained, in date, conduct accepted), changed as asked."""
    today = clock.utcnow().date()
    values: dict[str, Any] = {
        "display_name": name,
        "languages": "en,es",
        "formats": "in_person",
        "capacity": 3,
        "trained_on": today - timedelta(days=30),
        "conduct_accepted_on": today - timedelta(days=30),
        "last_supervision_on": today,
    }
    values.update(changes)
    return services.save_peer(values)


def add_request(nonce: str, **answers: Any) -> int:
    """A request as the kiosk would store it."""
    intro_id = services.create_request(services.RequestAnswers(**answers), nonce)
    assert intro_id is not None
    return intro_id


def kiosk_post(client: FlaskClient, url: str, html: str, **fields: Any) -> Any:
    """Submit the kiosk form on a screen: its hidden fields plus the given ones."""
    import re

    data: dict[str, Any] = {}
    for name, value in re.findall(
        r'<input[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*value="([^"]*)"', html
    ):
        data[name] = value.replace("&amp;", "&").replace("&#34;", '"').replace("&#39;", "'")
    for match in re.finditer(r"<input[^>]*>", html):
        tag = match.group(0)
        if 'type="hidden"' in tag:
            continue
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name and value and 'type="checkbox"' not in tag:
            data.setdefault(name.group(1), value.group(1))
    data["csrf_token"] = csrf_from(html)
    data.update(fields)
    return client.post(url, data=data)


def today() -> date:
    """The app clock's date."""
    return clock.utcnow().date()
