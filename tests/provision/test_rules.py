"""Tables of cases for the provision map's cost and impact rules."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal as D

import pytest

from provision.rules import (
    absent_without_reason,
    attendance_marks,
    group_cost,
    hours_per_week,
    impact,
    improvement,
    may_correct_session,
    met_target,
    planned_sessions,
    rate,
    sessions_delivered,
    share,
)


def weekdays_between(start: date, end: date, *, skip=()) -> list[date]:
    days, d = [], start
    while d <= end:
        if d.weekday() < 5 and d not in skip:
            days.append(d)
        d += timedelta(days=1)
    return days


AUTUMN_2 = weekdays_between(date(2026, 11, 2), date(2026, 12, 18))  # 7 weeks, 35 days


@pytest.mark.parametrize(
    ("days", "weekdays", "per_week", "expected"),
    [
        (AUTUMN_2, [0, 2, 4], 3, 21),  # Mon, Wed, Fri for 7 weeks
        (AUTUMN_2, [], 3, 21),  # 3 a week, no set days
        (AUTUMN_2, [], 5, 35),
        (AUTUMN_2, [], 7, 35),  # never more than the open days of a week
        ([d for d in AUTUMN_2 if d != date(2026, 11, 27)], [4], 1, 6),  # INSET on a Friday
        (weekdays_between(date(2026, 12, 17), date(2026, 12, 18)), [], 3, 2),  # a short week
        ([], [0], 1, 0),  # no open days (a holiday)
    ],
)
def test_planned_sessions(days, weekdays, per_week, expected):
    assert planned_sessions(open_days=days, weekdays=weekdays, sessions_per_week=per_week) == (
        expected
    )


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        # 21 sessions x 30 min x £18/h = £189, + £40 books, + £5 x 6 pupils
        (
            {
                "sessions": 21,
                "session_minutes": 30,
                "hourly_cost": D("18"),
                "staff_count": 1,
                "pupils": 6,
                "resource_one_off": D("40"),
                "resource_per_pupil": D("5"),
            },
            D("259.00"),
        ),
        # two members of staff double the staff cost
        (
            {
                "sessions": 10,
                "session_minutes": 45,
                "hourly_cost": D("20.50"),
                "staff_count": 2,
                "pupils": 4,
            },
            D("307.50"),
        ),
        # no rate recorded: resources only
        (
            {
                "sessions": 10,
                "session_minutes": 45,
                "hourly_cost": None,
                "staff_count": 1,
                "pupils": 4,
                "resource_one_off": D("12.5"),
            },
            D("12.50"),
        ),
        # an empty group still costs its staff time
        (
            {
                "sessions": 3,
                "session_minutes": 20,
                "hourly_cost": D("15"),
                "staff_count": 1,
                "pupils": 0,
            },
            D("15.00"),
        ),
        # rounding to the penny: 7 x 25 min x £17.33 = £50.5458...
        (
            {
                "sessions": 7,
                "session_minutes": 25,
                "hourly_cost": D("17.33"),
                "staff_count": 1,
                "pupils": 3,
            },
            D("50.55"),
        ),
    ],
)
def test_group_cost(kwargs, expected):
    assert group_cost(**kwargs) == expected


@pytest.mark.parametrize(
    ("cost", "pupils", "expected"),
    [(D("259"), 6, D("43.17")), (D("100"), 3, D("33.33")), (D("100"), 0, None)],
)
def test_share_between_pupils(cost, pupils, expected):
    assert share(cost, pupils) == expected


def test_hours_per_week():
    assert hours_per_week(sessions_per_week=3, session_minutes=20) == D("1.00")
    assert hours_per_week(sessions_per_week=5, session_minutes=25) == D("2.08")


@pytest.mark.parametrize(
    ("entry", "exit", "higher", "change", "target", "met"),
    [
        (D("85"), D("92"), True, D("7"), D("90"), True),  # standardised score up, target met
        (D("85"), D("88"), True, D("3"), D("90"), False),
        (D("18"), D("12"), False, D("6"), D("14"), True),  # SDQ down is better
        (D("18"), D("20"), False, D("-2"), D("14"), False),
        (D("85"), None, True, None, D("90"), None),  # no exit measure yet
        (None, D("90"), True, None, None, None),  # joined late, no entry measure
    ],
)
def test_improvement_and_target(entry, exit, higher, change, target, met):
    assert improvement(entry=entry, exit=exit, higher_is_better=higher) == change
    assert met_target(exit=exit, target=target, higher_is_better=higher) is met


def test_impact_of_a_group_with_missing_measures():
    places = [
        (D("80"), D("85"), D("88")),  # +8, met
        (D("90"), D("95"), D("93")),  # +3, not met
        (D("70"), D("75"), None),  # no exit yet
        (None, None, None),  # joined late
    ]
    result = impact(places=places, higher_is_better=True, cost=D("400"))
    assert result.pupils == 4
    assert result.with_measures == 2
    assert result.average_improvement == D("5.50")
    assert result.met_target == 1
    assert result.met_target_rate == D("50.0")
    assert result.cost_per_pupil == D("100.00")
    assert result.cost_per_pupil_meeting_target == D("400.00")


def test_impact_of_an_empty_group():
    result = impact(places=[], higher_is_better=True, cost=D("90"))
    assert (result.pupils, result.average_improvement, result.met_target_rate) == (0, None, None)
    assert result.cost_per_pupil is None


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [(5, 6, D("83.3")), (0, 4, D("0.0")), (3, 0, None), (2, 3, D("66.7"))],
)
def test_rate(part, whole, expected):
    assert rate(part, whole) == expected


TODAY = date(2026, 11, 25)


@pytest.mark.parametrize(
    ("author", "logged_on", "user", "sendco", "allowed"),
    [
        (1, TODAY, 1, False, True),
        (1, TODAY - timedelta(days=7), 1, False, True),  # the 7th day still counts
        (1, TODAY - timedelta(days=8), 1, False, False),
        (1, TODAY, 2, False, False),  # someone else's log
        (1, TODAY - timedelta(days=30), 2, True, True),  # the SENDCo, always
    ],
)
def test_who_may_correct_a_session(author, logged_on, user, sendco, allowed):
    assert (
        may_correct_session(
            logged_by_id=author, logged_on=logged_on, user_id=user, is_sendco=sendco, today=TODAY
        )
        is allowed
    )


# Logging a session: a reason marks a pupil absent; absent without a reason is refused.
MARK_CASES = [
    # (present ids, reasons) -> marks of pupils 1, 2, 3; pupils absent without a reason
    pytest.param({1, 2, 3}, {}, {1: (True, ""), 2: (True, ""), 3: (True, "")}, [], id="all-came"),
    pytest.param(
        {1, 2, 3},
        {2: "absent", 3: "refused"},
        {1: (True, ""), 2: (False, "absent"), 3: (False, "refused")},
        [],
        id="a-reason-marks-absent-even-left-switched-on",
    ),
    pytest.param(
        {1, 3},
        {2: "class"},
        {1: (True, ""), 2: (False, "class"), 3: (True, "")},
        [],
        id="switched-off-and-a-reason",
    ),
    pytest.param(
        {1},
        {2: "other"},
        {1: (True, ""), 2: (False, "other"), 3: (False, "")},
        [3],
        id="switched-off-without-a-reason-is-never-other",
    ),
    pytest.param(set(), {}, {1: (False, ""), 2: (False, ""), 3: (False, "")}, [1, 2, 3], id="none"),
]


@pytest.mark.parametrize(("present", "reasons", "marks", "missing"), MARK_CASES)
def test_attendance_marks(present, reasons, marks, missing):
    found = attendance_marks(pupil_ids=[1, 2, 3], present=present, reasons=reasons)
    assert found == marks
    assert absent_without_reason(found) == missing


# Sessions delivered: each week's sessions run, up to that week's plan, over the plan's days.
MON = date(2026, 11, 2)
WEEK = [MON + timedelta(days=n) for n in range(5)]  # Monday 2 to Friday 6 November 2026
NEXT = [d + timedelta(days=7) for d in WEEK]
DELIVERED_CASES = [
    pytest.param(WEEK + NEXT, [], 3, WEEK[:3] + NEXT[:3], 6, id="three-a-week-all-run"),
    pytest.param(WEEK + NEXT, [], 3, WEEK[:4], 3, id="a-fourth-in-a-week-of-three-is-extra"),
    pytest.param(
        WEEK, [], 3, WEEK[:3] + [MON + timedelta(days=5)], 3, id="a-saturday-is-extra-when-full"
    ),
    pytest.param(WEEK, [], 3, [MON + timedelta(days=5)], 1, id="a-saturday-makes-up-a-session"),
    pytest.param(WEEK[:3], [], 3, WEEK[:3] + NEXT[:1], 3, id="after-the-window-is-not-counted"),
    pytest.param(WEEK, [0, 2, 4], 3, [WEEK[1], WEEK[2], WEEK[4]], 3, id="a-moved-session-counts"),
    pytest.param(
        WEEK[1:], [0, 2, 4], 3, WEEK[:1] + WEEK[1:2] + WEEK[2:3], 2, id="up-to-the-weeks-plan"
    ),
]


@pytest.mark.parametrize(("open_days", "weekdays", "per_week", "run_on", "count"), DELIVERED_CASES)
def test_sessions_delivered(open_days, weekdays, per_week, run_on, count):
    found = sessions_delivered(
        run_on=run_on, open_days=open_days, weekdays=weekdays, sessions_per_week=per_week
    )
    assert found == count
    assert found <= planned_sessions(
        open_days=open_days, weekdays=weekdays, sessions_per_week=per_week
    )
