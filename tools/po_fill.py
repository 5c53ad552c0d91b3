"""Fill a catalog's empty entries from a JSON file of {msgid: msgstr} (a translator's helper).

python tools/po_fill.py kiosk/<area>/translations/es/LC_MESSAGES/messages.po es.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po


def fill(po_path: Path, table: dict[str, str | list[str]]) -> int:
    """Set msgstr for every msgid found in ``table``; return how many are still empty."""
    with po_path.open("rb") as handle:
        catalog = read_po(handle)
    empty = 0
    for message in catalog:
        if not message.id:
            continue
        key = message.id if isinstance(message.id, str) else message.id[0]
        if key in table:
            value = table[key]
            message.string = tuple(value) if isinstance(value, list) else value
            message.flags.discard("fuzzy")
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings):
            empty += 1
            print(f"still empty: {key!r}")
    with po_path.open("wb") as handle:
        write_po(handle, catalog, width=100)
    return empty


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    table = json.loads(Path(sys.argv[2]).read_text(encoding="utf-8"))
    sys.exit(1 if fill(Path(sys.argv[1]), table) else 0)
