"""The termly SEND report's figures for one period, as plain numbers (JSON, so a published
report keeps them in its snapshot): the register, statutory work and what is overdue,
provision (with the interventions that worked best and section F delivered), support plans
(with the targets achieved), and the Pupil Premium, training and attendance sections once their
data exists.

A fixed number of queries whatever the school's size, every one with the school's condition
first: each section is one or two aggregates, the register is one read of the pupils with
their SEN category on each date compared, counted here, and the overdue work is the deadline
engine's providers' answer, counted. No pupil is named or kept: only counts.

A published report keeps the figures of its day: a key added since (`moved_why`, `meetings`,
`overdue`, `suspensions`, `impact`, `section_f`, `targets`) is missing from older snapshots, and
the presentation says so.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import (
    Avg,
    Count,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
)

from ehcp import deadlines as ehcp_deadlines
from ehcp.models import AnnualReview, AssessmentRequest, EhcPlan, PlanVersion
from ehcp.selectors import reviews_held_on_time, school_section_f
from lac import deadlines as lac_deadlines
from plans import deadlines as plan_deadlines
from plans.models import Cycle, Target
from provision import costing
from provision.impact import intervention_impacts
from provision.models import Group, SenBudget, Session
from provision.rules import impact_min_pupils, planned_sessions
from register.models import (
    BroadArea,
    LookedAfterPeriod,
    Pupil,
    PupilPremiumPeriod,
    SenStatus,
    SupportLayer,
    TermFigures,
    YearGroup,
)
from register.rules import PERSISTENT_ABSENCE_BELOW
from register.selectors import (
    covering,
    layer_value_on,
    pupil_premium_on,
    with_category_and_need,
)
from staff import calendar as school_calendar
from staff import deadline_cache
from staff.calendar import SchoolCalendar
from staff.deadlines import family_of, under_delivery_percent
from staff.models import AcademicYear, School
from training.models import Completion

VERSION = 1
REVIEW_REPORT_DAYS = 14  # the review report within two weeks of the meeting (DOMAIN.md 2.3)
SEN = ("K", "E")

# Shown on the report page itself: what the report does not give yet (all of issue 18 is in it
# now; a report published earlier keeps the list of its day in its snapshot).
NOT_YET: list[str] = []

# The overdue work the report counts, by the deadline engine's kinds (`staff.deadlines.family_of`),
# in the order shown, and the providers that yield them: statutory dates (EHC reviews and needs
# assessments, the LA's consultations, PEPs) and the school's support-plan dates. Delivery
# alerts (section F, support-plan sessions) are not deadlines and are left out.
OVERDUE_KINDS = [
    ("ehcp.review", "EHC annual reviews with a step overdue"),
    ("ehcp.assessment", "EHC needs assessments with a step overdue (the school's or the LA's)"),
    ("ehcp.consultation", "The LA's consultations about naming the school, not yet answered"),
    ("lac.pep", "PEPs of looked-after children overdue"),
    ("provision.apdr_agree", "Support plans not yet agreed"),
    ("provision.apdr_review", "Support-plan reviews overdue (termly, or of the whole plan yearly)"),
    ("provision.parent_meetings", "Parent meetings behind three a year"),
]
OVERDUE_PROVIDERS = [ehcp_deadlines.deadlines, plan_deadlines.deadlines, lac_deadlines.deadlines]


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def report_dates(*, starts_on: date, ends_on: date, today: date) -> dict[str, date]:
    """The dates the register is counted on: the end of the period (or today, while it runs),
    the day before it began (the end of last term) and the same date the three years before."""
    on = min(ends_on, today)
    dates = {"now": on, "previous": starts_on - timedelta(days=1)}
    dates.update({f"year_{n}": years_before(on, n) for n in (1, 2, 3)})
    return dates


def figures(*, school: School, starts_on: date, ends_on: date, today: date) -> dict:
    dates = report_dates(starts_on=starts_on, ends_on=ends_on, today=today)
    on = dates["now"]
    return {
        "version": VERSION,
        "starts_on": starts_on.isoformat(),
        "ends_on": ends_on.isoformat(),
        "dates": {key: day.isoformat() for key, day in dates.items()},
        "register": _register(school, dates),
        "statutory": _statutory(school, starts_on, on),
        "overdue": _overdue(school, today),
        "provision": _provision(school, starts_on, on),
        "plans": _plans(school, starts_on, on),
        "training": _training(school, starts_on, on),
        "outcomes": _outcomes(school, on),
        "impact": _impact(school, on),
        "section_f": _section_f(school, starts_on, on),
        "targets": _targets(school, starts_on, on),
        "not_yet": NOT_YET,
    }


def _status_on(school: School, on: date) -> Subquery:
    return Subquery(
        SenStatus.objects.filter(
            covering(on), school=school, pupil=OuterRef("pk"), category__in=SEN
        ).values("category")[:1]
    )


def _on_roll(admitted: date | None, left: date | None, on: date) -> bool:
    return (admitted is None or admitted <= on) and (left is None or left >= on)


def _register(school: School, dates: dict[str, date]) -> dict:
    """One read of the pupils on roll on any of the dates, with their category on each, the
    primary need's broad area now, and whether they are disadvantaged or looked after now."""
    on, first = dates["now"], min(dates.values())
    pupils = with_category_and_need(
        Pupil.objects.for_school(school)
        .filter(Q(admission_date__isnull=True) | Q(admission_date__lte=on))
        .filter(Q(leaving_date__isnull=True) | Q(leaving_date__gte=first)),
        school,
        on,
    ).annotate(
        pp=pupil_premium_on(on, school=school),
        lac=Exists(
            LookedAfterPeriod.objects.filter(covering(on), school=school, pupil=OuterRef("pk"))
        ),
        layer=layer_value_on(on, school=school),
        **{f"cat_{key}": _status_on(school, day) for key, day in dates.items() if key != "now"},
    )
    rows = {key: Counter() for key in dates}
    years: dict[str, Counter] = defaultdict(Counter)
    areas: dict[str, Counter] = defaultdict(Counter)
    groups: dict[str, Counter] = defaultdict(Counter)
    layers: dict[str, Counter] = defaultdict(Counter)
    moved = Counter()  # on and off the register, and within it, since last term
    for pupil in pupils.order_by().values(
        "admission_date",
        "leaving_date",
        "year_group",
        "sen_category",
        "need_area",
        "pp",
        "lac",
        "layer",
        *(f"cat_{key}" for key in dates if key != "now"),
    ):
        admitted, left = pupil["admission_date"], pupil["leaving_date"]
        here = {key: _on_roll(admitted, left, day) for key, day in dates.items()}
        category = {
            key: (pupil["sen_category"] if key == "now" else pupil[f"cat_{key}"]) or "N"
            for key in dates
        }
        for key in dates:
            if here[key]:
                rows[key][category[key].lower()] += 1
        now_sen = here["now"] and category["now"] in SEN
        before_sen = here["previous"] and category["previous"] in SEN
        if now_sen and not before_sen:
            moved["added"] += 1
            moved["identified" if here["previous"] else "joined"] += 1
        elif before_sen and not now_sen:
            moved["removed_left" if not here["now"] else "removed_stayed"] += 1
        elif now_sen and category["previous"] != category["now"]:
            moved["k_to_e" if category["now"] == "E" else "e_to_k"] += 1
        if here["now"]:
            cat = category["now"].lower()
            years[pupil["year_group"]][cat] += 1
            if cat != "n":
                areas[pupil["need_area"] or ""][cat] += 1
                layers[pupil["layer"] or ""][cat] += 1
            groups["pp" if pupil["pp"] else "other"][cat] += 1
            if pupil["lac"]:
                groups["lac"][cat] += 1
    has_pp = PupilPremiumPeriod.objects.filter(school=school).exists()
    return {
        "rows": {key: [c["k"], c["e"], c["n"]] for key, c in rows.items()},
        "years": [
            [label, years[code]["k"], years[code]["e"], years[code]["n"]]
            for code, label in YearGroup.choices
            if code in years
        ],
        "areas": [
            [label, areas[code]["k"], areas[code]["e"]]
            for code, label in [*BroadArea.choices[:-1], ("", "No primary need recorded")]
        ],
        "moved": [moved["added"], moved["removed_left"], moved["removed_stayed"]],
        # The layer of support of the pupils on the register (the Individual Support Plan's
        # proposed layers, register.models.SupportLayer), by SEN category.
        "layers": [
            [label, layers[code]["k"], layers[code]["e"]]
            for code, label in [*SupportLayer.Layer.choices, ("", "Not recorded")]
        ],
        # Why, without a word about any pupil (SenStatus.reason is free text, and the MIS's
        # leaving destination too): added on joining the school or while here; moved between
        # SEN support and an EHC plan.
        "moved_why": {key: moved[key] for key in ("joined", "identified", "k_to_e", "e_to_k")},
        "premium": (
            {key: [groups[key]["k"], groups[key]["e"], groups[key]["n"]] for key in groups}
            if has_pp
            else None
        ),
    }


