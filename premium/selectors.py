"""Reads for the Pupil Premium pages, school first, counted and paged by the database.

The counts apply `premium.rules` in SQL (one aggregate per census, whatever the school's size);
tests/premium/test_selectors.py holds them to the rules pupil by pupil.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet

from provision.models import Attendance, GroupPupil, Session
from provision.models import Group as ProvisionGroup
from register.models import LookedAfterPeriod, Pupil, PupilPremiumPeriod
from register.selectors import covering, looked_after_on, pupil_premium_on
from staff import deadline_cache
from staff.models import School

from . import rules
from .models import Activity, Category, Challenge, FundingRate, Outcome, Programme, Statement

Kind = PupilPremiumPeriod.Kind
PUPILS_PAGE_SIZE = 25


def _grounds(school: School, day: date) -> QuerySet[PupilPremiumPeriod]:
    return PupilPremiumPeriod.objects.filter(
        school=school, pupil=OuterRef("pk"), starts_on__lte=day
    )


def _flags_at(school: School, census: date) -> dict[str, Exists]:
    """`rules.categories_at` as one Exists per ground, for pupils of `school`."""
    since = rules.ever_6_from(census)
    reaches = Q(ends_on__isnull=True) | Q(ends_on__gte=since)
    holds = Q(ends_on__isnull=True) | Q(ends_on__gte=census)
    grounds = _grounds(school, census)
    return {
        "is_lac": Exists(
            LookedAfterPeriod.objects.filter(covering(census), school=school, pupil=OuterRef("pk"))
        ),
        "is_plac": Exists(
            grounds.filter(holds, kind=Kind.PLAC, evidence_seen_on__lte=census).exclude(route="")
        ),
        "is_fsm": Exists(grounds.filter(reaches, kind=Kind.FSM)),
        "is_service": Exists(
            grounds.filter(
                (Q(kind=Kind.SERVICE) & reaches) | (Q(kind=Kind.SERVICE_PENSION) & holds)
            )
        ),
    }


def _category_filters(one_rate: bool) -> dict[Category, Q]:
    """Who is paid for in each category: each pupil once, by `rules.PRECEDENCE`, or in all."""
    primary = Q(year_group__in=rules.PRIMARY_YEARS)
    if not one_rate:
        return {
            Category.LAC: Q(is_lac=True),
            Category.PLAC: Q(is_plac=True),
            Category.FSM_PRIMARY: Q(is_fsm=True) & primary,
            Category.FSM_SECONDARY: Q(is_fsm=True) & ~primary,
            Category.SERVICE: Q(is_service=True),
        }
    no_lac = Q(is_lac=False)
    no_plac = no_lac & Q(is_plac=False)
    return {
        Category.LAC: Q(is_lac=True),
        Category.PLAC: Q(is_plac=True) & no_lac,
        Category.FSM_PRIMARY: Q(is_fsm=True) & no_plac & primary,
        Category.FSM_SECONDARY: Q(is_fsm=True) & no_plac & ~primary,
        Category.SERVICE: Q(is_service=True, is_fsm=False) & no_plac,
    }


def counts_at(*, school: School, census: date) -> dict[Category, int]:
    """Pupils of the school on roll at the census, Reception to Year 11, counted per category
    they are paid for (one query)."""
    pupils = (
        Pupil.objects.for_school(school)
        .on_roll(census)
        .filter(year_group__in=rules.FUNDED_YEARS)
        .annotate(**_flags_at(school, census))
    )
    filters = _category_filters(rules.one_rate_per_pupil())
    found = pupils.aggregate(
        **{category.value: Count("pk", filter=q) for category, q in filters.items()}
    )
    return {Category(key): value for key, value in found.items()}


def kept_counts(*, school: School, census: date, today: date) -> dict[Category, int]:
    """`counts_at`, kept for the school until a write changes what it counts (every register
    write gives the school a new stamp: staff.deadline_cache). At a 2,000-pupil school the count
    reads every pupil's grounds: about 40 ms."""
    return deadline_cache.kept(
        school_id=school.pk,
        today=today,
        weeks=0,
        name=f"premium-counts:{census.isoformat()}",
        work_out=lambda: counts_at(school=school, census=census),
    )


