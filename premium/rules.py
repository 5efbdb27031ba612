"""The Pupil Premium's rules as plain functions over plain values (DOMAIN.md 4), tested with
tables of cases: financial years, the census an allocation counts, which rate a pupil attracts,
what a recorded period may say, and the allocation.

`premium.selectors` counts the same rules in SQL; a test holds the two together.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings

from register import rules as register_rules
from register.models import PupilPremiumPeriod, YearGroup
from staff.calendar import census_dates

from .models import Category

Kind = PupilPremiumPeriod.Kind

# Who is counted at all: Reception to Year 11 (DOMAIN.md 4.1, "Pupils Reception-Y11").
PRIMARY_YEARS = tuple(YearGroup(y) for y in ("R", "1", "2", "3", "4", "5", "6"))
SECONDARY_YEARS = (YearGroup.Y7, YearGroup.Y8, YearGroup.Y9, YearGroup.Y10, YearGroup.Y11)
FUNDED_YEARS = PRIMARY_YEARS + SECONDARY_YEARS

UC_EXTENSION_STARTS = register_rules.UC_EXTENSION_STARTS

# A pupil attracts one rate, the first of these they qualify for. UNCONFIRMED: DOMAIN.md 4
# gives no rule for a pupil in two categories; counting each pupil once, at the higher rate,
# never overstates the allocation. PUPIL_PREMIUM_ONE_RATE_PER_PUPIL=false counts every one.
PRECEDENCE = (
    Category.LAC,
    Category.PLAC,
    Category.FSM_PRIMARY,
    Category.FSM_SECONDARY,
    Category.SERVICE,
)
# Paid to the local authority's virtual school head, not to the school (DOMAIN.md 4.1, 5.4).
NOT_PAID_TO_SCHOOL = frozenset({Category.LAC})


def one_rate_per_pupil() -> bool:
    return getattr(settings, "PUPIL_PREMIUM_ONE_RATE_PER_PUPIL", True)


# --------------------------------------------------------------------------------------------------
# Years and censuses
# --------------------------------------------------------------------------------------------------


def financial_year_of(day: date) -> int:
    """The financial year containing `day`, named by the year it starts in (April to March)."""
    return day.year if day.month >= 4 else day.year - 1


def financial_year_name(year: int) -> str:
    return f"{year}\u2013{(year + 1) % 100:02d}"


def allocation_census(financial_year: int) -> date:
    """The census whose pupils a financial year's allocation counts: the October before it
    starts (for 2025-26, the October 2024 census; DOMAIN.md 4.1, mainstream and special)."""
    return census_dates(academic_year_start=financial_year - 1)["autumn"]


def ever_6_from(census: date) -> date:
    """The first day a period must reach to count as "ever 6" at `census`: the January census
    six years of censuses back (for the October 2024 census, January 2019)."""
    return census_dates(academic_year_start=census.year - 6)["spring"]


# --------------------------------------------------------------------------------------------------
# One pupil
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ground:
    """One recorded period of eligibility, as the rules need it."""

    kind: str
    starts_on: date
    ends_on: date | None = None
    route: str = ""
    evidence_seen_on: date | None = None

    def covers(self, day: date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)

    def reaches(self, since: date, until: date) -> bool:
        """Held on some day from `since` to `until`."""
        return self.starts_on <= until and (self.ends_on is None or self.ends_on >= since)


def plac_counts(ground: Ground, census: date) -> bool:
    """Previously looked after on the census day, with how the child left care recorded and the
    evidence seen by then (parents declare it; the school must see it; DOMAIN.md 4.1)."""
    return (
        ground.kind == Kind.PLAC
        and ground.covers(census)
        and bool(ground.route)
        and ground.evidence_seen_on is not None
        and ground.evidence_seen_on <= census
    )


def categories_at(
    *, year_group: str, grounds: Iterable[Ground], looked_after: bool, census: date
) -> set[Category]:
    """Every category a pupil qualifies for at a census: Reception to Year 11 only; looked after
    on the day; previously looked after (`plac_counts`); means-tested free school meals in the
    six years of censuses up to it (never the Universal Credit extension alone); a service
    child on it or in those six years, or a service pension on it."""
    if year_group not in FUNDED_YEARS:
        return set()
    grounds = list(grounds)
    since = ever_6_from(census)
    found: set[Category] = set()
    if looked_after:
        found.add(Category.LAC)
    if any(plac_counts(g, census) for g in grounds):
        found.add(Category.PLAC)
    if any(g.kind == Kind.FSM and g.reaches(since, census) for g in grounds):
        primary = year_group in PRIMARY_YEARS
        found.add(Category.FSM_PRIMARY if primary else Category.FSM_SECONDARY)
    service = any(g.kind == Kind.SERVICE and g.reaches(since, census) for g in grounds)
    if service or any(g.kind == Kind.SERVICE_PENSION and g.covers(census) for g in grounds):
        found.add(Category.SERVICE)
    return found


def funded(categories: set[Category], *, one_rate: bool | None = None) -> list[Category]:
    """The categories a pupil is paid for: the first in PRECEDENCE, or all of them."""
    ordered = [c for c in PRECEDENCE if c in categories]
    if one_rate_per_pupil() if one_rate is None else one_rate:
        return ordered[:1]
    return ordered


def free_meals_on(grounds: Iterable[Ground], day: date) -> bool:
    """Free school meals on `day`, on either ground: the school's FSM list."""
    return any(g.kind in (Kind.FSM, Kind.FSM_UC) and g.covers(day) for g in grounds)