def _statutory(school: School, start: date, on: date) -> dict:
    reviews = AnnualReview.objects.filter(school=school, held_on__range=(start, on)).aggregate(
        held=Count("pk"),
        report_on_time=Count(
            "pk",
            filter=Q(report_sent_on__isnull=False)
            & Q(
                report_sent_on__lte=ExpressionWrapper(
                    F("held_on") + timedelta(days=REVIEW_REPORT_DAYS), output_field=DateField()
                )
            ),
        ),
    )
    requests = AssessmentRequest.objects.filter(school=school).aggregate(
        requested=Count("pk", filter=Q(received_on__range=(start, on))),
        assess=Count("pk", filter=Q(decision="assess", decision_on__range=(start, on))),
        refused=Count("pk", filter=Q(decision="refused", decision_on__range=(start, on))),
        plan=Count("pk", filter=Q(outcome="plan", outcome_on__range=(start, on))),
        no_plan=Count("pk", filter=Q(outcome="no_plan", outcome_on__range=(start, on))),
    )
    issued = PlanVersion.objects.filter(
        plan__school=school, kind="original", issued_on__range=(start, on)
    ).count()
    ceased = EhcPlan.objects.filter(
        school=school, status="ceased", ended_on__range=(start, on)
    ).count()
    return {
        "reviews": [reviews["report_on_time"], reviews["held"] - reviews["report_on_time"]],
        "meetings": _meetings_in_window(school, start, on, held=reviews["held"]),
        "requests": [requests["requested"], requests["assess"], requests["refused"]],
        "outcomes": [requests["plan"], requests["no_plan"]],
        "plans": [issued, ceased],
    }