def kept_roll(*, school: School, census: date, today: date) -> int:
    """The pupils on roll on `census`, kept like `kept_counts`."""
    return deadline_cache.kept(
        school_id=school.pk,
        today=today,
        weeks=0,
        name=f"premium-roll:{census.isoformat()}",
        work_out=lambda: Pupil.objects.for_school(school).on_roll(census).count(),
    )


def rates_for(financial_years: list[int]) -> dict[int, dict[Category, Decimal]]:
    """The rates entered for these financial years (one query over a small national table)."""
    found: dict[int, dict[Category, Decimal]] = {year: {} for year in financial_years}
    rows = FundingRate.objects.filter(financial_year__in=financial_years)
    for year, category, amount in rows.values_list("financial_year", "category", "amount"):
        found[year][Category(category)] = amount
    return found


def allocations(*, school: School, today: date) -> list[rules.Allocation]:
    """This financial year's estimated allocation and last year's, newest first."""
    this_year = rules.financial_year_of(today)
    years = [this_year, this_year - 1]
    rates = rates_for(years)
    return [
        rules.allocation(
            financial_year=year,
            counts=kept_counts(school=school, census=rules.allocation_census(year), today=today),
            rates=rates[year],
        )
        for year in years
    ]


@dataclass(frozen=True)
class Today:
    on_roll: int
    disadvantaged: int  # the register's Pupil Premium flag
    free_meals: int  # the school's FSM list: either ground
    uc_only: int  # free meals only through the Universal Credit extension: no Pupil Premium
    service: int
    looked_after: int
    plac_unevidenced: int  # previously looked after, not counted until the evidence is seen


def _free_meals(school: School, day: date) -> Exists:
    return Exists(_grounds(school, day).filter(covering(day), kind__in=[Kind.FSM, Kind.FSM_UC]))


def _uc_only(school: School, day: date) -> Q:
    grounds = _grounds(school, day).filter(covering(day))
    return Q(Exists(grounds.filter(kind=Kind.FSM_UC))) & ~Q(Exists(grounds.filter(kind=Kind.FSM)))


def _service(school: School, day: date) -> Exists:
    kinds = [Kind.SERVICE, Kind.SERVICE_PENSION]
    return Exists(_grounds(school, day).filter(covering(day), kind__in=kinds))


def _plac_unevidenced(school: School, day: date) -> Exists:
    missing = Q(route="") | Q(evidence_seen_on__isnull=True)
    return Exists(_grounds(school, day).filter(covering(day), missing, kind=Kind.PLAC))


def today_counts(*, school: School, today: date) -> Today:
    """The pupils on roll today on each list (one query; kept like `kept_counts`)."""
    return deadline_cache.kept(
        school_id=school.pk,
        today=today,
        weeks=0,
        name="premium-today",
        work_out=lambda: _today_counts(school, today),
    )


def _today_counts(school: School, today: date) -> Today:
    pupils = Pupil.objects.for_school(school).on_roll(today)
    found = pupils.aggregate(
        on_roll=Count("pk"),
        disadvantaged=Count("pk", filter=Q(pupil_premium_on(today, school=school))),
        free_meals=Count("pk", filter=Q(_free_meals(school, today))),
        uc_only=Count("pk", filter=_uc_only(school, today)),
        service=Count("pk", filter=Q(_service(school, today))),
        looked_after=Count("pk", filter=Q(looked_after_on(today, school=school))),
        plac_unevidenced=Count("pk", filter=Q(_plac_unevidenced(school, today))),
    )
    return Today(**found)


