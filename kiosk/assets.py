"""Static files: hashed names, far-future caching and precompressed gzip, through WhiteNoise.

At start-up (once per process, never per request) every file under ``static/`` gets a name with
a hash of its content (``css/base.css`` → ``css/base.1a2b3c4d5e6f.css``), is copied under that
name into ``<data dir>/static-cache/`` with a gzip copy beside it, and ``url_for('static', ...)``
hands out the hashed name (a dictionary lookup in a ``url_defaults`` hook). WhiteNoise serves the
hashed files with ``Cache-Control: max-age=<a year>, public, immutable`` and the gzip copy to
any browser that accepts it: a changed file has a new name, so nothing is ever served stale. The
original names still answer (``max-age=0``) for anything that asks for them directly.

The copies are content-addressed, so a copy that exists is already right: a restart after an
update writes only what changed, and an old copy is never served for new content. Within one
process the work is done once per static folder and cache folder (``_BUILT``): the server makes
one app, but the test suite makes one per test, and copying, hashing, gzipping and WhiteNoise's
scan cost about a fifth of a second each time.

Brotli is not used: it needs a compiled extension and compresses slowly at its best setting
(about 5 s for ``static/`` on the kiosk's box, at every content change), for a few kilobytes
over gzip on files served once per browser and then kept for a year.

WhiteNoise answers before Flask, so the security headers Flask adds to every page are added
here too (``add_headers_function``); the policy itself lives in ``kiosk/security.py``.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Flask
from whitenoise import WhiteNoise

from .security import SECURITY_HEADERS

CACHE_DIR = "static-cache"
# Text formats gain from gzip; images and audio here are already compressed or tiny.
COMPRESSIBLE = {".css", ".js", ".svg", ".txt", ".json", ".map", ".html"}
HASHED = re.compile(r"\.[0-9a-f]{12}\.[A-Za-z0-9]+$")


def hashed_name(relative: str, content: bytes) -> str:
    """``css/base.css`` → ``css/base.<12 hex digits of its SHA-256>.css``."""
    digest = hashlib.sha256(content).hexdigest()[:12]
    stem, dot, suffix = relative.rpartition(".")
    return f"{stem}.{digest}.{suffix}" if dot and "/" not in suffix else f"{relative}.{digest}"


def _write_once(path: Path, data: bytes) -> None:
    """Write ``path`` unless it exists (same name, same content), atomically for other starts."""
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    partial.write_bytes(data)
    os.replace(partial, path)


def build(static_root: Path, cache_dir: Path) -> dict[str, str]:
    """Copy every static file under its hashed name (and gzip it); returns original → hashed."""
    names: dict[str, str] = {}
    for path in sorted(static_root.rglob("*")):
        if not path.is_file() or path.name.startswith("."):
            continue
        relative = path.relative_to(static_root).as_posix()
        content = path.read_bytes()
        hashed = hashed_name(relative, content)
        target = cache_dir / hashed
        _write_once(target, content)
        if path.suffix in COMPRESSIBLE:
            # mtime=0: the same content always gives the same bytes.
            _write_once(target.with_name(target.name + ".gz"), gzip.compress(content, 9, mtime=0))
        names[relative] = hashed
    return names


# (static folder, cache folder) -> (original -> hashed names, WhiteNoise's table of files).
# Static files are part of the release and do not change while a process runs.
_BUILT: dict[tuple[Path, Path], tuple[dict[str, str], dict[str, Any]]] = {}


def init_assets(app: Flask) -> None:
    """Serve ``static/`` through WhiteNoise under hashed names (see the module docstring)."""
    settings = app.config["KIOSK"]
    static_root = Path(str(app.static_folder)).resolve()
    cache_dir = Path(settings.static_cache_dir or Path(settings.data_dir) / CACHE_DIR).resolve()
    built = _BUILT.get((static_root, cache_dir))
    names = built[0] if built else build(static_root, cache_dir)
    hashed_urls = {f"/static/{hashed}" for hashed in names.values()}

    def immutable(_path: str, url: str) -> bool:
        return url in hashed_urls

    def security_headers(headers: Any, _path: str, _url: str) -> None:
        for name, value in SECURITY_HEADERS.items():
            headers.setdefault(name, value)

    server = WhiteNoise(
        app.wsgi_app,
        max_age=0,
        immutable_file_test=immutable,
        allow_all_origins=False,  # same-origin only: nothing here is for another site
        add_headers_function=security_headers,
    )
    if built:
        server.files.update(built[1])  # the headers in it are the same for every app
    else:
        server.add_files(str(static_root), prefix="static/")
        server.add_files(str(cache_dir), prefix="static/")
        _BUILT[(static_root, cache_dir)] = (names, dict(server.files))
    app.wsgi_app = server  # type: ignore[method-assign]
    app.extensions["porchlight_assets"] = names
    app.url_defaults(_static_names(names))


def _static_names(names: dict[str, str]) -> Callable[[str, dict[str, Any]], None]:
    def hashed(endpoint: str, values: dict[str, Any]) -> None:
        if endpoint == "static":
            filename = values.get("filename")
            if filename in names:
                values["filename"] = names[filename]

    return hashed
