"""Small-cell and secondary suppression on random tables (hypothesis) and worked examples."""

from __future__ import annotations

import pytest
from disclosure_attack import recoverable
from hypothesis import given
from hypothesis import strategies as st

from havenwatch.reports.suppression import (
    MIN_K,
    TOTAL,
    CountTable,
    SuppressionError,
    check_k,
    suppress,
)

ROWS = ("RU", "BY", "UA", "KZ", "unknown")
COLUMNS = ("RS", "GE", "ME", "AM", "KZ", "TR")

counts = st.one_of(st.integers(1, 12), st.integers(13, 80))
tables = st.dictionaries(
    st.tuples(st.sampled_from(ROWS), st.sampled_from(COLUMNS)), counts, min_size=1, max_size=30
).map(CountTable)
thresholds = st.integers(MIN_K, 20)


def _published(table: CountTable, hidden: frozenset[tuple[str, str]]) -> dict[tuple[str, str], int]:
    return {p: v for p, v in table.grid.items() if p not in hidden}


def _lines(table: CountTable) -> list[list[tuple[str, str]]]:
    rows = [[(r, c) for c in table.extended_columns] for r in table.extended_rows]
    return rows + [[(r, c) for r in table.extended_rows] for c in table.extended_columns]


@given(tables, thresholds)
def test_no_published_count_lies_between_zero_and_k(table: CountTable, k: int) -> None:
    hidden = suppress(table, k)

    assert all(v == 0 or v >= k for v in _published(table, hidden).values())


@given(tables, thresholds)
def test_every_row_and_column_with_a_hidden_entry_hides_at_least_two(
    table: CountTable, k: int
) -> None:
    """A line's total counts as one of its entries: withholding it is the other way out."""
    hidden = suppress(table, k)

    for line in _lines(table):
        assert len(hidden.intersection(line)) != 1, line


@given(tables, thresholds)
def test_no_hidden_entry_can_be_worked_back_from_the_published_ones(
    table: CountTable, k: int
) -> None:
    hidden = suppress(table, k)

    assert recoverable(table, _published(table, hidden)) == set()
    assert all(table.grid[position] > 0 for position in hidden)


@given(tables, thresholds, st.integers(0, 15))
def test_suppression_is_nested_in_k(table: CountTable, k: int, more: int) -> None:
    assert suppress(table, k) <= suppress(table, k + more)


@pytest.mark.parametrize("k", [4, 0, -10, True])
def test_a_threshold_below_five_is_rejected(k: int) -> None:
    with pytest.raises(SuppressionError, match="at least 5"):
        check_k(k)


def test_a_single_small_cell_takes_a_rectangle_of_cells_with_it() -> None:
    table = CountTable({("RU", "RS"): 40, ("RU", "GE"): 20, ("UA", "RS"): 3, ("UA", "GE"): 15})

    hidden = suppress(table, 10)

    assert hidden == {("UA", "RS"), ("UA", "GE"), ("RU", "RS"), ("RU", "GE")}
    assert table.grid[TOTAL, TOTAL] == 78


def test_a_table_of_one_small_cell_publishes_nothing() -> None:
    table = CountTable({("UA", "ME"): 1})

    assert suppress(table, 10) == set(table.grid)


def test_the_attacker_recovers_a_lone_hidden_cell() -> None:
    """The check is not toothless: one hidden cell in a row with its total is found."""
    table = CountTable({("RU", "RS"): 40, ("RU", "GE"): 3, ("UA", "RS"): 12, ("UA", "GE"): 15})
    shown = {p: v for p, v in table.grid.items() if p != ("RU", "GE")}

    assert recoverable(table, shown) == {("RU", "GE")}


def test_the_attacker_recovers_a_cell_bridging_two_protected_blocks() -> None:
    """Two hidden cells per line is not enough when one cell links two closed groups."""
    cells = {(r, c): 20 for r in ("A", "B", "C", "D") for c in ("w", "x", "y", "z")}
    table = CountTable(cells)
    block = {("A", "w"), ("A", "x"), ("B", "w"), ("B", "x")}
    block |= {("C", "y"), ("C", "z"), ("D", "y"), ("D", "z")}
    bridge = {("B", "y")}
    shown = {p: v for p, v in table.grid.items() if p not in block | bridge}

    assert bridge <= recoverable(table, shown)
