"""Secondary suppression over several tables at once (`staff.suppression.protect`), checked by
brute force: for every cell a governor does not see, every value the published tables allow is
listed, and there must be at least two. No database."""

from __future__ import annotations

import itertools
import random

import pytest

from staff.suppression import HIDDEN, SHOWN, SMALL, Line, Shown, line_reveals, protect, share

CAP = 10  # "not shown" is tried from 0 to CAP: a lower CAP may raise a false alarm, never miss


def _possible(values: dict[str, int], lines: list[Line], states: dict[str, str]) -> dict:
    """Each unseen cell's possible values, by trying every combination of the unseen cells that
    are parts of no other (the totals follow from them): "fewer than 5" from 1 to 4, "not shown"
    from 0 to CAP, the shown ones as shown."""
    totals = {c for ln in lines for c in ln.minus}
    unseen = [c for c in values if states[c] != SHOWN and c not in totals]
    choices = [range(1, 5) if states[c] == SMALL else range(CAP + 1) for c in unseen]
    possible: dict[str, set[int]] = {c: set() for c in values if states[c] != SHOWN}
    for combination in itertools.product(*choices):
        guess = {c: v for c, v in values.items() if states[c] == SHOWN and c not in totals}
        guess |= dict(zip(unseen, combination, strict=True))
        for ln in lines:  # the lines list parts before the totals they make up
            guess[ln.minus[0]] = sum(guess[c] for c in ln.plus)
        if all(_fits(guess[c], values[c], states[c]) for c in totals):
            for cell in possible:
                possible[cell].add(guess[cell])
    return possible


def _fits(guess: int, value: int, state: str) -> bool:
    if state == SHOWN:
        return guess == value
    return 1 <= guess <= 4 if state == SMALL else guess >= 0


def _grid(cells: list[list[int]]) -> tuple[dict[str, int], list[Line], set[str]]:
    """A table with its row totals, column totals and grand total."""
    values: dict[str, int] = {}
    lines = []
    for r, row in enumerate(cells):
        for c, value in enumerate(row):
            values[f"{r}.{c}"] = value
        values[f"{r}.t"] = sum(row)
        lines.append(Line(tuple(f"{r}.{c}" for c in range(len(row))), (f"{r}.t",)))
    for c in range(len(cells[0])):
        values[f"t.{c}"] = sum(row[c] for row in cells)
        lines.append(Line(tuple(f"{r}.{c}" for r in range(len(cells))), (f"t.{c}",)))
    values["t.t"] = sum(map(sum, cells))
    lines.append(Line(tuple(f"{r}.t" for r in range(len(cells))), ("t.t",)))
    totals = {k for k in values if "t" in k}
    return values, lines, totals


def test_a_chain_of_tables_that_gives_a_cell_away_is_broken():
    """x + y = 6, y + z = 7 and x + w = 7, with x, y, z, w each "fewer than 5": no one line pins
    any of them, but together they give x = 3 (y is at least 3, so x at most 3; w at most 4, so x
    at least 3). The tables are protected as a whole, not a line at a time."""
    values = {"x": 3, "y": 3, "z": 4, "w": 4, "a": 6, "b": 7, "c": 7}
    lines = [Line(("x", "y"), ("a",)), Line(("y", "z"), ("b",)), Line(("x", "w"), ("c",))]
    first = {c: (SMALL if values[c] < 5 else SHOWN) for c in values}
    assert all(line_reveals(line, values, first) is None for line in lines)
    assert _possible(values, lines, first)["x"] == {3}

    states = protect(values, lines, {"a", "b", "c"})
    assert all(len(found) > 1 for found in _possible(values, lines, states).values())


@pytest.mark.parametrize("seed", range(16))
def test_no_unseen_cell_of_a_protected_table_can_be_worked_out(seed):
    """Tables of 2 rows and 2 or 3 columns of counts from 0 to 9, with their totals."""
    draw = random.Random(seed)
    cells = [[draw.choice([0, 1, 2, 3, 4, 6, 7, 9]) for _ in range(2 + seed % 2)] for _ in range(2)]
    values, lines, totals = _grid(cells)
    states = protect(values, lines, totals)
    assert any(s != SHOWN for s in states.values()) == any(0 < v < 5 for v in values.values())
    for cell, found in _possible(values, lines, states).items():
        assert len(found) > 1, (cells, cell, found, states)


def test_the_parts_of_a_small_total_are_hidden_whatever_they_are():
    values, lines, totals = _grid([[0, 3], [6, 8]])
    states = protect(values, lines, totals)
    assert states["0.t"] == SMALL
    assert states["0.0"] == HIDDEN  # "0 of fewer than 5" tells something of each child


def test_the_threshold_follows_the_setting(settings):
    assert str(Shown(7)) == "7"
    settings.SMALL_NUMBER_THRESHOLD = 10
    assert str(Shown(7)) == "fewer than 10"
    assert share(7, 40) == "–"
