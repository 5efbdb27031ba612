"""Deadlines of support plans: APDR reviews, plans waiting to be agreed, and parent meetings
behind schedule (DOMAIN.md 1.3 and 6). Dates come from `plans.rules`; nothing here is stored."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse

from register.models import Pupil, SenStatus
from register.rules import E, K
from staff import calendar as school_calendar
from staff.calendar import SchoolCalendar
from staff.deadlines import Deadline, severity
from staff.models import School

from . import rules
from .models import Cycle, ParentMeeting, SupportPlan


def deadlines(
    *,
    school: School,
    pupils: QuerySet[Pupil],
    today: date,
    until: date,
    calendar: SchoolCalendar | None = None,
) -> Iterator[Deadline]:
    """For the plans of `pupils`: the review of each plan under way, each cycle still to be agreed,
    and parent meetings behind schedule for pupils on SEN support. Due up to `until`, or overdue.
    Only pupils on roll and on SEN support or with an EHC plan today: a plan left open for a pupil
    who has left, or come off the SEN register, reminds nobody. These are the school's own dates,
    so each falls on a school day: one that does not moves to the last school day before it
    (`SchoolCalendar.on_or_before`). Four queries, and two for the calendar when the engine has
    not passed it in."""
    calendar = calendar or SchoolCalendar.load(school=school)
    on_register = SenStatus.objects.filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=today),
        pupil=OuterRef("pk"),
        category__in=[K, E],
        starts_on__lte=today,
    )
    pupils = pupils.on_roll(today).filter(Exists(on_register))
    open_cycles = (
        Cycle.objects.filter(plan__pupil__in=pupils)
        .exclude(stage=rules.REVIEWED)
        .select_related("plan__pupil")
    )
    for cycle in open_cycles:
        pupil = cycle.plan.pupil
        url = reverse("plans:plan", args=[school.slug, pupil.public_id])
        if cycle.stage == rules.DO:
            if cycle.review_due is None:
                continue
            due, kind, title = cycle.review_due, "provision.apdr_review", "Support plan review"
        else:
            due = rules.agree_by(starts_on=cycle.starts_on)
            kind, title = "provision.apdr_agree", "Agree the support plan"
        due = calendar.on_or_before(due)
        if due > until:
            continue
        yield Deadline(
            kind=kind,
            title=f"{title} (cycle {cycle.number})",
            due=due,
            subject=pupil.name,
            subject_id=str(pupil.public_id),
            owner_id=cycle.plan.lead_id,
            url=url,
            severity=severity(due=due, today=today),
            year_group=pupil.year_group,
        )
    yield from _parent_meetings(
        school=school, pupils=pupils, today=today, until=until, calendar=calendar
    )


def _parent_meetings(
    *, school: School, pupils: QuerySet[Pupil], today: date, until: date, calendar: SchoolCalendar
) -> Iterator[Deadline]:
    start = school_calendar.academic_year_start_for(today)
    year_start = date(start, 9, 1)
    term_ends = [
        t.ends_on
        for t in school_calendar.season_terms(
            school=school, start=year_start, end=date(start + 1, 8, 31)
        )
    ]
    # Subqueries, not lists of ids, so the number of queries never depends on the data.
    on_k_since = SenStatus.objects.filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=today),
        pupil=OuterRef("pupil"),
        category=K,
        starts_on__lte=today,
    ).values("starts_on")[:1]
    plans = list(
        SupportPlan.objects.filter(pupil__in=pupils)
        .annotate(on_k_since=Subquery(on_k_since))
        .filter(on_k_since__isnull=False)
        .select_related("pupil")
    )
    held: dict[int, list[date]] = defaultdict(list)
    for plan_id, on in ParentMeeting.objects.filter(
        plan__pupil__in=pupils, held_on__gte=year_start
    ).values_list("plan_id", "held_on"):
        held[plan_id].append(on)
    for plan in plans:
        if not term_ends:
            continue
        schedule = rules.meeting_schedule(
            term_ends=term_ends,
            year_start=year_start,
            on_support_since=plan.on_k_since,
            held_on=held[plan.pk],
            today=today,
        )
        if schedule.due is None:
            continue
        due = calendar.on_or_before(schedule.due)
        if due > until:
            continue
        yield Deadline(
            kind="provision.parent_meetings",
            title=(f"Parent meeting ({schedule.held} of {schedule.required} held this year)"),
            due=due,
            subject=plan.pupil.name,
            subject_id=str(plan.pupil.public_id),
            owner_id=plan.lead_id,
            url=reverse("plans:plan", args=[school.slug, plan.pupil.public_id]),
            severity=severity(due=due, today=today),
            year_group=plan.pupil.year_group,
        )
