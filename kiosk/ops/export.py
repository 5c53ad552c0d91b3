"""The center's own data as a zip of CSV files, for portability or for leaving the product.

Every table in the schema goes in, except the ones listed in EXCLUDED_TABLES, and without any
column whose name says it holds a secret (hashes, tokens, passwords, keys, ciphertext). Those are
useless outside this installation and dangerous in a file that gets emailed around: a password
hash can be cracked offline, a visitor-code hash tried against the word lists.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO, Any

from sqlalchemy import Table, select

from .. import clock
from ..extensions import db

EXCLUDED_TABLES = {
    "staff_sessions": "who is logged in right now (session token hashes)",
    "setup_tokens": "one-time setup links (token hashes)",
    "login_failures": "a short-lived security log of failed logins",
    "visitor_codes": "visitor codes are known only by their hash under this server's secret key",
    "code_attempts": "a short-lived security log of wrong codes typed at kiosks",
}
# Column names that hold secrets or things derived from them (privacy: never in an export).
SECRET_COLUMN = re.compile(r"hash|token|password|secret|cipher|encrypted|salt|nonce|_key$", re.I)
# A cell starting with one of these runs as a formula in a spreadsheet; a quote keeps it text.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class TableExport:
    """One CSV file in the export."""

    table: str
    columns: tuple[str, ...]
    dropped: tuple[str, ...]
    rows: int


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, int | float):
        return str(value)
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_START) else text


def exported_tables() -> list[Table]:
    """The tables that go into the export, in dependency order."""
    return [t for t in db.metadata.sorted_tables if t.name not in EXCLUDED_TABLES]


def _write_table(archive: zipfile.ZipFile, table: Table) -> TableExport:
    keep = [c for c in table.columns if not SECRET_COLUMN.search(c.name)]
    dropped = tuple(c.name for c in table.columns if SECRET_COLUMN.search(c.name))
    order = list(table.primary_key.columns) or keep[:1]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([c.name for c in keep])
    count = 0
    for row in db.session.execute(select(*keep).order_by(*order)):
        writer.writerow([_cell(value) for value in row])
        count += 1
    archive.writestr(f"{table.name}.csv", buffer.getvalue())
    return TableExport(table.name, tuple(c.name for c in keep), dropped, count)


def _readme(center: str, moment: datetime, files: list[TableExport], tables: list[Table]) -> str:
    by_name = {t.name: t for t in tables}
    lines = [
        f"Porchlight data export for {center}",
        f"Made {moment:%Y-%m-%d %H:%M} UTC.",
        "",
        "One CSV file per table: UTF-8, comma-separated, first row = column names, quoted as",
        "needed (RFC 4180). Times are UTC in ISO 8601 (2026-11-26T14:05:00). Empty cell = no",
        "value. true/false for yes/no. A text cell that would start with = + - @ (which a",
        "spreadsheet runs as a formula) starts with a ' instead.",
        "",
        "Left out on purpose (they are secrets, or only mean something inside this installation):",
    ]
    lines += [f"- table {name}: {why}" for name, why in EXCLUDED_TABLES.items()]
    lines += [
        "- every column that holds a hash, token, password or key (listed per file below)",
        "- the key files of the data folder (secret_key, *.key)",
        "",
        "Files:",
    ]
    for item in files:
        lines.append("")
        lines.append(f"{item.table}.csv ({item.rows} rows)")
        table = by_name[item.table]
        for name in item.columns:
            column = table.columns[name]
            kind = str(column.type).lower()
            extra = " (key)" if column.primary_key else ""
            if column.foreign_keys:
                target = next(iter(column.foreign_keys)).target_fullname
                extra += f" (refers to {target})"
            lines.append(f"  {name}: {kind}{extra}")
        if item.dropped:
            lines.append(f"  left out: {', '.join(item.dropped)}")
    return "\n".join(lines) + "\n"


def write_export(target: IO[bytes], center: str) -> list[TableExport]:
    """Write the zip (CSV files and README.txt) to ``target``; returns what went in."""
    moment = clock.utcnow()
    tables = exported_tables()
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        files = [_write_table(archive, table) for table in tables]
        archive.writestr("README.txt", _readme(center, moment, files, tables))
    db.session.rollback()
    return files


def export_name() -> str:
    """The download's file name."""
    return f"porchlight-export-{clock.utcnow():%Y-%m-%d}.zip"
