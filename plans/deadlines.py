"""Deadlines of support plans: APDR reviews, plans waiting to be agreed, and parent meetings
behind schedule (DOMAIN.md 1.3 and 6). Dates come from `plans.rules`; nothing here is stored."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery

from provision.delivery import Delivery, below_since, readers_for
from provision.models import Group
from register.models import Pupil, SenStatus
from register.rules import E, K
from staff import calendar as school_calendar
from staff.calendar import SchoolCalendar
from staff.deadlines import Deadline, link_to, percent_of, severity, under_delivered
from staff.models import School

from . import rules, selectors
from .models import CYCLE_TEXTS, Cycle, ParentMeeting, SupportPlan, Target

# A support plan review (the family the home page and reports count it in), of the whole plan.
ANNUAL = "provision.apdr_review.annual"


def _whole_plan_review(school: School, *, plan: str) -> dict:
    """Annotations of a plan (`plan` names its id in the outer query) for its annual review: the
    last cycle reviewed as the plan's annual review, and when its first cycle began."""
    cycles = Cycle.objects.filter(school=school, plan=OuterRef(plan))
    annual = cycles.filter(annual_review=True, stage=rules.REVIEWED).order_by("-reviewed_on")
    return {
        "last_annual": Subquery(annual.values("reviewed_on")[:1]),
        "first_started": Subquery(cycles.order_by("number").values("starts_on")[:1]),
    }


