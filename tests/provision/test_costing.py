"""costed_groups: the one place where a group's cost and delivery are worked out."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from provision.costing import (
    BudgetLine,
    above_threshold,
    annual_cost,
    budget_line,
    costed_groups,
    notional_sen_planned,
    shown_share,
    with_costing_data,
)
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
        groups=with_costing_data(Group.objects.filter(pk=autumn_group.pk), school=school),
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
    # The groups, staff, places, sessions run (their dates) and the calendar.
    with django_assert_num_queries(6):
        result = costed_groups(
            school=school,
            on=date(2026, 11, 25),
            groups=with_costing_data(Group.objects.filter(school=school), school=school),
        )
    assert len(result) == groups


# --------------------------------------------------------------------------------------------------
# What the map and a pupil's page conclude from the costs (pure functions, a table each)
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "planned", "expected"),
    [
        (None, D("1200.00"), BudgetLine(remaining=None, over=None, used_rate=None)),
        (
            D("10000"),
            D("2500.00"),
            BudgetLine(remaining=D("7500.00"), over=None, used_rate=D("25.0")),
        ),
        (
            D("10000"),
            D("10000.00"),
            BudgetLine(remaining=D("0.00"), over=None, used_rate=D("100.0")),
        ),
        (
            D("10000"),
            D("12345.67"),
            BudgetLine(remaining=None, over=D("2345.67"), used_rate=D("123.5")),
        ),
        (D("3000"), D("1000"), BudgetLine(remaining=D("2000"), over=None, used_rate=D("33.3"))),
        (D("0"), D("0"), BudgetLine(remaining=D("0"), over=None, used_rate=None)),
        (D("0"), D("150.00"), BudgetLine(remaining=None, over=D("150.00"), used_rate=None)),
    ],
    ids=["no-budget", "quarter", "exactly", "over", "third-rounded", "zero-budget", "zero-over"],
)
def test_budget_line(amount, planned, expected):
    assert budget_line(amount=amount, planned=planned) == expected


@pytest.mark.parametrize(
    ("cost_per_pupil", "pupils", "expected"),
    [
        (D("41.67"), 2, D("83.34")),
        (D("41.67"), 0, D("0.00")),
        (D("33.333"), 3, D("100.00")),
        (None, 0, None),  # a group without pupils has no share
    ],
)
def test_shown_share(cost_per_pupil, pupils, expected):
    assert shown_share(cost_per_pupil=cost_per_pupil, pupils=pupils) == expected


@pytest.mark.parametrize(
    ("shares", "expected"),
    [
        ([], D("0.00")),
        ([None], D("0.00")),
        ([D("41.67"), D("120.00"), None], D("161.67")),
        ([D("0.005"), D("0.005")], D("0.01")),
    ],
)
def test_annual_cost(shares, expected):
    assert annual_cost(shares) == expected


@pytest.mark.parametrize(
    ("total", "threshold", "expected"),
    [
        (D("5999.99"), D("6000"), None),
        (D("6000.00"), D("6000"), None),  # at the threshold: still the school's budget
        (D("6000.01"), D("6000"), D("0.01")),
        (D("8250.00"), D("6000"), D("2250.00")),
    ],
)
def test_above_threshold(total, threshold, expected):
    assert above_threshold(total=total, threshold=threshold) == expected


def test_notional_sen_planned_counts_only_notional_sen_funded_groups(school, ta, autumn_group):
    pp = Group.objects.create(
        school=school,
        intervention=autumn_group.intervention,
        name="PP group",
        funding=Group.Funding.PUPIL_PREMIUM,
        starts_on=autumn_group.starts_on,
        ends_on=autumn_group.ends_on,
        sessions_per_week=1,
        session_minutes=30,
    )
    pp.staff.add(ta)
    costed = costed_groups(
        school=school,
        on=date(2026, 11, 4),
        groups=with_costing_data(Group.objects.all(), school=school),
    )
    assert notional_sen_planned(costed) == (D("259.00"), 1)  # 21 x £9 + £40 + 6 x £5
    assert notional_sen_planned([]) == (D("0.00"), 0)


@pytest.mark.parametrize(
    ("on", "logged", "run", "extra"),
    [
        # Planned Mon, Wed, Fri. By Wednesday 4 Nov two were planned; a Tuesday session as well
        # is one more than planned that week, not "3 of 2".
        (date(2026, 11, 4), [date(2026, 11, 2), date(2026, 11, 3), date(2026, 11, 4)], 2, 1),
        # Saturday's log (today, a closed day) makes a fourth in a week of three.
        (
            date(2026, 11, 7),
            [date(2026, 11, 2), date(2026, 11, 3), date(2026, 11, 4), date(2026, 11, 7)],
            3,
            1,
        ),
        # Monday's session moved to Tuesday still counts: the week's three were run.
        (date(2026, 11, 6), [date(2026, 11, 3), date(2026, 11, 4), date(2026, 11, 6)], 3, 0),
    ],
)
def test_sessions_run_never_pass_those_planned(school, ta, autumn_group, on, logged, run, extra):
    """The map once said "40 of 39 sessions run" after today's session was logged: sessions run
    were counted on every day ever logged, those planned on the school days of the plan. Both
    are now counted over the same weeks; what is beyond the plan is shown as extra."""
    for day in logged:
        Session.objects.create(school=school, group=autumn_group, on=day, logged_by=ta)
    Session.objects.create(
        school=school,
        group=autumn_group,
        on=date(2026, 11, 5),
        logged_by=ta,
        ran=False,
        not_run_reason="trip",
    )
    [costed] = costed_groups(
        school=school,
        on=on,
        groups=with_costing_data(Group.objects.filter(pk=autumn_group.pk), school=school),
    )
    assert (costed.sessions_run, costed.sessions_extra) == (run, extra)
    assert costed.sessions_run <= costed.planned_to_date
    assert costed.sessions_not_run == 1