# The lists of pupils, by what made them eligible today.
LISTS = {
    "pp": "Pupil Premium (disadvantaged)",
    "fsm": "Free school meals, either ground",
    "uc_only": "Free school meals through the Universal Credit extension only",
    "service": "Service children",
    "plac": "Previously looked after",
    "lac": "Looked after",
    "unevidenced": "Previously looked after, evidence not yet seen",
}


def _list_filter(school: School, name: str, today: date) -> Q:
    return {
        "pp": lambda: Q(pupil_premium_on(today, school=school)),
        "fsm": lambda: Q(_free_meals(school, today)),
        "uc_only": lambda: _uc_only(school, today),
        "service": lambda: Q(_service(school, today)),
        "plac": lambda: Q(Exists(_grounds(school, today).filter(covering(today), kind=Kind.PLAC))),
        "lac": lambda: Q(looked_after_on(today, school=school)),
        "unevidenced": lambda: Q(_plac_unevidenced(school, today)),
    }[name]()


def pupils_listed(*, school: School, name: str, today: date, page: str | None) -> Page:
    """One page of the pupils on roll on list `name` of LISTS, by surname, with their recorded
    grounds (for the page's rows only)."""
    pupils = (
        Pupil.objects.for_school(school)
        .on_roll(today)
        .filter(_list_filter(school, name, today))
        .order_by("legal_last_name", "legal_first_name", "pk")
    )
    shown = Paginator(pupils, PUPILS_PAGE_SIZE).get_page(page)
    shown.object_list = list(
        shown.object_list.prefetch_related(
            Prefetch(
                "pp_periods",
                PupilPremiumPeriod.objects.filter(school=school).order_by("-starts_on"),
            )
        )
    )
    return shown


def pupil_grounds(*, pupil: Pupil) -> dict:
    """A pupil's recorded periods of eligibility and of being looked after, newest first."""
    return {
        "periods": list(
            PupilPremiumPeriod.objects.filter(school=pupil.school, pupil=pupil)
            .select_related("recorded_by")
            .order_by("-starts_on", "-pk")
        ),
        "looked_after": list(
            LookedAfterPeriod.objects.filter(school=pupil.school, pupil=pupil).order_by(
                "-starts_on"
            )
        ),
    }


def period_for(*, school: School, pk: int) -> PupilPremiumPeriod | None:
    return PupilPremiumPeriod.objects.filter(school=school, pk=pk).select_related("pupil").first()


# --------------------------------------------------------------------------------------------------
# The strategy statement
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StatementPage:
    academic_year: int
    statement: Statement | None
    challenges: list[Challenge]
    outcomes: list[Outcome]
    activities: list[Activity]
    programmes: list[Programme]
    estimate: rules.Allocation  # sendco's estimate of the financial year starting in it
    census: date
    on_roll: int
    disadvantaged: int
    delivered: dict[int, Delivered]  # group id -> what it delivered in the academic year


def statement_for(*, school: School, academic_year: int) -> Statement | None:
    return Statement.objects.filter(school=school, academic_year=academic_year).first()


def _parts(model, statement: Statement | None) -> list:
    if statement is None:
        return []
    return list(model.objects.filter(school=statement.school_id, statement=statement))


@dataclass(frozen=True)
class Delivered:
    """What a linked group delivered in the academic year, from the provision map's logs: its
    sessions run, the disadvantaged pupils' attendance at them, and how many of those pupils who
    finished reached their target."""

    sessions: int = 0
    attended: int = 0  # disadvantaged pupils present, session by session
    expected: int = 0  # disadvantaged pupils registered, session by session
    reached: int = 0
    finished: int = 0

    @property
    def attendance(self) -> int | None:
        return round(100 * self.attended / self.expected) if self.expected else None


