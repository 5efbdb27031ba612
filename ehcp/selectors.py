"""Reads of statutory plans, in a constant number of queries whatever the school's size.

Which plans a person sees follows which pupils they see (`register.selectors.pupils_visible_to`).
Every date shown comes from `ehcp.rules` through `review_line`; nothing here stores a date.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from itertools import groupby

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce

from provision import rules as provision_rules
from provision.delivery import DeliveryReader, readers_for
from provision.models import Group
from register.models import Need, Pupil, YearGroup
from register.selectors import pupils_visible_to
from staff import calendar as school_calendar
from staff import deadline_cache
from staff.capabilities import Reach, pupil_reach
from staff.deadlines import is_due_soon
from staff.models import School
from staff.parsing import whole_number
from staff.selectors import unique_row
from staff.tenancy import Access

from . import rules
from .models import (
    Advice,
    AnnualReview,
    AssessmentRequest,
    EhcPlan,
    LaContact,
    LocalAuthority,
    OutcomeProgress,
    PlanOutcome,
    PlanVersion,
    ProvisionItem,
    SchoolConsultation,
)

# --------------------------------------------------------------------------------------------------
# One record the person may see (None: the view answers 404)
# --------------------------------------------------------------------------------------------------


def plans_visible_to(*, access: Access, today: date) -> QuerySet[EhcPlan]:
    return EhcPlan.objects.filter(
        school=access.school, pupil__in=pupils_visible_to(access=access, on=today)
    )


def plan_of(*, pupil: Pupil) -> EhcPlan | None:
    """The pupil's active plan, or the most recent ended one."""
    return (
        EhcPlan.objects.filter(pupil=pupil)
        .select_related("authority", "pupil")
        .order_by(
            # active first
            ExpressionWrapper(Q(status=EhcPlan.Status.ACTIVE), output_field=BooleanField()).desc(),
            "-created_at",
        )
        .first()
    )


def review_for(*, access: Access, public_id, today: date) -> AnnualReview | None:
    review = unique_row(
        AnnualReview.objects.filter(
            public_id=public_id, plan__in=plans_visible_to(access=access, today=today)
        ).select_related("plan__pupil", "plan__authority", "version")
    )
    if review is not None:  # already loaded: section F reads them
        review.plan.school = access.school
        review.version.plan = review.plan
    return review


def advice_for(*, access: Access, public_id, today: date) -> Advice | None:
    return (
        Advice.objects.filter(
            public_id=public_id,
            review__plan__in=plans_visible_to(access=access, today=today),
        )
        .select_related("review__plan__pupil")
        .first()
    )


def request_for(*, access: Access, public_id, today: date) -> AssessmentRequest | None:
    return (
        AssessmentRequest.objects.filter(
            public_id=public_id,
            school=access.school,
            pupil__in=pupils_visible_to(access=access, on=today),
        )
        .select_related("pupil", "authority")
        .first()
    )


# --------------------------------------------------------------------------------------------------
# The review clock of a plan: due window, phase transfer, the open review's steps
# --------------------------------------------------------------------------------------------------


BEFORE_MEETING = (rules.ADVICE_REQUESTED, rules.CIRCULATED)
# Steps that are someone else's period, not the school's task: shown and reminded while they run,
# never overdue (parents' 15 days to comment on proposed amendments).
PARENTS_COMMENT = "parents_comment"


@dataclass(frozen=True)
class Step:
    key: str  # ehcp.rules stage constant, or "meeting_due" for a review still to schedule
    label: str
    due: date
    done_on: date | None = None
    owed: bool = True  # False: a period that runs (parents'), never the school's overdue task
    note: str = ""  # where the date comes from, when it is not plain

    @property
    def done(self) -> bool:
        return self.done_on is not None

    def overdue(self, today: date) -> bool:
        return self.owed and not self.done and self.due < today


@dataclass(frozen=True)
class StepRow:
    step: Step
    overdue: bool


@dataclass
class ReviewLine:
    plan: EhcPlan
    anchor: date  # the plan's issue (or a replacement's), or the last review meeting
    due_by: date  # the last day of the 12-month (under-5s: 3-6 month) window
    latest_meeting: date  # so the LA can decide within the window (and before a transfer)
    transfer: rules.Transfer | None
    review: AnnualReview | None  # the review under way, if any
    dates: rules.ReviewDates | None
    window: rules.Window | None = None
    steps: list[Step] = field(default_factory=list)  # of the review under way, in order
    warnings: list[str] = field(default_factory=list)
    appeal: rules.AppealWindow | None = None  # after a decision not to amend, or to cease

    @property
    def pupil(self) -> Pupil:
        return self.plan.pupil

    @property
    def window_label(self) -> str:
        return self.window.label if self.window else "12-month window"

    @property
    def outstanding(self) -> list[Step]:
        """Steps still to do. Advice not requested or circulated by the meeting can no longer be
        (the services refuse it), so once the meeting is held those steps are not outstanding;
        a period that is not the school's (`Step.owed`) is not a step to do."""
        held = self.review is not None and self.review.held_on is not None
        return [
            s
            for s in self.steps
            if s.owed and not s.done and not (held and s.key in BEFORE_MEETING)
        ]

    def running_periods(self, today: date) -> list[Step]:
        """Others' periods still running on `today` (reminders until they end)."""
        return [s for s in self.steps if not s.owed and s.due >= today]

    @property
    def next_step(self) -> Step | None:
        pending = self.outstanding
        return min(pending, key=lambda s: s.due) if pending else None

    def overdue(self, today: date) -> bool:
        step = self.next_step
        return step is not None and step.due < today


