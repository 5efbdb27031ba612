"""Provision at a glance, for the home page's chart: this term's sessions run against those
planned so far, by intervention, read from the session logs in a constant number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q

from staff import calendar as school_calendar
from staff.models import School

from .models import Group
from .rules import planned_sessions


@dataclass(frozen=True)
class DeliveryRow:
    intervention: str
    planned: int  # sessions planned from the start of term (or of the group) up to today
    run: int  # sessions logged as run in the same days

    @property
    def rate(self) -> int | None:
        return round(100 * self.run / self.planned) if self.planned else None


def term_delivery(*, school: School, starts_on: date, on: date) -> list[DeliveryRow]:
    """For each intervention with a group running between `starts_on` (the term's first day) and
    `on`: the sessions planned over the school's open days so far and the sessions run. Three
    queries: the groups with their run sessions counted, and the school's calendar."""
    groups = list(
        Group.objects.filter(school=school, starts_on__lte=on, ends_on__gte=starts_on)
        .select_related("intervention")
        .annotate(
            run=Count(
                "sessions",
                filter=Q(sessions__ran=True, sessions__on__range=(starts_on, on)),
            )
        )
    )
    if not groups:
        return []
    open_days = school_calendar.school_days(school=school, start=starts_on, end=on)
    totals: dict[str, list[int]] = {}
    for group in groups:
        days = [d for d in open_days if group.starts_on <= d <= group.ends_on]
        planned = planned_sessions(
            open_days=days, weekdays=group.weekdays, sessions_per_week=group.sessions_per_week
        )
        row = totals.setdefault(group.intervention.name, [0, 0])
        row[0] += planned
        row[1] += group.run
    rows = [DeliveryRow(name, planned, run) for name, (planned, run) in totals.items()]
    return sorted(rows, key=lambda r: r.intervention.casefold())
