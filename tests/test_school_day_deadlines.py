"""Dates the school sets for itself fall on school days; statutory dates keep their legal date and,
in a holiday, name the last school day before it (staff.calendar.SchoolCalendar, the providers)."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ehcp.models import SchoolConsultation
from plans.forms import PlanSectionForm
from plans.models import Cycle
from register.models import Concern
from sendco.deadlines import deadlines_for, deadlines_for_school
from staff import calendar as school_calendar
from staff.calendar import SchoolCalendar
from staff.models import ClosureDay
from staff.tenancy import access_for
from tests.ehcp.factories import make_authority
from tests.register.factories import make_pupil, put_on

# The default pattern of 2026/27: autumn ends on Friday 18 December, spring starts on Monday
# 4 January 2027; half-term is 26 to 30 October.
AUTUMN_END = date(2026, 12, 18)
SPRING_START = date(2027, 1, 4)

# A calendar built by hand, so the rule is tested without the database: autumn 2026 in two
# halves, spring's first half, the academic year 2026/27, an INSET day on Friday 27 November.
CALENDAR = SchoolCalendar(
    terms=(
        (date(2026, 9, 2), date(2026, 10, 23)),
        (date(2026, 11, 2), AUTUMN_END),
        (SPRING_START, date(2027, 2, 12)),
    ),
    years=((date(2026, 9, 1), date(2027, 8, 31)),),
    closed=frozenset({date(2026, 11, 27)}),
)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        pytest.param(date(2026, 12, 16), date(2026, 12, 16), id="a school day stays"),
        pytest.param(date(2026, 12, 25), AUTUMN_END, id="christmas: last day of autumn"),
        pytest.param(date(2027, 1, 1), AUTUMN_END, id="new year's day: last day of autumn"),
        pytest.param(date(2026, 12, 21), AUTUMN_END, id="first monday of the holiday"),
        pytest.param(SPRING_START, SPRING_START, id="first day of spring stays"),
        pytest.param(date(2026, 11, 21), date(2026, 11, 20), id="saturday: friday"),
        pytest.param(date(2026, 11, 22), date(2026, 11, 20), id="sunday: friday"),
        pytest.param(date(2026, 11, 27), date(2026, 11, 26), id="inset day: the day before"),
        pytest.param(date(2026, 11, 29), date(2026, 11, 26), id="weekend after an inset day"),
        pytest.param(date(2026, 10, 28), date(2026, 10, 23), id="half-term: the friday before"),
        pytest.param(date(2026, 11, 2), date(2026, 11, 2), id="first day after half-term"),
        # 2027/28 has no terms entered: only weekends and bank holidays are known.
        pytest.param(date(2027, 9, 4), date(2027, 9, 3), id="unknown year: saturday to friday"),
        pytest.param(date(2027, 12, 27), date(2027, 12, 24), id="unknown year: bank holiday"),
        pytest.param(date(2027, 9, 7), date(2027, 9, 7), id="unknown year: a tuesday stays"),
    ],
)
def test_a_school_set_date_moves_to_the_last_school_day_on_or_before_it(day, expected):
    assert CALENDAR.on_or_before(day) == expected


@pytest.mark.parametrize(
    ("day", "last_school_day"),
    [
        pytest.param(date(2026, 12, 25), AUTUMN_END, id="christmas day"),
        pytest.param(date(2027, 1, 1), AUTUMN_END, id="new year's day"),
        pytest.param(date(2026, 10, 28), date(2026, 10, 23), id="half-term"),
        pytest.param(date(2026, 11, 27), date(2026, 11, 26), id="an inset day"),
        pytest.param(date(2026, 11, 21), None, id="a saturday in term: not a holiday"),
        pytest.param(date(2026, 12, 16), None, id="a school day"),
        pytest.param(date(2027, 12, 27), None, id="terms not entered: nothing said"),
    ],
)
def test_a_statutory_date_in_a_holiday_names_the_last_school_day_before_it(day, last_school_day):
    assert CALENDAR.last_school_day_if_holiday(day) == last_school_day


@pytest.mark.parametrize(
    ("day", "message"),
    [
        (date(2026, 12, 16), None),
        (
            date(2026, 12, 25),
            "Friday 25 December 2026 is not a school day: it is a bank holiday (Christmas Day). "
            "Choose a school day, such as Friday 18 December 2026 or Monday 4 January 2027.",
        ),
        (
            date(2026, 12, 23),
            "Wednesday 23 December 2026 is not a school day: it is in the school holidays. "
            "Choose a school day, such as Friday 18 December 2026 or Monday 4 January 2027.",
        ),
        (
            date(2026, 11, 21),
            "Saturday 21 November 2026 is not a school day: it is a weekend. Choose a school "
            "day, such as Friday 20 November 2026 or Monday 23 November 2026.",
        ),
        (
            date(2026, 11, 27),
            "Friday 27 November 2026 is not a school day: it is a day the school is closed. "
            "Choose a school day, such as Thursday 26 November 2026 or Monday 30 November 2026.",
        ),
    ],
)
def test_a_non_school_day_is_refused_naming_the_nearest_school_days(day, message):
    assert CALENDAR.school_day_problem(day) == message


# --------------------------------------------------------------------------------------------------
# Through the engine: the school's calendar from the database, read once
# --------------------------------------------------------------------------------------------------


@pytest.fixture
def year(school):
    found = school_calendar.create_default_year(school=school, academic_year_start=2026)
    ClosureDay.objects.create(school=school, on=date(2026, 11, 27), reason="INSET day")
    return found


def concern(school, sendco, pupil, **fields):
    return Concern.objects.create(
        school=school, pupil=pupil, raised_by=sendco, description="Finds reading hard.", **fields
    )


def test_the_engine_moves_school_dates_and_keeps_statutory_ones(school, sendco, year):
    pupil = make_pupil(school, legal_first_name="Mina")
    # Raised on Friday 11 December: a decision within 10 days is Monday 21 December, in the
    # holiday, so it is due on the last day of term.
    concern(school, sendco, pupil, raised_on=date(2026, 12, 11))
    # A monitoring review set (before the form refused it) on Saturday 21 November.
    concern(
        school,
        sendco,
        make_pupil(school, legal_first_name="Otto"),
        raised_on=date(2026, 10, 1),
        status=Concern.Status.MONITORING,
        decided_by=sendco,
        review_on=date(2026, 11, 21),
    )
    # The LA's consultation received on 11 December: the school's answer is due on Christmas Day
    # in law, and keeps that date.
    SchoolConsultation.objects.create(
        school=school,
        authority=make_authority(school),
        child_name="Zara Field",
        received_on=date(2026, 12, 11),
        created_by=sendco,
    )
    found = {
        d.kind: d
        for d in deadlines_for(access=access_for(sendco, school), today=date(2026, 11, 16))
    }
    assert found["register.concern_decision"].due == AUTUMN_END
    assert found["register.concern_decision"].last_school_day is None
    assert found["register.monitoring_review"].due == date(2026, 11, 20)
    consultation = found["ehcp.consultation"]
    assert consultation.due == date(2026, 12, 25)
    assert consultation.last_school_day == AUTUMN_END


def test_the_calendar_is_read_once_whatever_the_number_of_deadlines(school, sendco, year):
    def queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            found = deadlines_for_school(school=school, today=date(2026, 11, 16))
        return len(captured), len(found)

    def add(count):
        for n in range(count):
            raised = date(2026, 12, 1 + n % 14)
            concern(school, sendco, make_pupil(school), raised_on=raised)

    add(2)
    small, two = queries()
    add(20)
    large, many = queries()
    assert (two, many) == (2, 22)
    assert large == small


def test_a_support_plan_review_on_a_non_school_day_is_refused(school, sendco, year):
    from plans import services as plan_services

    pupil = make_pupil(school, legal_first_name="Mina")
    put_on(pupil, "K", date(2025, 9, 1), "SPLD")
    plan = plan_services.plan_start(
        access=access_for(sendco, school), pupil=pupil, today=date(2026, 11, 2)
    )
    cycle = Cycle.objects.get(plan=plan)

    def form(review_due):
        return PlanSectionForm(
            data={"strategies": "", "agreed_on": "2026-11-02", "review_due": review_due},
            instance=cycle,
        )

    refused = form("2026-12-25")
    assert not refused.is_valid()
    assert refused.errors["review_due"] == [
        "Friday 25 December 2026 is not a school day: it is a bank holiday (Christmas Day). "
        "Choose a school day, such as Friday 18 December 2026 or Monday 4 January 2027."
    ]
    assert form("2026-12-18").is_valid(), form("2026-12-18").errors


def test_the_suggested_review_date_is_a_school_day(school, year, settings):
    """Every six weeks from Monday 16 November is Monday 28 December, in the holiday: the
    suggestion is the last day of term."""
    from plans import services as plan_services

    settings.APDR_REVIEW_WEEKS = 6
    assert plan_services.review_due_for(school=school, agreed_on=date(2026, 11, 16)) == AUTUMN_END
