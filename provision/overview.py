"""Provision at a glance, for the home page's chart: this term's sessions run against those
planned so far, by intervention, read from the session logs in a constant number of queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from staff import calendar as school_calendar
from staff.models import School

from .models import Group, Session
from .rules import planned_sessions, sessions_delivered


@dataclass(frozen=True)
class DeliveryRow:
    intervention: str
    planned: int  # sessions planned from the start of term (or of the group) up to today
    run: int  # of those, run (`rules.sessions_delivered`: extras are not delivery)

    @property
    def rate(self) -> int | None:
        return round(100 * self.run / self.planned) if self.planned else None


def term_delivery(*, school: School, starts_on: date, on: date) -> list[DeliveryRow]:
    """For each intervention with a group running between `starts_on` (the term's first day) and
    `on`: the sessions planned over the school's open days so far and those run, counted as the
    map counts them. Four queries: the groups, their sessions run, and the school's calendar."""
    groups = list(
        Group.objects.filter(
            school=school, starts_on__lte=on, ends_on__gte=starts_on
        ).select_related("intervention")
    )
    if not groups:
        return []
    run_on: dict[int, list[date]] = defaultdict(list)
    for group_id, day in (
        Session.objects.filter(school=school, group__in=groups, ran=True, on__range=(starts_on, on))
        .order_by()
        .values_list("group_id", "on")
    ):
        run_on[group_id].append(day)
    open_days = school_calendar.school_days(school=school, start=starts_on, end=on)
    totals: dict[str, list[int]] = {}
    for group in groups:
        days = [d for d in open_days if group.starts_on <= d <= group.ends_on]
        plan = {"weekdays": group.weekdays, "sessions_per_week": group.sessions_per_week}
        row = totals.setdefault(group.intervention.name, [0, 0])
        row[0] += planned_sessions(open_days=days, **plan)
        row[1] += sessions_delivered(run_on=run_on[group.pk], open_days=days, **plan)
    rows = [DeliveryRow(name, planned, run) for name, (planned, run) in totals.items()]
    return sorted(rows, key=lambda r: r.intervention.casefold())
