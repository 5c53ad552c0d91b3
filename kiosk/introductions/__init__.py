"""Opt-in peer introductions: the peer-supporter roster, "Meet a peer" at the kiosk, and a
staff-mediated double opt-in (PRODUCT §4, research/peer.md §1.2-1.3)."""
