"""Reads of support plans, each in a constant number of queries whatever the school's size.

Which plans a person sees follows which pupils they see (`register.selectors.pupils_visible_to`).
The Do section of a cycle is never typed: `provision.delivery` reads it from the session logs.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.core.paginator import Page, Paginator
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FilteredRelation,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from provision.delivery import Delivery, DeliveryReader
from provision.models import Group
from register.models import Need, Pupil, SenStatus, SupportLayer, TeachingGroup
from register.rules import E, K
from register.selectors import layer_now, pupils_visible_to
from staff import calendar as school_calendar
from staff import deadline_cache
from staff.capabilities import Reach, pupil_reach
from staff.models import School
from staff.selectors import all_but, only_name, unique_row
from staff.tenancy import Access

from . import rules
from .models import Contribution, Cycle, ParentMeeting, SupportPlan, Target


def _covering(on: date) -> Q:
    return Q(starts_on__lte=on) & (Q(ends_on__isnull=True) | Q(ends_on__gte=on))


# --------------------------------------------------------------------------------------------------
# Finding one plan, cycle or target the person may see (None: the view answers 404)
# --------------------------------------------------------------------------------------------------


def plan_of(*, pupil: Pupil) -> SupportPlan | None:
    return unique_row(SupportPlan.objects.filter(pupil=pupil).select_related("lead"))


def cycle_for(*, access: Access, public_id, today: date) -> Cycle | None:
    pupils = pupils_visible_to(access=access, on=today)
    return (
        Cycle.objects.filter(public_id=public_id, plan__pupil__in=pupils)
        .select_related("plan__pupil", "plan__lead")
        .first()
    )


def target_for(*, access: Access, public_id, today: date) -> Target | None:
    pupils = pupils_visible_to(access=access, on=today)
    return (
        Target.objects.filter(public_id=public_id, cycle__plan__pupil__in=pupils)
        .select_related("cycle__plan__pupil")
        .first()
    )


def cycle_window(cycle: Cycle, today: date) -> tuple[date, date]:
    """The dates a cycle's Do covers: from the plan's agreement (or the cycle's start) to its
    review (or today)."""
    start = cycle.agreed_on or cycle.starts_on
    end = cycle.reviewed_on or today
    return start, max(start, end)


# --------------------------------------------------------------------------------------------------
# One plan: every cycle, with targets, delivery, contributions, meetings and quality warnings
# --------------------------------------------------------------------------------------------------


@dataclass
class CycleView:
    cycle: Cycle
    targets: list[Target]
    contributions: list[Contribution]
    delivery: dict[int, list[Delivery]]  # target id -> delivery of each of its groups
    stage_label: str
    warnings: list[rules.Warning] = field(default_factory=list)


@dataclass
class PlanPage:
    plan: SupportPlan
    cycles: list[CycleView]  # oldest first
    current: CycleView | None  # the open cycle, or the last reviewed one
    meetings: list[ParentMeeting]
    schedule: rules.MeetingSchedule | None
    needs: list[Need]
    category: str  # K or E today ("" when neither)
    layer: SupportLayer | None = None  # the layer of support today
    statuses: list[SenStatus] = field(default_factory=list)  # every SEN status, oldest first

    @property
    def annual_review_due(self) -> date | None:
        """When the plan is next due its annual review (`rules.annual_review_due`); None for a
        pupil not on SEN support (an EHC plan has its statutory annual review instead)."""
        if self.category != K:
            return None
        annual = [
            v.cycle.reviewed_on for v in self.cycles if v.cycle.frozen and v.cycle.annual_review
        ]
        return rules.annual_review_due(
            last_annual=max(annual, default=None), first_started=self.started_on
        )

    @property
    def started_on(self) -> date | None:
        """When the plan's first cycle began (not when its row was made: an imported or
        seeded plan can be older than its record)."""
        return self.cycles[0].cycle.starts_on if self.cycles else None


def target_facts(target: Target, groups: int) -> rules.TargetFacts:
    return facts_of(
        position=target.position,
        measure=target.measure,
        baseline=target.baseline,
        by_when=target.by_when,
        need_type_id=target.need_type_id,
        groups=groups,
        other_provision=target.other_provision,
    )


def facts_of(*, groups: int, other_provision: str, **fields) -> rules.TargetFacts:
    """What the quality checks read of a target, from its fields (a Target's, or a row of
    `TARGET_FACT_FIELDS` read as values): it has provision when it is linked to a group or
    other provision is described."""
    return rules.TargetFacts(**fields, provision=bool(groups or other_provision.strip()))


def _year_terms(school: School, today: date) -> tuple[date, list[date]]:
    start = school_calendar.academic_year_start_for(today)
    year_start, year_end = date(start, 9, 1), date(start + 1, 8, 31)
    terms = school_calendar.season_terms(school=school, start=year_start, end=year_end)
    return year_start, [t.ends_on for t in terms]


# A target carried over shows where from: the earlier target's position and outcome, and its
# cycle's number; the rest of those two rows is not read.
CARRIED_FROM_UNREAD = [
    *all_but("carried_from", Target, keep=("position", "outcome", "cycle")),
    *all_but("carried_from__cycle", Cycle, keep=("number",)),
]


def plan_page(*, plan: SupportPlan, today: date) -> PlanPage:
    """Everything the plan page (and its prints) shows, in a constant number of queries."""
    pupil, school = plan.pupil, plan.school
    cycles = list(
        Cycle.objects.filter(plan=plan)
        .select_related("reviewed_by")
        .defer(*only_name("reviewed_by"))
        .prefetch_related(
            Prefetch(
                "targets",
                Target.objects.select_related("need_type", "carried_from__cycle")
                .defer(*CARRIED_FROM_UNREAD)
                .prefetch_related(Prefetch("groups", Group.objects.select_related("intervention")))
                .order_by("position", "pk"),
            ),
            Prefetch(
                "contributions",
                Contribution.objects.select_related("author").defer(*only_name("author")),
            ),
        )
        .order_by("number")
    )
    needs = list(
        Need.objects.filter(_covering(today), pupil=pupil)
        .select_related("need_type")
        .order_by("rank")
    )
    statuses = sen_statuses(pupil=pupil)  # all of them: the evidence page lists them
    now = [
        s for s in statuses if s.starts_on <= today and (s.ends_on is None or s.ends_on >= today)
    ]
    category = now[0].category if now else ""
    groups = {g.pk: g for c in cycles for t in c.targets.all() for g in t.groups.all()}
    start = min((c.agreed_on or c.starts_on for c in cycles), default=today)
    reader = DeliveryReader(
        school=school, pupil=pupil, groups=list(groups.values()), start=start, end=today
    )
    views = []
    for cycle in cycles:
        lo, hi = cycle_window(cycle, today)
        targets = list(cycle.targets.all())
        views.append(
            CycleView(
                cycle=cycle,
                targets=targets,
                contributions=list(cycle.contributions.all()),
                delivery={
                    t.pk: [reader.window(g, lo, hi) for g in t.groups.all()] for t in targets
                },
                stage_label=rules.stage_label(
                    stage=cycle.stage, review_due=cycle.review_due, today=today
                ),
            )
        )
    current = next((v for v in views if not v.cycle.frozen), views[-1] if views else None)
    if current is not None and not current.cycle.frozen:
        current.warnings = rules.quality_warnings(
            targets=[target_facts(t, len(t.groups.all())) for t in current.targets],
            needs=[(n.need_type_id, n.need_type.name) for n in needs],
            stage=current.cycle.stage,
            review_due=current.cycle.review_due,
        )
    meetings = list(
        ParentMeeting.objects.filter(plan=plan)
        .select_related("recorded_by")
        .defer(*only_name("recorded_by"))
        .order_by("-held_on")
    )
    schedule = None
    if category == K:
        year_start, term_ends = _year_terms(school, today)
        since = now[0].starts_on
        schedule = rules.meeting_schedule(
            term_ends=term_ends,
            year_start=year_start,
            on_support_since=since,
            held_on=[m.held_on for m in meetings],
            today=today,
        )
    return PlanPage(
        plan=plan,
        cycles=views,
        current=current,
        meetings=meetings,
        schedule=schedule,
        needs=needs,
        category=category,
        layer=layer_now(pupil=pupil, on=today),
        statuses=statuses,
    )


# --------------------------------------------------------------------------------------------------
# Every plan a person sees: the SENDCo's overview, a teacher's own pupils
# --------------------------------------------------------------------------------------------------


PLANS_PAGE_SIZE = 50
LISTED_PUPIL_FIELDS = (
    "public_id",
    "legal_first_name",
    "legal_last_name",
    "preferred_first_name",
    "preferred_last_name",
)
# What `facts_of` reads of a target besides its groups and other provision.
TARGET_FACT_FIELDS = ("position", "measure", "baseline", "by_when", "need_type_id")


@dataclass
class PlanRow:
    pupil: Pupil
    category: str
    plan: SupportPlan | None
    cycle: Cycle | None
    stage_label: str
    schedule: rules.MeetingSchedule | None
    warnings: int


@dataclass
class PlanList:
    """The plans list a page at a time: the page's rows, and counts over every row."""

    page: Page  # of Pupil rows (the page's PlanRow objects are `rows`)
    rows: list[PlanRow]
    counts: dict[str, int]  # all, no_plan, overdue, warnings


