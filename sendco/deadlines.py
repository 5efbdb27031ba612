"""The deadline engine: the one place that collects every app's deadlines for a person.

Providers are listed here; each yields `staff.deadlines.Deadline`s for the pupils it is given,
and a person gets those of the pupils they may see and the kinds whose page they may open.
Readers (the home timeline, the calendar feed; the reminder scan through `deadlines_for_school`)
never compute a date. A person's pages read the school's answer kept since its last change
(`staff.deadline_cache`); the reminder scan works it out afresh.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import QuerySet

from ehcp import deadlines as ehcp_deadlines
from plans import deadlines as plan_deadlines
from register import deadlines as register_deadlines
from register.models import Pupil
from register.selectors import pupils_visible_to
from staff import deadline_cache
from staff.calendar import SchoolCalendar
from staff.capabilities import Reach, pupil_reach
from staff.deadlines import NOT_ABOUT_A_PUPIL, Deadline, may_open
from staff.models import School
from staff.tenancy import Access

PROVIDERS = [
    register_deadlines.deadlines,
    plan_deadlines.deadlines,
    ehcp_deadlines.deadlines,
]


def deadlines_for(*, access: Access, today: date, weeks: int = 8) -> list[Deadline]:
    """Everything due in the next `weeks` weeks, and everything overdue, for the pupils this
    person may see and the pages they may open (`staff.deadlines.may_open`); overdue first, then
    by date. The school's deadlines as kept since its last change (one query more for a teacher
    or a TA: the ids of their pupils)."""
    school = access.school
    found = deadline_cache.kept(
        school_id=school.pk,
        today=today,
        weeks=weeks,
        work_out=lambda: deadlines_for_school(school=school, today=today, weeks=weeks),
    )
    if pupil_reach(access.role) != Reach.SCHOOL:
        pupils = pupils_visible_to(access=access, on=today).values_list("public_id", flat=True)
        mine = {str(public_id) for public_id in pupils}
        found = [d for d in found if d.kind in NOT_ABOUT_A_PUPIL or d.subject_id in mine]
    return [deadline for deadline in found if may_open(access.role, deadline.kind)]


def deadlines_for_school(*, school: School, today: date, weeks: int = 8) -> list[Deadline]:
    """Every deadline of the whole school, for the reminder scan (which decides who is told)."""
    return collect(school=school, pupils=Pupil.objects.for_school(school), today=today, weeks=weeks)


def collect(*, school: School, pupils: QuerySet[Pupil], today: date, weeks: int) -> list[Deadline]:
    until = today + timedelta(weeks=weeks)
    # The school's terms and closure days, read once for every provider (two queries): dates the
    # school sets for itself fall on school days, statutory ones say when they fall in a holiday.
    calendar = SchoolCalendar.load(school=school)
    found = [
        deadline
        for provider in PROVIDERS
        for deadline in provider(
            school=school, pupils=pupils, today=today, until=until, calendar=calendar
        )
    ]
    return sorted(found, key=lambda d: (d.severity, d.due, d.subject))
