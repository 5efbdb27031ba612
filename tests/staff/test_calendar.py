"""The school calendar's rules, each a table of cases with the edge dates (DOMAIN.md 3.1 and the
time-unit table): bank holidays, working days, school days, census days and the default terms."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured

from staff import calendar
from staff.models import AcademicYear, ClosureDay, Term

D = date

# --------------------------------------------------------------------------------------------------
# Academic years
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("on", "start"),
    [
        (D(2026, 8, 31), 2025),
        (D(2026, 9, 1), 2026),
        (D(2026, 1, 1), 2025),
        (D(2025, 12, 31), 2025),
        (D(2028, 2, 29), 2027),
    ],
)
def test_academic_year_start_for(on, start):
    assert calendar.academic_year_start_for(on) == start


@pytest.mark.parametrize(
    ("start", "name"), [(2026, "2026/27"), (2009, "2009/10"), (1999, "1999/00")]
)
def test_school_year_name(start, name):
    assert calendar.school_year_name(start) == name


# --------------------------------------------------------------------------------------------------
# Bank holidays
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "easter"),
    [
        (2019, D(2019, 4, 21)),
        (2024, D(2024, 3, 31)),
        (2025, D(2025, 4, 20)),
        (2026, D(2026, 4, 5)),
        (2027, D(2027, 3, 28)),
        (2038, D(2038, 4, 25)),  # the latest possible Easter
        (2285, D(2285, 3, 22)),  # the earliest possible Easter
    ],
)
def test_easter_sunday(year, easter):
    assert calendar.easter_sunday(year) == easter
    holidays = calendar.england_bank_holidays(year)
    assert holidays[easter - timedelta(days=2)] == "Good Friday"
    assert holidays[easter + timedelta(days=1)] == "Easter Monday"


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        # VE day: the early May bank holiday moved to Friday 8 May; Boxing Day on a Saturday.
        (
            2020,
            [D(2020, 1, 1), D(2020, 4, 10), D(2020, 4, 13), D(2020, 5, 8), D(2020, 5, 25),
             D(2020, 8, 31), D(2020, 12, 25), D(2020, 12, 28)],
        ),
        # Christmas on a Saturday: substitutes Monday 27 and Tuesday 28 December.
        (
            2021,
            [D(2021, 1, 1), D(2021, 4, 2), D(2021, 4, 5), D(2021, 5, 3), D(2021, 5, 31),
             D(2021, 8, 30), D(2021, 12, 27), D(2021, 12, 28)],
        ),
        # New Year on a Saturday; Platinum Jubilee; State Funeral; Christmas on a Sunday.
        (
            2022,
            [D(2022, 1, 3), D(2022, 4, 15), D(2022, 4, 18), D(2022, 5, 2), D(2022, 6, 2),
             D(2022, 6, 3), D(2022, 8, 29), D(2022, 9, 19), D(2022, 12, 26), D(2022, 12, 27)],
        ),
        # New Year on a Sunday; Coronation.
        (
            2023,
            [D(2023, 1, 2), D(2023, 4, 7), D(2023, 4, 10), D(2023, 5, 1), D(2023, 5, 8),
             D(2023, 5, 29), D(2023, 8, 28), D(2023, 12, 25), D(2023, 12, 26)],
        ),
        # An ordinary year with Christmas on a Friday: Boxing Day moves to Monday 28.
        (
            2026,
            [D(2026, 1, 1), D(2026, 4, 3), D(2026, 4, 6), D(2026, 5, 4), D(2026, 5, 25),
             D(2026, 8, 31), D(2026, 12, 25), D(2026, 12, 28)],
        ),
        (
            2027,
            [D(2027, 1, 1), D(2027, 3, 26), D(2027, 3, 29), D(2027, 5, 3), D(2027, 5, 31),
             D(2027, 8, 30), D(2027, 12, 27), D(2027, 12, 28)],
        ),
        # Leap year; New Year on a Saturday.
        (
            2028,
            [D(2028, 1, 3), D(2028, 4, 14), D(2028, 4, 17), D(2028, 5, 1), D(2028, 5, 29),
             D(2028, 8, 28), D(2028, 12, 25), D(2028, 12, 26)],
        ),
        # Diamond Jubilee: the spring bank holiday moved to Monday 4 June, plus Tuesday 5 June.
        (
            2012,
            [D(2012, 1, 2), D(2012, 4, 6), D(2012, 4, 9), D(2012, 5, 7), D(2012, 6, 4),
             D(2012, 6, 5), D(2012, 8, 27), D(2012, 12, 25), D(2012, 12, 26)],
        ),
    ],
)  # fmt: skip
def test_england_bank_holidays(year, expected):
    assert list(calendar.england_bank_holidays(year)) == expected


@pytest.mark.parametrize(
    ("on", "name"),
    [
        (D(2021, 12, 27), "Christmas Day (substitute day)"),
        (D(2021, 12, 28), "Boxing Day (substitute day)"),
        (D(2022, 12, 26), "Boxing Day"),
        (D(2022, 12, 27), "Christmas Day (substitute day)"),
        (D(2022, 1, 3), "New Year's Day (substitute day)"),
        (D(2022, 6, 2), "Spring bank holiday"),
        (D(2022, 6, 3), "Platinum Jubilee bank holiday"),
        (D(2022, 9, 19), "Bank Holiday for the State Funeral of Queen Elizabeth II"),
        (D(2023, 5, 8), "Bank holiday for the coronation of King Charles III"),
        (D(2020, 5, 8), "Early May bank holiday (VE day)"),
        (D(2026, 5, 25), "Spring bank holiday"),
        (D(2026, 8, 31), "Summer bank holiday"),
    ],
)
def test_bank_holiday_names(on, name):
    assert calendar.england_bank_holidays(on.year)[on] == name


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (D(2022, 5, 30), False),  # the usual spring bank holiday, moved in 2022
        (D(2022, 6, 2), True),
        (D(2020, 5, 4), False),  # the usual early May bank holiday, moved for VE day
        (D(2020, 5, 8), True),
        (D(2012, 5, 28), False),
        (D(2021, 12, 25), False),  # Christmas Day on a Saturday: the substitute is the holiday
        (D(2021, 12, 27), True),
        (D(2028, 2, 29), False),
        (D(2026, 12, 24), False),
        (D(2026, 12, 26), False),
        (D(2026, 12, 28), True),
    ],
)
def test_is_bank_holiday(on, expected):
    assert calendar.is_bank_holiday(on) is expected


def test_extra_bank_holidays_come_from_settings(settings):
    assert not calendar.is_bank_holiday(D(2026, 7, 13))
    settings.EXTRA_BANK_HOLIDAYS = {"2026-07-13": "A newly announced bank holiday"}
    assert calendar.england_bank_holidays(2026)[D(2026, 7, 13)] == "A newly announced bank holiday"
    assert calendar.is_bank_holiday(D(2026, 7, 13))
    assert not calendar.is_working_day(D(2026, 7, 13))
    assert calendar.add_working_days(start=D(2026, 7, 10), days=1) == D(2026, 7, 14)
    assert D(2026, 7, 13) not in calendar.england_bank_holidays(2027)
    del settings.EXTRA_BANK_HOLIDAYS
    assert not calendar.is_bank_holiday(D(2026, 7, 13))


def test_a_malformed_extra_bank_holiday_is_a_configuration_error(settings):
    settings.EXTRA_BANK_HOLIDAYS = {"13/07/2026": "Bad"}
    with pytest.raises(ImproperlyConfigured, match="13/07/2026"):
        calendar.england_bank_holidays(2026)


# --------------------------------------------------------------------------------------------------
# Working days
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (D(2026, 3, 6), True),  # Friday
        (D(2026, 3, 7), False),  # Saturday
        (D(2026, 3, 8), False),  # Sunday
        (D(2026, 4, 3), False),  # Good Friday
        (D(2028, 2, 29), True),  # leap day, a Tuesday
        (D(2027, 12, 28), False),  # Boxing Day substitute
    ],
)
def test_is_working_day(on, expected):
    assert calendar.is_working_day(on) is expected


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (D(2026, 3, 5), 0, D(2026, 3, 5)),
        (D(2026, 3, 7), 0, D(2026, 3, 7)),  # 0 returns the start, even a Saturday
        (D(2026, 3, 5), 1, D(2026, 3, 6)),  # Thursday -> Friday
        (D(2026, 3, 6), 1, D(2026, 3, 9)),  # Friday -> Monday
        (D(2026, 3, 7), 1, D(2026, 3, 9)),  # Saturday -> Monday
        (D(2026, 3, 6), 5, D(2026, 3, 13)),
        # Christmas 2026: Fri 25 and the Boxing Day substitute Mon 28 are not working days.
        (D(2026, 12, 24), 1, D(2026, 12, 29)),
        (D(2026, 12, 24), 2, D(2026, 12, 30)),
        # Easter 2026: Good Friday 3 April and Easter Monday 6 April.
        (D(2026, 4, 2), 1, D(2026, 4, 7)),
        # Christmas 2021 on a Saturday: Mon 27 and Tue 28 are substitutes.
        (D(2021, 12, 24), 1, D(2021, 12, 29)),
        # New Year 2028 on a Saturday: Mon 3 January is the substitute.
        (D(2027, 12, 31), 1, D(2028, 1, 4)),
        # Platinum Jubilee: Thu 2 and Fri 3 June 2022.
        (D(2022, 6, 1), 1, D(2022, 6, 6)),
        # Leap year.
        (D(2028, 2, 28), 1, D(2028, 2, 29)),
        (D(2028, 2, 28), 2, D(2028, 3, 1)),
        # 20 working days over the 2022 State Funeral (Mon 19 September).
        (D(2022, 9, 1), 20, D(2022, 9, 30)),
    ],
)
def test_add_working_days(start, days, expected):
    assert calendar.add_working_days(start=start, days=days) == expected


def test_add_working_days_refuses_a_negative_count():
    with pytest.raises(ValueError, match="0 or more"):
        calendar.add_working_days(start=D(2026, 3, 5), days=-1)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (D(2026, 3, 5), D(2026, 3, 5), 0),
        (D(2026, 3, 6), D(2026, 3, 9), 1),  # Friday -> Monday
        (D(2026, 3, 7), D(2026, 3, 8), 0),  # a weekend
        (D(2026, 12, 24), D(2026, 12, 30), 2),
        (D(2026, 12, 30), D(2026, 12, 24), -2),
        (D(2022, 6, 1), D(2022, 6, 6), 1),
        (D(2028, 2, 28), D(2028, 3, 1), 2),
        (D(2025, 12, 31), D(2026, 12, 31), 253),  # 261 weekdays less 8 bank holidays
    ],
)
def test_working_days_between(start, end, expected):
    assert calendar.working_days_between(start=start, end=end) == expected


@pytest.mark.parametrize("start", [D(2021, 12, 23), D(2022, 5, 31), D(2026, 3, 28), D(2028, 2, 25)])
@pytest.mark.parametrize("days", [0, 1, 3, 7, 40])
def test_working_days_between_undoes_add_working_days(start, days):
    end = calendar.add_working_days(start=start, days=days)
    assert calendar.working_days_between(start=start, end=end) == days
    if days:
        assert calendar.is_working_day(end)


# --------------------------------------------------------------------------------------------------
# Census days
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (2025, {"autumn": D(2025, 10, 2), "spring": D(2026, 1, 15), "summer": D(2026, 5, 21)}),
        (2024, {"autumn": D(2024, 10, 3), "spring": D(2025, 1, 16), "summer": D(2025, 5, 15)}),
        (2026, {"autumn": D(2026, 10, 1), "spring": D(2027, 1, 21), "summer": D(2027, 5, 20)}),
        (2027, {"autumn": D(2027, 10, 7), "spring": D(2028, 1, 20), "summer": D(2028, 5, 18)}),
    ],
)
def test_census_dates_by_rule(start, expected):
    assert calendar.census_dates(academic_year_start=start) == expected


def test_census_date_override(settings):
    settings.CENSUS_DATE_OVERRIDES = {"2025-26": {"summer": "2026-05-14"}}
    assert calendar.census_dates(academic_year_start=2025) == {
        "autumn": D(2025, 10, 2),
        "spring": D(2026, 1, 15),
        "summer": D(2026, 5, 14),
    }
    # Other years keep the rule.
    assert calendar.census_dates(academic_year_start=2026)["summer"] == D(2027, 5, 20)


@pytest.mark.parametrize(
    "overrides",
    [
        {"2025-26": {"winter": "2026-02-12"}},
        {"2025-26": {"summer": "14 May 2026"}},
    ],
)
def test_a_malformed_census_override_is_a_configuration_error(settings, overrides):
    settings.CENSUS_DATE_OVERRIDES = overrides
    with pytest.raises(ImproperlyConfigured, match="2025-26"):
        calendar.census_dates(academic_year_start=2025)


# --------------------------------------------------------------------------------------------------
# The default pattern of term dates
# --------------------------------------------------------------------------------------------------

SEASONS_IN_ORDER = [
    ("autumn", 1),
    ("autumn", 2),
    ("spring", 1),
    ("spring", 2),
    ("summer", 1),
    ("summer", 2),
]


@pytest.mark.parametrize("start", range(2020, 2036))
def test_default_term_pattern_is_well_formed(start):
    pattern = calendar.default_term_pattern(academic_year_start=start)

    assert [(season, half) for season, half, _, _ in pattern] == SEASONS_IN_ORDER
    assert pattern[0][2] >= D(start, 9, 1)
    assert pattern[-1][3] <= D(start + 1, 8, 31)
    for _, _, starts_on, ends_on in pattern:
        assert starts_on <= ends_on
        assert calendar.is_working_day(starts_on)
        assert calendar.is_working_day(ends_on)
        assert (ends_on - starts_on).days >= 4 * 7 - 3  # at least about four weeks
    for (_, _, _, previous_end), (_, _, next_start, _) in zip(pattern, pattern[1:], strict=False):
        assert previous_end < next_start
        assert (next_start - previous_end).days >= 10  # at least a week's holiday between
    # Spring 1 never starts on New Year's Day; the Easter and Christmas holidays hold their days.
    spring_1, spring_2, summer_1 = pattern[2], pattern[3], pattern[4]
    easter = calendar.easter_sunday(start + 1)
    assert spring_1[2] > D(start + 1, 1, 1)
    assert spring_2[3] < easter - timedelta(days=2)
    assert summer_1[2] > easter + timedelta(days=1)
    assert pattern[1][3] < D(start, 12, 25)


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (
            2025,
            [
                ("autumn", 1, D(2025, 9, 2), D(2025, 10, 24)),
                ("autumn", 2, D(2025, 11, 3), D(2025, 12, 19)),
                ("spring", 1, D(2026, 1, 5), D(2026, 2, 13)),
                ("spring", 2, D(2026, 2, 23), D(2026, 3, 27)),
                ("summer", 1, D(2026, 4, 13), D(2026, 5, 22)),
                ("summer", 2, D(2026, 6, 1), D(2026, 7, 22)),
            ],
        ),
        (
            2026,
            [
                ("autumn", 1, D(2026, 9, 2), D(2026, 10, 23)),
                ("autumn", 2, D(2026, 11, 2), D(2026, 12, 18)),
                ("spring", 1, D(2027, 1, 4), D(2027, 2, 12)),
                ("spring", 2, D(2027, 2, 22), D(2027, 3, 19)),
                ("summer", 1, D(2027, 4, 5), D(2027, 5, 28)),
                ("summer", 2, D(2027, 6, 7), D(2027, 7, 22)),
            ],
        ),
    ],
)
def test_default_term_pattern_exact_years(start, expected):
    assert calendar.default_term_pattern(academic_year_start=start) == expected


@pytest.mark.parametrize(
    ("start", "index", "field", "expected"),
    [
        (2022, 0, "starts_on", D(2022, 9, 5)),  # 2 Sep a Friday: the Monday after
        (2027, 0, "starts_on", D(2027, 9, 2)),  # a Thursday
        (2028, 0, "starts_on", D(2028, 9, 4)),  # 2 Sep a Saturday
        (2024, 0, "ends_on", D(2024, 10, 18)),  # last full week of October 2024 is 21-25 Oct
        (2022, 1, "ends_on", D(2022, 12, 16)),  # Christmas on a Sunday
        (2027, 1, "ends_on", D(2027, 12, 17)),  # Christmas on a Saturday
        (2023, 1, "ends_on", D(2023, 12, 22)),  # Christmas on a Monday
        (2027, 2, "starts_on", D(2028, 1, 4)),  # Mon 3 Jan 2028 is the New Year substitute
        (2024, 2, "starts_on", D(2025, 1, 6)),  # 3 Jan 2025 a Friday: the Monday after
        (2027, 3, "ends_on", D(2028, 4, 7)),  # Easter 16 April 2028: holiday from Mon 10 April
        (2010, 4, "starts_on", D(2011, 5, 3)),  # Mon 2 May 2011 is the early May bank holiday
        (2021, 5, "starts_on", D(2022, 6, 6)),  # May half-term 2022 is the week of 30 May
        (2028, 5, "ends_on", D(2029, 7, 20)),  # 22 July 2029 is a Sunday
        (2024, 5, "ends_on", D(2025, 7, 22)),
    ],
)
def test_default_term_pattern_edge_dates(start, index, field, expected):
    _, _, starts_on, ends_on = calendar.default_term_pattern(academic_year_start=start)[index]
    assert {"starts_on": starts_on, "ends_on": ends_on}[field] == expected


@pytest.mark.django_db
def test_create_default_year(school):
    year = calendar.create_default_year(school=school, academic_year_start=2026)

    assert (year.school, year.starts_on, year.ends_on) == (school, D(2026, 9, 1), D(2027, 8, 31))
    assert year.name == calendar.school_year_name(2026)
    terms = [
        (t.school_id, t.season, t.half, t.starts_on, t.ends_on)
        for t in Term.objects.filter(academic_year=year).order_by("starts_on")
    ]
    assert terms == [
        (school.pk, *row) for row in calendar.default_term_pattern(academic_year_start=2026)
    ]


@pytest.mark.django_db
def test_create_default_year_is_idempotent_and_keeps_edits(school):
    year = calendar.create_default_year(school=school, academic_year_start=2026)
    autumn_1 = Term.objects.get(academic_year=year, season="autumn", half=1)
    autumn_1.starts_on = D(2026, 9, 3)  # the SENDCo copies the LA's date
    autumn_1.save()
    Term.objects.filter(academic_year=year, season="summer", half=2).delete()
    before = {t.pk: (t.starts_on, t.ends_on) for t in Term.objects.filter(academic_year=year)}

    again = calendar.create_default_year(school=school, academic_year_start=2026)

    assert again.pk == year.pk
    assert AcademicYear.objects.filter(school=school).count() == 1
    after = {t.pk: (t.starts_on, t.ends_on) for t in Term.objects.filter(academic_year=year)}
    assert {pk: after[pk] for pk in before} == before
    assert after[autumn_1.pk] == (D(2026, 9, 3), D(2026, 10, 23))
    # Only the missing half-term came back.
    assert len(after) == 6
    assert Term.objects.get(academic_year=year, season="summer", half=2).ends_on == D(2027, 7, 22)


@pytest.mark.django_db
def test_create_default_year_is_per_school(school, other_school):
    calendar.create_default_year(school=school, academic_year_start=2026)
    calendar.create_default_year(school=other_school, academic_year_start=2026)
    assert Term.objects.filter(school=school).count() == 6
    assert Term.objects.filter(school=other_school).count() == 6


# --------------------------------------------------------------------------------------------------
# School days
# --------------------------------------------------------------------------------------------------


@pytest.fixture
def year_2025(school):
    """The default 2025/26 terms: autumn 2 Sep-24 Oct, 3 Nov-19 Dec; spring 5 Jan-13 Feb,
    23 Feb-27 Mar; summer 13 Apr-22 May, 1 Jun-22 Jul 2026."""
    return calendar.create_default_year(school=school, academic_year_start=2025)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        # Across October half-term (27-31 Oct 2025).
        (D(2025, 10, 23), D(2025, 11, 4), [D(2025, 10, 23), D(2025, 10, 24), D(2025, 11, 3),
                                           D(2025, 11, 4)]),
        # A weekend only.
        (D(2025, 10, 18), D(2025, 10, 19), []),
        # Across the early May bank holiday (Mon 4 May 2026).
        (D(2026, 5, 1), D(2026, 5, 5), [D(2026, 5, 1), D(2026, 5, 5)]),
        # The first day of term and the day before it.
        (D(2025, 9, 1), D(2025, 9, 2), [D(2025, 9, 2)]),
        # The summer holiday.
        (D(2026, 7, 23), D(2026, 8, 31), []),
        # End before start.
        (D(2025, 11, 4), D(2025, 11, 3), []),
    ],
)  # fmt: skip
def test_school_days(school, year_2025, start, end, expected):
    assert calendar.school_days(school=school, start=start, end=end) == expected


@pytest.mark.django_db
def test_school_days_skip_closure_days_of_this_school_only(school, other_school, year_2025):
    ClosureDay.objects.create(school=school, on=D(2025, 11, 3), reason="INSET day")
    ClosureDay.objects.create(school=other_school, on=D(2025, 11, 4), reason="INSET day")
    calendar.create_default_year(school=other_school, academic_year_start=2025)

    assert calendar.school_days(school=school, start=D(2025, 10, 23), end=D(2025, 11, 4)) == [
        D(2025, 10, 23),
        D(2025, 10, 24),
        D(2025, 11, 4),
    ]
    assert calendar.school_days(school=other_school, start=D(2025, 10, 23), end=D(2025, 11, 4)) == [
        D(2025, 10, 23),
        D(2025, 10, 24),
        D(2025, 11, 3),
    ]


@pytest.mark.django_db
def test_school_days_ignore_another_schools_terms(school, other_school):
    calendar.create_default_year(school=other_school, academic_year_start=2025)
    assert calendar.school_days(school=school, start=D(2025, 9, 1), end=D(2026, 8, 31)) == []


@pytest.mark.django_db
def test_a_whole_default_year_has_about_190_school_days(school, year_2025):
    days = calendar.school_days(school=school, start=D(2025, 9, 1), end=D(2026, 8, 31))
    # 39 + 35 + 30 + 25 + 30 + 38 = 197 weekdays in the six half-terms, less the early May bank
    # holiday (4 May 2026): 196, or 191 once the SENDCo adds five INSET days (190 is the norm).
    assert len(days) == 196
    assert all(calendar.is_working_day(day) for day in days)
    assert D(2026, 5, 4) not in days


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (D(2025, 10, 23), D(2025, 11, 4), 3),  # 24 Oct, 3 and 4 Nov
        (D(2025, 11, 4), D(2025, 10, 23), -3),
        (D(2025, 10, 24), D(2025, 10, 24), 0),
        (D(2025, 10, 25), D(2025, 11, 3), 1),  # from a Saturday in half-term
        (D(2025, 12, 19), D(2026, 1, 5), 1),  # over the Christmas holiday
        (D(2026, 3, 27), D(2026, 4, 13), 1),  # over the Easter holiday
    ],
)
def test_school_days_between(school, year_2025, start, end, expected):
    assert calendar.school_days_between(school=school, start=start, end=end) == expected


@pytest.mark.django_db
def test_school_days_between_skips_an_inset_day(school, year_2025):
    ClosureDay.objects.create(school=school, on=D(2025, 11, 3), reason="INSET day")
    assert (
        calendar.school_days_between(school=school, start=D(2025, 10, 23), end=D(2025, 11, 4)) == 2
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (D(2025, 10, 24), 0, D(2025, 10, 24)),
        (D(2025, 10, 24), 1, D(2025, 11, 3)),  # Friday before half-term -> Monday after
        (D(2025, 10, 25), 1, D(2025, 11, 3)),  # from a Saturday in half-term
        # 15 school days to pass on a file: 14 in December, then the first day of spring term.
        (D(2025, 12, 1), 15, D(2026, 1, 5)),
        (D(2026, 4, 30), 2, D(2026, 5, 5)),  # Thu -> Fri 1 May, (Mon 4 May bank holiday), Tue
        (D(2025, 8, 20), 1, D(2025, 9, 2)),  # from the summer holiday before the year
    ],
)
def test_add_school_days(school, year_2025, start, days, expected):
    assert calendar.add_school_days(school=school, start=start, days=days) == expected


@pytest.mark.django_db
def test_add_school_days_skips_an_inset_day(school, year_2025):
    ClosureDay.objects.create(school=school, on=D(2025, 11, 3), reason="INSET day")
    assert calendar.add_school_days(school=school, start=D(2025, 10, 24), days=1) == D(2025, 11, 4)


@pytest.mark.django_db
def test_add_school_days_runs_into_the_next_academic_year(school, year_2025):
    with pytest.raises(ValueError, match="calendar .*runs out 3 school day"):
        calendar.add_school_days(school=school, start=D(2026, 7, 20), days=5)

    calendar.create_default_year(school=school, academic_year_start=2026)
    # Tue 21 and Wed 22 July 2026, then Wed 2, Thu 3 and Fri 4 September 2026.
    assert calendar.add_school_days(school=school, start=D(2026, 7, 20), days=5) == D(2026, 9, 4)


@pytest.mark.django_db
def test_add_school_days_without_any_terms(school):
    with pytest.raises(ValueError, match="no terms"):
        calendar.add_school_days(school=school, start=D(2026, 7, 20), days=1)


def test_add_school_days_refuses_a_negative_count():
    with pytest.raises(ValueError, match="0 or more"):
        calendar.add_school_days(school=None, start=D(2026, 3, 5), days=-1)


@pytest.mark.django_db
@pytest.mark.parametrize("start", [D(2025, 9, 1), D(2025, 10, 20), D(2026, 3, 25)])
@pytest.mark.parametrize("days", [1, 5, 15, 60])
def test_school_days_between_undoes_add_school_days(school, year_2025, start, days):
    ClosureDay.objects.create(school=school, on=D(2025, 11, 3))
    ClosureDay.objects.create(school=school, on=D(2026, 4, 13))
    end = calendar.add_school_days(school=school, start=start, days=days)
    assert calendar.school_days_between(school=school, start=start, end=end) == days


@pytest.fixture
def busy_calendar(school):
    """Three years of terms and a dozen closure days, so a query per term or day would show."""
    for start in (2025, 2026, 2027):
        calendar.create_default_year(school=school, academic_year_start=start)
        for month, day in [(9, 2), (11, 3), (1, 5), (2, 23), (4, 13 + start % 2), (6, 1)]:
            ClosureDay.objects.get_or_create(
                school=school, on=D(start if month >= 9 else start + 1, month, day)
            )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("start", "end"),
    [
        (D(2025, 10, 23), D(2025, 11, 4)),  # two weeks
        (D(2025, 9, 1), D(2028, 8, 31)),  # three years
    ],
)
def test_school_days_between_uses_two_queries_whatever_the_range(
    school, busy_calendar, django_assert_num_queries, start, end
):
    with django_assert_num_queries(2):
        count = calendar.school_days_between(school=school, start=start, end=end)
    assert count > 0


@pytest.mark.django_db
@pytest.mark.parametrize("days", [1, 400])
def test_add_school_days_uses_two_queries_whatever_the_count(
    school, busy_calendar, django_assert_num_queries, days
):
    with django_assert_num_queries(2):
        calendar.add_school_days(school=school, start=D(2025, 9, 1), days=days)


# --------------------------------------------------------------------------------------------------
# The existing look-ups
# --------------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("on", "containing", "following"),
    [
        (D(2025, 10, 24), ("autumn", 1), ("autumn", 2)),
        (D(2025, 10, 28), None, ("autumn", 2)),  # half-term
        (D(2026, 7, 22), ("summer", 2), None),
        (D(2026, 7, 23), None, None),
    ],
)
def test_term_containing_and_next_term(school, year_2025, on, containing, following):
    term = calendar.term_containing(school=school, on=on)
    upcoming = calendar.next_term(school=school, on=on)
    assert ((term.season, term.half) if term else None) == containing
    assert ((upcoming.season, upcoming.half) if upcoming else None) == following


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("on", "shown"),
    [
        (D(2025, 9, 1), (None, ("autumn", 1))),  # before the first day of term
        (D(2025, 10, 24), (("autumn", 1), None)),  # the last day of a half-term
        (D(2025, 10, 28), (None, ("autumn", 2))),  # half-term
        (D(2025, 11, 3), (("autumn", 2), None)),  # the first day of a half-term
        (D(2026, 7, 23), (None, None)),  # after the last term set
    ],
)
def test_term_or_next_in_one_query(school, year_2025, on, shown, django_assert_num_queries):
    """The home page's line about the term: the half-term running, or in a holiday the next."""
    with django_assert_num_queries(1):
        found = calendar.term_or_next(school=school, on=on)
    assert tuple((t.season, t.half) if t else None for t in found) == shown
