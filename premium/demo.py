"""The demo's Pupil Premium strategy statement: this academic year's, drafted (not yet
published, so its 31 December deadline shows), with its activities linked to the school's groups
funded by the Pupil Premium. Idempotent: a school that has one is left alone."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from provision.models import Group
from register.models import Pupil
from staff.calendar import academic_year_start_for, school_year_name
from staff.models import School, User

from . import rules, selectors
from .models import Activity, Challenge, FundingRate, Outcome, Programme, Statement

CHALLENGES = [
    "Assessments and observations show that many disadvantaged pupils start school with "
    "underdeveloped speaking and listening skills and a narrower vocabulary than their peers.",
    "Attendance of disadvantaged pupils is 3 percentage points below that of their peers, and "
    "more of them are persistently absent.",
    "Wellbeing surveys and referrals show more social and emotional difficulties among "
    "disadvantaged pupils, several of whom also have SEND.",
]
OUTCOMES = [
    (
        "Improved oral language and vocabulary among disadvantaged pupils.",
        "Teachers' assessments and the language screen show the gap narrowing each term.",
    ),
    (
        "Sustained high attendance for all pupils, disadvantaged pupils in particular.",
        "Attendance of disadvantaged pupils within 1 percentage point of their peers by July.",
    ),
    (
        "Improved wellbeing for disadvantaged pupils.",
        "Pupil surveys and the emotional literacy assessments show improvement by the end of "
        "each ELSA programme.",
    ),
]


def _fictional_allocation(school: School, year: int) -> Decimal | None:
    """A made-up figure for the demo's "allocation as the DfE published it": the school's
    counts at the census, at the last rates entered. A real school types the DfE's figure."""
    counts = selectors.counts_at(school=school, census=rules.allocation_census(year))
    rates = FundingRate.objects.filter(financial_year__lt=year).order_by("-financial_year")
    latest = {}
    for rate in rates:
        latest.setdefault(rate.category, rate.amount)
    paid = [c for c in counts if c not in rules.NOT_PAID_TO_SCHOOL]
    if any(counts[c] and c.value not in latest for c in paid):
        return None
    return sum((counts[c] * latest.get(c.value, 0) for c in paid), Decimal(0))


def seed_statement(*, school: School, today: date, sendco: User) -> int:
    year = academic_year_start_for(today)
    if Statement.objects.filter(school=school, academic_year=year).exists():
        return 0
    if not Pupil.objects.filter(school=school, year_group__in=rules.FUNDED_YEARS).exists():
        return 0  # a sixth-form college: no Pupil Premium (16 to 19 bursaries instead)
    statement = Statement.objects.create(
        school=school,
        academic_year=year,
        allocation=_fictional_allocation(school, year),
        years_covered=f"{school_year_name(year)} to {school_year_name(year + 2)}",
        review_on=date(year + 1, 7, 15),
        lead=sendco.full_name,
        governor_lead="Chair of the curriculum committee",
        authorised_by="The headteacher",
        intent="Every disadvantaged pupil makes strong progress and achieves well across the "
        "curriculum, whatever their starting point. High-quality teaching is at the heart of "
        "our approach, with targeted support for those who need it, including pupils with SEND.",
        last_year_outcomes="Disadvantaged pupils' reading improved; attendance remained below "
        "that of their peers, so it stays a priority.",
        updated_by=sendco,
    )
    rows = [
        Challenge(school=school, statement=statement, position=n, detail=text)
        for n, text in enumerate(CHALLENGES, start=1)
    ]
    Challenge.objects.bulk_create(rows)
    Outcome.objects.bulk_create(
        Outcome(school=school, statement=statement, position=n, outcome=o, success_criteria=c)
        for n, (o, c) in enumerate(OUTCOMES, start=1)
    )
    Activity.objects.create(
        school=school,
        statement=statement,
        position=1,
        tier=Activity.Tier.TEACHING,
        activity="Training for all staff in explicit vocabulary teaching.",
        evidence="EEF: oral language interventions, +6 months.",
        challenges="1",
        budgeted_cost=Decimal("4000"),
    )
    funded = list(
        Group.objects.filter(school=school, funding=Group.Funding.PUPIL_PREMIUM)
        .filter(starts_on__gte=date(year, 9, 1))
        .order_by("name")
    )
    targeted = Activity.objects.create(
        school=school,
        statement=statement,
        position=2,
        tier=Activity.Tier.TARGETED,
        activity="Small-group interventions run by trained teaching assistants.",
        evidence="EEF: small group tuition, +4 months; teaching assistant interventions, +4 "
        "months.",
        challenges="1, 3",
        budgeted_cost=Decimal("18500"),
    )
    targeted.groups.set(funded)
    Activity.objects.create(
        school=school,
        statement=statement,
        position=3,
        tier=Activity.Tier.WIDER,
        activity="An attendance lead working with families of persistently absent pupils.",
        evidence="DfE: Working together to improve school attendance.",
        challenges="2",
        budgeted_cost=Decimal("6000"),
    )
    Programme.objects.create(
        school=school, statement=statement, position=1, name="NELI", provider="Nuffield"
    )
    return 1 + len(rows) + len(OUTCOMES) + 3 + 1
