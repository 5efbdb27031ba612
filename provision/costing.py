"""Costs and delivery of groups, computed once for the map, the impact pages and the per-pupil
provision: every reader goes through `costed_groups`, so no page computes a cost on its own."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet

from staff import calendar as school_calendar
from staff.models import School

from .models import CostedItem, Group, GroupPupil, Session
from .rules import (
    group_cost,
    hours_per_week,
    item_cost_in_year,
    money,
    planned_sessions,
    rate,
    sessions_delivered,
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


def with_costing_data(groups: QuerySet[Group]) -> QuerySet[Group]:
    """Prefetch and annotate what `costed_groups` reads, in a constant number of queries."""
    return (
        groups.select_related(
            "intervention", "intervention__default_rate", "intervention__measure", "rate"
        )
        .prefetch_related(
            "staff",
            Prefetch("places", GroupPupil.objects.select_related("pupil")),
            Prefetch("sessions", Session.objects.filter(ran=True).only("group_id", "on"), "runs"),
        )
        .annotate(
            not_run_count=Count("sessions", filter=Q(sessions__ran=False), distinct=True),
            present_count=Count(
                "sessions__attendance", filter=Q(sessions__attendance__present=True)
            ),
            expected_count=Count("sessions__attendance"),
        )
    )


def costed_groups(*, school: School, groups: Iterable[Group], on: date) -> list[CostedGroup]:
    """Cost and delivery of each group (from `with_costing_data`), with the school's calendar
    read once for all of them."""
    groups = list(groups)
    if not groups:
        return []
    start = min(g.starts_on for g in groups)
    end = max(g.ends_on for g in groups)
    open_days = school_calendar.school_days(school=school, start=start, end=end)
    result = []
    for group in groups:
        days = [d for d in open_days if group.starts_on <= d <= group.ends_on]
        planned = planned_sessions(
            open_days=days, weekdays=group.weekdays, sessions_per_week=group.sessions_per_week
        )
        days_to_date = [d for d in days if d <= on]
        to_date = planned_sessions(
            open_days=days_to_date,
            weekdays=group.weekdays,
            sessions_per_week=group.sessions_per_week,
        )
        runs = [s.on for s in getattr(group, "runs", [])]
        delivered = sessions_delivered(
            run_on=runs,
            open_days=days_to_date,
            weekdays=group.weekdays,
            sessions_per_week=group.sessions_per_week,
        )
        pupils = len(group.places.all())
        rate_row = group.rate or group.intervention.default_rate
        hourly = rate_row.hourly_cost if rate_row else None
        intervention = group.intervention
        cost = group_cost(
            sessions=planned,
            session_minutes=group.session_minutes,
            hourly_cost=hourly,
            staff_count=max(len(group.staff.all()), 1),
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
                sessions_extra=len(runs) - delivered,
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