def _requested(aggregate) -> Subquery:
    """An aggregate of the review's advice requested, read by the advice's index on the review
    (a join and GROUP BY would read the whole trust's advice)."""
    asked = Advice.objects.filter(review=OuterRef("pk"), requested_on__isnull=False).order_by()
    return Subquery(asked.values("review").annotate(found=aggregate).values("found")[:1])


# What a review clock never reads: the meeting's words and the records' own timestamps. The lists
# of clocks (the tracker, the phase transfers) leave them unread: a page of 50 plans holds some
# 150 reviews.
REVIEW_WORDS = (
    "meeting_place",
    "attendees",
    "pupil_views",
    "parent_views",
    "amendments",
    "disagreement",
    "created_at",
    "updated_at",
)
PUPIL_UNREAD = ("upn", "admission_date", "leaving_date", "leaving_destination", "eal")
PUPIL_UNREAD += ("sex", "created_at", "updated_at")


def with_review_data(plans: QuerySet[EhcPlan], *, lean: bool = False) -> QuerySet[EhcPlan]:
    """What `review_line` reads, prefetched: three queries beyond the plans'. `lean`: without
    `REVIEW_WORDS` and `PUPIL_UNREAD`, for a list of clocks that shows none of them."""
    if lean:
        plans = plans.defer(*(f"pupil__{name}" for name in PUPIL_UNREAD))
    return plans.select_related("pupil", "authority", "school").prefetch_related(
        _lean_versions(), _reviews_with_requests(lean=lean)
    )


def _lean_versions() -> Prefetch:
    """A plan's versions as `review_line` reads them: their numbers, kinds and dates."""
    return Prefetch(
        "versions",
        PlanVersion.objects.only("pk", "plan_id", "number", "kind", "issued_on").order_by("number"),
    )


def _reviews_with_requests(*, lean: bool = False) -> Prefetch:
    """A plan's reviews as `review_line` reads them: with how many advice requests each made,
    and the first one's date."""
    reviews = AnnualReview.objects.defer(*REVIEW_WORDS) if lean else AnnualReview.objects
    return Prefetch(
        "reviews",
        reviews.annotate(
            n_requested=Coalesce(_requested(Count("pk")), 0),
            first_requested=_requested(Min("requested_on")),
        ).order_by("meeting_on"),
    )


def _facts(review: AnnualReview) -> rules.ReviewFacts:
    return rules.ReviewFacts(
        meeting_on=review.meeting_on,
        invitations_sent_on=review.invitations_sent_on,
        advice_requested=review.n_requested,
        advice_circulated_on=review.advice_circulated_on,
        held_on=review.held_on,
        report_sent_on=review.report_sent_on,
        la_decision=review.la_decision,
        la_decision_on=review.la_decision_on,
        amended_issued_on=review.amended_issued_on,
    )


def school_shape(school: School) -> rules.SchoolShape:
    return rules.shape_of(
        phase=school.phase,
        lowest_year=school.lowest_year,
        highest_year=school.highest_year,
        year_11_transfer=school.year_11_transfer,
    )


# The kinds of version that start a new review window: the first plan, and a replacement after a
# re-assessment (a new plan). An amendment after a review keeps the review's meeting as the anchor.
WINDOW_STARTS = (PlanVersion.Kind.ORIGINAL, PlanVersion.Kind.REPLACEMENT)


def _anchors(plan: EhcPlan, versions: list[PlanVersion], reviews: list[AnnualReview]) -> list[date]:
    """Every date a review window started from: review meetings held, and the issue of the plan
    and of each replacement plan."""
    starts = [v.issued_on for v in versions if v.kind in WINDOW_STARTS]
    if not starts:
        starts = [versions[0].issued_on] if versions else [plan.created_at.date()]
    return sorted([*starts, *(r.held_on for r in reviews if r.held_on)])


def plan_transfer(
    plan: EhcPlan, *, today: date, first_issued: date | None = None
) -> rules.Transfer | None:
    """The move to another phase the plan must prepare for this academic year, if any: the pupil's
    year group this year in the school's shape (reg. 18(1)), or a planned move between post-16
    settings (reg. 18(2)), whichever deadline comes first. A deadline that passed before the plan
    was first issued does not apply: that plan named the next setting itself."""
    start = school_calendar.academic_year_start_for(today)
    found = []
    transfer = rules.phase_transfer(
        year_group=plan.pupil.year_group,
        academic_year_start=start,
        shape=school_shape(plan.school),
    )
    if transfer is not None:
        found.append(transfer)
    if plan.post_16_move_on and plan.post_16_move_on >= today:
        found.append(rules.post_16_move(move_on=plan.post_16_move_on, to=plan.post_16_move_to))
    if first_issued is not None:
        found = [t for t in found if t.deadline >= first_issued]
    return min(found, key=lambda t: t.deadline) if found else None


