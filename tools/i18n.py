"""Keep the gettext catalogs in step with the code.

Each area keeps its own catalog (``kiosk/<area>/translations``) so areas can change their words
without touching each other's files; the foundation's catalog is ``kiosk/translations``.

    python tools/i18n.py update AREA   # extract AREA's strings into its es catalog, list gaps
    python tools/i18n.py compile       # compile every catalog to .mo
    python tools/i18n.py missing       # list every extracted string with no Spanish yet
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ["es"]
CORE_PY = [
    "kiosk/__init__.py",
    "kiosk/errors.py",
    "kiosk/security.py",
    "kiosk/i18n.py",
    "kiosk/web.py",
    "kiosk/auth",
    "kiosk/admin",
    "kiosk/start",
    "kiosk/health",
]
CORE_TEMPLATES = [
    "templates/layouts",
    "templates/errors",
    "templates/auth",
    "templates/admin",
    "templates/start",
    "templates/macros",
]


def catalog_dirs() -> list[Path]:
    """Every translations folder, core first."""
    dirs = [ROOT / "kiosk" / "translations"]
    dirs += sorted(p for p in (ROOT / "kiosk").glob("*/translations") if p.is_dir())
    return dirs


def sources(area: str) -> tuple[list[str], Path]:
    """The paths whose strings belong to an area, and its catalog folder."""
    if area == "core":
        return CORE_PY + CORE_TEMPLATES, ROOT / "kiosk" / "translations"
    paths = [p for p in (f"kiosk/{area}", f"templates/{area}") if (ROOT / p).exists()]
    if not paths:
        sys.exit(f"no such area: {area}")
    return paths, ROOT / "kiosk" / area / "translations"


def run(*args: str) -> None:
    """Run pybabel quietly from the repository root."""
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", *args],
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def update(area: str) -> None:
    """Extract an area's strings and merge them into its catalogs."""
    paths, out = sources(area)
    pot = out / "messages.pot"
    out.mkdir(parents=True, exist_ok=True)
    existing = [p for p in paths if (ROOT / p).exists()]
    run(
        "extract",
        "-F",
        "babel.cfg",
        "--no-location",
        "--omit-header",
        "-k",
        "_l",
        "-o",
        str(pot),
        *existing,
    )
    for locale in LOCALES:
        po = out / locale / "LC_MESSAGES" / "messages.po"
        if po.exists():
            run("update", "--no-fuzzy-matching", "-i", str(pot), "-d", str(out), "-l", locale)
        else:
            run("init", "-i", str(pot), "-d", str(out), "-l", locale)
    pot.unlink()
    missing()


def compile_all() -> None:
    """Compile every catalog."""
    for directory in catalog_dirs():
        run("compile", "-d", str(directory), "--statistics")


def missing() -> int:
    """Print untranslated or fuzzy entries in every catalog; return how many."""
    from babel.messages.pofile import read_po

    count = 0
    for directory in catalog_dirs():
        for po in directory.glob("*/LC_MESSAGES/messages.po"):
            with po.open("rb") as handle:
                catalog = read_po(handle)
            for message in catalog:
                if not message.id:
                    continue
                strings = message.string if isinstance(message.string, tuple) else (message.string,)
                if message.fuzzy or not all(strings):
                    count += 1
                    print(f"{po.relative_to(ROOT)}: {message.id!r}")
    return count


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "update" and len(sys.argv) == 3:
        update(sys.argv[2])
    elif command == "compile":
        compile_all()
    elif command == "missing":
        sys.exit(1 if missing() else 0)
    else:
        sys.exit(__doc__)
