"""Small-cell suppression: primary, secondary, and no hidden cell derivable from what is shown."""

from __future__ import annotations

from fractions import Fraction

import pytest

from kiosk.reports import measures as m
from kiosk.reports.figures import paired_change, t_975
from kiosk.reports.suppression import Cell, Table, suppress_list, suppress_table


def _derivable(table: Table) -> list[tuple[int, int]]:
    """Hidden entries of the augmented grid whose value follows from the shown ones.

    Every row and column (with its total) is a linear equation. An unknown is determined
    exactly when its unit vector lies in the row space of the equations restricted to the
    unknowns: checked by Gaussian elimination over the rationals.
    """
    grid = table.grid()
    unknowns = [
        (i, j) for i, row in enumerate(grid) for j, cell in enumerate(row) if cell.suppressed
    ]
    index = {pos: n for n, pos in enumerate(unknowns)}
    height, width = len(grid), len(grid[0])
    equations = []
    for i in range(height):  # row i: cells ... = total (last column)
        eq = [Fraction(0)] * len(unknowns)
        for j in range(width):
            if (i, j) in index:
                eq[index[(i, j)]] += -1 if j == width - 1 else 1
        equations.append(eq)
    for j in range(width):
        eq = [Fraction(0)] * len(unknowns)
        for i in range(height):
            if (i, j) in index:
                eq[index[(i, j)]] += -1 if i == height - 1 else 1
        equations.append(eq)
    rank_base = _rank(equations)
    found = []
    for pos, n in index.items():
        unit = [Fraction(0)] * len(unknowns)
        unit[n] = Fraction(1)
        if _rank([*equations, unit]) == rank_base:
            found.append(pos)
    return found


def _rank(rows: list[list[Fraction]]) -> int:
    matrix = [list(r) for r in rows]
    rank = 0
    cols = len(matrix[0]) if matrix else 0
    for c in range(cols):
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


CRAFTED = [
    [3, 20, 15, 0],  # a 3 on screen: hidden
    [12, 7, 30, 9],  # a 7: hidden in the funder export
    [25, 14, 18, 22],
    [0, 0, 2, 40],  # a 2 alone with zeros in its row
]


def test_a_cell_of_3_is_hidden_on_screen_and_zero_is_shown() -> None:
    table = suppress_table(["a", "b", "c", "d"], ["w", "x", "y", "z"], CRAFTED, threshold=5)
    assert table.cells[0][0].suppressed
    assert table.cells[0][0].shown() is None
    assert not table.cells[0][3].suppressed and table.cells[0][3].shown() == 0
    assert not table.cells[1][1].suppressed  # 7 is fine on a staff screen


def test_a_cell_of_7_is_hidden_in_the_funder_export() -> None:
    table = suppress_table(["a", "b", "c", "d"], ["w", "x", "y", "z"], CRAFTED, threshold=11)
    assert table.cells[1][1].suppressed


@pytest.mark.parametrize("threshold", [5, 11])
def test_no_hidden_cell_can_be_derived_from_the_totals(threshold: int) -> None:
    table = suppress_table(["a", "b", "c", "d"], ["w", "x", "y", "z"], CRAFTED, threshold)
    assert any(c.suppressed for c in table.cells[0])
    assert _derivable(table) == []
    # And every primary small cell really is hidden.
    for row, counts in zip(table.cells, CRAFTED, strict=True):
        for cell, value in zip(row, counts, strict=True):
            if 0 < value < threshold:
                assert cell.suppressed


def test_primary_suppression_alone_would_leak() -> None:
    # The check above can fail: with primary suppression only, the 3 is a total minus the rest.
    table = suppress_table(["a", "b", "c", "d"], ["w", "x", "y", "z"], CRAFTED, threshold=5)
    for row in table.grid():
        for cell in row:
            cell.suppressed = 0 < cell.value < 5
    assert (0, 0) in _derivable(table)


def test_many_random_tables_leak_nothing() -> None:
    import random

    rng = random.Random(12)
    for _ in range(150):
        rows, cols = rng.randint(1, 5), rng.randint(1, 5)
        counts = [
            [rng.choice([0, 0, 1, 2, 3, 4, 6, 9, 12, 30]) for _ in range(cols)] for _ in range(rows)
        ]
        table = suppress_table(
            [str(i) for i in range(rows)], [str(j) for j in range(cols)], counts, 5
        )
        assert _derivable(table) == [], counts


def test_a_list_with_one_small_category_hides_a_second() -> None:
    cells, total = suppress_list([2, 30, 0, 12], 5)
    assert [c.suppressed for c in cells] == [True, False, False, True]
    assert total.shown() == 44


def test_t_quantiles_and_paired_interval() -> None:
    assert t_975(1) == 12.706 and t_975(30) == 2.042
    assert abs(t_975(60) - 2.000) < 0.002 and abs(t_975(1000) - 1.962) < 0.002
    change = paired_change(m.UCLA3, [-2.0, -1.0, 0.0, -1.0, -1.0], 5)
    # mean -1, sd sqrt(0.5), n 5, t(4) 2.776 -> half width 2.776 * 0.7071 / 2.2361 = 0.8779
    assert change.pairs == 5 and change.mean == -1.0 and not change.suppressed
    assert round(change.low, 3) == -1.878 and round(change.high, 3) == -0.122  # type: ignore[arg-type]
    assert paired_change(m.UCLA3, [-1.0, 0.0, -2.0], 5).suppressed


def test_cell_shown() -> None:
    assert Cell(0).shown() == 0 and Cell(3, True).shown() is None