def review_line(plan: EhcPlan, *, today: date, review: AnnualReview | None = None) -> ReviewLine:
    """The review clock of one plan (from `with_review_data`); no queries. The steps are those
    of the review under way, or of `review` (one of the plan's, finished or not) when given."""
    versions = list(plan.versions.all())
    reviews = list(plan.reviews.all())
    anchors = _anchors(plan, versions, reviews)
    held = [r.held_on for r in reviews if r.held_on]
    authority = plan.authority
    lead = rules.LeadTimes.of(authority)

    def window_from(anchor: date) -> rules.Window:
        return rules.review_window(
            anchor=anchor,
            date_of_birth=plan.pupil.date_of_birth,
            under_five_months=authority.under_five_months,
            age_at=settings.EHCP_UNDER_FIVE_AGE_ON,
        )

    anchor = anchors[-1]
    open_reviews = [r for r in reviews if not rules.finished(_facts(r))]
    if review is not None:
        review = next(r for r in reviews if r.pk == review.pk)
    else:
        review = open_reviews[-1] if open_reviews else None
    # A review under way keeps the clock of the window it was scheduled in.
    if review is not None and review.held_on:
        earlier = [d for d in anchors if d < review.held_on]
        anchor = earlier[-1] if earlier else anchors[0]
    window = window_from(anchor)
    due_by = window.due_by
    first_issued = versions[0].issued_on if versions else None
    transfer = plan_transfer(plan, today=today, first_issued=first_issued)
    start = school_calendar.academic_year_start_for(today)
    if transfer is not None and anchor in held and anchor >= date(start, 9, 1):
        # A review was already held this academic year: that was the transfer review, and the
        # next one is 12 months on (at the next setting), not before the deadline it has met.
        transfer = None
    line = ReviewLine(
        plan=plan,
        anchor=anchor,
        due_by=due_by,
        latest_meeting=rules.latest_meeting(
            due_by=due_by,
            transfer=transfer,
            decision_weeks=lead.decision_weeks,
            amended_plan_weeks=lead.amended_plan_weeks,
        ),
        transfer=transfer,
        review=review,
        dates=None,
        window=window,
    )
    if review is None:
        if plan.status == EhcPlan.Status.ACTIVE:
            note = ""
            if window.suggested_by:
                note = (
                    f"Under 5: a review is suggested by {window.suggested_by:%-d %B %Y} "
                    f"(3 months) and due by {window.due_by:%-d %B %Y} (Code 9.178)."
                )
            line.steps = [
                Step("meeting_due", "Schedule the annual review", line.latest_meeting, note=note)
            ]
        elif plan.status == EhcPlan.Status.CEASED and plan.ended_on:
            line.appeal = rules.appeal_window(decided_on=plan.ended_on)
        return line
    dates = rules.review_dates(
        meeting_on=review.meeting_on,
        lead=lead,
        held_on=review.held_on,
        la_decision=review.la_decision,
        la_decision_on=review.la_decision_on,
        transfer=transfer,
        reading=settings.EHCP_AMENDED_PLAN_READING,
        fifteen_day_reading=settings.EHCP_FIFTEEN_DAY_READING,
    )
    line.dates = dates
    line.steps = [
        Step(
            rules.ADVICE_REQUESTED,
            "Request advice",
            dates.request_advice_by,
            review.first_requested,  # the first request (the step is done once asked)
        ),
        Step(rules.INVITED, "Send the invitations", dates.invite_by, review.invitations_sent_on),
        Step(
            rules.CIRCULATED,
            "Circulate the advice",
            dates.circulate_by,
            review.advice_circulated_on,
        ),
        Step(rules.HELD, "Hold the review meeting", review.meeting_on, review.held_on),
        Step(rules.REPORTED, "Send the report to the LA", dates.report_by, review.report_sent_on),
        Step(rules.DECIDED, "LA decision due", dates.decision_by, review.la_decision_on),
    ]
    if dates.parents_comment_by:
        line.steps.append(
            Step(
                PARENTS_COMMENT,
                "Parents' 15 days to comment on the proposed amendments end",
                dates.parents_comment_by,
                owed=False,
                note="From the LA's notice (reg. 22(2)); parents may also ask for a meeting "
                "and for a particular school to be named.",
            )
        )
    if dates.amended_plan_by:
        line.steps.append(
            Step(
                rules.AMENDED,
                "Final amended plan due",
                dates.amended_plan_by,
                review.amended_issued_on,
                note=dates.amended_plan_basis,
            )
        )
    line.warnings = rules.notice_problems(
        meeting_on=review.meeting_on, invitations_sent_on=review.invitations_sent_on
    )
    if not review.held_on and review.meeting_on > line.due_by:
        line.warnings.append(
            f"The meeting is after {line.due_by:%d/%m/%Y}, the end of the {window.label}."
        )
    if transfer and not review.held_on and review.meeting_on > line.latest_meeting:
        line.warnings.append(
            f"Phase transfer ({transfer.label}): the amended plan must be issued by "
            f"{transfer.deadline:%d/%m/%Y}; hold the meeting by {line.latest_meeting:%d/%m/%Y}."
        )
    if dates.notice_days_late and not review.amended_issued_on:
        line.warnings.append(
            f"The LA's notice of proposed amendments came on {review.la_decision_on:%d/%m/%Y}, "
            f"{dates.notice_days_late} days after the {lead.decision_weeks}-week limit "
            f"({dates.decision_by:%d/%m/%Y})."
            + (
                f" On the High Court's reading (L v Devon, 2022) the final plan is still due by "
                f"{dates.twelve_week_line:%d/%m/%Y}, "
                f"{rules.weeks(lead.decision_weeks + lead.amended_plan_weeks)} from the meeting."
                if settings.EHCP_AMENDED_PLAN_READING == "devon"
                else ""
            )
        )
    if review.la_decision in (rules.MAINTAIN, rules.CEASE) and review.la_decision_on:
        line.appeal = rules.appeal_window(
            decided_on=review.la_decision_on, certificate_on=review.mediation_certificate_on
        )
    return line


