"""Cost and impact rules of the provision map as plain functions (tables of cases in tests).

Money is Decimal, rounded to pence at the end. A group's cost is its sessions x their length x
the hourly cost of its staff, plus its resources; it is shared equally between its pupils.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from django.conf import settings

PENNY = Decimal("0.01")
MINUTES_PER_HOUR = Decimal(60)


def money(value: Decimal) -> Decimal:
    return value.quantize(PENNY, rounding=ROUND_HALF_UP)


def notional_sen_threshold() -> Decimal:
    """The first £6,000 of additional support for a pupil comes from the notional SEN budget;
    above it, the local authority's top-up (DOMAIN.md 6.2; the 2025-26 value is unconfirmed,
    so it is a setting)."""
    return Decimal(str(getattr(settings, "NOTIONAL_SEN_THRESHOLD", 6000)))


Week = tuple[int, int]  # ISO year and week


@lru_cache(maxsize=4096)
def week_of(day: date) -> Week:
    """The ISO year and week of `day` (asked for the same school days thousands of times when a
    school's delivery alerts are worked out)."""
    return day.isocalendar()[:2]


def planned_by_week(
    *, open_days: Iterable[date], weekdays: list[int], sessions_per_week: int
) -> dict[Week, int]:
    """The sessions a group should run in each school week (Monday to Sunday) of its open days.

    With set weekdays (0 = Monday), one session on each open day that is one of them. Without,
    `sessions_per_week` in each week that has an open day, capped by the open days of that week.
    """
    weeks: dict[Week, int] = {}
    for d in sorted(set(open_days)):
        key = week_of(d)
        weeks[key] = weeks.get(key, 0) + (d.weekday() in weekdays if weekdays else 1)
    if not weekdays:
        weeks = {key: min(sessions_per_week, days) for key, days in weeks.items()}
    return weeks


def planned_sessions(
    *, open_days: Iterable[date], weekdays: list[int], sessions_per_week: int
) -> int:
    """How many sessions a group should run over the school's open days in its period
    (`planned_by_week`, summed)."""
    return sum(
        planned_by_week(
            open_days=open_days, weekdays=weekdays, sessions_per_week=sessions_per_week
        ).values()
    )


def sessions_delivered(
    *,
    run_on: Iterable[date],
    open_days: Iterable[date],
    weekdays: list[int],
    sessions_per_week: int,
) -> int:
    """How many of the sessions planned over `open_days` were run: in each week, the sessions
    run that week (on any day of it: a session moved from Monday to Tuesday still counts), up to
    the number planned that week. Counted over the same days as the plan, so it is never more
    than `planned_sessions`: a fourth session in a week of three, or one on a day outside the
    window (after `open_days` end, before the group starts), is an extra, not delivery."""
    plan = planned_by_week(
        open_days=open_days, weekdays=weekdays, sessions_per_week=sessions_per_week
    )
    run: dict[Week, int] = {}
    for d in run_on:
        key = week_of(d)
        run[key] = run.get(key, 0) + 1
    return sum(min(count, plan.get(key, 0)) for key, count in run.items())


def staff_cost(
    *, sessions: int, session_minutes: int, hourly_cost: Decimal | None, staff_count: int = 1
) -> Decimal:
    if not hourly_cost or sessions <= 0:
        return Decimal(0)
    hours = Decimal(sessions) * Decimal(session_minutes) / MINUTES_PER_HOUR
    return hours * hourly_cost * max(staff_count, 1)


def group_cost(
    *,
    sessions: int,
    session_minutes: int,
    hourly_cost: Decimal | None,
    staff_count: int,
    pupils: int,
    resource_one_off: Decimal = Decimal(0),
    resource_per_pupil: Decimal = Decimal(0),
) -> Decimal:
    """The whole cost of a group over its sessions."""
    total = staff_cost(
        sessions=sessions,
        session_minutes=session_minutes,
        hourly_cost=hourly_cost,
        staff_count=staff_count,
    )
    total += resource_one_off + resource_per_pupil * pupils
    return money(total)


def share(cost: Decimal, pupils: int) -> Decimal | None:
    """A pupil's share of a group's cost; None for a group with no pupils."""
    return money(cost / pupils) if pupils else None


def hours_per_week(*, sessions_per_week: int, session_minutes: int) -> Decimal:
    return money(Decimal(sessions_per_week) * Decimal(session_minutes) / MINUTES_PER_HOUR)


def improvement(
    *, entry: Decimal | None, exit: Decimal | None, higher_is_better: bool
) -> Decimal | None:
    """Entry-to-exit change in the measure's good direction (positive is better); None until
    both are known."""
    if entry is None or exit is None:
        return None
    change = exit - entry
    return change if higher_is_better else -change


def met_target(
    *, exit: Decimal | None, target: Decimal | None, higher_is_better: bool
) -> bool | None:
    """Whether the exit measure reached the target; None until both are known."""
    if exit is None or target is None:
        return None
    return exit >= target if higher_is_better else exit <= target


def rate(part: int, whole: int) -> Decimal | None:
    """A percentage to one decimal place; None when there is nothing to divide by."""
    if whole <= 0:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def impact_min_pupils() -> int:
    """How many pupils with a target and an exit measure an intervention needs before the
    impact ranking ranks it: a share of one or two pupils says little (a setting)."""
    return max(int(getattr(settings, "IMPACT_MIN_PUPILS", 5)), 1)


@dataclass(frozen=True)
class Impact:
    pupils: int
    with_measures: int
    judged: int  # pupils with a target and an exit measure: the share meeting target is of these
    average_improvement: Decimal | None
    met_target: int
    met_target_rate: Decimal | None
    cost_per_pupil: Decimal | None
    cost_per_pupil_meeting_target: Decimal | None


def impact(
    *,
    places: Iterable[tuple[Decimal | None, Decimal | None, Decimal | None]],
    higher_is_better: bool,
    cost: Decimal,
) -> Impact:
    """Impact of a group (or an intervention across groups) from its pupils' (entry, target,
    exit) measures and its cost. Pupils without both measures count in the cost per pupil but
    not in the averages."""
    rows = list(places)
    changes = [improvement(entry=e, exit=x, higher_is_better=higher_is_better) for e, _, x in rows]
    known = [c for c in changes if c is not None]
    met = [met_target(exit=x, target=t, higher_is_better=higher_is_better) for _, t, x in rows]
    judged = [m for m in met if m is not None]
    met_count = sum(1 for m in judged if m)
    return Impact(
        pupils=len(rows),
        with_measures=len(known),
        judged=len(judged),
        average_improvement=money(sum(known) / len(known)) if known else None,
        met_target=met_count,
        met_target_rate=rate(met_count, len(judged)),
        cost_per_pupil=share(cost, len(rows)),
        cost_per_pupil_meeting_target=share(cost, met_count),
    )


def edit_window_days() -> int:
    return int(getattr(settings, "SESSION_EDIT_DAYS", 7))


def may_correct_session(
    *, logged_by_id: int, logged_on: date, user_id: int, is_sendco: bool, today: date
) -> bool:
    """A session log can be corrected by its author within 7 days; after that (and always for
    anyone else's log) only by the SENDCo or trust lead."""
    if is_sendco:
        return True
    return logged_by_id == user_id and (today - logged_on).days <= edit_window_days()


def attendance_marks(
    *, pupil_ids: Iterable[int], present: set[int], reasons: dict[int, str]
) -> dict[int, tuple[bool, str]]:
    """Each pupil's (present, absence reason) from a logged session's form: choosing a reason
    marks a pupil absent, whether or not their "came" switch was turned off (one choice, not
    two); a pupil turned off without a reason has the reason "" (see `absent_without_reason`),
    never a reason nobody chose."""
    marks = {}
    for pid in pupil_ids:
        reason = reasons.get(pid, "")
        marks[pid] = (False, reason) if reason else (pid in present, "")
    return marks


def absent_without_reason(marks: dict[int, tuple[bool, str]]) -> list[int]:
    """The pupils marked absent with no reason chosen: the log is refused until each has one."""
    return [pid for pid, (came, reason) in marks.items() if not came and not reason]


def item_cost_in_year(
    *,
    cost: Decimal,
    annual: bool,
    starts_on: date,
    ends_on: date | None,
    year_start: date,
    year_end: date,
) -> Decimal:
    """What a pupil's costed item (one-to-one support, equipment, a specialist) costs in the
    academic year `year_start`..`year_end`. A one-off cost counts in full in the year of its
    date. A cost a year counts in full for a whole year, and pro rata to the days of the year
    its period covers (ongoing when `ends_on` is None): support from January costs the year
    about two thirds of its annual cost."""
    if not annual:
        return money(cost) if year_start <= starts_on <= year_end else Decimal("0.00")
    first, last = max(starts_on, year_start), min(ends_on or year_end, year_end)
    if last < first:
        return Decimal("0.00")
    covered, whole = (last - first).days + 1, (year_end - year_start).days + 1
    return money(cost * covered / whole)
