"""What a resource's QR codes hold; the codes themselves come from the app's one helper (kiosk.qr).

The codes need no network: a phone camera reads the number (``tel:``), a text number
(``sms:``) or a plain-text card straight from the picture. segno writes presentation as SVG
attributes (no ``<style>``, no script), so the picture passes the strict CSP.
"""

from __future__ import annotations

from ..qr import make, svg

__all__ = ["KINDS", "NoSuchCode", "make", "payload", "svg"]

KINDS = ("call", "text", "card")


class NoSuchCode(LookupError):
    """The service has nothing for that kind of code (e.g. no text number)."""


def payload(
    kind: str,
    *,
    name: str,
    phone: str,
    text_phone: str,
    address: str,
    hours: str,
    labels: tuple[str, str] = ("Tel", "SMS"),
) -> str:
    """What a code holds: a tel: or sms: link, or a short plain-text card.

    ``labels`` name the call and text numbers on the card, in the reader's language.
    """
    if kind == "call" and phone:
        return f"tel:{phone}"
    if kind == "text" and text_phone:
        return f"sms:{text_phone}"
    if kind == "card":
        lines = [name]
        if phone:
            lines.append(f"{labels[0]}: {phone}")
        if text_phone:
            lines.append(f"{labels[1]}: {text_phone}")
        if address:
            lines.append(address)
        if hours:
            lines.append(hours)
        return "\n".join(lines)
    raise NoSuchCode(kind)