def tracker(
    *,
    access: Access,
    today: date,
    authority_id: int | None = None,
    moving: Q | None = None,
    plan_ids: list[int] | None = None,
) -> list[ReviewLine]:
    """Every active plan the person sees (of the pupils `moving` keeps, or those of `plan_ids`,
    when given), with its review clock; overdue first, then by the next step's date. Four
    queries."""
    plans = plans_visible_to(access=access, today=today).filter(status=EhcPlan.Status.ACTIVE)
    if authority_id:
        plans = plans.filter(authority_id=authority_id)
    if moving is not None:
        plans = plans.filter(moving)
    if plan_ids is not None:
        plans = plans.filter(pk__in=plan_ids)
    return _lines(plans, school=access.school, today=today)


def _lines(plans: QuerySet[EhcPlan], *, school: School, today: date) -> list[ReviewLine]:
    """The plans' review clocks in the tracker's order. Three queries."""
    # Every plan is of the one school: one School object, not one joined per plan.
    plans = list(
        with_review_data(plans, lean=True).select_related(None).select_related("pupil", "authority")
    )
    for plan in plans:
        plan.school = school
    lines = [review_line(p, today=today) for p in plans]

    def order(line: ReviewLine):
        step = line.next_step
        due = step.due if step else date.max
        return (not line.overdue(today), due, line.pupil.legal_last_name)

    return sorted(lines, key=order)


@dataclass
class TransfersPage:
    shape: rules.SchoolShape
    source: str  # "the MIS import", "the school's settings" or "" (the phase's usual range)
    years: list[tuple[str, rules.Transfer]]  # year group label -> this year's deadline
    lines: list[ReviewLine]  # plans of pupils who move this year, soonest deadline first
    range_label: str = ""  # "Reception to Year 6"


def transfers_page(*, access: Access, today: date) -> TransfersPage:
    """This academic year's phase transfers (reg. 18): which year groups move and by when, and
    the review clock of every plan whose pupil moves. Four queries (`tracker`)."""
    school = access.school
    shape = school_shape(school)
    start = school_calendar.academic_year_start_for(today)
    labels = dict(YearGroup.choices)
    years = []
    for year in rules.transfer_years(shape):
        found = rules.phase_transfer(year_group=year, academic_year_start=start, shape=shape)
        if found is not None:
            years.append((labels.get(year, year), found))
    # Only the plans that can move this year are read: pupils in a year group that moves, or
    # with a post-16 move ahead (`plan_transfer` decides among them).
    moving = Q(pupil__year_group__in=rules.transfer_years(shape)) | Q(post_16_move_on__gte=today)
    lines = [
        line
        for line in tracker(access=access, today=today, moving=moving)
        if line.transfer is not None
    ]
    lines.sort(key=lambda line: (line.transfer.deadline, line.pupil.legal_last_name))
    return TransfersPage(
        shape=shape,
        source=school.get_age_range_source_display() if school.age_range_source else "",
        years=years,
        lines=lines,
        range_label=f"{labels.get(shape.lowest_year, shape.lowest_year)} to "
        f"{labels.get(shape.highest_year, shape.highest_year)}",
    )


# --------------------------------------------------------------------------------------------------
# Section F: hours planned against delivered, from the session logs
# --------------------------------------------------------------------------------------------------

MINUTES = Decimal(60)


@dataclass
class ItemDelivery:
    item: ProvisionItem
    weeks: int  # school weeks in the period
    hours_planned: Decimal
    hours_delivered: Decimal | None  # None when no group of the map is linked
    sessions_planned: int
    sessions_run: int
    sessions_attended: int

    @property
    def percent(self) -> int | None:
        if self.hours_delivered is None or not self.hours_planned:
            return None
        return round(100 * self.hours_delivered / self.hours_planned)

    @property
    def below_plan(self) -> bool:
        return rules.below_plan(self.percent)


def school_weeks(open_days: list[date]) -> int:
    return len({provision_rules.week_of(d) for d in open_days})


def section_f(*, version: PlanVersion, pupil: Pupil, start: date, end: date) -> list[ItemDelivery]:
    """For each quantified item of section F: hours planned over the school weeks of the period
    against hours the pupil attended in the linked group. Six queries (three when no item names
    a group)."""
    items = list(version.provision.select_related("group", "outcome").order_by("position", "pk"))
    groups = [i.group for i in items if i.group is not None]
    school = version.plan.school
    reader = DeliveryReader(school=school, pupil=pupil, groups=groups, start=start, end=end)
    # The reader has read the same days when the plan names a group.
    open_days = (
        reader.open_days
        if groups
        else school_calendar.school_days(school=school, start=start, end=end)
    )
    return item_deliveries(items=items, reader=reader, open_days=open_days, start=start, end=end)


def item_deliveries(
    *,
    items: list[ProvisionItem],
    reader: DeliveryReader,
    open_days: list[date],
    start: date,
    end: date,
) -> list[ItemDelivery]:
    """Section F's delivery over `start`..`end` from rows already read (no query): the plan's
    page, the review's page and pack (`section_f`) and the delivery alerts (`deadlines.py`) all
    count through here, so their numbers agree."""
    weeks = school_weeks([d for d in open_days if start <= d <= end])
    rows = []
    for item in items:
        planned = (item.hours_per_week * weeks).quantize(Decimal("0.1"))
        delivered = None
        run = attended = sessions_planned = 0
        if item.group is not None:
            found = reader.window(item.group, start, end)
            run, attended, sessions_planned = found.run, found.attended, found.planned
            delivered = (Decimal(attended) * item.group.session_minutes / MINUTES).quantize(
                Decimal("0.1")
            )
        rows.append(
            ItemDelivery(
                item=item,
                weeks=weeks,
                hours_planned=planned,
                hours_delivered=delivered,
                sessions_planned=sessions_planned,
                sessions_run=run,
                sessions_attended=attended,
            )
        )
    return rows


