"""Costs and delivery of groups, computed once for the map, the impact pages and the per-pupil
provision: every reader goes through `costed_groups`, so no page computes a cost on its own."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, F, Func, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, TruncWeek

from staff import calendar as school_calendar
from staff.models import School, User

from .models import Attendance, CostedItem, Group, GroupPupil, Session
from .rules import (
    Week,
    group_cost,
    hours_per_week,
    item_cost_in_year,
    money,
    planned_by_week,
    planned_sessions,
    rate,
    share,
)


@dataclass
class CostedGroup:
    group: Group
    pupils: int
    hours_per_week: Decimal
    planned_sessions: int  # over the whole period of the group
    planned_to_date: int  # up to `on`
    sessions_run: int  # of those planned to date (`rules.sessions_delivered`)
    sessions_extra: int  # run beyond the plan (a fourth in a week of three, a closed day)
    sessions_not_run: int
    attendance_rate: Decimal | None
    hourly_cost: Decimal | None
    cost: Decimal  # planned cost over the whole period
    cost_per_pupil: Decimal | None


def count_of(rows: QuerySet) -> Coalesce:
    """A correlated subquery counting `rows` (filtered on an `OuterRef`), 0 when none: a count
    per group without joining every session and mark of every group into one grouped result."""
    counted = rows.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def with_costing_data(
    groups: QuerySet[Group], *, school: School, delivery: bool = True, people: bool = True
) -> QuerySet[Group]:
    """Annotate (and prefetch) what `costed_groups` reads, in a constant number of queries, every
    subquery carrying the school condition. `delivery`: the counts of sessions not run and of
    attendance marks (the costs alone need neither); `people`: the staff and the places with
    their pupils (the pages that name them)."""
    group = OuterRef("pk")
    groups = groups.select_related(
        "intervention", "intervention__default_rate", "intervention__measure", "rate"
    ).annotate(
        pupil_count=count_of(GroupPupil.objects.filter(school=school, group=group)),
        staff_count=count_of(Group.staff.through.objects.filter(group=group)),
    )
    if people:
        groups = groups.prefetch_related(
            Prefetch("staff", User.objects.order_by("full_name", "pk")),
            Prefetch(
                "places",
                GroupPupil.objects.filter(school=school).select_related("pupil").order_by(),
            ),
        )
    if delivery:
        # The session carries the school condition: its group's index leads to the marks.
        marks = Attendance.objects.filter(session__school=school, session__group=group)
        groups = groups.annotate(
            not_run_count=count_of(Session.objects.filter(school=school, group=group, ran=False)),
            present_count=count_of(marks.filter(present=True)),
            expected_count=count_of(marks),
        )
    return groups


def _runs_by_week(*, school: School, groups: list[Group]) -> dict[int, dict[Week, int]]:
    """The sessions run of each group, counted by school week in SQL (one row a group a week)."""
    found: dict[int, dict[Week, int]] = defaultdict(dict)
    rows = (
        Session.objects.filter(school=school, group__in=[g.pk for g in groups], ran=True)
        .annotate(week=TruncWeek("on"))
        .order_by()
        .values_list("group_id", "week")
        .annotate(n=Count("pk"))
    )
    for group_id, monday, n in rows:
        found[group_id][monday.isocalendar()[:2]] = n
    return found


def open_days_of(*, school: School, groups: list[Group]) -> list[date]:
    """The school's open days over the groups' dates (two queries), for `costed_groups`."""
    if not groups:
        return []
    start = min(g.starts_on for g in groups)
    end = max(g.ends_on for g in groups)
    return school_calendar.school_days(school=school, start=start, end=end)


def costed_groups(
    *,
    school: School,
    groups: Iterable[Group],
    on: date,
    delivery: bool = True,
    open_days: list[date] | None = None,
) -> list[CostedGroup]:
    """Cost and delivery of each group (from `with_costing_data` with the same `delivery`), with
    the school's calendar read once for all of them (or `open_days`, already read by
    `open_days_of` over at least these groups' dates). Without `delivery`, the costs only: the
    sessions run and attendance read 0 and None."""
    groups = list(groups)
    if not groups:
        return []
    if open_days is None:
        open_days = open_days_of(school=school, groups=groups)
    runs = _runs_by_week(school=school, groups=groups) if delivery else {}
    plans: dict[tuple, tuple[int, int, dict[Week, int]]] = {}
    result = []
    for group in groups:
        key = (group.starts_on, group.ends_on, tuple(group.weekdays), group.sessions_per_week)
        if key not in plans:  # groups of a term share their dates: plan each shape once
            days = open_days[
                bisect_left(open_days, group.starts_on) : bisect_right(open_days, group.ends_on)
            ]
            to_date = days[: bisect_right(days, on)]
            shape = {"weekdays": group.weekdays, "sessions_per_week": group.sessions_per_week}
            by_week = planned_by_week(open_days=to_date, **shape)
            plans[key] = (
                planned_sessions(open_days=days, **shape),
                sum(by_week.values()),  # `planned_sessions` over the days to date
                by_week,
            )
        planned, to_date, plan_to_date = plans[key]
        run = runs.get(group.pk, {})
        delivered = sum(min(n, plan_to_date.get(week, 0)) for week, n in run.items())
        pupils = group.pupil_count
        rate_row = group.rate or group.intervention.default_rate
        hourly = rate_row.hourly_cost if rate_row else None
        intervention = group.intervention
        cost = group_cost(
            sessions=planned,
            session_minutes=group.session_minutes,
            hourly_cost=hourly,
            staff_count=max(group.staff_count, 1),
            pupils=pupils,
            resource_one_off=intervention.resource_cost_one_off,
            resource_per_pupil=intervention.resource_cost_per_pupil,
        )
        result.append(
            CostedGroup(
                group=group,
                pupils=pupils,
                hours_per_week=hours_per_week(
                    sessions_per_week=group.sessions_per_week, session_minutes=group.session_minutes
                ),
                planned_sessions=planned,
                planned_to_date=to_date,
                sessions_run=delivered,
                sessions_extra=sum(run.values()) - delivered,
                sessions_not_run=getattr(group, "not_run_count", 0),
                attendance_rate=rate(
                    getattr(group, "present_count", 0), getattr(group, "expected_count", 0)
                ),
                hourly_cost=hourly,
                cost=cost,
                cost_per_pupil=share(cost, pupils),
            )
        )
    return result


# --------------------------------------------------------------------------------------------------
# What the map and a pupil's page conclude from the costs: the budget line, the share of the
# pupils shown, and a pupil's annual cost against the notional SEN threshold
# --------------------------------------------------------------------------------------------------


def notional_sen_planned(costed: Iterable[CostedGroup]) -> tuple[Decimal, int]:
    """The planned cost of the groups funded from the notional SEN budget, and how many."""
    funded = [c for c in costed if c.group.funding == Group.Funding.NOTIONAL_SEN]
    return money(sum((c.cost for c in funded), Decimal(0))), len(funded)


@dataclass(frozen=True)
class BudgetLine:
    remaining: Decimal | None  # what is left, when the plan fits the budget
    over: Decimal | None  # by how much the plan is over the budget
    used_rate: Decimal | None  # the planned cost as a percentage of the budget (one decimal)


def budget_line(*, amount: Decimal | None, planned: Decimal) -> BudgetLine:
    """The planned cost against the notional SEN budget; all None when no budget is entered, and
    no percentage of a budget of nothing."""
    if amount is None:
        return BudgetLine(remaining=None, over=None, used_rate=None)
    difference = amount - planned
    return BudgetLine(
        remaining=difference if difference >= 0 else None,
        over=-difference if difference < 0 else None,
        used_rate=(planned * 100 / amount).quantize(Decimal("0.1")) if amount > 0 else None,
    )


def shown_share(*, cost_per_pupil: Decimal | None, pupils: int) -> Decimal | None:
    """The share of a group's cost for the pupils a filtered map shows (each pupil an equal
    share); None for a group without pupils, whose cost has no per-pupil share."""
    return money(cost_per_pupil * pupils) if cost_per_pupil is not None else None


def annual_cost(shares: Iterable[Decimal | None], items: Iterable[Decimal] = ()) -> Decimal:
    """A pupil's annual cost: the sum of their shares of the groups they have a place in that run
    in the academic year (a group's share is over its whole period, not pro-rated by the day the
    pupil joined: groups run within a term or a year), plus what their other costed provision
    (one-to-one support, equipment, specialists) costs in the year."""
    groups = sum((s or Decimal(0) for s in shares), Decimal(0))
    return money(groups + sum(items, Decimal(0)))


def above_threshold(*, total: Decimal, threshold: Decimal) -> Decimal | None:
    """By how much a pupil's annual cost passes the notional SEN threshold (above it the local
    authority's top-up pays); None at or below it."""
    return total - threshold if total > threshold else None


