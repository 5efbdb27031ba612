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