def section_f_period(plan: EhcPlan, today: date) -> date:
    """The start of the period the plan's page counts section F over: the last review held, or
    the plan's first issue (`plan.versions` and `plan.reviews` prefetched)."""
    versions = sorted(plan.versions.all(), key=lambda v: v.number)
    held = [r.held_on for r in plan.reviews.all() if r.held_on and r.held_on <= today]
    first = versions[0].issued_on if versions else today
    return min(max(held) if held else first, today)


@dataclass(frozen=True)
class PlanDelivery:
    """One EHC plan's section F over a window: each item of the version in force, delivered
    against planned (the rows the plan's page counts, `item_deliveries`)."""

    plan: EhcPlan
    start: date
    end: date
    rows: list[ItemDelivery]


def school_section_f(*, school: School, start: date, end: date) -> list[PlanDelivery]:
    """Section F delivered against planned over `start`..`end` for every EHC plan of `school` in
    force then (active, or ended on or after `start`, with a version issued by `end`): each plan
    over the part of the window it was in force, the items of its latest version issued by then.
    Eight queries however many plans: the plans and their versions, the items, the open days
    (two) and the pupils' places, sessions and registers (`provision.delivery.readers_for`)."""
    plans = []
    windows: dict[int, tuple[date, date, PlanVersion]] = {}
    for plan in (
        EhcPlan.objects.filter(school=school)
        .filter(Q(status=EhcPlan.Status.ACTIVE) | Q(ended_on__gte=start))
        .prefetch_related(
            Prefetch(
                "versions",
                PlanVersion.objects.only("pk", "plan_id", "number", "issued_on").order_by("number"),
            )
        )
        .order_by("pk")
    ):
        hi = min(end, plan.ended_on or end)
        issued = [v for v in plan.versions.all() if v.issued_on <= hi]
        if not issued or hi < start:
            continue
        windows[plan.pk] = (max(start, issued[0].issued_on), hi, issued[-1])
        plans.append(plan)
    items: dict[int, list[ProvisionItem]] = {plan.pk: [] for plan in plans}
    version_of = {window[2].pk: plan_id for plan_id, window in windows.items()}
    for item in (
        ProvisionItem.objects.filter(version__plan__school=school, version_id__in=list(version_of))
        .select_related("group")
        .order_by("position", "pk")
    ):
        items[version_of[item.version_id]].append(item)
    linked = [p for p in plans if any(i.group is not None for i in items[p.pk])]
    open_days = school_calendar.school_days(school=school, start=start, end=end) if plans else []
    wanted: dict[int, dict[int, Group]] = defaultdict(dict)  # a pupil's plans' groups
    for plan in linked:
        wanted[plan.pupil_id].update({i.group.pk: i.group for i in items[plan.pk] if i.group})
    readers = readers_for(
        school=school,
        wanted={pupil_id: list(groups.values()) for pupil_id, groups in wanted.items()},
        open_days=open_days,
        start=start,
        end=end,
    )
    found = []
    for plan in plans:
        lo, hi, _ = windows[plan.pk]
        reader = readers.get(plan.pupil_id) or DeliveryReader.from_rows(
            groups=[], places={}, open_days=[], sessions={}, marks={}
        )
        rows = item_deliveries(
            items=items[plan.pk], reader=reader, open_days=open_days, start=lo, end=hi
        )
        found.append(PlanDelivery(plan=plan, start=lo, end=hi, rows=rows))
    return found


# --------------------------------------------------------------------------------------------------
# One review, for its page and its pack
# --------------------------------------------------------------------------------------------------


@dataclass
class ReviewPage:
    review: AnnualReview
    line: ReviewLine
    advice: list[Advice]
    progress: dict[int, OutcomeProgress]  # outcome id ->
    outcomes: list
    delivery: list[ItemDelivery]
    period: tuple[date, date]


def review_page(*, review: AnnualReview, today: date) -> ReviewPage:
    plan = review.plan  # read with its pupil, authority and school (`review_for`)
    prefetch_related_objects([plan], _lean_versions(), _reviews_with_requests())
    line = review_line(plan, today=today, review=review)
    # The period reviewed: from the previous review meeting (or the plan's issue) to this one.
    end = review.held_on or today
    earlier = [
        r.held_on for r in plan.reviews.all() if r.held_on and r.held_on < end and r.pk != review.pk
    ]
    versions = list(plan.versions.all())
    start = max(earlier) if earlier else (versions[0].issued_on if versions else end)
    start = min(start, end)
    version = review.version
    return ReviewPage(
        review=review,
        line=line,
        advice=list(review.advice.select_related("submitted_by").order_by("contributor", "pk")),
        progress={p.outcome_id: p for p in review.progress.all()},
        outcomes=list(version.outcomes.order_by("position", "pk")),
        delivery=section_f(version=version, pupil=plan.pupil, start=start, end=end),
        period=(start, end),
    )


# --------------------------------------------------------------------------------------------------
# The review tracker: every active plan's clock, overdue first, then by month
# --------------------------------------------------------------------------------------------------


@dataclass
class TrackerRow:
    line: ReviewLine
    step: Step | None
    overdue: bool
    due_soon: bool


