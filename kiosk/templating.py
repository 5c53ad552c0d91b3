"""Compiled templates kept once per process, for every app the process makes; and the staff
navigation, rendered once per language, role and badge count (``staff_nav`` below).

Jinja compiles a template (parse, generate Python, compile) the first time an app renders it,
and keeps it only in that app's environment. A server makes one app, so this changes little
there; the test suite and the benchmarks make a fresh app per test, and compiling the layouts
and macros again each time was about a tenth of a second a test. Jinja's bytecode cache is
keyed by the template's name and a checksum of its source, so an edited template is compiled
afresh. Every app is built with the same Jinja options, so their compiled code is the same.
"""

from __future__ import annotations

import threading

from flask import current_app, render_template
from flask_babel import get_locale
from flask_login import current_user
from jinja2 import BytecodeCache
from jinja2.bccache import Bucket
from markupsafe import Markup


class ProcessBytecodeCache(BytecodeCache):
    """Jinja's bytecode cache in this process's memory."""

    def __init__(self) -> None:
        self._compiled: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def load_bytecode(self, bucket: Bucket) -> None:
        with self._lock:
            found = self._compiled.get(bucket.key)
        if found is not None:
            bucket.bytecode_from_string(found)

    def dump_bytecode(self, bucket: Bucket) -> None:
        compiled = bucket.bytecode_to_string()
        with self._lock:
            self._compiled[bucket.key] = compiled

    def clear(self) -> None:
        with self._lock:
            self._compiled.clear()


BYTECODE = ProcessBytecodeCache()


# How many renderings of the staff navigation an app keeps: two languages times three roles
# times the badge counts seen lately; past this it starts again (a badge count is unbounded).
NAV_ENTRIES = 64


def staff_nav(waiting: int) -> Markup:
    """The staff navigation's links (``layouts/_staff_nav.html``) for this reader.

    Every staff page shows them, and rendering them (some thirty translations and a dozen
    URLs) was a quarter of a blank staff page's time (issue 14). What they show depends only
    on the language, the role and the badge's count, so each combination is rendered once per
    app and reused. No person's data is in it: the badge is a count, never who.
    """
    key = (str(get_locale()), str(current_user.role), waiting)
    cache: dict[tuple[str, str, int], Markup] = current_app.extensions.setdefault("staff_nav", {})
    found = cache.get(key)
    if found is None:
        found = Markup(render_template("layouts/_staff_nav.html", waiting=waiting))  # noqa: S704  (rendered by autoescaping Jinja)
        if len(cache) >= NAV_ENTRIES:
            cache.clear()
        cache[key] = found
    return found
