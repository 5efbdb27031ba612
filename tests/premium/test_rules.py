"""The Pupil Premium's rules, with tables of cases from DOMAIN.md 4 (premium.rules)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from premium import rules
from premium.models import Category
from premium.rules import Ground

OCT_2024 = date(2024, 10, 3)  # the autumn census counted for 2025-26 (first Thursday)
OCT_2025 = date(2025, 10, 2)
D = date


@pytest.mark.parametrize(
    ("day", "year"),
    [
        (D(2025, 3, 31), 2024),  # the last day of 2024-25
        (D(2025, 4, 1), 2025),  # the first day of 2025-26
        (D(2026, 1, 15), 2025),
        (D(2026, 12, 4), 2026),
    ],
)
def test_financial_year_runs_april_to_march(day, year):
    assert rules.financial_year_of(day) == year


@pytest.mark.parametrize(
    ("year", "census", "ever_6_from"),
    [
        # DOMAIN.md 4.1: 2025-26 counts the October 2024 census, FSM since January 2019.
        (2025, OCT_2024, D(2019, 1, 17)),
        (2026, OCT_2025, D(2020, 1, 16)),
        (2024, D(2023, 10, 5), D(2018, 1, 18)),
    ],
)
def test_allocation_counts_the_october_census_and_six_years_of_censuses(year, census, ever_6_from):
    assert rules.allocation_census(year) == census
    assert rules.ever_6_from(census) == ever_6_from


def fsm(start, end=None):
    return Ground(kind="fsm", starts_on=start, ends_on=end)


def plac(start, *, route="adoption", seen=None, end=None):
    return Ground(kind="plac", starts_on=start, ends_on=end, route=route, evidence_seen_on=seen)


CASES = [
    # (why, year group, grounds, looked after, census, categories)
    ("nothing recorded", "3", [], False, OCT_2024, set()),
    ("FSM now, primary", "3", [fsm(D(2024, 9, 1))], False, OCT_2024, {Category.FSM_PRIMARY}),
    ("FSM now, secondary", "9", [fsm(D(2024, 9, 1))], False, OCT_2024, {Category.FSM_SECONDARY}),
    (
        "FSM ended on the first day of the window: ever 6",
        "5",
        [fsm(D(2017, 9, 1), D(2019, 1, 17))],
        False,
        OCT_2024,
        {Category.FSM_PRIMARY},
    ),
    (
        "FSM ended the day before the window: not ever 6",
        "5",
        [fsm(D(2017, 9, 1), D(2019, 1, 16))],
        False,
        OCT_2024,
        set(),
    ),
    (
        "FSM first on the census day itself",
        "5",
        [fsm(OCT_2024)],
        False,
        OCT_2024,
        {Category.FSM_PRIMARY},
    ),
    ("FSM starting after the census", "5", [fsm(D(2024, 10, 4))], False, OCT_2024, set()),
    (
        "Universal Credit extension alone attracts no Pupil Premium",
        "5",
        [Ground(kind="fsm_uc", starts_on=D(2026, 9, 1))],
        False,
        D(2026, 10, 1),
        set(),
    ),
    (
        "Universal Credit extension after means-tested FSM: still ever 6",
        "5",
        [fsm(D(2024, 9, 1), D(2026, 8, 31)), Ground(kind="fsm_uc", starts_on=D(2026, 9, 1))],
        False,
        D(2026, 10, 1),
        {Category.FSM_PRIMARY},
    ),
    ("Nursery is not counted", "N2", [fsm(D(2024, 9, 1))], False, OCT_2024, set()),
    ("Year 12 is not counted", "12", [fsm(D(2024, 9, 1))], True, OCT_2024, set()),
    ("Reception is primary", "R", [fsm(D(2024, 9, 1))], False, OCT_2024, {Category.FSM_PRIMARY}),
    ("Year 11 is secondary", "11", [fsm(D(2024, 9, 1))], False, OCT_2024, {Category.FSM_SECONDARY}),
    ("looked after on the census day", "4", [], True, OCT_2024, {Category.LAC}),
    (
        "previously looked after, evidence seen before the census",
        "4",
        [plac(D(2020, 5, 1), seen=D(2024, 9, 20))],
        False,
        OCT_2024,
        {Category.PLAC},
    ),
    (
        "previously looked after, evidence seen on the census day",
        "4",
        [plac(D(2020, 5, 1), seen=OCT_2024)],
        False,
        OCT_2024,
        {Category.PLAC},
    ),
    (
        "previously looked after, evidence seen after the census: not counted",
        "4",
        [plac(D(2020, 5, 1), seen=D(2024, 10, 4))],
        False,
        OCT_2024,
        set(),
    ),
    (
        "previously looked after, evidence never seen: not counted",
        "4",
        [plac(D(2020, 5, 1))],
        False,
        OCT_2024,
        set(),
    ),
    (
        "previously looked after, no route recorded: not counted",
        "4",
        [plac(D(2020, 5, 1), route="", seen=D(2020, 6, 1))],
        False,
        OCT_2024,
        set(),
    ),
    (
        "service child on the census",
        "8",
        [Ground(kind="service", starts_on=D(2023, 1, 1))],
        False,
        OCT_2024,
        {Category.SERVICE},
    ),
    (
        "Ever 6 service child: recorded in the six years, not now",
        "8",
        [Ground(kind="service", starts_on=D(2018, 1, 1), ends_on=D(2020, 7, 31))],
        False,
        OCT_2024,
        {Category.SERVICE},
    ),
    (
        "service child more than six years ago",
        "8",
        [Ground(kind="service", starts_on=D(2015, 1, 1), ends_on=D(2018, 12, 31))],
        False,
        OCT_2024,
        set(),
    ),
    (
        "service pension on the census day",
        "8",
        [Ground(kind="service_pension", starts_on=D(2022, 3, 1))],
        False,
        OCT_2024,
        {Category.SERVICE},
    ),
    (
        "a service pension that ended before the census",
        "8",
        [Ground(kind="service_pension", starts_on=D(2022, 3, 1), ends_on=D(2024, 9, 1))],
        False,
        OCT_2024,
        set(),
    ),
    (
        "every ground at once",
        "2",
        [fsm(D(2023, 1, 1)), plac(D(2021, 1, 1), seen=D(2021, 2, 1))]
        + [Ground(kind="service", starts_on=D(2022, 1, 1))],
        True,
        OCT_2024,
        {Category.LAC, Category.PLAC, Category.FSM_PRIMARY, Category.SERVICE},
    ),
]


@pytest.mark.parametrize(
    ("year_group", "grounds", "looked_after", "census", "expected"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_categories_at_a_census(year_group, grounds, looked_after, census, expected):
    found = rules.categories_at(
        year_group=year_group, grounds=grounds, looked_after=looked_after, census=census
    )
    assert found == expected


@pytest.mark.parametrize(
    ("categories", "one_rate", "paid"),
    [
        ({Category.FSM_PRIMARY, Category.SERVICE}, True, [Category.FSM_PRIMARY]),
        ({Category.PLAC, Category.FSM_SECONDARY}, True, [Category.PLAC]),
        ({Category.LAC, Category.PLAC}, True, [Category.LAC]),
        ({Category.SERVICE}, True, [Category.SERVICE]),
        (
            {Category.FSM_PRIMARY, Category.SERVICE},
            False,
            [Category.FSM_PRIMARY, Category.SERVICE],
        ),
        (set(), True, []),
    ],
)
def test_a_pupil_is_paid_once_at_the_first_rate_unless_configured(categories, one_rate, paid):
    assert rules.funded(categories, one_rate=one_rate) == paid


def test_the_setting_chooses_one_rate_or_all(settings):
    both = {Category.FSM_PRIMARY, Category.SERVICE}
    settings.PUPIL_PREMIUM_ONE_RATE_PER_PUPIL = False
    assert rules.funded(both) == [Category.FSM_PRIMARY, Category.SERVICE]
    settings.PUPIL_PREMIUM_ONE_RATE_PER_PUPIL = True
    assert rules.funded(both) == [Category.FSM_PRIMARY]


@pytest.mark.parametrize(
    ("ground", "fields"),
    [
        (Ground(kind="fsm", starts_on=D(2024, 9, 1)), []),
        (Ground(kind="fsm_uc", starts_on=D(2026, 9, 1)), []),
        (Ground(kind="fsm_uc", starts_on=D(2026, 8, 31)), ["starts_on"]),
        (Ground(kind="fsm", starts_on=D(2024, 9, 1), ends_on=D(2024, 8, 31)), ["ends_on"]),
        (plac(D(2020, 1, 1), seen=D(2020, 2, 1)), []),
        (plac(D(2020, 1, 1), route=""), ["route", "evidence_seen_on"]),
        (plac(D(2020, 1, 1), seen=D(2026, 12, 5)), ["evidence_seen_on"]),
    ],
)
def test_what_a_recorded_ground_may_say(ground, fields):
    found = rules.ground_problems(ground, today=D(2026, 12, 4))
    assert [field for field, _ in found] == fields


def test_free_meals_list_takes_either_ground_but_pupil_premium_does_not():
    uc = [Ground(kind="fsm_uc", starts_on=D(2026, 9, 1))]
    day = D(2026, 12, 4)
    assert rules.free_meals_on(uc, day)
    assert rules.categories_at(year_group="3", grounds=uc, looked_after=False, census=day) == set()
    assert not rules.free_meals_on([fsm(D(2020, 1, 1), D(2026, 7, 1))], day)


def test_allocation_totals_what_the_school_is_paid():
    rates = {
        Category.FSM_PRIMARY: Decimal("1515"),
        Category.FSM_SECONDARY: Decimal("1075"),
        Category.PLAC: Decimal("2630"),
        Category.LAC: Decimal("2630"),
        Category.SERVICE: Decimal("350"),
    }
    counts = {Category.FSM_PRIMARY: 10, Category.PLAC: 1, Category.LAC: 2, Category.SERVICE: 3}
    found = rules.allocation(financial_year=2025, counts=counts, rates=rates)
    assert found.census == OCT_2024
    assert found.name == "2025\u201326"
    # 10 x 1,515 + 2,630 + 3 x 350; Pupil Premium Plus goes to the virtual school.
    assert found.school_total == Decimal("18830")
    assert not found.missing_rates
    assert found.disadvantaged == 13  # service-only pupils are not counted for the statement
    assert rules.must_publish_statement(found)


def test_a_missing_rate_is_said_never_guessed():
    counts = {Category.FSM_PRIMARY: 4, Category.SERVICE: 9}
    found = rules.allocation(financial_year=2026, counts=counts, rates={})
    assert found.missing_rates
    assert found.school_total is None
    assert [line.amount for line in found.lines if line.pupils] == [None, None]
    # Four disadvantaged pupils (service-only ones not counted): no statement needed.
    assert not rules.must_publish_statement(found)


def test_a_missing_rate_for_a_category_nobody_is_in_does_not_matter():
    found = rules.allocation(
        financial_year=2025,
        counts={Category.FSM_PRIMARY: 2},
        rates={Category.FSM_PRIMARY: Decimal("1515")},
    )
    assert not found.missing_rates
    assert found.school_total == Decimal("3030")