def _annual_due(row) -> date | None:
    """When a plan (or a cycle annotated as one) is due its annual review."""
    return rules.annual_review_due(last_annual=row.last_annual, first_started=row.first_started)


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
    (`SchoolCalendar.on_or_before`). Plans under way whose sessions are attended below plan are
    alerts (`_delivery_alerts`). Eight queries (four with no plan under way linked to a group),
    and two for the calendar when the engine has not passed it in."""
    calendar = calendar or SchoolCalendar.load(school=school)
    on_register = SenStatus.objects.filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=today),
        school=school,
        pupil=OuterRef("pk"),
        category__in=[K, E],
        starts_on__lte=today,
    )
    pupils = pupils.on_roll(today).filter(Exists(on_register))
    open_cycles = (
        Cycle.objects.filter(school=school, plan__school=school, plan__pupil__in=pupils)
        .exclude(stage=rules.REVIEWED)
        .select_related("plan__pupil")
        .defer(*CYCLE_TEXTS)
        .annotate(
            **_whole_plan_review(school, plan="plan"),
            on_k=Exists(
                SenStatus.objects.filter(
                    Q(ends_on__isnull=True) | Q(ends_on__gte=today),
                    school=school,
                    pupil=OuterRef("plan__pupil"),
                    category=K,
                    starts_on__lte=today,
                )
            ),
        )
    )
    open_cycles = list(open_cycles)
    plan_url = link_to("plans:plan", school.slug)
    for cycle in open_cycles:
        pupil = cycle.plan.pupil
        url = plan_url(pupil.public_id)
        if cycle.stage == rules.DO:
            if cycle.review_due is None:
                continue
            due, kind, title = cycle.review_due, "provision.apdr_review", "Support plan review"
            annual = _annual_due(cycle) if cycle.on_k else None
            if annual is not None and annual <= cycle.review_due:
                # The plan's year is up before this review: it is the annual review, due sooner.
                due, kind, title = annual, ANNUAL, "Support plan annual review"
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
    yield from _delivery_alerts(
        school=school,
        cycles=[c for c in open_cycles if c.stage == rules.DO],
        today=today,
        calendar=calendar,
    )
    reviewing = {c.plan_id for c in open_cycles if c.stage == rules.DO and c.review_due}
    yield from _yearly(
        school=school,
        pupils=pupils,
        today=today,
        until=until,
        calendar=calendar,
        reviewing=reviewing,
    )


def _delivery_alerts(
    *, school: School, cycles: list[Cycle], today: date, calendar: SchoolCalendar
) -> Iterator[Deadline]:
    """For each plan under way (Do), the groups of its targets whose sessions the pupil attended
    since the plan was agreed are below plan (`staff.deadlines.under_delivered`), counted as the
    plan's Do section counts them (`DeliveryReader.window` over `selectors.cycle_window`): one
    alert per pupil naming the furthest behind, due on the first school day of the week it fell
    below plan. Four queries for every plan at once: the targets' groups, then the pupils'
    places, the sessions and the registers."""
    groups_of: dict[int, dict[int, Group]] = defaultdict(dict)  # cycle id -> its groups
    for link in (
        Target.groups.through.objects.filter(
            target__school=school, target__cycle_id__in=[c.pk for c in cycles]
        )
        .select_related("group", "target")
        .order_by("target__position", "target_id", "group_id")
    ):
        groups_of[link.target.cycle_id][link.group_id] = link.group
    cycles = [c for c in cycles if groups_of[c.pk]]
    if not cycles:
        return
    windows = {c.pk: selectors.cycle_window(c, today) for c in cycles}
    first = min(start for start, _ in windows.values())
    open_days = calendar.open_days(start=first, end=today)
    readers = readers_for(
        school=school,
        wanted={c.plan.pupil_id: list(groups_of[c.pk].values()) for c in cycles},
        open_days=open_days,
        start=first,
        end=today,
    )
    for cycle in cycles:
        (start, end), reader = windows[cycle.pk], readers[cycle.plan.pupil_id]
        groups = list(groups_of[cycle.pk].values())

        def behind(upto: date, groups=groups, reader=reader, start=start) -> list[Delivery]:
            found = [reader.window(group, start, upto) for group in groups]
            return [d for d in found if _below(d)]

        found = behind(end)
        if not found:
            continue
        worst = min(found, key=lambda d: d.attended / d.planned)
        period = [d for d in open_days if start <= d]
        due = below_since(open_days=period, today=today, below=lambda upto, b=behind: bool(b(upto)))
        pupil = cycle.plan.pupil
        others = len(found) - 1
        more = f"; {others} more group{'s' if others > 1 else ''} below plan" if others else ""
        yield Deadline(
            kind="provision.plan_delivery",
            title=(
                f"Support plan: {worst.attended} of {worst.planned} planned sessions attended "
                f"({percent_of(worst.attended, worst.planned)}%, {worst.group.name}{more})"
            ),
            due=due,
            subject=pupil.name,
            subject_id=str(pupil.public_id),
            owner_id=None,  # the SENDCo
            url=link_to("plans:plan", school.slug)(pupil.public_id),
            severity=severity(due=due, today=today),
            year_group=pupil.year_group,
        )


def _below(delivery: Delivery) -> bool:
    """A group behind plan enough to alert: the pupil attended under UNDER_DELIVERY_PERCENT of
    the sessions planned while they had a place, after enough were planned."""
    return under_delivered(
        percent=percent_of(delivery.attended, delivery.planned),
        planned_sessions=delivery.planned,
    )


def _yearly(
    *,
    school: School,
    pupils: QuerySet[Pupil],
    today: date,
    until: date,
    calendar: SchoolCalendar,
    reviewing: set[int],
) -> Iterator[Deadline]:
    """The year's dates of each plan of a pupil on SEN support: parent meetings behind schedule
    and the plan's annual review, unless the plan is `reviewing` (under way with a review date:
    its review is the annual one when the year is up first, or comes before it). Two queries
    (the plans, the meetings) plus the terms."""
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
        school=school,
        pupil=OuterRef("pupil"),
        category=K,
        starts_on__lte=today,
    ).values("starts_on")[:1]
    plans = list(
        SupportPlan.objects.filter(school=school, pupil__in=pupils)
        .annotate(on_k_since=Subquery(on_k_since), **_whole_plan_review(school, plan="pk"))
        .filter(on_k_since__isnull=False)
        .select_related("pupil")
    )
    held: dict[int, list[date]] = defaultdict(list)
    for plan_id, on in ParentMeeting.objects.filter(
        school=school, plan__pupil__in=pupils, held_on__gte=year_start
    ).values_list("plan_id", "held_on"):
        held[plan_id].append(on)
    plan_url = link_to("plans:plan", school.slug)
    for plan in plans:
        if plan.pk not in reviewing:
            yield from _annual_review(
                plan, today=today, until=until, calendar=calendar, url=plan_url
            )
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
            url=plan_url(plan.pupil.public_id),
            severity=severity(due=due, today=today),
            year_group=plan.pupil.year_group,
        )


def _annual_review(
    plan: SupportPlan, *, today: date, until: date, calendar: SchoolCalendar, url
) -> Iterator[Deadline]:
    """The plan's annual review (`rules.annual_review_due`), on the last school day before."""
    due = _annual_due(plan)
    if due is None:
        return
    due = calendar.on_or_before(due)
    if due > until:
        return
    yield Deadline(
        kind=ANNUAL,
        title="Support plan annual review",
        due=due,
        subject=plan.pupil.name,
        subject_id=str(plan.pupil.public_id),
        owner_id=plan.lead_id,
        url=url(plan.pupil.public_id),
        severity=severity(due=due, today=today),
        year_group=plan.pupil.year_group,
    )
