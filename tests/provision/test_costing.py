"""costed_groups: the one place where a group's cost and delivery are worked out."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from provision.costing import costed_groups, with_costing_data
from provision.models import Attendance, Group, GroupPupil, Intervention, Session, StaffRate
from staff import calendar as school_calendar
from staff.models import ClosureDay
from tests.register.factories import make_pupil


@pytest.fixture
def autumn_group(school, ta):
    school_calendar.create_default_year(school=school, academic_year_start=2026)
    ta_rate = StaffRate.objects.create(school=school, name="TA level 3", hourly_cost=D("18"))
    talk = Intervention.objects.create(
        school=school,
        name="Talk Boost",
        default_rate=ta_rate,
        resource_cost_one_off=D("40"),
        resource_cost_per_pupil=D("5"),
    )
    # Autumn 2 of 2026/27 by the default pattern: Mon 2 Nov to Fri 18 Dec, 7 weeks.
    group = Group.objects.create(
        school=school,
        intervention=talk,
        name="Talk Boost Y3",
        status="running",
        starts_on=date(2026, 11, 2),
        ends_on=date(2026, 12, 18),
        sessions_per_week=3,
        session_minutes=30,
        days="0,2,4",
    )
    group.staff.add(ta)
    for _ in range(6):
        GroupPupil.objects.create(
            school=school, group=group, pupil=make_pupil(school), joined_on=date(2026, 11, 2)
        )
    return group


def test_cost_follows_the_calendar_and_the_rate(school, ta, autumn_group):
    ClosureDay.objects.create(school=school, on=date(2026, 11, 27))  # a Friday INSET day
    session = Session.objects.create(
        school=school, group=autumn_group, on=date(2026, 11, 2), logged_by=ta
    )
    for i, place in enumerate(autumn_group.places.all()):
        Attendance.objects.create(school=school, session=session, pupil=place.pupil, present=i >= 2)
    [costed] = costed_groups(
        school=school,
        on=date(2026, 11, 4),
        groups=with_costing_data(Group.objects.filter(pk=autumn_group.pk)),
    )
    assert costed.planned_sessions == 20  # 7 weeks x Mon, Wed, Fri, less the INSET Friday
    assert costed.planned_to_date == 2  # Mon 2 and Wed 4 November
    assert costed.sessions_run == 1
    assert costed.attendance_rate == D("66.7")
    # 20 x 30 min x £18 = £180, + £40 + 6 x £5 = £250, shared by 6
    assert costed.cost == D("250.00")
    assert costed.cost_per_pupil == D("41.67")
    assert costed.hours_per_week == D("1.50")


@pytest.mark.parametrize("groups", [1, 15])
def test_costing_queries_do_not_grow(school, ta, autumn_group, groups, django_assert_num_queries):
    for i in range(groups - 1):
        extra = Group.objects.create(
            school=school,
            intervention=autumn_group.intervention,
            name=f"Extra {i}",
            starts_on=autumn_group.starts_on,
            ends_on=autumn_group.ends_on,
            sessions_per_week=2,
            session_minutes=20,
        )
        extra.staff.add(ta)
    with django_assert_num_queries(5):
        result = costed_groups(
            school=school,
            on=date(2026, 11, 25),
            groups=with_costing_data(Group.objects.filter(school=school)),
        )
    assert len(result) == groups
