"""Small-cell suppression, primary and secondary, for every figure that leaves the database.

Primary: a count from 1 to ``threshold - 1`` people is hidden (zero is shown: it reveals no
one). Secondary: a table is shown with its row and column totals, so a single hidden cell in a
row or column could be recovered by subtraction. Each row and column (its total included) is one
linear equation; whenever an equation has exactly one hidden entry, a second one is hidden -- the
smallest non-zero cell still shown in that line, or, when there is none, the line's total. That
rule alone can still leave a cell pinned down by several equations together, so the whole linear
system is then solved (exact fractions) and, while any hidden entry is determined by what is
shown, one more entry in its line is hidden. Tables are small (months x three columns), so this
costs nothing that matters. tests/reports/test_suppression.py checks the result independently.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction

# Defaults; admins change them in Settings (kiosk/reports/settings.py).
SCREEN_THRESHOLD = 5  # staff screens hide 1-4
FUNDER_THRESHOLD = 11  # the funder export hides 1-10


def hidden(count: int, threshold: int) -> bool:
    """Primary suppression: does this count describe too few people to show?"""
    return 0 < count < threshold


@dataclass
class Cell:
    """A figure and whether it is suppressed."""

    value: int
    suppressed: bool = False

    def shown(self) -> int | None:
        """The value, or None when suppressed."""
        return None if self.suppressed else self.value


@dataclass
class Table:
    """A count table with row totals, column totals and a grand total, suppressed."""

    rows: list[str]
    columns: list[str]
    cells: list[list[Cell]]
    row_totals: list[Cell]
    column_totals: list[Cell]
    total: Cell
    threshold: int = field(default=SCREEN_THRESHOLD)

    def grid(self) -> list[list[Cell]]:
        """The augmented grid: cells, each row's total last, and the totals row at the bottom."""
        body = [[*row, total] for row, total in zip(self.cells, self.row_totals, strict=True)]
        return [*body, [*self.column_totals, self.total]]


def suppress_table(
    rows: Sequence[str], columns: Sequence[str], counts: Sequence[Sequence[int]], threshold: int
) -> Table:
    """Build the table with margins and apply primary then secondary suppression."""
    cells = [[Cell(v, hidden(v, threshold)) for v in row] for row in counts]
    row_totals = [Cell(sum(row)) for row in counts]
    column_totals = [Cell(sum(row[j] for row in counts)) for j in range(len(columns))]
    total = Cell(sum(sum(row) for row in counts))
    for margin in (*row_totals, *column_totals, total):
        margin.suppressed = hidden(margin.value, threshold)
    table = Table(list(rows), list(columns), cells, row_totals, column_totals, total, threshold)
    _secondary(table.grid())
    return table


def _lines(grid: list[list[Cell]]) -> list[tuple[list[Cell], Cell]]:
    """Every equation of the grid as (its parts, its total)."""
    lines = [(row[:-1], row[-1]) for row in grid]
    width = len(grid[0])
    lines += [([row[j] for row in grid[:-1]], grid[-1][j]) for j in range(width)]
    return lines


def _secondary(grid: list[list[Cell]]) -> None:
    while True:
        _close_lines(grid)
        exposed = determined(grid)
        if not exposed:
            return
        i, j = exposed[0]
        row = [c for c in grid[i] if not c.suppressed]
        column = [r[j] for r in grid if not r[j].suppressed]
        choices = [c for c in row + column if c.value > 0] or row + column
        if not choices:  # every entry of both lines hidden already: nothing can be derived
            return
        min(choices, key=lambda c: c.value).suppressed = True


def determined(grid: list[list[Cell]]) -> list[tuple[int, int]]:
    """Hidden entries whose value follows from the shown ones through the margins' equations."""
    unknowns = [(i, j) for i, row in enumerate(grid) for j, c in enumerate(row) if c.suppressed]
    if not unknowns:
        return []
    index = {pos: n for n, pos in enumerate(unknowns)}
    height, width = len(grid), len(grid[0])
    equations: list[list[Fraction]] = []
    for i in range(height):
        equations.append(_equation(index, [((i, j), j == width - 1) for j in range(width)]))
    for j in range(width):
        equations.append(_equation(index, [((i, j), i == height - 1) for i in range(height)]))
    base = _rank(equations)
    found = []
    for pos, n in index.items():
        unit = [Fraction(0)] * len(unknowns)
        unit[n] = Fraction(1)
        if _rank([*equations, unit]) == base:
            found.append(pos)
    return found


def _equation(
    index: dict[tuple[int, int], int], entries: list[tuple[tuple[int, int], bool]]
) -> list[Fraction]:
    row = [Fraction(0)] * len(index)
    for pos, is_total in entries:
        if pos in index:
            row[index[pos]] += -1 if is_total else 1
    return row


def _rank(rows: list[list[Fraction]]) -> int:
    matrix = [list(r) for r in rows]
    rank = 0
    for c in range(len(matrix[0]) if matrix else 0):
        pivot = next((r for r in range(rank, len(matrix)) if matrix[r][c] != 0), None)
        if pivot is None:
            continue
        matrix[rank], matrix[pivot] = matrix[pivot], matrix[rank]
        for r in range(len(matrix)):
            if r != rank and matrix[r][c] != 0:
                factor = matrix[r][c] / matrix[rank][c]
                matrix[r] = [a - factor * b for a, b in zip(matrix[r], matrix[rank], strict=True)]
        rank += 1
    return rank


def _close_lines(grid: list[list[Cell]]) -> None:
    changed = True
    while changed:
        changed = False
        for parts, total in _lines(grid):
            entries = [*parts, total]
            if sum(cell.suppressed for cell in entries) != 1:
                continue
            candidates = [c for c in parts if not c.suppressed and c.value > 0]
            if candidates:
                min(candidates, key=lambda c: c.value).suppressed = True
            elif not total.suppressed:
                total.suppressed = True
            else:
                # The total alone is hidden and every part is zero: hiding a zero changes
                # nothing an observer can learn, so hide one to keep the equation closed.
                parts[0].suppressed = True
            changed = True


def suppress_list(counts: Sequence[int], threshold: int) -> tuple[list[Cell], Cell]:
    """A one-row table (categories and their total), suppressed the same way."""
    table = suppress_table(["all"], [str(i) for i in range(len(counts))], [counts], threshold)
    return table.cells[0], table.row_totals[0]


def suppress_figure(people: int, threshold: int) -> bool:
    """Is a derived figure (mean, share, median) based on too few people to show?"""
    return people < threshold