def delivered(school: School, activities: list[Activity], year: int, today: date) -> dict:
    """{group id: Delivered} for the groups the activities link to (three queries, none when
    no activity links a group)."""
    ids = {group.pk for activity in activities for group in activity.groups.all()}
    if not ids:
        return {}
    start, end = date(year, 9, 1), date(year + 1, 8, 31)
    sessions = _sessions_run(school, ids, start, end)
    disadvantaged = pupil_premium_on(today, school=school, pupil="pupil_id")
    attendance = {
        row["session__group_id"]: row
        for row in Attendance.objects.filter(
            school=school,
            session__group_id__in=ids,
            session__ran=True,
            session__on__gte=start,
            session__on__lte=end,
        )
        .annotate(pp=disadvantaged)
        .filter(pp=True)
        .values("session__group_id")
        .annotate(expected=Count("pk"), attended=Count("pk", filter=Q(present=True)))
    }
    places = {
        row["group_id"]: row
        for row in GroupPupil.objects.filter(
            school=school,
            group_id__in=ids,
            left_on__gte=start,
            exit_score__isnull=False,
            target_score__isnull=False,
        )
        .annotate(pp=disadvantaged)
        .filter(pp=True)
        .values("group_id")
        .annotate(
            finished=Count("pk"), reached=Count("pk", filter=Q(exit_score__gte=F("target_score")))
        )
    }
    return {
        pk: Delivered(
            sessions=sessions.get(pk, 0),
            attended=attendance.get(pk, {}).get("attended", 0),
            expected=attendance.get(pk, {}).get("expected", 0),
            reached=places.get(pk, {}).get("reached", 0),
            finished=places.get(pk, {}).get("finished", 0),
        )
        for pk in ids
    }


def _sessions_run(school: School, ids: set[int], start: date, end: date) -> dict[int, int]:
    """Sessions run by each group in the dates, from the session logs."""
    rows = (
        Session.objects.filter(
            school=school, group_id__in=ids, ran=True, on__gte=start, on__lte=end
        )
        .values("group_id")
        .annotate(n=Count("pk"))
    )
    return {row["group_id"]: row["n"] for row in rows}


def statement_page(*, school: School, academic_year: int, today: date) -> StatementPage:
    """The statement of one academic year and what it is worked out from, in a fixed number
    of queries."""
    statement = statement_for(school=school, academic_year=academic_year)
    activities = []
    if statement is not None:
        activities = list(
            Activity.objects.filter(school=school, statement=statement).prefetch_related(
                Prefetch("groups", ProvisionGroup.objects.select_related("intervention"))
            )
        )
    census = rules.statement_census(academic_year)
    counts = kept_counts(school=school, census=census, today=today)
    rates = rates_for([academic_year])[academic_year]
    return StatementPage(
        academic_year=academic_year,
        statement=statement,
        challenges=_parts(Challenge, statement),
        outcomes=_parts(Outcome, statement),
        activities=activities,
        programmes=_parts(Programme, statement),
        estimate=rules.allocation(
            financial_year=academic_year,
            counts=kept_counts(
                school=school, census=rules.allocation_census(academic_year), today=today
            ),
            rates=rates,
        ),
        census=census,
        on_roll=kept_roll(school=school, census=census, today=today),
        disadvantaged=sum(n for c, n in counts.items() if c != Category.SERVICE),
        delivered=delivered(school, activities, academic_year, today),
    )


def group_choices(*, school: School, academic_year: int) -> QuerySet[ProvisionGroup]:
    """The intervention groups an activity may name: the school's groups that run in the
    academic year, by name."""
    return (
        ProvisionGroup.objects.filter(school=school, starts_on__lte=date(academic_year + 1, 8, 31))
        .filter(ends_on__gte=date(academic_year, 9, 1))
        .select_related("intervention")
        .order_by("name")
    )


def statement_years(*, school: School) -> list[int]:
    """The academic years the school has a statement for, newest first."""
    return list(
        Statement.objects.filter(school=school)
        .order_by("-academic_year")
        .values_list("academic_year", flat=True)
    )


def part_for(*, school: School, model, pk: int):
    return model.objects.filter(school=school, pk=pk).select_related("statement").first()


def challenge_count(*, school: School, academic_year: int) -> int:
    return Challenge.objects.filter(school=school, statement__academic_year=academic_year).count()
