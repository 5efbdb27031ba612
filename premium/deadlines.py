"""Deadlines the Pupil Premium owns: the strategy statement, on the website by 31 December."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from django.db.models import QuerySet
from django.urls import reverse

from register.models import Pupil
from staff.calendar import SchoolCalendar, academic_year_start_for
from staff.deadlines import Deadline, severity
from staff.models import School

from . import rules, selectors
from .models import Category, Statement


def deadlines(
    *,
    school: School,
    pupils: QuerySet[Pupil],
    today: date,
    until: date,
    calendar: SchoolCalendar | None = None,
) -> Iterator[Deadline]:
    """This academic year's statement, while it is owed and not yet published (two queries:
    the statement, and, while it is not published, the count at this year's October census)."""
    year = academic_year_start_for(today)
    due = rules.statement_due(year)
    if due > until:
        return
    published_on = (
        Statement.objects.filter(school=school, academic_year=year)
        .values_list("published_on", flat=True)
        .first()
    )
    if published_on is not None and published_on >= date(year, 9, 1):
        return  # published this academic year: no need to count who is owed one
    counts = selectors.counts_at(school=school, census=rules.statement_census(year))
    disadvantaged = sum(n for category, n in counts.items() if category != Category.SERVICE)
    if not rules.statement_owed(
        disadvantaged=disadvantaged, published_on=published_on, academic_year=year
    ):
        return
    yield Deadline(
        kind="premium.statement",
        title="Publish the Pupil Premium strategy statement on the school's website",
        due=due,
        subject="",
        subject_id=f"premium-statement-{year}",
        owner_id=None,
        url=reverse("premium:statement", args=[school.slug]) + f"?year={year}",
        severity=severity(due=due, today=today),
    )
