"""Starter crisis lines per country (research/peer.md §3.2), all marked "verify locally".

Numbers change (Samaritans retired its text line in 2020; NHS 111's menu changed in 2023), so
nothing here is shown as verified until a staff member checks it and presses "Verified".
``public_note`` is shown to attendees; ``staff_notes`` ("check it") only on staff pages.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

COUNTRIES = {
    "US": _l("United States"),
    "GB": _l("United Kingdom"),
    "IE": _l("Ireland"),
    "CA": _l("Canada"),
    "AU": _l("Australia"),
    "NZ": _l("New Zealand"),
}


def _line(name: str, number: str, how: str = "call", **extra: Any) -> dict[str, Any]:
    return {"name": name, "number": number, "how": how, **extra}


SEEDS: dict[str, list[dict[str, Any]]] = {
    "US": [
        _line(
            "Emergency services",
            "911",
            is_emergency=True,
            hours="24/7",
            public_note="For immediate danger.",
        ),
        _line(
            "988 Suicide & Crisis Lifeline",
            "988",
            hours="24/7",
            languages="English, Spanish (press 2), interpreters",
            public_note="TTY or relay users can dial 711 then 988. Veterans press 1.",
        ),
        _line(
            "988 Suicide & Crisis Lifeline (text)",
            "988",
            "text",
            hours="24/7",
            languages="English, Spanish (text AYUDA)",
        ),
        _line("988 Lifeline chat", "https://988lifeline.org/chat", "chat", hours="24/7"),
        _line("Veterans Crisis Line (text)", "838255", "text", hours="24/7"),
        _line(
            "Crisis Text Line",
            "741741",
            "text",
            text_keyword="HOME",
            hours="24/7",
            staff_notes="The keyword varies by campaign; check it.",
        ),
    ],
    "GB": [
        _line(
            "Emergency services",
            "999",
            is_emergency=True,
            hours="24/7",
            public_note="Or go to A&E if a life is at risk.",
        ),
        _line(
            "Samaritans",
            "116 123",
            hours="24/7",
            public_note="Free from landlines and mobiles; does not show on phone bills.",
            staff_notes="Samaritans has no text line.",
        ),
        _line("Shout", "85258", "text", text_keyword="SHOUT", hours="24/7"),
        _line(
            "NHS 111, mental health option",
            "111",
            hours="24/7",
            public_note="England.",
            staff_notes="The menu option number has changed before; check it.",
        ),
    ],
    "IE": [
        _line(
            "Emergency services",
            "112",
            is_emergency=True,
            hours="24/7",
            public_note="999 also works.",
        ),
        _line("Samaritans", "116 123", hours="24/7", public_note="Free to call."),
    ],
    "CA": [
        _line("Emergency services", "911", is_emergency=True, hours="24/7"),
        _line("9-8-8 Suicide Crisis Helpline", "988", hours="24/7", languages="English, French"),
        _line("9-8-8 Suicide Crisis Helpline (text)", "988", "text", hours="24/7"),
    ],
    "AU": [
        _line("Emergency services", "000", is_emergency=True, hours="24/7"),
        _line("Lifeline", "13 11 14", hours="24/7"),
    ],
    "NZ": [
        _line("Emergency services", "111", is_emergency=True, hours="24/7"),
        _line("Need to talk? 1737", "1737", hours="24/7", public_note="Free to call."),
        _line(
            "Need to talk? 1737 (text)", "1737", "text", hours="24/7", public_note="Free to text."
        ),
    ],
}