def year_cost(*, school: School, year: tuple[date, date], on: date) -> Decimal:
    """The planned cost of a school's provision in an academic year (`year`: its first and last
    day): every group whose dates overlap the year, each over its whole period whatever its
    status (as the provision map's budget line costs them), and what the pupils' other costed
    provision costs in the year (`items_in_year`). Five queries whatever the number of groups."""
    start, end = year
    groups = with_costing_data(
        Group.objects.filter(school=school, starts_on__lte=end, ends_on__gte=start).order_by("pk"),
        school=school,
        delivery=False,
        people=False,
    )
    costed = costed_groups(school=school, groups=groups, on=on, delivery=False)
    items = items_in_year(school=school, year=year)
    return money(
        sum((c.cost for c in costed), Decimal(0)) + sum((r.cost_in_year for r in items), Decimal(0))
    )


# --------------------------------------------------------------------------------------------------
# A pupil's costed provision besides groups: one-to-one support, equipment, specialists
# --------------------------------------------------------------------------------------------------


@dataclass
class CostedItemRow:
    item: CostedItem
    cost_in_year: Decimal  # what it costs in the academic year asked about


def items_in_year(*, school: School, year: tuple[date, date], pupil=None) -> list[CostedItemRow]:
    """The costed items of the school's pupils (or one pupil's) that cost something in the
    academic year `year` (first and last day), with that cost (`rules.item_cost_in_year`); one
    query."""
    start, end = year
    items = (
        CostedItem.objects.filter(school=school, starts_on__lte=end)
        .filter(
            Q(basis=CostedItem.Basis.ONE_OFF, starts_on__gte=start)
            | Q(basis=CostedItem.Basis.ANNUAL, ends_on__isnull=True)
            | Q(basis=CostedItem.Basis.ANNUAL, ends_on__gte=start)
        )
        .select_related("pupil")
        .order_by("pupil__legal_last_name", "pupil__legal_first_name", "starts_on", "pk")
    )
    if pupil is not None:
        items = items.filter(pupil=pupil)
    return [
        CostedItemRow(
            item=item,
            cost_in_year=item_cost_in_year(
                cost=item.cost,
                annual=item.basis == CostedItem.Basis.ANNUAL,
                starts_on=item.starts_on,
                ends_on=item.ends_on,
                year_start=start,
                year_end=end,
            ),
        )
        for item in items
    ]


def notional_sen_items(rows: Iterable[CostedItemRow]) -> Decimal:
    """The year's cost of the items funded from the notional SEN budget."""
    return money(
        sum(
            (r.cost_in_year for r in rows if r.item.funding == Group.Funding.NOTIONAL_SEN),
            Decimal(0),
        )
    )
