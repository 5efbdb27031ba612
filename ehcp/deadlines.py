"""Deadlines of statutory plans: every outstanding step of each annual review under way, the next
review of each plan, and the needs-assessment clock (DOMAIN.md section 2). Dates come from
`ehcp.rules` through `selectors.review_line`; nothing here is stored."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date

from django.conf import settings
from django.db.models import QuerySet

from provision.delivery import below_since, readers_for
from register.models import Pupil
from staff.calendar import SchoolCalendar
from staff.deadlines import Deadline, link_to, severity, under_delivered
from staff.models import School

from . import rules
from .models import AssessmentRequest, EhcPlan, ProvisionItem, SchoolConsultation
from .selectors import (
    assessment_facts,
    item_deliveries,
    review_line,
    section_f_period,
    with_review_data,
)

ASSESSMENT_TITLES = {
    "decision": "Needs assessment: LA decision due",
    "advice": "Needs assessment: send the school's advice",
    "no_plan_notice": "Needs assessment: draft plan or no-plan notice due",
    "parents_draft": "Needs assessment: parents' 15 days on the draft plan end",
    "final_plan": "Needs assessment: final plan due",
}
REASSESSMENT_TITLES = {
    "decision": "Re-assessment: the LA's answer due",
    "advice": "Re-assessment: send the school's advice",
    "parents_draft": "Re-assessment: parents' 15 days on the draft plan end",
    "final_plan": "Re-assessment: final plan due",
}


def _lower_first(label: str) -> str:
    """ "Send the report to the LA" -> "send the report to the LA"; "LA decision due" stays."""
    return label if label[:2].isupper() else label[:1].lower() + label[1:]


def deadlines(
    *,
    school: School,
    pupils: QuerySet[Pupil],
    today: date,
    until: date,
    calendar: SchoolCalendar | None = None,
) -> Iterator[Deadline]:
    """Due up to `until`, or overdue, for the plans and requests of `pupils`, and the school's
    answers to the LA's consultations; and section F provision delivered below plan (alerts).
    Statutory dates keep their legal date; one that falls outside term time carries the last
    school day before it (`last_school_day`). Ten queries (seven with no item of section F linked
    to a group), and two for the calendar when the engine has not passed it in."""
    calendar = calendar or SchoolCalendar.load(school=school)
    plans = list(
        with_review_data(
            EhcPlan.objects.filter(school=school, pupil__in=pupils, status=EhcPlan.Status.ACTIVE)
        )
    )
    review_url = link_to("ehcp:review", school.slug)
    plan_url = link_to("ehcp:plan", school.slug)
    for plan in plans:
        line = review_line(plan, today=today)
        pupil = plan.pupil
        if line.review is not None:
            url = review_url(line.review.public_id)
        else:
            url = plan_url(pupil.public_id)
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
                last_school_day=calendar.last_school_day_if_holiday(step.due),
                authority=plan.authority.name,
                year_group=pupil.year_group,
            )
    yield from _section_f_alerts(school=school, plans=plans, today=today, calendar=calendar)
    # A request whose time limits do not apply (an exemption is recorded) has no deadlines; which
    # steps are owed is `rules.assessment_steps`, as on the request's page.
    requests = AssessmentRequest.objects.filter(
        school=school, pupil__in=pupils, outcome=AssessmentRequest.Outcome.PENDING, exemption=""
    ).select_related("pupil", "authority")
    request_url = link_to("ehcp:request", school.slug)
    for request in requests:
        reassess = request.kind == AssessmentRequest.Kind.REASSESSMENT
        titles = REASSESSMENT_TITLES if reassess else ASSESSMENT_TITLES
        for step in rules.assessment_steps(assessment_facts(request)):
            owed = step.outstanding or step.running(today)
            if not owed or step.due is None or step.due > until:
                continue
            yield Deadline(
                kind=f"ehcp.assessment.{step.key}",
                title=titles[step.key],
                due=step.due,
                subject=request.pupil.name,
                subject_id=str(request.pupil.public_id),
                owner_id=None,
                url=request_url(request.public_id),
                severity=severity(due=step.due, today=today),
                last_school_day=calendar.last_school_day_if_holiday(step.due),
                authority=request.authority.name,
                year_group=request.pupil.year_group,
            )
    # The LA's consultations about naming the school (Code 9.79): the child is often not on roll,
    # so these are the school's, not a pupil's, and reach only those who open the tracker.
    consultations = (
        SchoolConsultation.objects.filter(school=school, responded_on__isnull=True)
        .select_related("authority")
        .order_by("received_on")
    )
    reading = settings.EHCP_FIFTEEN_DAY_READING
    consultation_url = link_to("ehcp:consultation", school.slug)
    for consultation in consultations:
        due = rules.consultation_due(consultation.received_on, reading=reading)
        if due > until:
            continue
        yield Deadline(
            kind="ehcp.consultation",
            title="The LA's consultation about naming the school: the school's answer due",
            due=due,
            subject=consultation.child_name,
            subject_id=str(consultation.public_id),
            owner_id=None,
            url=consultation_url(consultation.public_id),
            severity=severity(due=due, today=today),
            authority=consultation.authority.name,
            last_school_day=calendar.last_school_day_if_holiday(due),
        )


# --------------------------------------------------------------------------------------------------
# Section F delivered below plan: an alert for the SENDCo
# --------------------------------------------------------------------------------------------------


def _section_f_alerts(
    *, school: School, plans: list[EhcPlan], today: date, calendar: SchoolCalendar
) -> Iterator[Deadline]:
    """For each plan, the items of its current version's section F linked to a group whose hours
    delivered since the last review (as the plan's page counts them, `item_deliveries`) are below
    plan (`staff.deadlines.under_delivered`): one alert per pupil naming the furthest behind.
    Due on the first school day of the week delivery fell below plan. Four queries, for every
    plan at once: the items, then the pupils' places, the sessions and the registers."""
    current = {
        max(p.versions.all(), key=lambda v: v.number).pk: p for p in plans if p.versions.all()
    }
    items_of: dict[int, list[ProvisionItem]] = defaultdict(list)
    for item in (
        ProvisionItem.objects.filter(version_id__in=list(current), group__isnull=False)
        .select_related("group")
        .order_by("position", "pk")
    ):
        items_of[current[item.version_id].pk].append(item)
    if not items_of:
        return
    starts = {p.pk: section_f_period(p, today) for p in plans if p.pk in items_of}
    first = min(starts.values())
    open_days = calendar.open_days(start=first, end=today)
    readers = readers_for(
        school=school,
        wanted={p.pupil_id: [i.group for i in items_of[p.pk]] for p in plans if p.pk in items_of},
        open_days=open_days,
        start=first,
        end=today,
    )
    plan_url = link_to("ehcp:plan", school.slug)
    for plan in plans:
        if plan.pk not in items_of:
            continue
        start, items, reader = starts[plan.pk], items_of[plan.pk], readers[plan.pupil_id]

        def behind(end: date, items=items, reader=reader, start=start) -> list:
            rows = item_deliveries(
                items=items, reader=reader, open_days=open_days, start=start, end=end
            )
            return [row for row in rows if _below(row)]

        found = behind(today)
        if not found:
            continue
        worst = min(found, key=lambda row: row.percent)
        period = [d for d in open_days if start <= d]
        due = below_since(open_days=period, today=today, below=lambda end, b=behind: bool(b(end)))
        others = f"; {len(found) - 1} more item{'s' if len(found) > 2 else ''} below plan"
        yield Deadline(
            kind="ehcp.section_f_delivery",
            title=(
                f"Section F: {worst.percent}% of planned hours delivered "
                f"({worst.item.group.name}{others if len(found) > 1 else ''})"
            ),
            due=due,
            subject=plan.pupil.name,
            subject_id=str(plan.pupil.public_id),
            owner_id=None,  # the SENDCo
            url=plan_url(plan.pupil.public_id),
            severity=severity(due=due, today=today),
            authority=plan.authority.name,
            year_group=plan.pupil.year_group,
        )


def _below(row) -> bool:
    """An item behind plan enough to alert: its percentage as the plan's page shows it, after
    enough of the group's sessions were planned (hours planned over the session's length)."""
    if row.hours_delivered is None:
        return False
    planned_sessions = row.hours_planned * 60 / row.item.group.session_minutes
    return under_delivered(percent=row.percent, planned_sessions=planned_sessions)
