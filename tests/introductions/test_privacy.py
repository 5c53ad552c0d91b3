"""A typed contact: encrypted at rest, on no page the peer can reach before both said yes, never
in logs or URLs, and really gone from the database files once the introduction ends."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select, text

from kiosk.extensions import db
from kiosk.introductions import services
from kiosk.introductions.models import Introduction
from tests.conftest import TEST_DATABASE_URL, Staff
from tests.introductions.helpers import add_peer, enable
from tests.introductions.test_kiosk import _press, walk_to_consent
from tests.role_matrix import html_pages, setup_values

CONTACT = "Zora Quillfeather 555-0199"


def _database_bytes(app: Flask) -> bytes:
    data_dir = Path(app.config["KIOSK"].data_dir)
    files = sorted(data_dir.glob("porchlight.db*"))
    assert any(p.name == "porchlight.db" for p in files)
    return b"".join(p.read_bytes() for p in files)


def _stored_text(app: Flask) -> str:
    """Everything in the introductions table as text (for PostgreSQL, where files are not ours)."""
    with app.app_context():
        rows = db.session.execute(text("SELECT * FROM introductions")).all()
        return " ".join(str(value) for row in rows for value in row)


def test_a_typed_contact_stays_private_until_both_said_yes(
    app: Flask, staff: Staff, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    values = setup_values(app)  # every area's sample rows, so the peer walk reaches every page
    user_id = staff.create("robin", "peer")
    with app.app_context():
        enable()
        peer = add_peer("Robin", user_id=user_id)
    kiosk = app.test_client()
    urls: list[str] = []
    html, _code = walk_to_consent(kiosk, contact=CONTACT)
    done = _press(kiosk, html, "send", consent="y")
    assert "You're signed in" in done
    with app.app_context():
        intro = db.session.scalars(select(Introduction).order_by(Introduction.id.desc())).first()
        assert intro is not None and intro.contact_token
        intro_id, token = intro.id, intro.contact_token
        assert services.decrypt_contact(token) == CONTACT
    assert CONTACT not in _stored_text(app)
    if not TEST_DATABASE_URL:
        assert CONTACT.encode() not in _database_bytes(app)
        assert token.encode() in _database_bytes(app)  # the scan itself sees stored values

    peer_client = app.test_client()
    staff.login(peer_client, "robin")
    admin = staff.client_for("admin", "coord")
    with app.test_request_context("/"):
        services.propose(intro_id, peer, "coord")
    peer_pages = [*html_pages("peer", values), "/staff/peer/"]
    assert "/staff/peer/" in peer_pages and "/" in peer_pages
    for path in peer_pages:
        response = peer_client.get(path)
        urls.append(path)
        assert CONTACT not in response.get_data(as_text=True), path
    assert "Zora" not in admin.get(f"/staff/introductions/{intro_id}").get_data(as_text=True)
    with app.test_request_context("/"):
        services.peer_answer(intro_id, peer, True, "peer", "robin")
    assert CONTACT not in peer_client.get("/staff/peer/").get_data(as_text=True)

    with app.test_request_context("/"):
        services.confirm(intro_id, "attendee")
    page = peer_client.get("/staff/peer/").get_data(as_text=True)
    assert CONTACT in page
    for link in re.findall(r'(?:href|action|hx-post)="([^"]+)"', page):
        urls.append(link)
    assert CONTACT in admin.get(f"/staff/introductions/{intro_id}").get_data(as_text=True)

    with app.test_request_context("/"):
        services.end_as_peer(intro_id, peer, "robin")
    assert token not in _stored_text(app)
    if not TEST_DATABASE_URL:
        assert token.encode() not in _database_bytes(app)
    # Never in a URL, never in a log line, in plain or in part.
    for url in urls:
        assert "Zora" not in url and "555" not in url, url
    for record in caplog.records:
        assert "Zora" not in record.getMessage() and token not in record.getMessage()