@dataclass(frozen=True)
class Clock:
    """One active plan's place on the tracker: what orders, sections and counts it. The school's
    list is kept between writes (`staff.deadline_cache`), so a page works out only its own rows'
    clocks."""

    plan_id: int
    authority_id: int
    overdue: bool
    due: date | None  # the next step's
    due_soon: bool
    under_way: bool  # a review is under way


TRACKER_PAGE_SIZE = 50


@dataclass
class TrackerPage:
    # The page's rows in sections: "Overdue", then "Due in <month>", each with its size over
    # every page.
    sections: list[tuple[str, list[TrackerRow], int]]
    counts: dict[str, int]  # over every row: overdue, due_soon, under_way, plans
    page: Page  # of Clock; `rows` are the page's

    @property
    def rows(self) -> list[TrackerRow]:
        return [row for _, rows, _ in self.sections for row in rows]


def _section(clock: Clock) -> str:
    if clock.overdue:
        return "Overdue"
    return f"Due in {clock.due:%B %Y}" if clock.due else "Nothing due"


def _clocks(*, school: School, today: date) -> list[Clock]:
    """Every active plan of the school, in the tracker's order (`tracker`)."""
    clocks = []
    active = EhcPlan.objects.filter(school=school, status=EhcPlan.Status.ACTIVE)
    for line in _lines(active, school=school, today=today):
        step, overdue = line.next_step, line.overdue(today)
        clocks.append(
            Clock(
                plan_id=line.plan.pk,
                authority_id=line.plan.authority_id,
                overdue=overdue,
                due=step.due if step else None,
                due_soon=not overdue
                and step is not None
                and is_due_soon(due=step.due, today=today),
                under_way=line.review is not None,
            )
        )
    return clocks


def tracker_order(*, school: School, today: date) -> list[Clock]:
    """Every active plan's clock at the school in the tracker's order, as kept since the last
    write (`staff.deadline_cache`; three queries when it is worked out again)."""
    return deadline_cache.kept(
        school_id=school.pk,
        today=today,
        weeks=0,
        name="ehcp-tracker",
        work_out=lambda: _clocks(school=school, today=today),
    )


def tracker_page(
    *, access: Access, today: date, authority_id: int | None = None, page: str | None = None
) -> TrackerPage:
    """The tracker's rows ("due soon" is the engine's, `staff.deadlines.is_due_soon`), 50 a page,
    in sections: the overdue first, then one a month by the next step's date. Every plan's
    clock is `rules`' (statutory windows, transfers, each authority's lead times); the school's
    order is kept between writes (`staff.deadline_cache`), so a page works out the clocks of its
    own 50 plans. Three queries (the page's plans, versions and reviews), three more when the
    school's order is worked out again after a write, and one for the plans a person sees
    when that is not the whole school."""
    clocks = tracker_order(school=access.school, today=today)
    if pupil_reach(access.role) != Reach.SCHOOL:
        seen = set(plans_visible_to(access=access, today=today).values_list("pk", flat=True))
        clocks = [c for c in clocks if c.plan_id in seen]
    if authority_id:
        clocks = [c for c in clocks if c.authority_id == authority_id]
    sizes = Counter(_section(c) for c in clocks)
    shown = Paginator(clocks, TRACKER_PAGE_SIZE).get_page(page)
    ids = [c.plan_id for c in shown.object_list]
    lines = {line.plan.pk: line for line in tracker(access=access, today=today, plan_ids=ids)}
    rows = [
        (
            c,
            TrackerRow(
                line=lines[c.plan_id],
                step=lines[c.plan_id].next_step,
                overdue=c.overdue,
                due_soon=c.due_soon,
            ),
        )
        for c in shown.object_list
        if c.plan_id in lines
    ]
    sections = [
        (title, [row for _, row in found], sizes[title])
        for title, found in groupby(rows, key=lambda pair: _section(pair[0]))
    ]
    counts = {
        "overdue": sum(1 for c in clocks if c.overdue),
        "due_soon": sum(1 for c in clocks if c.due_soon),
        "under_way": sum(1 for c in clocks if c.under_way),
        "plans": len(clocks),
    }
    return TrackerPage(sections=sections, counts=counts, page=shown)


# --------------------------------------------------------------------------------------------------
# Local authorities
# --------------------------------------------------------------------------------------------------


def authorities_of(*, school: School) -> list[LocalAuthority]:
    return list(LocalAuthority.objects.filter(school=school).order_by("name"))


def has_authorities(*, school: School) -> bool:
    return LocalAuthority.objects.filter(school=school).exists()


def authority_for(*, school: School, pk: int) -> LocalAuthority | None:
    return LocalAuthority.objects.filter(school=school, pk=pk).first()


def authorities_with_counts(*, school: School) -> QuerySet[LocalAuthority]:
    """The school's authorities with their contacts and `active_plans`, by name."""
    return (
        LocalAuthority.objects.filter(school=school)
        .annotate(active_plans=Count("plans", filter=Q(plans__status=EhcPlan.Status.ACTIVE)))
        .prefetch_related("contacts")
        .order_by("name")
    )


def contacts_of(authority: LocalAuthority | None) -> list[LaContact]:
    return list(authority.contacts.all()) if authority else []


# --------------------------------------------------------------------------------------------------
# Needs-assessment requests and their clock
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClockItem:
    label: str
    due: date | None
    done_on: date | None
    overdue: bool
    note: str = ""
    running: bool = False  # a period parents have, still running


