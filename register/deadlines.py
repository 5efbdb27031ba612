"""Deadlines the register owns: monitoring reviews set by the SENDCo when deciding a concern,
and concerns still waiting for a decision."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from django.db.models import QuerySet

from staff.calendar import SchoolCalendar
from staff.deadlines import Deadline, link_to, severity
from staff.models import School

from .models import Concern, Pupil

# A concern raised by a teacher should have the SENDCo's decision within this many days
# (school practice, not statute: a setting could make it configurable later).
DECISION_DAYS = 10


def deadlines(
    *,
    school: School,
    pupils: QuerySet[Pupil],
    today: date,
    until: date,
    calendar: SchoolCalendar | None = None,
) -> Iterator[Deadline]:
    """Monitoring reviews and undecided concerns of `pupils` due up to `until` (overdue ones
    whatever their date). Both are the school's own dates, so each falls on a school day: one
    that does not moves to the last school day before it (`SchoolCalendar.on_or_before`). One
    query, and two for the calendar when the engine has not passed it in."""
    calendar = calendar or SchoolCalendar.load(school=school)
    concerns = (
        Concern.objects.filter(
            school=school,
            pupil__in=pupils,
            status__in=[Concern.Status.MONITORING, Concern.Status.OPEN],
        )
        .select_related("pupil")
        .defer("description", "decision_note")
    )
    decide_url = link_to("register:concern_decide", school.slug)
    for concern in concerns:
        if concern.status == Concern.Status.MONITORING:
            due = concern.review_on
            kind, title = "register.monitoring_review", "Monitoring review"
            owner = concern.decided_by_id
        else:
            due = concern.raised_on + timedelta(days=DECISION_DAYS)
            kind, title = "register.concern_decision", "Decide on a concern"
            owner = None  # the SENDCo
        if due is None:
            continue
        due = calendar.on_or_before(due)
        if due > until:
            continue
        yield Deadline(
            kind=kind,
            title=title,
            due=due,
            subject=concern.pupil.name,
            subject_id=str(concern.pupil.public_id),
            owner_id=owner,
            url=decide_url(concern.public_id),
            severity=severity(due=due, today=today),
            year_group=concern.pupil.year_group,
        )
