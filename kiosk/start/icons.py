"""Decorative icons drawn inline from the vendored SVG files in static/icons (lucide-static, ISC).

Inline rather than ``<img>`` so an icon takes its tile's colour (``stroke="currentColor"``); the
CSP is unaffected (no style attribute, no script). Each file is read once per process.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from markupsafe import Markup

ICONS = Path(__file__).resolve().parent.parent.parent / "static" / "icons"
_NAME = re.compile(r"^[a-z0-9-]+$")


@cache
def icon(name: str) -> Markup:
    """The named icon as an inline ``<svg>``, hidden from assistive technology.

    Decorative only: the tile's words say what it is, so screen readers skip the picture.
    """
    if not _NAME.match(name):
        raise ValueError(f"icon name {name!r}")
    text = (ICONS / f"{name}.svg").read_text(encoding="utf-8")
    text = re.sub(r"<!--.*?-->\s*", "", text, flags=re.DOTALL)
    text = re.sub(r"\s+", " ", text).replace("> <", "><").strip()
    text = re.sub(
        r'^<svg class="[^"]*"',
        f'<svg class="icon icon-{name}" aria-hidden="true" focusable="false"',
        text,
    )
    return Markup(text)  # noqa: S704 - our own vendored files, not user input