def _blank(field: str) -> Q:
    return Q(**{f"{field}__regex": r"^\s*$"})


def _linked() -> Exists:
    """Whether the target is linked to a group (by the links' index on the target)."""
    return Exists(Target.groups.through.objects.filter(target_id=OuterRef("pk")))


def _has_warnings(today: date) -> Exists:
    """Whether `rules.quality_warnings` finds anything in the row's open cycle (`open_pk`), in
    SQL: no target; a target without a measure, baseline, date or provision; a current need
    that no target addresses; a plan (or Do) without a review date."""
    targets = Target.objects.filter(cycle_id=OuterRef("open_pk"))
    weak = targets.filter(
        _blank("measure")
        | _blank("baseline")
        | Q(by_when__isnull=True)
        | (_blank("other_provision") & ~_linked())
    )
    unmet = Need.objects.filter(_covering(today), pupil_id=OuterRef("pk")).exclude(
        Exists(
            Target.objects.filter(
                cycle_id=OuterRef(OuterRef("open_pk")), need_type_id=OuterRef("need_type_id")
            )
        )
    )
    return (
        ~Exists(targets)
        | Exists(weak)
        | Exists(unmet)
        | Q(open_stage__in=[rules.PLAN, rules.DO], open_due__isnull=True)
    )


