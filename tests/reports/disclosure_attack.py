"""An attacker who subtracts published counts from published totals, done exactly.

The attacker is given more than any reader has: every row and column of the true table, every
zero, and which entries were withheld. Each line of the extended grid (a row or column, its
total included) is one linear equation. A withheld entry is recovered when some combination of
those equations pins its value, i.e. when every solution of the homogeneous system leaves it
unchanged. Solved with exact fractions, so no rounding hides a recovery.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction

from havenwatch.reports.suppression import TOTAL, CountTable

Position = tuple[str, str]


def _lines(table: CountTable) -> list[dict[Position, int]]:
    """Each line of the extended grid: its cells count +1, its total -1 (they cancel out)."""
    lines = []
    for row in table.extended_rows:
        line = {(row, column): 1 for column in table.columns}
        lines.append({**line, (row, TOTAL): -1})
    for column in table.extended_columns:
        line = {(row, column): 1 for row in table.rows}
        lines.append({**line, (TOTAL, column): -1})
    return lines


def line_equations(table: CountTable, unknowns: list[Position]) -> list[list[Fraction]]:
    """The coefficients of the unknowns in every line that holds one."""
    equations = []
    for line in _lines(table):
        coefficients = [Fraction(line.get(position, 0)) for position in unknowns]
        if any(coefficients):
            equations.append(coefficients)
    return equations


def null_space(matrix: list[list[Fraction]], width: int) -> list[list[Fraction]]:
    """A basis of {x : matrix · x = 0}, by reduction to row echelon form."""
    rows = [row[:] for row in matrix]
    pivots: list[int] = []
    for column in range(width):
        pivot = next((r for r in range(len(pivots), len(rows)) if rows[r][column] != 0), None)
        if pivot is None:
            continue
        current = len(pivots)
        rows[current], rows[pivot] = rows[pivot], rows[current]
        lead = rows[current][column]
        rows[current] = [value / lead for value in rows[current]]
        for other in range(len(rows)):
            if other != current and rows[other][column] != 0:
                factor = rows[other][column]
                rows[other] = [
                    a - factor * b for a, b in zip(rows[other], rows[current], strict=True)
                ]
        pivots.append(column)
    basis = []
    for free in (c for c in range(width) if c not in pivots):
        vector = [Fraction(0)] * width
        vector[free] = Fraction(1)
        for row_number, pivot_column in enumerate(pivots):
            vector[pivot_column] = -rows[row_number][free]
        basis.append(vector)
    return basis


def recoverable(table: CountTable, published: Mapping[Position, int]) -> set[Position]:
    """Withheld non-zero entries whose value the published ones pin down exactly."""
    unknowns = sorted(p for p, v in table.grid.items() if v > 0 and p not in published)
    return pinned(table, unknowns)


def pinned(table: CountTable, unknowns: list[Position]) -> set[Position]:
    """Those of `unknowns` that the lines of the grid, all else known, pin down exactly."""
    if not unknowns:
        return set()
    basis = null_space(line_equations(table, unknowns), len(unknowns))
    return {
        position
        for number, position in enumerate(unknowns)
        if all(vector[number] == 0 for vector in basis)
    }


def differences(before: CountTable, after: CountTable) -> CountTable:
    """The table of what changed between two tables over the same slice (after − before).

    The lines of a difference table hold exactly as those of a count table do, so an
    attacker holding two published versions solves it like any other table.
    """
    cells = {**{p: 0 for p in before.cells}, **{p: 0 for p in after.cells}}
    return CountTable({p: after.cells.get(p, 0) - before.cells.get(p, 0) for p in cells})
