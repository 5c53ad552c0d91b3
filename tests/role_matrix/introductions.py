"""Peer introductions: kiosk pages for everyone (when switched on), the queue and roster for
admins, and a peer supporter's own page for the ``peer`` role only."""

from __future__ import annotations

from datetime import date
from typing import Any

from . import LOGIN, Case, admin_only, public

ROUTES = {
    "introductions.meet": [public("GET", "/introductions/")],
    "introductions.meet_step": [
        public("POST", "/introductions/step", data=(("step", "about"), ("go", "next")))
    ],
    "introductions.check": [
        public("GET", "/introductions/check"),
        public("POST", "/introductions/check", data=(("go", "check"), ("code", "not-a-code"))),
    ],
    "introductions_staff.queue": [admin_only("GET", "/staff/introductions/")],
    "introductions_staff.detail": [
        admin_only("GET", "/staff/introductions/{intro_id}"),
        Case("GET", "/staff/introductions/999999", anonymous=LOGIN, facilitator=403, admin=404),
    ],
    "introductions_staff.act": [
        admin_only(
            "POST", "/staff/introductions/{intro_id}/act", 303, data=(("go", "concern_seen"),)
        )
    ],
    "introductions_staff.deadlines": [admin_only("POST", "/staff/introductions/deadlines", 303)],
    "introductions_staff.roster": [admin_only("GET", "/staff/introductions/peers")],
    "introductions_staff.peer_new": [
        admin_only("GET", "/staff/introductions/peers/new"),
        admin_only("POST", "/staff/introductions/peers/new", 400),
    ],
    "introductions_staff.peer_edit": [
        admin_only("GET", "/staff/introductions/peers/{peer_id}"),
        admin_only("POST", "/staff/introductions/peers/{peer_id}", 400),
        Case(
            "GET", "/staff/introductions/peers/999999", anonymous=LOGIN, facilitator=403, admin=404
        ),
    ],
    # The peer's own page: 403 for every other role, admins included (it is not theirs).
    "peer.home": [
        Case("GET", "/staff/peer/", anonymous=LOGIN, facilitator=403, admin=403, peer=200)
    ],
    "peer.answer": [
        # The matrix's peer login is not linked to the roster: it has nothing to answer.
        Case(
            "POST",
            "/staff/peer/{intro_id}",
            anonymous=LOGIN,
            facilitator=403,
            admin=403,
            peer=400,
            data=(("go", "accept"),),
        )
    ],
}


def setup(_app: Any) -> dict[str, Any]:
    """Introductions switched on, one peer, one waiting request."""
    from kiosk.center import services as center
    from kiosk.introductions import services

    center.save({"introductions.enabled": "on"}, "matrix")
    peer_id = services.save_peer(
        {
            "display_name": "Matrix Peer",
            "languages": "en",
            "formats": "in_person",
            "capacity": 2,
            "trained_on": date(2026, 1, 1),
            "conduct_accepted_on": date(2026, 1, 1),
        }
    )
    intro_id = services.create_request(services.RequestAnswers(language="en"), "matrix-nonce")
    return {"intro_id": intro_id, "peer_id": peer_id}
