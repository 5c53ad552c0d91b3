"""One input filter for every request, and one safe-target check for every ``next``.

research/reliability.md B1, B2 and issue 9 points 2 and 3. PostgreSQL refuses a NUL byte in text
(a 500 before this filter), and SQLite stores NUL, control and bidi-override characters and then
exports them into sheets and CSVs. So every form value, query value and header is cleaned here,
once, before any view or form sees it: C0 and C1 control characters and the bidi embedding,
override and isolate characters are removed. Tab and newline are kept in form values (notes and
the plan are multi-line; a single-line field that receives one stores it harmlessly); CR LF and a
lone CR become LF, so what is stored matches what a browser shows.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlsplit

from flask import Request
from werkzeug.datastructures import ImmutableMultiDict, MultiDict

# C0 controls except tab (09), LF (0A) and CR (0D); DEL and the C1 block; bidi embeddings and
# overrides (U+202A-U+202E) and isolates (U+2066-U+2069), which can reverse what staff read.
_FORM_STRIP = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# Query values and headers are never multi-line: tab, CR and LF go too.
_LINE_STRIP = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_NEWLINES = re.compile("\r\n?")
_HEADER_STRIP = re.compile("[\x00-\x08\x0a-\x1f\x7f]")


def clean_text(value: str) -> str:
    """A form value without control or bidi-override characters (tab and newline kept)."""
    return _FORM_STRIP.sub("", _NEWLINES.sub("\n", value))


def clean_line(value: str) -> str:
    """A one-line value (query parameter) without any control or bidi-override character."""
    return _LINE_STRIP.sub("", value)


def has_controls(value: str) -> bool:
    """True when a stored value still holds a character this module removes (tests use it)."""
    return bool(_FORM_STRIP.search(value)) or "\r" in value


def _cleaned(
    values: MultiDict[str, str], clean: Callable[[str], str]
) -> ImmutableMultiDict[str, str]:
    items: Iterable[tuple[str, str]] = values.items(multi=True)
    return ImmutableMultiDict([(clean_line(key), clean(value)) for key, value in items])


class CleanRequest(Request):
    """Flask's request, with form and query values cleaned the moment they are parsed."""

    def _load_form_data(self) -> None:
        if "form" in self.__dict__:
            return
        super()._load_form_data()
        self.__dict__["form"] = _cleaned(self.__dict__["form"], clean_text)

    @property
    def args(self) -> ImmutableMultiDict[str, str]:  # type: ignore[override]
        cached = self.__dict__.get("_clean_args")
        if cached is None:
            cached = _cleaned(super().args, clean_line)
            self.__dict__["_clean_args"] = cached
        return cached


class CleanHeaders:
    """WSGI middleware: header values lose control characters before Flask reads them."""

    def __init__(self, app: Callable[..., Any]) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        for key, value in list(environ.items()):
            if key.startswith("HTTP_") and isinstance(value, str) and _HEADER_STRIP.search(value):
                environ[key] = _HEADER_STRIP.sub("", value)
        return self.app(environ, start_response)


def safe_target(target: str | None, default: str) -> str:
    """``target`` if it is a path on this site, else ``default`` (never an open redirect).

    Checked the way a browser will read it: browsers drop tab, CR and LF anywhere in a URL
    (``/%09/evil.example`` becomes ``//evil.example``, another host), strip leading control
    characters and spaces, and read a backslash as a slash. So anything holding one of those is
    refused outright, as is anything that does not start with exactly one slash.
    """
    if not target or target != target.strip() or _LINE_STRIP.search(target) or "\\" in target:
        return default
    if not target.startswith("/") or target.startswith("//"):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target