def assessment_facts(found: AssessmentRequest) -> rules.AssessmentFacts:
    return rules.AssessmentFacts(
        received_on=found.received_on,
        advice_requested_on=found.advice_requested_on,
        advice_sent_on=found.advice_sent_on,
        decision=found.decision,
        decision_on=found.decision_on,
        outcome=found.outcome,
        outcome_on=found.outcome_on,
        exemption=found.exemption,
        kind=found.kind,
        requested_by=found.requested_by,
        draft_sent_on=found.draft_sent_on,
        reading=settings.EHCP_FIFTEEN_DAY_READING,
    )


def _clock_notes(found: AssessmentRequest) -> dict[str, str]:
    notes = {
        "decision": found.get_decision_display() if found.decision != rules.PENDING else "",
        "advice": "" if found.advice_requested_on else "The LA has not asked for it yet.",
        "no_plan_notice": "",
        "parents_draft": "",
        "final_plan": "",
    }
    if found.draft_sent_on:
        notes["no_plan_notice"] = "Draft plan sent"
        notes["parents_draft"] = f"From the draft received on {found.draft_sent_on:%-d %B %Y}"
    elif found.outcome == rules.NO_PLAN:
        notes["no_plan_notice"] = found.get_outcome_display()
    if found.outcome == rules.PLAN_ISSUED:
        notes["final_plan"] = found.get_outcome_display()
    return notes


def request_clock(found: AssessmentRequest, today: date) -> list[ClockItem]:
    """The statutory clock of one request, with what has happened (`rules.assessment_steps`)."""
    steps = rules.assessment_steps(assessment_facts(found))
    notes = _clock_notes(found)
    reassess = found.kind == AssessmentRequest.Kind.REASSESSMENT
    if reassess and not found.decision_on and found.requested_by != rules.LA_INITIATIVE:
        notes["final_plan"] = notes["final_plan"] or "Due 14 weeks after the LA decides."
    return [
        ClockItem(s.label, s.due, s.done_on, s.overdue(today), notes[s.key], s.running(today))
        for s in steps
    ]


def request_appeal(found: AssessmentRequest) -> rules.AppealWindow | None:
    """The appeal window when the LA refused to (re-)assess or will not issue a plan."""
    return rules.assessment_appeal(assessment_facts(found), found.mediation_certificate_on)


@dataclass(frozen=True)
class RequestRow:
    found: AssessmentRequest
    clock: list[ClockItem]

    @property
    def overdue(self) -> bool:
        return any(item.overdue for item in self.clock)


def requests_page(*, school: School, today: date) -> list[RequestRow]:
    """The school's requests with their clocks: those with an overdue step first, newest first
    within."""
    found = (
        AssessmentRequest.objects.filter(school=school)
        .select_related("pupil", "authority")
        .order_by("-received_on", "-pk")
    )
    rows = [RequestRow(r, request_clock(r, today)) for r in found]
    return sorted(rows, key=lambda row: not row.overdue)


@dataclass(frozen=True)
class ConsultationRow:
    found: SchoolConsultation
    due: date
    overdue: bool


CONSULTATIONS_ANSWERED_SHOWN = 30
CONSULTATIONS_WAITING_SHOWN = 200  # a school has a handful at once; the page says if there are more


def consultation_row(found: SchoolConsultation, today: date) -> ConsultationRow:
    due = rules.consultation_due(found.received_on, reading=settings.EHCP_FIFTEEN_DAY_READING)
    return ConsultationRow(found, due, found.responded_on is None and due < today)


def consultations_page(*, school: School, today: date) -> dict[str, list[ConsultationRow]]:
    """The LA's consultations about naming the school: every one still to answer, oldest first,
    and the latest answered (`CONSULTATIONS_ANSWERED_SHOWN`). Two queries."""
    found = SchoolConsultation.objects.filter(school=school).select_related("authority")
    waiting = found.filter(responded_on__isnull=True).order_by("received_on", "pk")
    answered = found.filter(responded_on__isnull=False).order_by("-responded_on", "-pk")
    return {
        "waiting": [consultation_row(c, today) for c in waiting[:CONSULTATIONS_WAITING_SHOWN]],
        "answered": [consultation_row(c, today) for c in answered[:CONSULTATIONS_ANSWERED_SHOWN]],
    }


def consultation_for(*, school: School, public_id) -> SchoolConsultation | None:
    return (
        SchoolConsultation.objects.filter(school=school, public_id=public_id)
        .select_related("authority", "pupil")
        .first()
    )


def requests_of(*, pupil: Pupil) -> list[AssessmentRequest]:
    return list(AssessmentRequest.objects.filter(pupil=pupil).order_by("-received_on"))


# --------------------------------------------------------------------------------------------------
# A pupil's plan: its versions, the version shown, section F and the reviews
# --------------------------------------------------------------------------------------------------


def plan_with_line(plan: EhcPlan, *, today: date) -> tuple[EhcPlan, ReviewLine]:
    """The plan again with what `review_line` reads, and its review clock."""
    plan = with_review_data(EhcPlan.objects.filter(pk=plan.pk)).get()
    return plan, review_line(plan, today=today)


def has_active_plan(*, pupil: Pupil) -> bool:
    return EhcPlan.objects.filter(pupil=pupil, status=EhcPlan.Status.ACTIVE).exists()


