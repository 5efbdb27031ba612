"""The PEP provider (`lac.deadlines.deadlines`): which looked-after pupils' next PEPs it yields,
by their LA's settings, and in the same number of queries however many pupils there are."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import IntegrityError, transaction

from lac import deadlines as lac_deadlines
from lac.models import FixedPepDate, LacContact, Pep, VirtualSchool
from register.models import LookedAfterPeriod, Pupil
from staff import calendar as school_calendar
from staff.calendar import SchoolCalendar
from staff.deadlines import Severity
from tests.register.factories import make_pupil

TODAY = date(2026, 12, 1)  # autumn 2026: 2 September to 18 December, first half to 23 October
UNTIL = TODAY + timedelta(weeks=8)


@pytest.fixture
def years(school):
    for start in (2025, 2026):
        school_calendar.create_default_year(school=school, academic_year_start=start)


def looked_after(school, starts_on, *, la="Anyshire", ends_on=None, **fields):
    pupil = make_pupil(school, **fields)
    LookedAfterPeriod.objects.create(
        school=school, pupil=pupil, starts_on=starts_on, ends_on=ends_on, responsible_la=la
    )
    return pupil


def pep(pupil, held_on, kind=Pep.Kind.TERMLY):
    return Pep.objects.create(school=pupil.school, pupil=pupil, kind=kind, held_on=held_on)


def found(school, today=TODAY, until=UNTIL):
    rows = lac_deadlines.deadlines(
        school=school, pupils=Pupil.objects.for_school(school), today=today, until=until
    )
    return sorted((d.subject.split()[0], d.title, d.due, d.severity) for d in rows)


def test_each_looked_after_pupils_next_pep(school, years):
    looked_after(school, date(2026, 11, 23), legal_first_name="Ada")
    looked_after(school, date(2024, 1, 8), legal_first_name="Ben")  # no PEP recorded: overdue
    cal = looked_after(school, date(2024, 1, 8), legal_first_name="Cal")
    pep(cal, date(2026, 5, 10))
    dee = looked_after(school, date(2024, 1, 8), legal_first_name="Dee")
    pep(dee, date(2026, 10, 1))  # autumn's held: spring's is due 19 March, beyond the horizon
    assert found(school) == [
        ("Ada", "Initial PEP", date(2026, 12, 7), Severity.SOON),
        ("Ben", "Initial PEP", date(2024, 1, 22), Severity.OVERDUE),
        ("Cal", "Termly PEP (Autumn 2026)", date(2026, 12, 18), Severity.LATER),
    ]
    assert found(school, until=date(2027, 3, 31))[-1] == (
        "Dee",
        "Termly PEP (Spring 2027)",
        date(2027, 3, 19),
        Severity.LATER,
    )


def test_a_move_of_school(school, years):
    pupil = looked_after(
        school, date(2025, 5, 1), legal_first_name="Eve", admission_date=date(2026, 11, 23)
    )
    assert found(school) == [
        ("Eve", "PEP after the move to this school", date(2026, 12, 7), Severity.SOON)
    ]
    pep(pupil, date(2026, 12, 1), kind=Pep.Kind.MOVE)
    assert found(school, until=date(2027, 3, 31)) == [
        ("Eve", "Termly PEP (Spring 2027)", date(2027, 3, 19), Severity.LATER)
    ]


def test_the_la_responsible_today_sets_the_rules(school, years):
    """Matched by the LA's name in any case: its timing, fixed dates and working days."""
    VirtualSchool.objects.create(
        school=school, la_name="Anyshire", pep_timing=VirtualSchool.Timing.FIRST_HALF
    )
    fixed = VirtualSchool.objects.create(
        school=school,
        la_name="Otherton",
        pep_timing=VirtualSchool.Timing.FIXED,
        initial_pep_working_days=20,
    )
    FixedPepDate.objects.create(school=school, virtual_school=fixed, due_on=date(2026, 11, 27))
    ann = looked_after(school, date(2024, 1, 8), la="ANYSHIRE ", legal_first_name="Ann")
    pep(ann, date(2026, 5, 10))
    bo = looked_after(school, date(2024, 1, 8), la="Otherton", legal_first_name="Bo")
    pep(bo, date(2026, 5, 10))
    looked_after(school, date(2026, 11, 23), la="Otherton", legal_first_name="Cy")
    rows = list(
        lac_deadlines.deadlines(
            school=school, pupils=Pupil.objects.for_school(school), today=TODAY, until=UNTIL
        )
    )
    assert sorted((d.subject.split()[0], d.due, d.authority) for d in rows) == [
        ("Ann", date(2026, 10, 23), "ANYSHIRE"),  # the first half of autumn
        ("Bo", date(2026, 11, 27), "Otherton"),  # the LA's fixed date
        ("Cy", date(2026, 12, 21), "Otherton"),  # 20 working days
    ]
    assert {d.kind for d in rows} == {"lac.pep"}
    assert {d.owner_id for d in rows} == {None}


