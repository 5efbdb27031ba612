"""Small numbers in governors' outputs: a count from 1 to the threshold less one is shown as
"fewer than 5" (SMALL_NUMBER_THRESHOLD, default 5; RELIABILITY.md AC-08), and a percentage is
shown only when both its counts are. On the ground floor so every report can use it.

Secondary suppression is the report's to arrange: it must not show a total beside parts that
let a suppressed part be worked out by subtraction (`hides_by_difference` checks a set of parts
and their total). A report of many tables that share totals gives `protect` every equality its
tables let a reader write down, and `protect` hides cells until no hidden cell can be worked out
from all of them together: by sums over several lines (`fixed_by_sums`, exact) and by chains of
"fewer than 5" bounds (`ranges`). tests/staff/test_suppression.py checks it by brute force.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver


@functools.cache
def threshold() -> int:
    """Read once (a trust's board report asks ten thousand times), again when a test changes
    the setting."""
    return int(getattr(settings, "SMALL_NUMBER_THRESHOLD", 5))


@receiver(setting_changed)
def _threshold_changed(*, setting: str, **kwargs) -> None:
    if setting == "SMALL_NUMBER_THRESHOLD":
        threshold.cache_clear()


@dataclass(frozen=True)
class Shown:
    """A count as a governor sees it: the number, or suppressed."""

    value: int
    within_suppressed: bool = False  # a part of a group too small to show: hidden, 0 too

    @property
    def suppressed(self) -> bool:
        return self.within_suppressed or 0 < self.value < threshold()

    @property
    def known(self) -> tuple[int, int]:
        """What a reader knows of the count, as (least, most): exact when shown, 1 to the
        threshold less one when "fewer than 5", 0 to that when hidden within a group too small
        to show. What `recoverable` takes of each hidden part."""
        if self.within_suppressed:
            return (0, threshold() - 1)
        if self.suppressed:
            return (1, threshold() - 1)
        return (self.value, self.value)

    def __str__(self) -> str:
        if self.within_suppressed:
            return "not shown"
        return f"fewer than {threshold()}" if self.suppressed else f"{self.value:,}"


def shown(value: int) -> Shown:
    return Shown(value)


def shown_within(value: int, group: int) -> Shown:
    """A count of a group's members with some attribute. When the group itself is too small to
    show, the count is hidden whatever it is: "0 of fewer than 5" or "all of them" would tell
    something about each child of the group."""
    return Shown(value, within_suppressed=Shown(group).suppressed)


def share(part: int, whole: int) -> str:
    """A percentage for governors: only when both counts are shown, else "–"."""
    if not whole or Shown(part).suppressed or Shown(whole).suppressed:
        return "–"
    return f"{round(100 * part / whole)}%"


def hides_by_difference(parts: list[int], total: int) -> bool:
    """Whether showing `total` beside `parts` (each shown or suppressed) keeps every suppressed
    part unknown. With the total shown, the suppressed parts' sum is the total less the shown
    parts: one suppressed part alone is then known, and so are several when that sum is the
    least or the most they could be (two parts summing to 2 are both 1)."""
    if Shown(total).suppressed:
        return True
    hidden = [p for p in parts if Shown(p).suppressed]
    if not hidden:
        return True
    known_sum = total - sum(p for p in parts if not Shown(p).suppressed)
    least, most = len(hidden), len(hidden) * (threshold() - 1)
    return len(hidden) > 1 and least < known_sum < most


def recoverable(hidden: list[tuple[int, int]], total: tuple[int, int]) -> bool:
    """Whether a total shown beside its parts pins down a hidden part. `hidden` holds what a
    reader knows of each hidden part, as (least, most) ("fewer than 5": 1 to 4); `total` what
    they know of the total (exact: the same twice). Each part's possible values are those its
    range and the others' ranges leave for the total less the parts shown (`total` here is
    already that difference): a part whose least and most possible are the same is known. One
    hidden part alone is always known from an exact total."""
    if not hidden:
        return False
    low_sum = sum(low for low, _ in hidden)
    high_sum = sum(high for _, high in hidden)
    for low, high in hidden:
        least = max(low, total[0] - (high_sum - high))
        most = min(high, total[1] - (low_sum - low))
        if least >= most:
            return True
    return False


# --------------------------------------------------------------------------------------------------
# Secondary suppression over several tables at once
# --------------------------------------------------------------------------------------------------

SHOWN, SMALL, HIDDEN = "shown", "small", "hidden"  # a cell's state in a governor's table
_UNBOUNDED = 10**9


@dataclass(frozen=True)
class Line:
    """An equality the published tables let a reader write down: the cells of `plus` add up to
    the cells of `minus` (parts and their total; or "now plus removed is then plus added")."""

    plus: tuple[str, ...]
    minus: tuple[str, ...]


def _bounds(value: int, state: str) -> tuple[int, int]:
    """What a reader knows of a cell: "fewer than 5" is 1..4, "not shown" anything."""
    if state == SHOWN:
        return value, value
    return (1, threshold() - 1) if state == SMALL else (0, _UNBOUNDED)


def line_reveals(line: Line, values: dict[str, int], states: dict[str, str]) -> str | None:
    """The first hidden cell of `line` a reader can work out from the shown cells and the
    bounds of the hidden ones, or None."""
    signed = [(cell, 1) for cell in line.plus] + [(cell, -1) for cell in line.minus]
    hidden = [(cell, sign) for cell, sign in signed if states[cell] != SHOWN]
    if not hidden:
        return None
    known = -sum(sign * values[cell] for cell, sign in signed if states[cell] == SHOWN)
    for cell, sign in hidden:
        low = high = 0  # the range of the other hidden cells' signed sum
        for other, other_sign in hidden:
            if other != cell:
                a, b = (other_sign * v for v in _bounds(values[other], states[other]))
                low, high = low + min(a, b), high + max(a, b)
        ends = sorted((sign * (known - high), sign * (known - low)))
        lo, hi = _bounds(values[cell], states[cell])
        if max(lo, ends[0]) >= min(hi, ends[1]):
            return cell
    return None


def _signed(line: Line) -> list[tuple[str, int]]:
    return [(cell, 1) for cell in line.plus] + [(cell, -1) for cell in line.minus]


def ranges(
    lines: list[Line], values: dict[str, int], states: dict[str, str]
) -> tuple[dict[str, tuple[int, int]], dict[str, Line]]:
    """What a reader can work out of every cell from all the tables at once: each cell's
    least and most possible value, narrowed line by line until nothing narrows further (a
    cell narrowed by one line narrows the cells of the others it is in), and for each cell
    narrowed, the line that narrowed it last. A hidden cell whose least and most are the same
    is known. (Narrowing ranges is not all a reader with a solver could do, but it catches
    every chain of tables that pins a cell one line at a time.)"""
    known = {cell: _bounds(value, states[cell]) for cell, value in values.items()}
    why: dict[str, Line] = {}
    hidden_lines = [
        (line, _signed(line))
        for line in lines
        if any(states[c] != SHOWN for c in (*line.plus, *line.minus))
    ]
    changed = True
    while changed:
        changed = False
        for line, signed in hidden_lines:
            terms = [sorted((sign * known[c][0], sign * known[c][1])) for c, sign in signed]
            low, high = sum(t[0] for t in terms), sum(t[1] for t in terms)
            for (cell, sign), (a, b) in zip(signed, terms, strict=True):
                if states[cell] == SHOWN:
                    continue
                # sign * cell = -(the others), and the others lie within [low - a, high - b]
                ends = sorted((sign * (b - high), sign * (a - low)))
                was = known[cell]
                now = (max(was[0], ends[0]), min(was[1], ends[1]))
                if now != was:
                    known[cell], why[cell] = now, line
                    changed = True
    return known, why


PRIME = 2**61 - 1  # the elimination below works modulo this prime: exact for tables like these


def fixed_by_sums(lines: list[Line], values: dict[str, int], states: dict[str, str]) -> set[str]:
    """The hidden cells the equalities alone pin down, whatever the other hidden cells are:
    found by eliminating the hidden cells from the lines (the shown cells are numbers), which
    catches what no single line shows, such as a column total worked out from the grand total
    less the other columns (rows and columns add up to the same)."""
    rows: list[dict[str, int]] = []
    for line in lines:
        row: dict[str, int] = {}
        for cell, sign in _signed(line):
            if states[cell] != SHOWN:
                row[cell] = (row.get(cell, 0) + sign) % PRIME
        row = {c: v for c, v in row.items() if v}
        if row:
            rows.append(row)
    pivots: dict[str, dict[str, int]] = {}  # cell -> its row, that cell's coefficient 1
    for row in rows:
        for cell, row_of in pivots.items():  # reduce by the rows found so far
            if cell in row:
                factor = row[cell]
                for c, v in row_of.items():
                    row[c] = (row.get(c, 0) - factor * v) % PRIME
                row = {c: v for c, v in row.items() if v}
        if not row:
            continue
        pivot = min(row)
        inverse = pow(row[pivot], PRIME - 2, PRIME)
        row = {c: v * inverse % PRIME for c, v in row.items()}
        for other in pivots.values():  # keep the earlier rows reduced by this one
            if pivot in other:
                factor = other[pivot]
                for c, v in row.items():
                    other[c] = (other.get(c, 0) - factor * v) % PRIME
                for c in [c for c, v in other.items() if not v]:
                    del other[c]
        pivots[pivot] = row
    return {cell for cell, row in pivots.items() if len(row) == 1}


def first_known(
    lines: list[Line], values: dict[str, int], states: dict[str, str]
) -> tuple[str, Line] | None:
    """A hidden cell a reader can work out from all the tables, with a line that gave it away;
    None when every hidden cell keeps at least two possible values."""
    fixed = fixed_by_sums(lines, values, states)
    known, why = ranges(lines, values, states)
    for cell, (least, most) in known.items():
        if states[cell] != SHOWN and (cell in fixed or least >= most):
            return cell, why.get(cell) or next(
                line for line in lines if cell in (*line.plus, *line.minus)
            )
    return None


def _is_known(cell: str, lines: list[Line], values: dict[str, int], states: dict[str, str]):
    least, most = ranges(lines, values, states)[0][cell]
    return least >= most or cell in fixed_by_sums(lines, values, states)


def protect(
    values: dict[str, int],
    lines: list[Line],
    totals: set[str],
    spare: frozenset[str] | set[str] = frozenset(),
) -> dict[str, str]:
    """Each cell's state for governors: a count from 1 to the threshold less one is "small"
    (primary suppression); the parts of a small total are hidden whatever they are ("0 of
    fewer than 5" describes each child). Then, while the tables taken together let a reader
    work out a hidden cell (`first_known`), more is hidden around it (secondary suppression):
    first the `spare` cells of the line that gave it away, the detail a reader misses least
    (pupils added to the register this term, rather than the register itself), all "not
    shown" (a small one too: "fewer than 5" is itself a clue) when that is enough; else that
    line's (or another line of the cell's) smallest shown part other than 0, else a total.
    `totals` are the cells that total others."""
    states = {cell: SMALL if Shown(v).suppressed else SHOWN for cell, v in values.items()}
    for line in lines:  # the parts of a small total (a line's one cell on its right)
        if len(line.minus) == 1 and states[line.minus[0]] == SMALL:
            for cell in line.plus:
                if states[cell] == SHOWN:
                    states[cell] = HIDDEN
    while (found := first_known(lines, values, states)) is not None:
        if not _hide_more(*found, lines, values, states, totals, spare):
            break  # nothing left to hide around it (cannot happen with consistent tables)
    return states


TRIED = 6  # candidates tried, at most, for the one that keeps a known cell from being worked out


def _hide_more(
    cell: str,
    line: Line,
    lines: list[Line],
    values: dict[str, int],
    states: dict[str, str],
    totals: set[str],
    spare: frozenset[str] | set[str],
) -> bool:
    """Hide one more cell (or a group of spare cells) so that `cell` is harder to work out.

    The candidates, best first: one spare cell of its lines; all the spare cells of a line and
    of the lines they are in (the term's movements as a whole); the shown parts (not totals, not
    0) of its lines, smallest first, and then of the lines of the other hidden cells of the line
    that gave it away (hiding a part that can itself be worked out gains nothing); then the
    shown totals of its lines. The first of the first few candidates after which the cell can
    no longer be worked out is hidden; failing that, the first candidate, and the search goes
    on from there."""
    around = _lines_of(cell, lines, first=line)
    near = [c for each in around for c in _cells(each)]
    one_spare = sorted(
        {c for c in near if c in spare and states[c] == SHOWN},
        key=lambda c: (c in totals, values[c], c),
    )
    for pick in one_spare[:TRIED]:
        states[pick] = HIDDEN
        if not _is_known(cell, lines, values, states):
            return True
        states[pick] = SHOWN
    for each in around:
        if _give_up_spare(cell, lines, values, states, _spare_with(each, lines, spare)):
            return True
    behind = [
        c
        for hidden in _cells(line)
        if hidden != cell and states[hidden] != SHOWN
        for each in _lines_of(hidden, lines, first=None)
        for c in _cells(each)
    ]
    parts = [
        sorted(
            {c for c in group if states[c] == SHOWN and c not in totals and values[c] > 0},
            key=lambda c: (values[c], c),
        )
        for group in (near, behind)
    ]
    shown_totals = sorted({c for c in near if states[c] == SHOWN and c in totals})
    others = sorted({c for c in near if states[c] == SHOWN} - set(shown_totals))
    candidates = list(dict.fromkeys([*parts[0], *parts[1], *shown_totals, *others]))
    if not candidates:  # given away by sums over several lines: any shown cell may do
        everywhere = {c for each in lines for c in _cells(each) if states[c] == SHOWN}
        candidates = sorted(everywhere, key=lambda c: (c in totals, values[c] == 0, values[c], c))
    for pick in candidates[:TRIED]:
        states[pick] = HIDDEN
        if not _is_known(cell, lines, values, states):
            return True
        states[pick] = SHOWN
    if candidates:
        states[candidates[0]] = HIDDEN
        return True
    small = [c for c in near if states[c] == SMALL]
    states.update(dict.fromkeys(small, HIDDEN))
    return bool(small)


def _lines_of(cell: str, lines: list[Line], *, first: Line | None) -> list[Line]:
    found = [first] if first is not None else []
    return found + [each for each in lines if each is not first and cell in _cells(each)]


def _spare_with(line: Line, lines: list[Line], spare: frozenset[str] | set[str]) -> list[str]:
    """The line's spare cells and the spare cells of every line they are in, and so on (the
    term's movements come as a table of their own: hiding "added" and "removed" alone leaves
    "removed" worked out from its parts)."""
    found: list[str] = []
    todo = [c for c in _cells(line) if c in spare]
    while todo:
        cell = todo.pop()
        if cell in found:
            continue
        found.append(cell)
        for other in lines:
            if cell in _cells(other):
                todo.extend(c for c in _cells(other) if c in spare and c not in found)
    return found


def _cells(line: Line) -> tuple[str, ...]:
    return (*line.plus, *line.minus)


def _give_up_spare(
    cell: str,
    lines: list[Line],
    values: dict[str, int],
    states: dict[str, str],
    spare: list[str],
) -> bool:
    """Hide these spare cells if that alone keeps `cell` from being worked out (and say so);
    otherwise leave every state as it was."""
    if all(states[c] == HIDDEN for c in spare):
        return False
    before = {c: states[c] for c in spare}
    states.update(dict.fromkeys(spare, HIDDEN))
    if not _is_known(cell, lines, values, states):
        return True
    states.update(before)
    return False


def cell_words(value: int, state: str) -> str:
    if state == SHOWN:
        return f"{value:,}"
    return f"fewer than {threshold()}" if state == SMALL else "not shown"
