"""The one QR helper of the whole app: standard QR codes drawn on the server as SVG.

Every code a person may point a phone at comes from here, so they all read the same way:

- **standard QR only** (``micro=False``): segno picks Micro QR for short content such as
  ``tel:988`` unless told not to, and the iPhone and Android camera apps do not read Micro QR;
- **a quiet zone** of four modules (the width the QR standard asks for), drawn white;
- **big enough to read from arm's length**: at least ``MIN_PIXELS`` on the kiosk, whatever the
  content's length (a short ``tel:`` code gets bigger modules, not a smaller picture).

segno writes presentation as SVG attributes (no ``<style>``, no script), so the pictures pass
the strict CSP, and nothing is fetched from anywhere.
"""

from __future__ import annotations

import io
import math
from typing import TYPE_CHECKING

from markupsafe import Markup

if TYPE_CHECKING:
    import segno

QUIET_ZONE = 4  # modules of white around the code (ISO/IEC 18004)
MIN_PIXELS = 160  # the smallest a code is drawn on the kiosk, quiet zone included


def make(content: str, version: int | None = None) -> segno.QRCode:
    """The QR code for some content (medium error correction survives a creased slip)."""
    import segno  # noqa: PLC0415  (on first use: not every start draws a QR code)

    return segno.make(content, error="m", micro=False, version=version)


def _scale(code: segno.QRCode) -> int:
    """Pixels per module so the whole picture is at least MIN_PIXELS wide."""
    modules = code.symbol_size(scale=1, border=QUIET_ZONE)[0]
    return max(4, math.ceil(MIN_PIXELS / modules))


def svg(content: str, title: str) -> bytes:
    """The code as a standalone SVG document (served as a picture, printed on slips)."""
    code = make(content)
    out = io.BytesIO()
    code.save(
        out,
        kind="svg",
        xmldecl=False,
        svgns=True,
        nl=False,
        scale=_scale(code),
        border=QUIET_ZONE,
        title=title,
        dark="#000",
        light="#fff",
    )
    return out.getvalue()


def inline_svgs_same_size(contents: list[str]) -> list[Markup]:
    """Several codes shown side by side, all of one size: each is made at the version (module
    count) the longest content needs, so no code looks more important than another."""
    version = max((int(make(content).version) for content in contents), default=None)
    return [inline_svg(content, version=version) for content in contents]


def inline_svg(content: str, label: str = "", version: int | None = None) -> Markup:
    """The code as an ``<svg>`` element to put straight into a page.

    With a ``label`` it is an image with that name; without one it is hidden from screen
    readers (a caption next to it then says what it is for).
    """
    code = make(content, version)
    picture = code.svg_inline(scale=_scale(code), border=QUIET_ZONE, dark="#000", light="#fff")
    attrs = f'role="img" aria-label="{Markup.escape(label)}"' if label else 'aria-hidden="true"'
    return Markup(picture.replace("<svg ", f'<svg {attrs} focusable="false" ', 1))  # noqa: S704