def _meetings_in_window(school: School, start: date, on: date, *, held: int) -> list[int]:
    """[held within their window, held after it] of the review meetings held in the period: a
    meeting is on time when held by the last day of the window it was due in, 12 months from
    the plan's issue or the last meeting (`ehcp.rules.review_window`, as the review tracker
    reads it). Two queries."""
    _, on_time = reviews_held_on_time(school_ids=[school.pk], since=start, today=on)[school.pk]
    return [on_time, held - on_time]


def _overdue(school: School, today: date) -> dict:
    """How many pupils have work of each kind overdue on `today`, the day the figures are
    worked out (a published report: the day it was published), as the deadline engine's
    providers find it: the dates are theirs, counted here, no one named. Kept for the school
    until a write changes its deadlines (`staff.deadline_cache`); worked out, a fixed number of
    queries (the providers' and two for the calendar)."""
    return deadline_cache.kept(
        school_id=school.pk,
        today=today,
        weeks=0,
        name="report-overdue",
        work_out=lambda: _overdue_counted(school, today),
    )


def _overdue_counted(school: School, today: date) -> dict:
    calendar = SchoolCalendar.load(school=school)
    pupils = Pupil.objects.for_school(school)
    wanted = dict(OVERDUE_KINDS)
    who: dict[str, set[str]] = defaultdict(set)
    everyone: set[str] = set()
    for provider in OVERDUE_PROVIDERS:
        for deadline in provider(
            school=school, pupils=pupils, today=today, until=today, calendar=calendar
        ):
            family = family_of(deadline.kind)
            if deadline.severity.is_overdue and family in wanted:
                who[family].add(deadline.subject_id)
                everyone.add(deadline.subject_id)
    return {
        "on": today.isoformat(),
        "kinds": [[label, len(who[family])] for family, label in OVERDUE_KINDS],
        "pupils": len(everyone),
    }