def _plan_list_rows(access: Access, today: date):
    """Pupils on roll with a K or E status covering `today` whom the person sees, with their
    plan and its open cycle as columns, urgency first (overdue reviews, the most overdue first,
    then reviews due today), then by name."""
    school = access.school
    status = FilteredRelation(
        "sen_statuses",
        condition=Q(sen_statuses__school=school, sen_statuses__starts_on__lte=today)
        & (Q(sen_statuses__ends_on__isnull=True) | Q(sen_statuses__ends_on__gte=today))
        & Q(sen_statuses__category__in=[K, E]),
    )
    plan = FilteredRelation("support_plan", condition=Q(support_plan__school=school))
    # The plan's open cycle (one at most, by constraint), joined; else its latest reviewed one.
    open_cycle = FilteredRelation(
        "support_plan__cycles",
        condition=Q(support_plan__cycles__school=school)
        & ~Q(support_plan__cycles__stage=rules.REVIEWED),
    )
    reviewed = Cycle.objects.filter(
        school=school, plan_id=OuterRef("plan_on__pk"), stage=rules.REVIEWED
    ).order_by("-number")
    late = Q(open_stage=rules.DO, open_due__lt=today)
    due = Q(open_stage=rules.DO, open_due=today)
    return (
        pupils_visible_to(access=access, on=today)
        .on_roll(today)
        .alias(status_on=status, plan_on=plan, open_on=open_cycle)
        .filter(status_on__isnull=False)
        .annotate(
            category=F("status_on__category"),
            on_support_since=F("status_on__starts_on"),
            plan_pk=F("plan_on__pk"),
            open_pk=F("open_on__pk"),
            open_stage=F("open_on__stage"),
            open_due=F("open_on__review_due"),
            cycle_pk=Coalesce("open_on__pk", Subquery(reviewed.values("pk")[:1])),
            urgency=Case(When(late, then=Value(0)), When(due, then=Value(1)), default=Value(2)),
        )
        .order_by(
            "urgency",
            Case(When(late | due, then=F("open_due"))).asc(nulls_last=True),
            "legal_last_name",
            "legal_first_name",
            "pk",
        )
    )


