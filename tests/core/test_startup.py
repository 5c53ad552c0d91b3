"""Start-up on a fresh machine: typed settings, secret key file, `python wsgi.py`."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from kiosk import ROOT
from kiosk.config import ConfigError, Settings
from tests.conftest import TEST_DATABASE_URL, free_port


def test_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("KIOSK_"):
            monkeypatch.delenv(name)
    settings = Settings.from_env()
    assert (settings.host, settings.port, settings.data_dir) == ("0.0.0.0", 8080, Path("instance"))
    assert settings.resolved_database_url().startswith("sqlite:///")
    assert settings.resolved_database_url().endswith("instance/porchlight.db")


def test_environment_overrides(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("KIOSK_HOST", "127.0.0.1")
    monkeypatch.setenv("KIOSK_PORT", "9000")
    monkeypatch.setenv("KIOSK_THREADS", "12")
    monkeypatch.setenv("KIOSK_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("KIOSK_DATABASE_URL", "postgresql+psycopg://u:p@db/porchlight")
    settings = Settings.from_env()
    assert (settings.host, settings.port, settings.threads) == ("127.0.0.1", 9000, 12)
    assert settings.resolved_database_url() == "postgresql+psycopg://u:p@db/porchlight"


@pytest.mark.parametrize(
    ("name", "value"), [("KIOSK_PORT", "eighty"), ("KIOSK_PORT", "0"), ("KIOSK_THREADS", "-1")]
)
def test_bad_settings_are_named(monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=name):
        Settings.from_env()


def test_secret_key_file_is_created_once_with_mode_0600(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    first = settings.load_secret_key()
    assert len(first) == 64
    mode = stat.S_IMODE((tmp_path / "data" / "secret_key").stat().st_mode)
    assert mode == 0o600
    assert settings.load_secret_key() == first


def _read_line(process: subprocess.Popen[str], needle: str, timeout: float = 60) -> str:
    deadline = time.monotonic() + timeout
    assert process.stdout is not None
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if needle in line:
            return line
        if not line and process.poll() is not None:
            break
    raise AssertionError(f"{needle!r} never printed")


def test_wsgi_migrates_prints_setup_link_and_serves(tmp_path: Path) -> None:
    port = free_port()
    env = {
        **os.environ,
        "KIOSK_DATA_DIR": str(tmp_path),
        "KIOSK_PORT": str(port),
        "KIOSK_HOST": "127.0.0.1",
        "PYTHONUNBUFFERED": "1",
    }
    if TEST_DATABASE_URL:
        env["KIOSK_DATABASE_URL"] = TEST_DATABASE_URL
    process = subprocess.Popen(
        [sys.executable, "wsgi.py"],
        cwd=ROOT,
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        line = _read_line(process, "First run:")
        link = line.split(" at ", 1)[1].split(" ")[0]
        assert link.startswith(f"http://127.0.0.1:{port}/staff/setup/")
        _read_line(process, "Porchlight is running")
        for _ in range(50):
            try:
                response = urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5)
                break
            except (ConnectionError, urllib.error.URLError):
                time.sleep(0.1)
        assert response.status == 200
        assert response.headers.get("Server") is None
        assert urllib.request.urlopen(link, timeout=5).status == 200
        # pytest.raises, not try/except: a 200 here must fail the test, not skip its checks.
        with pytest.raises(urllib.error.HTTPError) as raised:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/nope", timeout=5)
        body = raised.value.read().decode()
        assert raised.value.code == 404 and "Traceback" not in body
        assert raised.value.headers.get("Server") is None
    finally:
        process.terminate()
        output = process.communicate(timeout=10)[0]
    # waitress keeps no access log: no client address is written anywhere.
    assert "127.0.0.1 -" not in output and '"GET /' not in output
    if not TEST_DATABASE_URL:
        assert (tmp_path / "porchlight.db").exists()
        assert stat.S_IMODE((tmp_path / "secret_key").stat().st_mode) == 0o600