def _provision(school: School, start: date, on: date) -> dict:
    """The groups that ran in the period by intervention: sessions planned over the school's
    open days in the period and sessions run; the year's planned cost of the groups funded
    from the notional SEN budget against the budget."""
    year = AcademicYear.objects.filter(school=school, starts_on__lte=on, ends_on__gte=on).first()
    groups = list(
        costing.with_costing_data(
            Group.objects.filter(school=school, starts_on__lte=on, ends_on__gte=start),
            school=school,
            delivery=False,
            people=False,
        ).order_by("intervention__name", "pk")
    )
    open_days = school_calendar.school_days(school=school, start=start, end=on) if groups else []
    run = dict(
        Session.objects.filter(school=school, ran=True, on__range=(start, on))
        .order_by()
        .values_list("group_id")
        .annotate(n=Count("pk"))
        .values_list("group_id", "n")
    )
    lines: dict[str, list[int]] = {}  # groups, sessions planned and run, minutes planned and run
    for group in groups:
        days = [d for d in open_days if group.starts_on <= d <= group.ends_on]
        line = lines.setdefault(group.intervention.name, [0, 0, 0, 0, 0])
        planned = planned_sessions(
            open_days=days, weekdays=group.weekdays, sessions_per_week=group.sessions_per_week
        )
        line[0] += 1
        line[1] += planned
        line[2] += run.get(group.pk, 0)
        line[3] += planned * group.session_minutes
        line[4] += run.get(group.pk, 0) * group.session_minutes
    budget, planned_cost, funded = None, Decimal(0), 0
    if year is not None:
        in_year = [g for g in groups if g.starts_on <= year.ends_on and g.ends_on >= year.starts_on]
        planned_cost, funded = costing.notional_sen_planned(
            costing.costed_groups(school=school, groups=in_year, on=on, delivery=False)
        )
        found = SenBudget.objects.filter(school=school, academic_year=year).first()
        budget = str(found.amount) if found else None
    return {
        "interventions": [[name, *numbers] for name, numbers in lines.items()],
        "budget": budget,
        "planned_cost": str(planned_cost),
        "funded_groups": funded,
    }


def _plans(school: School, start: date, on: date) -> dict:
    due = Q(review_due__range=(start, on))
    found = Cycle.objects.filter(school=school).aggregate(
        on_time=Count(
            "pk", filter=due & Q(reviewed_on__isnull=False, reviewed_on__lte=F("review_due"))
        ),
        late=Count("pk", filter=due & Q(reviewed_on__gt=F("review_due"))),
        waiting=Count("pk", filter=due & Q(reviewed_on__isnull=True)),
        agreed=Count("pk", filter=Q(agreed_on__range=(start, on))),
        reviewed=Count("pk", filter=Q(reviewed_on__range=(start, on))),
    )
    return {
        "reviews": [found["on_time"], found["late"], found["waiting"]],
        "meetings": [found["agreed"], found["reviewed"]],
    }


def _training(school: School, start: date, on: date) -> dict | None:
    found = Completion.objects.filter(school=school, completed_on__range=(start, on)).aggregate(
        records=Count("pk"), people=Count("person", distinct=True), hours=Sum("hours")
    )
    if not found["records"]:
        return None
    return {
        "people": found["people"],
        "records": found["records"],
        "hours": str(found["hours"] or 0),
    }


def _outcomes(school: School, on: date) -> dict | None:
    """Attendance, suspensions and attainment of SEN pupils against the others, from the MIS
    import's term figures of the term the report ends in (suspensions: this school year so
    far); None when the import gave none."""
    start = school_calendar.academic_year_start_for(on)
    term = school_calendar.term_containing(school=school, on=on)
    season = term.season if term is not None else "summer"
    sen = Exists(
        SenStatus.objects.filter(
            covering(on), school=school, pupil=OuterRef("pupil"), category__in=SEN
        )
    )
    rows = (
        TermFigures.objects.filter(school=school, academic_year_start=start, season=season)
        .annotate(sen=sen)
        .order_by()
        .values("sen")
        .annotate(
            with_attendance=Count("pk", filter=Q(attendance__isnull=False)),
            persistent=Count("pk", filter=Q(attendance__lt=PERSISTENT_ABSENCE_BELOW)),
            average=Avg("attendance"),
            assessed=Count("pk", filter=~Q(attainment="")),
            expected=Count("pk", filter=Q(attainment__in=["expected", "above"])),
            with_suspensions=Count("pk", filter=Q(suspensions__isnull=False)),
            suspended=Count("pk", filter=Q(suspensions__gte=1)),
            suspensions=Sum("suspensions"),
        )
    )
    found = {row["sen"]: row for row in rows}
    if not found:
        return None
    empty = {
        "with_attendance": 0,
        "persistent": 0,
        "average": None,
        "assessed": 0,
        "expected": 0,
        "with_suspensions": 0,
        "suspended": 0,
        "suspensions": None,
    }
    # Suspensions are an optional column: None when the import gave no pupil's.
    given = any(row["with_suspensions"] for row in found.values())
    return {
        key: {
            "attendance": [r["persistent"], r["with_attendance"] - r["persistent"]],
            "average": None if r["average"] is None else str(round(r["average"], 1)),
            "attainment": [r["expected"], r["assessed"] - r["expected"]],
            # [suspended at least once this year, not suspended, suspensions in all]
            "suspensions": (
                [r["suspended"], r["with_suspensions"] - r["suspended"], r["suspensions"] or 0]
                if given
                else None
            ),
        }
        for key, r in (("sen", found.get(True, empty)), ("other", found.get(False, empty)))
    }


