"""Shared helpers for the introductions tests: peers, requests, and the kiosk walk."""

from __future__ import annotations

from datetime import date, timedelta
from html.parser import HTMLParser
from typing import Any

from flask.testing import FlaskClient

from kiosk import clock
from kiosk.center import services as center
from kiosk.introductions import services


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


class _Inputs(HTMLParser):
    """The values a browser would send from a page's inputs (hidden and text; no checkboxes)."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "input" and found.get("name") and found.get("type") != "checkbox":
            self.values.setdefault(str(found["name"]), found.get("value") or "")


def kiosk_post(client: FlaskClient, url: str, html: str, **fields: Any) -> Any:
    """Submit the kiosk form on a screen: its inputs' values plus the given ones."""
    parser = _Inputs()
    parser.feed(html)
    data: dict[str, Any] = dict(parser.values)
    data.update(fields)
    return client.post(url, data=data)


def today() -> date:
    """The app clock's date."""
    return clock.utcnow().date()
