"""Small numbers in governors' outputs: a count from 1 to the threshold less one is shown as
"fewer than 5" (SMALL_NUMBER_THRESHOLD, default 5; RELIABILITY.md AC-08), and a percentage is
shown only when both its counts are. On the ground floor so every report can use it.

Secondary suppression is the report's to arrange: it must not show a total beside parts that
let a suppressed part be worked out by subtraction (`hides_by_difference` checks a set of parts
and their total).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings


def threshold() -> int:
    return int(getattr(settings, "SMALL_NUMBER_THRESHOLD", 5))


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


def protect(values: dict[str, int], lines: list[Line], totals: set[str]) -> dict[str, str]:
    """Each cell's state for governors: a count from 1 to the threshold less one is "small"
    (primary suppression); then, while any line lets a reader work out a hidden cell, one more
    cell of that line is hidden (secondary suppression): its smallest shown part other than
    0, else a total. The parts of a small total are hidden whatever they are ("0 of fewer
    than 5" describes each child). `totals` are the cells that total others."""
    states = {cell: SMALL if Shown(v).suppressed else SHOWN for cell, v in values.items()}
    for line in lines:
        small = [c for c in (*line.plus, *line.minus) if c in totals and states[c] == SMALL]
        if small:
            for cell in (*line.plus, *line.minus):
                if states[cell] == SHOWN:
                    states[cell] = HIDDEN
    changed = True
    while changed:
        changed = False
        for line in lines:
            if line_reveals(line, values, states) is None:
                continue
            cells = [*line.plus, *line.minus]
            shown_cells = [c for c in cells if states[c] == SHOWN]
            parts = [c for c in shown_cells if c not in totals and values[c] > 0]
            pick = min(parts, key=lambda c: (values[c], c)) if parts else None
            if pick is None:
                pick = next((c for c in shown_cells if c in totals), None)
            if pick is None and shown_cells:
                pick = shown_cells[0]
            if pick is not None:
                states[pick] = HIDDEN
                changed = True
    return states


def cell_words(value: int, state: str) -> str:
    if state == SHOWN:
        return f"{value:,}"
    return f"fewer than {threshold()}" if state == SMALL else "not shown"
