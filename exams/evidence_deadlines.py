"""A deadline provider the lead can join to the engine (sendco/deadlines.py PROVIDERS): each
normal-way-of-working request still unanswered, due `EXAMS_EVIDENCE_CHASE_DAYS` days after it
was asked, owned by the teacher asked and linking to their answer page.

The engine shows a teacher only the deadlines of pupils they see (their classes and groups), so
a teacher asked about a pupil they do not teach there is not reminded; the request still waits
on their "Evidence asked of you" page and the trail marks it to chase."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from django.db.models import QuerySet

from register.models import Pupil
from staff.calendar import SchoolCalendar
from staff.deadlines import Deadline, link_to, severity
from staff.models import School

from . import evidence_rules as rules
from .models import NormalWayEvidence
from .rules import sits_exams

CHASE = "exams.evidence_chase"


def deadlines(
    *,
    school: School,
    pupils: QuerySet[Pupil],
    today: date,
    until: date,
    calendar: SchoolCalendar | None = None,
) -> Iterator[Deadline]:
    """One query: the school's unanswered requests of these pupils due by `until`; none in a
    school that enters no exam candidates."""
    if not sits_exams(school.phase):
        return
    days = rules.chase_days()
    url = link_to("exam_evidence:answer", school.slug)
    waiting = (
        NormalWayEvidence.objects.filter(
            school=school,
            pupil__in=pupils,
            answered_on__isnull=True,
            requested_on__lte=until - timedelta(days=days),
        )
        .select_related("pupil")
        .order_by("requested_on", "pk")
    )
    for evidence in waiting:
        due = evidence.requested_on + timedelta(days=days)
        yield Deadline(
            kind=CHASE,
            title=f"Answer the {evidence.subject} evidence request (exam access arrangements)",
            due=due,
            subject=evidence.pupil.name,
            subject_id=str(evidence.pupil.public_id),
            owner_id=evidence.teacher_id,
            url=url(evidence.public_id),
            severity=severity(due=due, today=today),
            year_group=evidence.pupil.year_group,
        )