def test_a_date_in_the_holidays_keeps_its_date_and_names_the_last_school_day(school, years):
    looked_after(school, date(2026, 12, 14), legal_first_name="Flo")
    [row] = lac_deadlines.deadlines(
        school=school,
        pupils=Pupil.objects.for_school(school),
        today=date(2026, 12, 15),
        until=UNTIL,
    )
    assert (row.due, row.last_school_day) == (date(2026, 12, 30), date(2026, 12, 18))


def test_who_has_no_pep_deadline(school, other_school, years):
    looked_after(school, date(2024, 1, 8), ends_on=date(2026, 6, 30))  # previously looked after
    looked_after(school, date(2027, 1, 4))  # not yet
    looked_after(school, date(2024, 1, 8), leaving_date=date(2026, 11, 1))  # left the school
    make_pupil(school)  # never looked after
    looked_after(other_school, date(2026, 11, 23))  # another school's
    assert found(school) == []


@pytest.mark.parametrize("size", [2, 12])
def test_queries_do_not_grow_with_pupils(school, years, size, django_assert_num_queries):
    VirtualSchool.objects.create(school=school, la_name="Anyshire")
    for n in range(size):
        pupil = looked_after(school, date(2024, 1, 8), la="Anyshire" if n % 2 else "Elsewhere")
        pep(pupil, date(2026, 5, 10))
        pep(pupil, date(2026, 2, 10))
    calendar = SchoolCalendar.load(school=school)
    pupils = Pupil.objects.for_school(school)
    # the periods, the PEPs held, the virtual schools and their fixed dates, the terms, the
    # designated teachers
    with django_assert_num_queries(6):
        rows = list(
            lac_deadlines.deadlines(
                school=school, pupils=pupils, today=TODAY, until=UNTIL, calendar=calendar
            )
        )
    assert len(rows) == size


def test_one_query_when_no_pupil_is_looked_after(school, years, django_assert_num_queries):
    make_pupil(school)
    with django_assert_num_queries(1):
        assert found(school) == []


# --------------------------------------------------------------------------------------------------
# What the database holds to
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fields",
    [
        {"la_name": "anyshire"},  # one virtual school per LA name, in any case
        {"la_name": "Otherton", "initial_pep_working_days": 21},
        {"la_name": "Otherton", "move_pep_working_days": 0},
    ],
)
def test_virtual_school_constraints(school, fields):
    VirtualSchool.objects.create(school=school, la_name="Anyshire")
    with pytest.raises(IntegrityError), transaction.atomic():
        VirtualSchool.objects.create(school=school, **fields)


def test_pep_and_contact_constraints(school):
    pupil = make_pupil(school)
    pep(pupil, date(2026, 11, 2))
    with pytest.raises(IntegrityError), transaction.atomic():
        pep(pupil, date(2026, 11, 2))  # one a day
    with pytest.raises(IntegrityError), transaction.atomic():
        Pep.objects.create(
            school=school, pupil=pupil, kind="termly", held_on=date(2026, 11, 3),
            pp_plus_requested=-1,
        )  # fmt: skip
    LacContact.objects.create(school=school, pupil=pupil, social_worker_name="S. Worker")
    with pytest.raises(IntegrityError), transaction.atomic():
        LacContact.objects.create(school=school, pupil=pupil, social_worker_name="Another")
