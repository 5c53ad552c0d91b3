"""Compiled templates kept once per process, for every app the process makes.

Jinja compiles a template (parse, generate Python, compile) the first time an app renders it,
and keeps it only in that app's environment. A server makes one app, so this changes little
there; the test suite and the benchmarks make a fresh app per test, and compiling the layouts
and macros again each time was about a tenth of a second a test. Jinja's bytecode cache is
keyed by the template's name and a checksum of its source, so an edited template is compiled
afresh. Every app is built with the same Jinja options, so their compiled code is the same.
"""

from __future__ import annotations

import threading

from jinja2 import BytecodeCache
from jinja2.bccache import Bucket


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
