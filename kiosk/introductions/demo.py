"""Clearly fictional peer supporters for ``flask --app kiosk demo-data``: enough to show the
queue, including one who cannot be proposed for each reason."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from .. import clock
from ..extensions import db
from . import services
from .models import PeerSupporter

DEMO_MARK = "(demo)"


def demo_peers(today: date) -> list[dict[str, Any]]:
    """The fictional roster: three who can be proposed, then one per reason they cannot."""
    trained = today - timedelta(days=60)
    base = {
        "user_id": None,
        "age_band": "",
        "gender": "",
        "community": "",
        "topics": "",
        "capacity": 3,
        "trained_on": trained,
        "refresher_due": trained + timedelta(days=365),
        "conduct_accepted_on": trained,
        "last_supervision_on": today - timedelta(days=10),
        "paused": False,
        "on_duty_on": None,
    }
    return [
        {
            **base,
            "display_name": "Robin Example",
            "languages": "en,es",
            "formats": "in_person",
            "gender": "woman",
            "age_band": "30-44",
            "on_duty_on": today,
        },
        {
            **base,
            "display_name": "Sam Sample",
            "languages": "en",
            "formats": "online,messages",
            "gender": "man",
            "age_band": "45-64",
        },
        {
            **base,
            "display_name": "Alex Placeholder",
            "languages": "es",
            "formats": "in_person",
            "gender": "nonbinary",
            "age_band": "18-29",
        },
        {
            **base,
            "display_name": "Jordan Untrained",
            "languages": "en",
            "formats": "in_person",
            "trained_on": None,
            "refresher_due": None,
        },
        {
            **base,
            "display_name": "Casey Refresher-Due",
            "languages": "en,es",
            "formats": "in_person",
            "refresher_due": today - timedelta(days=5),
        },
        {
            **base,
            "display_name": "Morgan No-Conduct",
            "languages": "en",
            "formats": "online",
            "conduct_accepted_on": None,
        },
        {
            **base,
            "display_name": "Taylor Paused",
            "languages": "es",
            "formats": "in_person",
            "paused": True,
        },
        {
            **base,
            "display_name": "Riley Full",
            "languages": "en",
            "formats": "in_person",
            "capacity": 1,
        },
    ]


def add_demo_peers() -> str:
    """Add the fictional peers not there yet (safe to run twice); returns a line to print."""
    today = clock.utcnow().date()
    added = 0
    for values in demo_peers(today):
        name = f"{values['display_name']} {DEMO_MARK}"
        if db.session.scalar(select(PeerSupporter.id).where(PeerSupporter.display_name == name)):
            continue
        capacity = values["capacity"]
        peer_id = services.save_peer({**values, "display_name": name})
        if values["display_name"] == "Riley Full":
            # "At capacity": a fictional request proposed to this peer fills the one place.
            intro_id = services.create_request(services.RequestAnswers(), f"demo-{peer_id}")
            if intro_id is not None and capacity == 1:
                services.propose(intro_id, peer_id, "demo-data")
        added += 1
    return f"demo peers: {added} added (fictional; five cannot be proposed, one per reason)"
