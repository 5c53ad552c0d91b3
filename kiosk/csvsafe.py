"""Formula-safe CSV cells: the one helper every CSV export and import of the app uses.

A spreadsheet runs a cell that starts with ``= + - @``, a tab or a carriage return as a formula
(OWASP "CSV injection"): a service named ``=HYPERLINK("http://x") Drop-in`` would become a link
the moment staff open the export. ``neutralize`` prefixes such a cell with an apostrophe, which
spreadsheets show as text; ``restore`` takes that apostrophe off again when a file is imported,
so export → import → export gives back the same bytes.

An apostrophe already in front of a would-be formula (``'=x``) is itself escaped with one more
apostrophe, so ``restore(neutralize(cell)) == cell`` for every cell, whatever it holds.
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _looks_neutralized(cell: str) -> bool:
    return cell.lstrip("'").startswith(FORMULA_STARTS)


def neutralize(cell: str) -> str:
    """Prefix a would-be formula (or an already escaped one) with an apostrophe."""
    return "'" + cell if _looks_neutralized(cell) else cell


def restore(cell: str) -> str:
    """Undo ``neutralize``: the cell as it was before export."""
    return cell[1:] if cell.startswith("'") and _looks_neutralized(cell) else cell