def plan_rows(
    *,
    access: Access,
    today: date,
    page: str | int | None = None,
    per_page: int = PLANS_PAGE_SIZE,
    quality: bool = True,
) -> PlanList:
    """One row per pupil on SEN support or with an EHC plan whom the person sees, overdue and due
    reviews first, then by name, a page at a time: sorted, counted and paged by the database; the
    page's rows get their plan's current cycle, parent meetings against the schedule and the
    number of quality warnings (worked out for those rows only). `quality=False` (a person who
    is not shown how well plans are written) leaves the plans with warnings uncounted."""
    listed = _plan_list_rows(access, today)

    def count() -> dict[str, int]:
        # Built only when the counts are worked out (the warnings' expression is long to build).
        weak = _has_warnings(today) if quality else Value(False)
        return listed.annotate(weak=ExpressionWrapper(weak, output_field=BooleanField())).aggregate(
            all=Count("pk"),
            no_plan=Count("pk", filter=Q(plan_pk__isnull=True)),
            overdue=Count("pk", filter=Q(urgency=0)),
            warnings=Count("pk", filter=Q(open_pk__isnull=False, weak=True)),
        )

    # Kept between the writes that move them (pupils, plans, cycles, targets, needs and classes
    # feed the school's stamp): the whole school's counts are the same for every leader; a
    # teacher's or TA's are of their own classes, kept for them alone (by role and person).
    whose = "" if pupil_reach(access.role) == Reach.SCHOOL else f"-{access.role}-{access.user.pk}"
    counts = deadline_cache.kept(
        school_id=access.school.pk,
        today=today,
        weeks=0,
        name=f"plan-counts-{int(quality)}{whose}",
        work_out=count,
    )
    paginator = Paginator(listed, per_page)
    paginator.count = counts["all"]  # counted above: no second count
    shown = paginator.get_page(page)
    # Only what the rows show and the warnings are worked out from is read: a page of 50 pupils
    # would otherwise build some 400 model instances of which the list shows a name or a date.
    pupils = list(shown.object_list.only(*LISTED_PUPIL_FIELDS))
    shown.object_list = pupils
    plans = (
        SupportPlan.objects.filter(
            school=access.school, pk__in=[p.plan_pk for p in pupils if p.plan_pk]
        )
        .only("pupil_id", "lead__full_name")
        .select_related("lead")
    )
    plans = {p.pk: p for p in plans}
    cycles = {
        c.pk: c
        for c in Cycle.objects.filter(
            school=access.school, pk__in=[p.cycle_pk for p in pupils if p.cycle_pk]
        ).only("plan_id", "number", "stage", "review_due")
    }
    open_cycles = {pk for pk, c in cycles.items() if not c.frozen} if quality else set()
    facts: dict[int, list[rules.TargetFacts]] = defaultdict(list)
    needs: dict[int, list[tuple[int, str]]] = defaultdict(list)
    if open_cycles:
        # A link's id or None, read by the links' index on the target (LIMIT 1: an EXISTS here
        # is planned as a hash of every link of the trust).
        linked = Target.groups.through.objects.filter(target_id=OuterRef("pk")).values("pk")[:1]
        for row in (
            Target.objects.filter(school=access.school, cycle_id__in=open_cycles)
            .annotate(linked=Subquery(linked))
            .order_by("position", "pk")
            .values("cycle_id", *TARGET_FACT_FIELDS, "other_provision", "linked")
        ):
            cycle_id, link = row.pop("cycle_id"), row.pop("linked")
            facts[cycle_id].append(facts_of(**row, groups=int(link is not None)))
        for pupil_id, need_type_id, name in Need.objects.filter(
            _covering(today),
            school=access.school,
            pupil__in=[p.pk for p in pupils if p.cycle_pk in open_cycles],
        ).values_list("pupil_id", "need_type_id", "need_type__name"):
            needs[pupil_id].append((need_type_id, name))
    year_start, term_ends = _year_terms(access.school, today)
    held: dict[int, list[date]] = defaultdict(list)
    for plan_id, on in ParentMeeting.objects.filter(
        school=access.school, plan_id__in=list(plans), held_on__gte=year_start
    ).values_list("plan_id", "held_on"):
        held[plan_id].append(on)
    rows = []
    for pupil in pupils:
        plan = plans.get(pupil.plan_pk)
        cycle = cycles.get(pupil.cycle_pk) if plan is not None else None
        warnings = 0
        schedule = None
        if cycle is not None and not cycle.frozen and quality:
            warnings = len(
                rules.quality_warnings(
                    targets=facts[cycle.pk],
                    needs=needs[pupil.pk],
                    stage=cycle.stage,
                    review_due=cycle.review_due,
                )
            )
        if plan is not None and pupil.category == K:
            schedule = rules.meeting_schedule(
                term_ends=term_ends,
                year_start=year_start,
                on_support_since=pupil.on_support_since,
                held_on=held[plan.pk],
                today=today,
            )
        rows.append(
            PlanRow(
                pupil=pupil,
                category=pupil.category,
                plan=plan,
                cycle=cycle,
                stage_label=rules.stage_label(
                    stage=cycle.stage, review_due=cycle.review_due, today=today
                )
                if cycle
                else "No plan yet",
                schedule=schedule,
                warnings=warnings,
            )
        )
    return PlanList(page=shown, rows=rows, counts=counts)