# --------------------------------------------------------------------------------------------------
# What worked best, section F delivered and support-plan targets achieved
# --------------------------------------------------------------------------------------------------

TOP_INTERVENTIONS = 5  # the best ranked interventions the report lists


def _impact(school: School, on: date) -> dict:
    """The interventions ranked first by the "what works here" rule over the academic year to
    `on` (`provision.impact.rank`, as on the impact page): name, pupils measured, how many of
    them met their target and the cost per pupil meeting it; how many more were ranked, and how
    many were not, by the reason."""
    found = intervention_impacts(school=school, on=on)
    ranked = [item for item in found if item.rank is not None]
    unranked = [item for item in found if item.rank is None]
    # The reasons of `InterventionImpact.why_not_ranked`, counted.
    no_measure = sum(1 for item in unranked if item.measure is None)
    not_measured = sum(1 for item in unranked if item.measure is not None and not item.measured)
    return {
        "minimum": impact_min_pupils(),
        "ranked": [
            [
                item.intervention.name,
                item.pupils_measured,
                item.impact.met_target,
                _money(item.impact.cost_per_pupil_meeting_target),
            ]
            for item in ranked[:TOP_INTERVENTIONS]
        ],
        "more_ranked": max(len(ranked) - TOP_INTERVENTIONS, 0),
        "not_ranked": [no_measure, not_measured, len(unranked) - no_measure - not_measured],
    }


def _money(amount: Decimal | None) -> str | None:
    return None if amount is None else str(amount)


def _section_f(school: School, start: date, on: date) -> dict:
    """EHC plans in force in the period and their section F delivered against planned
    (`ehcp.selectors.school_section_f`, as each plan's page counts it): plans with an item
    linked to a group, below plan (any such item under `UNDER_DELIVERY_PERCENT` of its planned
    hours) or not, and those with none linked; items linked and not; the hours planned and
    delivered of the linked items."""
    plans = school_section_f(school=school, start=start, end=on)
    below = on_plan = none_linked = linked = unlinked = 0
    planned = delivered = Decimal(0)
    for plan in plans:
        rows = [row for row in plan.rows if row.hours_delivered is not None]
        linked += len(rows)
        unlinked += len(plan.rows) - len(rows)
        planned += sum((row.hours_planned for row in rows), Decimal(0))
        delivered += sum((row.hours_delivered for row in rows), Decimal(0))
        if not rows:
            none_linked += 1
        elif any(row.below_plan for row in rows):
            below += 1
        else:
            on_plan += 1
    return {
        "plans": [below, on_plan, none_linked],
        "items": [linked, unlinked],
        "hours": [str(planned), str(delivered)],
        "below_percent": under_delivery_percent(),
    }


def _targets(school: School, start: date, on: date) -> list[int]:
    """The targets of support-plan cycles reviewed in the period by their outcome: achieved,
    partly, not achieved, not recorded."""
    found = Target.objects.filter(
        school=school, cycle__school=school, cycle__reviewed_on__range=(start, on)
    ).aggregate(
        **{
            key: Count("pk", filter=Q(outcome=value))
            for key, value in (
                ("achieved", Target.Outcome.ACHIEVED),
                ("partly", Target.Outcome.PARTLY),
                ("not_achieved", Target.Outcome.NOT_ACHIEVED),
                ("blank", ""),
            )
        }
    )
    return [found["achieved"], found["partly"], found["not_achieved"], found["blank"]]