def ground_problems(ground: Ground, *, today: date) -> list[tuple[str, str]]:
    """What is wrong with a period someone is recording, as (field, message) pairs."""
    problems = []
    if ground.ends_on is not None and ground.ends_on < ground.starts_on:
        problems.append(("ends_on", "The end date must be on or after the start date."))
    if ground.kind == Kind.FSM_UC and ground.starts_on < UC_EXTENSION_STARTS:
        problems.append(
            (
                "starts_on",
                "The Universal Credit extension of free school meals starts on 1 September "
                "2026. Free school meals before then were means-tested: choose that instead.",
            )
        )
    if ground.kind == Kind.PLAC:
        if not ground.route:
            problems.append(("route", "Say how the child left care (adoption, an order, …)."))
        if ground.evidence_seen_on is None:
            problems.append(
                (
                    "evidence_seen_on",
                    "Enter the date the school saw the evidence: it is not counted without it.",
                )
            )
    if ground.evidence_seen_on is not None and ground.evidence_seen_on > today:
        problems.append(("evidence_seen_on", "The evidence cannot be seen in the future."))
    return problems


# --------------------------------------------------------------------------------------------------
# The allocation
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    category: Category
    pupils: int
    rate: Decimal | None  # None while the year's rate is not entered

    @property
    def amount(self) -> Decimal | None:
        return None if self.rate is None else self.rate * self.pupils

    @property
    def to_school(self) -> bool:
        return self.category not in NOT_PAID_TO_SCHOOL


@dataclass(frozen=True)
class Allocation:
    financial_year: int
    census: date
    lines: list[Line]

    @property
    def name(self) -> str:
        return financial_year_name(self.financial_year)

    @property
    def missing_rates(self) -> bool:
        return any(line.rate is None and line.pupils for line in self.lines)

    @property
    def school_total(self) -> Decimal | None:
        """What the school is paid (Pupil Premium Plus goes to the virtual school), or None
        while a rate it needs is missing."""
        paid = [line for line in self.lines if line.to_school]
        if any(line.rate is None and line.pupils for line in paid):
            return None
        return sum((line.amount or Decimal(0) for line in paid), Decimal(0))

    @property
    def disadvantaged(self) -> int:
        """Pupils counted for the strategy statement's "more than 5" test: not service-only."""
        return sum(line.pupils for line in self.lines if line.category != Category.SERVICE)


def allocation(
    *,
    financial_year: int,
    counts: Mapping[Category, int],
    rates: Mapping[Category, Decimal],
) -> Allocation:
    """The estimated allocation from the pupils counted in each category at the census."""
    return Allocation(
        financial_year=financial_year,
        census=allocation_census(financial_year),
        lines=[
            Line(category=category, pupils=counts.get(category, 0), rate=rates.get(category))
            for category in PRECEDENCE
        ],
    )


def must_publish_statement(allocation: Allocation) -> bool:
    """A school whose allocation counts more than 5 eligible pupils, not counting service-only
    pupils, publishes a strategy statement (DOMAIN.md 4.3)."""
    return allocation.disadvantaged > 5


# --------------------------------------------------------------------------------------------------
# The strategy statement
# --------------------------------------------------------------------------------------------------


def statement_due(academic_year: int) -> date:
    """An updated statement is on the school's website by 31 December of the academic year it
    is for (DOMAIN.md 4.3)."""
    return date(academic_year, 12, 31)


def statement_census(academic_year: int) -> date:
    """The census whose pupils decide whether a statement is owed this academic year: the
    October census in it (it sets the allocation of the financial year that starts in April)."""
    return census_dates(academic_year_start=academic_year)["autumn"]


def statement_owed(*, disadvantaged: int, published_on: date | None, academic_year: int) -> bool:
    """Whether the statement is still to publish: owed (`must_publish_statement`'s test) and
    not published since the academic year began (1 September)."""
    if disadvantaged <= 5:
        return False
    return published_on is None or published_on < date(academic_year, 9, 1)


def tier_totals(activities: Iterable) -> dict[str, dict[str, Decimal | None]]:
    """Budgeted and actual cost per tier ("actual" None while any activity of it has none)."""
    totals: dict[str, dict[str, Decimal | None]] = {}
    for activity in activities:
        line = totals.setdefault(activity.tier, {"budgeted": Decimal(0), "actual": Decimal(0)})
        line["budgeted"] += activity.budgeted_cost
        if activity.actual_cost is None or line["actual"] is None:
            line["actual"] = None
        else:
            line["actual"] += activity.actual_cost
    return totals