# --------------------------------------------------------------------------------------------------
# The reads of the plan pages' forms and of what a teaching assistant sees
# --------------------------------------------------------------------------------------------------


def sen_category_on(*, pupil: Pupil, on: date) -> str:
    """The pupil's SEN category (K or E) on a day, "" when neither."""
    status = (
        SenStatus.objects.filter(pupil=pupil, starts_on__lte=on)
        .exclude(ends_on__lt=on)
        .values_list("category", flat=True)
        .first()
    )
    return status or ""


@dataclass
class StrategiesPage:
    """What a teaching assistant sees of a plan: the pupil's current needs and the strategies
    for class teachers of the latest cycle, and nothing else."""

    needs: list[Need]
    has_plan: bool
    strategies: str


def strategies_page(*, pupil: Pupil, plan: SupportPlan | None, today: date) -> StrategiesPage:
    needs = list(
        Need.objects.filter(pupil=pupil, starts_on__lte=today)
        .exclude(ends_on__lt=today)
        .select_related("need_type")
        .order_by("rank")
    )
    latest = (
        plan.cycles.order_by("-number").only("pk", "plan_id", "number", "strategies").first()
        if plan is not None
        else None
    )
    return StrategiesPage(
        needs=needs,
        has_plan=plan is not None,
        strategies=latest.strategies if latest is not None else "",
    )


def linked_group_ids(*, target: Target | None) -> list[int]:
    """The groups a target is linked to already (none for a new target)."""
    return list(target.groups.values_list("pk", flat=True)) if target is not None else []


def review_targets(*, cycle: Cycle) -> list[Target]:
    return list(
        cycle.targets.select_related("need_type")
        .prefetch_related("groups")
        .order_by("position", "pk")
    )


def review_contributions(*, cycle: Cycle) -> list[Contribution]:
    return list(
        cycle.contributions.filter(stage=Contribution.Stage.REVIEW).select_related("author")
    )


# --------------------------------------------------------------------------------------------------
# The reads of the printed plan and the graduated approach evidence
# --------------------------------------------------------------------------------------------------


def staff_of_groups(groups: list[Group]) -> dict[int, list[str]]:
    """Who runs each group, by name: one query for any number of groups."""
    names: dict[int, list[str]] = defaultdict(list)
    rows = (
        Group.staff.through.objects.filter(group_id__in=[g.pk for g in groups])
        .select_related("user")
        .order_by("user__full_name")
    )
    for row in rows:
        names[row.group_id].append(row.user.full_name)
    return names


def class_of(*, pupil: Pupil, today: date) -> TeachingGroup | None:
    """The pupil's class this academic year (a teaching set when there is no class)."""
    groups = list(
        pupil.teaching_groups.filter(
            academic_year__starts_on__lte=today, academic_year__ends_on__gte=today
        )
    )
    classes = [g for g in groups if g.kind == TeachingGroup.Kind.CLASS]
    return (classes or groups or [None])[0]


def sen_statuses(*, pupil: Pupil) -> list[SenStatus]:
    """The pupil's SEN status periods, oldest first."""
    return list(SenStatus.objects.filter(pupil=pupil).order_by("starts_on"))


def reviews_on_time_counts(
    *, school_ids: list[int], since: date, today: date
) -> dict[int, tuple[int, int]]:
    """(school) -> (support plan cycles reviewed from `since` to `today`, those reviewed by
    their review date), for a trust's schools at once (one aggregate grouped by school)."""
    found = {school_id: (0, 0) for school_id in school_ids}
    for school_id, reviewed, on_time in (
        Cycle.objects.filter(
            school_id__in=school_ids, reviewed_on__gte=since, reviewed_on__lte=today
        )
        .values("school_id")
        .order_by()
        .annotate(
            reviewed=Count("pk"),
            on_time=Count("pk", filter=Q(review_due__gte=F("reviewed_on"))),
        )
        .values_list("school_id", "reviewed", "on_time")
    ):
        found[school_id] = (reviewed, on_time)
    return found
