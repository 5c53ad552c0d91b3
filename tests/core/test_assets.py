"""Static files under hashed names, cached for a year and gzipped (kiosk/assets.py)."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from kiosk import ROOT
from kiosk.security import SECURITY_HEADERS


def _stylesheet(client: FlaskClient) -> str:
    html = client.get("/").get_data(as_text=True)
    found = re.search(r'<link rel="stylesheet" href="(/static/css/base\.[^"]+)"', html)
    assert found, "the start page links no base stylesheet"
    return found.group(1)


def test_pages_link_the_hashed_name_of_each_file(client: FlaskClient) -> None:
    html = client.get("/").get_data(as_text=True)
    links = re.findall(r'(?:href|src)="(/static/[^"]+)"', html)
    assert links
    for link in links:
        assert re.search(r"\.[0-9a-f]{12}\.[a-z]+$", link), link
    assert "/static/css/base.css" not in html


def test_a_hashed_file_is_immutable_and_gzipped_when_asked(client: FlaskClient) -> None:
    url = _stylesheet(client)
    original = (ROOT / "static/css/base.css").read_bytes()
    zipped = client.get(url, headers={"Accept-Encoding": "gzip, deflate"})
    assert zipped.status_code == 200
    assert zipped.headers["Cache-Control"] == "max-age=315360000, public, immutable"
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped.headers["Vary"]
    assert gzip.decompress(zipped.get_data()) == original
    plain = client.get(url)  # a browser that does not accept gzip gets the file itself
    assert "Content-Encoding" not in plain.headers
    assert plain.get_data() == original


def test_static_files_carry_the_security_headers_and_no_cors(client: FlaskClient) -> None:
    for url in (_stylesheet(client), "/static/css/base.css"):
        response = client.get(url)
        for name, value in SECURITY_HEADERS.items():
            assert response.headers[name] == value
        assert "Access-Control-Allow-Origin" not in response.headers


def test_an_original_name_still_answers_but_is_not_kept(client: FlaskClient) -> None:
    response = client.get("/static/css/base.css")
    assert response.status_code == 200
    assert "immutable" not in response.headers["Cache-Control"]


def test_a_changed_file_gets_a_new_name(tmp_path: Path) -> None:
    from kiosk.assets import build

    static = tmp_path / "static"
    (static / "css").mkdir(parents=True)
    (static / "css/a.css").write_text("body{color:red}")
    first = build(static, tmp_path / "cache")["css/a.css"]
    (static / "css/a.css").write_text("body{color:blue}")
    second = build(static, tmp_path / "cache")["css/a.css"]
    assert first != second
    assert (tmp_path / "cache" / second).read_text() == "body{color:blue}"


def test_static_files_are_prepared_once_per_process_and_cache_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A second app on the same cache folder reuses the work (the suite makes one per test)."""
    from kiosk import assets, create_app
    from kiosk.config import Settings

    cache = tmp_path / "static-cache"
    first = create_app(Settings(data_dir=tmp_path / "one", testing=True, static_cache_dir=cache))
    built: list[Path] = []
    real_build = assets.build

    def counted_build(root: Path, where: Path) -> dict[str, str]:
        built.append(where)
        return real_build(root, where)

    monkeypatch.setattr(assets, "build", counted_build)
    second = create_app(Settings(data_dir=tmp_path / "two", testing=True, static_cache_dir=cache))
    assert built == []
    # The reused table serves the same hashed file, immutable, with its gzip copy.
    url = _stylesheet(second.test_client())
    assert url == _stylesheet(first.test_client())
    response = second.test_client().get(url, headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert "immutable" in response.headers["Cache-Control"]
    assert response.headers["Content-Encoding"] == "gzip"
    # Another cache folder is prepared afresh.
    create_app(Settings(data_dir=tmp_path / "three", testing=True))
    assert built == [(tmp_path / "three" / "static-cache").resolve()]