@dataclass
class PlanPage:
    plan: EhcPlan
    line: ReviewLine
    versions: list[PlanVersion]  # newest first
    shown: PlanVersion
    outcomes: list[PlanOutcome]
    items: list[ProvisionItem]
    delivery: list[ItemDelivery]  # the current version only: hours delivered since the review
    period: tuple[date, date]
    reviews: list[tuple[AnnualReview, bool]]  # newest first, with "under way"

    @property
    def current(self) -> PlanVersion:
        return self.versions[0]

    @property
    def is_current(self) -> bool:
        return self.shown.pk == self.current.pk


def _shown(versions: list[PlanVersion], wanted: str | None) -> PlanVersion:
    number = whole_number(wanted)
    for version in versions:
        if number is not None and version.number == number:
            return version
    return versions[0]


def plan_page(
    *, school: School, plan: EhcPlan, today: date, version: str | None = None
) -> PlanPage:
    """Everything the plan's page shows of `version` (a number from the address; the current
    one otherwise), section F with the hours delivered since the last review held."""
    plan.school = school  # the pupil's, already checked: section F reads it
    # What `review_line` reads (`with_review_data`), onto the plan already read: its versions
    # whole, as the page shows them.
    prefetch_related_objects(
        [plan],
        Prefetch("versions", PlanVersion.objects.select_related("created_by").order_by("number")),
        _reviews_with_requests(),
    )
    line = review_line(plan, today=today)
    pupil = plan.pupil
    versions = sorted(plan.versions.all(), key=lambda v: v.number, reverse=True)
    for each in versions:
        each.plan = plan
    shown = _shown(versions, version)
    reviews = sorted(plan.reviews.all(), key=lambda r: r.meeting_on, reverse=True)
    start = section_f_period(plan, today)
    if shown.pk == versions[0].pk:
        delivery = section_f(version=shown, pupil=pupil, start=start, end=today)
        items = [d.item for d in delivery]
    else:
        delivery = []
        items = list(shown.provision.select_related("group", "outcome").order_by("position", "pk"))
    under_way = getattr(line.review, "pk", None)
    return PlanPage(
        plan=plan,
        line=line,
        versions=versions,
        shown=shown,
        outcomes=outcomes_of(shown),
        items=items,
        delivery=delivery,
        period=(start, today),
        reviews=[(r, r.pk == under_way) for r in reviews],
    )


def outcomes_of(version: PlanVersion) -> list[PlanOutcome]:
    return list(version.outcomes.order_by("position", "pk"))


def outcome_for(*, school: School, pk: int) -> PlanOutcome | None:
    return (
        PlanOutcome.objects.filter(pk=pk, version__plan__school=school)
        .select_related("version__plan__pupil")
        .first()
    )


def provision_item_for(*, school: School, pk: int) -> ProvisionItem | None:
    return (
        ProvisionItem.objects.filter(pk=pk, version__plan__school=school)
        .select_related("version__plan__pupil")
        .first()
    )


def needs_on(*, pupil: Pupil, on: date) -> list[Need]:
    """The pupil's needs on the register on `on`, primary first (one query)."""
    return list(
        Need.objects.filter(pupil=pupil, starts_on__lte=on)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on))
        .select_related("need_type")
        .order_by("rank")
    )


def reviews_held_on_time(
    *, school_ids: list[int], since: date, today: date
) -> dict[int, tuple[int, int]]:
    """(school) -> (annual reviews whose meeting was held from `since` to `today`, those held
    within their window): a meeting is on time when held by the last day of the window it was
    due in (`rules.review_window`, from the plan's issue, a replacement's or the last meeting
    held, as `review_line` reads it). For a trust's schools at once, in two queries: the held
    meetings of the plans with one held since `since`, and those plans' versions."""
    recent = AnnualReview.objects.filter(
        school_id__in=school_ids, held_on__gte=since, held_on__lte=today
    ).values("plan_id")
    held: dict[int, list[date]] = {}
    facts: dict[int, tuple[int, date, int, date]] = {}
    for plan_id, school_id, held_on, born, months, created in (
        AnnualReview.objects.filter(
            school_id__in=school_ids, plan_id__in=recent, held_on__isnull=False
        )
        .order_by("held_on")
        .values_list(
            "plan_id",
            "school_id",
            "held_on",
            "plan__pupil__date_of_birth",
            "plan__authority__under_five_months",
            "plan__created_at",
        )
    ):
        held.setdefault(plan_id, []).append(held_on)
        facts[plan_id] = (school_id, born, months, created.date())
    starts: dict[int, list[date]] = {}
    first: dict[int, date] = {}
    for plan_id, kind, issued_on in (
        PlanVersion.objects.filter(plan_id__in=list(held))
        .order_by("number")
        .values_list("plan_id", "kind", "issued_on")
    ):
        first.setdefault(plan_id, issued_on)
        if kind in WINDOW_STARTS:
            starts.setdefault(plan_id, []).append(issued_on)
    found = {school_id: (0, 0) for school_id in school_ids}
    for plan_id, meetings in held.items():
        school_id, born, months, created = facts[plan_id]
        issued = starts.get(plan_id) or [first.get(plan_id, created)]
        anchors = sorted([*issued, *meetings])
        for held_on in meetings:
            if held_on < since:
                continue
            earlier = [d for d in anchors if d < held_on]
            window = rules.review_window(
                anchor=earlier[-1] if earlier else anchors[0],
                date_of_birth=born,
                under_five_months=months,
                age_at=settings.EHCP_UNDER_FIVE_AGE_ON,
            )
            count, on_time = found[school_id]
            found[school_id] = (count + 1, on_time + (held_on <= window.due_by))
    return found
