"""Small-cell suppression for a two-way table of people counts and its margins.

The table is read with its totals as one extended grid: rows × columns, plus a TOTAL row
(column totals), a TOTAL column (row totals) and the grand total in the corner. Every line of
that grid (a row or a column, its total included) is a published equation, so an attacker who
knows which entries are hidden can set up one linear equation per line.

Primary suppression hides every entry, totals included, with 0 < count < k.

Secondary suppression: each hidden entry is made one corner of a rectangle of four hidden,
non-zero entries (rows r, r' × columns c, c' of the extended grid). Adding 1 to two opposite
corners and subtracting 1 from the other two (or, where a corner is a total, moving it along)
leaves every published equation true and every count non-negative, so the published figures
fit at least two different tables: no hidden entry can be worked back exactly, whatever
combination of totals is subtracted. As a consequence every line with a hidden entry has at
least two. This is the "hypercube" method of statistical agencies, used on one table at a time.

Monotone in k: the pattern for k is built on top of the pattern for every smaller allowed k,
so an export at k=5 and one at k=10 hide nested sets of entries, and putting two exports with
different k side by side reveals nothing the smaller k alone did not already publish.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from itertools import product

from havenwatch.core.errors import HavenwatchError

MIN_K = 5
DEFAULT_K = 10
TOTAL = "ALL"

Position = tuple[str, str]


class SuppressionError(HavenwatchError):
    """A threshold that would not protect anyone."""


def check_k(k: int) -> int:
    """k itself, when it is an allowed threshold (an integer of at least MIN_K)."""
    if isinstance(k, bool) or not isinstance(k, int) or k < MIN_K:
        raise SuppressionError(
            f"k must be a whole number of at least {MIN_K} (got {k!r}): smaller groups of "
            "people could be recognised from published counts"
        )
    return k


@dataclass(frozen=True)
class CountTable:
    """Interior counts by (row, column); zero cells may be left out. Totals are derived."""

    cells: Mapping[Position, int]

    @cached_property
    def rows(self) -> tuple[str, ...]:
        return tuple(sorted({row for row, _ in self.cells}))

    @cached_property
    def columns(self) -> tuple[str, ...]:
        return tuple(sorted({column for _, column in self.cells}))

    @cached_property
    def grid(self) -> dict[Position, int]:
        """Every entry of the extended grid, totals included, zeros included."""
        values = {(r, c): self.cells.get((r, c), 0) for r, c in product(self.rows, self.columns)}
        for row in self.rows:
            values[row, TOTAL] = sum(values[row, c] for c in self.columns)
        for column in self.columns:
            values[TOTAL, column] = sum(values[r, column] for r in self.rows)
        values[TOTAL, TOTAL] = sum(values[r, TOTAL] for r in self.rows)
        return values

    @property
    def extended_rows(self) -> tuple[str, ...]:
        return (*self.rows, TOTAL)

    @property
    def extended_columns(self) -> tuple[str, ...]:
        return (*self.columns, TOTAL)


def primary(table: CountTable, k: int) -> set[Position]:
    return {position for position, value in table.grid.items() if 0 < value < k}


def _rectangle(position: Position, other: Position) -> tuple[Position, ...]:
    (row, column), (row2, column2) = position, other
    return (row, column2), (row2, column), (row2, column2)


def _is_covered(table: CountTable, position: Position, hidden: set[Position]) -> bool:
    """Whether `position` already sits on a rectangle of hidden entries."""
    return any(
        all(corner in hidden for corner in _rectangle(position, (row, column)))
        for row in table.extended_rows
        if row != position[0]
        for column in table.extended_columns
        if column != position[1]
    )


def _cheapest_rectangle(
    table: CountTable,
    position: Position,
    hidden: set[Position],
    known: frozenset[Position] = frozenset(),
) -> tuple[Position, ...]:
    """The three other corners that hide the fewest, then the smallest, new entries.

    Corners must be non-zero, so that the table can move both ways along the rectangle, and
    not `known` (published elsewhere). Totals are spared where possible: they are the figures
    readers need most.
    """
    grid = table.grid
    best: tuple[tuple[int, int, int, Position], tuple[Position, ...]] | None = None
    for row, column in product(table.extended_rows, table.extended_columns):
        if row == position[0] or column == position[1]:
            continue
        corners = _rectangle(position, (row, column))
        if any(grid[corner] == 0 or corner in known for corner in corners):
            continue
        new = [corner for corner in corners if corner not in hidden]
        cost = (len(new), sum(TOTAL in corner for corner in new), sum(grid[c] for c in new))
        if best is None or (*cost, (row, column)) < best[0]:
            best = ((*cost, (row, column)), corners)
    if best is None:
        raise SuppressionError(f"no complementary cells for {position}")
    return best[1]


def protect(
    table: CountTable,
    k: int,
    already: Iterable[Position] = (),
    unpublished: frozenset[Position] = frozenset(),
    known: frozenset[Position] = frozenset(),
) -> frozenset[Position]:
    """Hidden entries for threshold k, on top of an already-protected set.

    `unpublished` entries are hidden corners the others may use, needing no cover themselves.
    `known` entries are published elsewhere (another table's total): never a corner.
    """
    hidden = set(already) | unpublished | primary(table, k)
    grid = table.grid
    for position in sorted(hidden - unpublished, key=lambda p: (grid[p], p)):
        if not _is_covered(table, position, hidden):
            hidden.update(_cheapest_rectangle(table, position, hidden, known))
    return frozenset(hidden)


def thresholds_up_to(table: CountTable, k: int) -> list[int]:
    """MIN_K, then every threshold at which a count of the table first falls below it."""
    steps = {value + 1 for value in table.grid.values() if MIN_K < value + 1 <= k}
    return [MIN_K, *sorted(steps)]


def suppress(
    table: CountTable,
    k: int = DEFAULT_K,
    unpublished: Iterable[Position] = (),
    known: Iterable[Position] = (),
) -> frozenset[Position]:
    """The entries (cells and totals) to withhold when publishing `table` at threshold k.

    `unpublished` entries are never shown anyway (the lone row or column of a dimension
    published as totals only): they count as hidden from the start, so the protection of the
    others never relies on them being known. `known` entries (at least k) are published by
    another table (a slice's grand total, for its grounds breakdown): no hidden entry relies on
    them being hidden, and suppression never hides them.
    """
    given = frozenset(unpublished)
    fixed = frozenset(known)
    hidden: frozenset[Position] = frozenset()
    for threshold in thresholds_up_to(table, check_k(k)):
        hidden = protect(table, threshold, hidden, given, fixed)
    return hidden - given
