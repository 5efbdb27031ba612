"""The deadline engine: the one place that collects every app's deadlines for a person.

Providers are listed here; each yields `staff.deadlines.Deadline`s for the pupils it is given,
and a person gets those of the pupils they may see and the kinds whose page they may open.
Readers (the home timeline, the calendar feed; the reminder scan through `deadlines_for_school`)
never compute a date. A person's pages read the school's answer kept since its last change
(`staff.deadline_cache`); the reminder scan works it out afresh.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models import QuerySet

from agencies import deadlines as agency_deadlines
from agencies import early_help_deadlines
from ehcp import deadlines as ehcp_deadlines
from exams import deadlines as exams_deadlines
from exams import evidence_deadlines as exam_evidence_deadlines
from inforeport import deadlines as inforeport_deadlines
from lac import deadlines as lac_deadlines
from plans import deadlines as plan_deadlines
from premium import deadlines as premium_deadlines
from register import deadlines as register_deadlines
from register.models import Pupil
from register.selectors import pupils_visible_to
from staff import deadline_cache
from staff.calendar import SchoolCalendar
from staff.capabilities import Reach, pupil_reach
from staff.deadlines import (
    NOT_ABOUT_A_PUPIL,
    Deadline,
    is_about_a_person,
    may_see,
    opened_by_duty,
)
from staff.models import School
from staff.tenancy import Access
from training import deadlines as training_deadlines

PAGES_WEEKS = 8  # the horizon of the home and deadlines pages

PROVIDERS = [
    register_deadlines.deadlines,
    plan_deadlines.deadlines,
    ehcp_deadlines.deadlines,
    premium_deadlines.deadlines,
    lac_deadlines.deadlines,
    early_help_deadlines.deadlines,
    training_deadlines.deadlines,
    inforeport_deadlines.deadlines,
    exams_deadlines.deadlines,
    exam_evidence_deadlines.deadlines,
    agency_deadlines.deadlines,
]


def deadlines_for(*, access: Access, today: date, weeks: int = PAGES_WEEKS) -> list[Deadline]:
    """Everything due in the next `weeks` weeks, and everything overdue, for the pupils this
    person may see and the pages they may open (`staff.deadlines.may_open`); a deadline about a
    member of staff only when it is theirs or they may see everyone's (`staff.deadlines.may_see`);
    overdue first, then by date. The school's deadlines as kept since its last change (one query
    more for a teacher or a TA: the ids of their pupils)."""
    school = access.school
    found = deadline_cache.kept(
        school_id=school.pk,
        today=today,
        weeks=weeks,
        work_out=lambda: deadlines_for_school(school=school, today=today, weeks=weeks),
    )
    duties = access.membership.duties if access.membership is not None else ()
    if pupil_reach(access.role) != Reach.SCHOOL:
        pupils = pupils_visible_to(access=access, on=today).values_list("public_id", flat=True)
        mine = {str(public_id) for public_id in pupils}
        found = [
            d
            for d in found
            if d.kind in NOT_ABOUT_A_PUPIL
            or is_about_a_person(d.kind)
            or d.subject_id in mine
            or opened_by_duty(d.kind, duties)
        ]
    me = access.user.pk
    return [
        d
        for d in found
        if may_see(role=access.role, kind=d.kind, duties=duties, user_id=me, owner_id=d.owner_id)
    ]


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


# --------------------------------------------------------------------------------------------------
# Working a school's answer out again after a write, in a worker
# --------------------------------------------------------------------------------------------------

WARM_BURST_SECONDS = 2  # the writes of a burst (a session and its register) send one task


def warm_soon(sender, school_id: int, **kwargs) -> None:
    """When a change to a school's deadlines has committed (`deadline_cache.committed`): a
    worker works the school's answer out again (`tasks.warm_deadlines`), so the next person's
    home page finds it kept instead of paying for it. One task for the writes of
    WARM_BURST_SECONDS; a write later in the burst leaves the next reader to work it out (never
    a stale answer: its new stamp is not the one the task keeps under). No countdown (CE-03).
    DEADLINE_WARM turns it on (production)."""
    if not getattr(settings, "DEADLINE_WARM", False):
        return
    if cache.add(f"deadlines:warming:{school_id}", 1, timeout=WARM_BURST_SECONDS):
        from .tasks import warm_deadlines

        warm_deadlines.delay(school_id)
