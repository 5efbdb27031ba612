"""Deadlines of statutory plans: every outstanding step of each annual review under way, the next
review of each plan, and the needs-assessment clock (DOMAIN.md section 2). Dates come from
`ehcp.rules` through `selectors.review_line`; nothing here is stored."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from django.db.models import QuerySet
from django.urls import reverse

from register.models import Pupil
from staff.deadlines import Deadline, severity
from staff.models import School

from . import rules
from .models import AssessmentRequest, EhcPlan
from .selectors import assessment_facts, review_line, with_review_data

ASSESSMENT_TITLES = {
    "decision": "Needs assessment: LA decision due",
    "advice": "Needs assessment: send the school's advice",
    "final_plan": "Needs assessment: final plan due",
}


def _lower_first(label: str) -> str:
    """ "Send the report to the LA" -> "send the report to the LA"; "LA decision due" stays."""
    return label if label[:2].isupper() else label[:1].lower() + label[1:]


def deadlines(
    *, school: School, pupils: QuerySet[Pupil], today: date, until: date
) -> Iterator[Deadline]:
    """Due up to `until`, or overdue, for the plans and requests of `pupils`. Five queries."""
    plans = with_review_data(
        EhcPlan.objects.filter(school=school, pupil__in=pupils, status=EhcPlan.Status.ACTIVE)
    )
    for plan in plans:
        line = review_line(plan, today=today)
        pupil = plan.pupil
        if line.review is not None:
            url = reverse("ehcp:review", args=[school.slug, line.review.public_id])
        else:
            url = reverse("ehcp:plan", args=[school.slug, pupil.public_id])
        transfer = " (phase transfer)" if line.transfer else ""
        # Parents' periods (15 days on proposed amendments) are reminded while they run, so the
        # school can help parents respond; they are never the school's overdue task.
        for step in [*line.outstanding, *line.running_periods(today)]:
            if step.due > until:
                continue
            yield Deadline(
                kind=f"ehcp.review.{step.key}",
                title=f"Annual review: {_lower_first(step.label)}{transfer}",
                due=step.due,
                subject=pupil.name,
                subject_id=str(pupil.public_id),
                owner_id=None,  # the SENDCo
                url=url,
                severity=severity(due=step.due, today=today),
            )
    # A request whose time limits do not apply (an exemption is recorded) has no deadlines; which
    # steps are owed is `rules.assessment_steps`, as on the request's page.
    requests = AssessmentRequest.objects.filter(
        school=school, pupil__in=pupils, outcome=AssessmentRequest.Outcome.PENDING, exemption=""
    ).select_related("pupil")
    for request in requests:
        for step in rules.assessment_steps(assessment_facts(request)):
            if not step.outstanding or step.due is None or step.due > until:
                continue
            yield Deadline(
                kind=f"ehcp.assessment.{step.key}",
                title=ASSESSMENT_TITLES[step.key],
                due=step.due,
                subject=request.pupil.name,
                subject_id=str(request.pupil.public_id),
                owner_id=None,
                url=reverse("ehcp:request", args=[school.slug, request.public_id]),
                severity=severity(due=step.due, today=today),
            )
