"""Reads of EHC plans (`ehcp/selectors.py`): the review clock of a plan (`review_line`) with the
dates of DOMAIN.md 2.3-2.5 written out by hand, the tracker's scoping, order and query count, and
section F hours planned against hours delivered from the session logs."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from ehcp import rules
from ehcp.models import EhcPlan, PlanVersion, ProvisionItem
from ehcp.selectors import review_line, review_page, section_f, tracker, with_review_data
from provision.models import Attendance, Group, GroupPupil, Intervention, Session
from staff import calendar as school_calendar
from staff.tenancy import access_for
from tests.ehcp.factories import finished_review, make_authority, make_plan, make_review
from tests.factories import member
from tests.register.factories import class_of, make_pupil


def line_of(plan: EhcPlan, today: date):
    return review_line(with_review_data(EhcPlan.objects.filter(pk=plan.pk)).get(), today=today)


@pytest.fixture
def authority(school):
    return make_authority(school)


@pytest.fixture
def plan_for(school, sendco, authority):
    """A plan issued on `issued_on` for a new pupil, with finished reviews held on `held`."""

    def build(issued_on, *, held=(), year_group="3", born=date(2017, 5, 1), la=None, **pupil):
        child = make_pupil(
            school, year_group=year_group, date_of_birth=born, legal_last_name="Khan", **pupil
        )
        plan = make_plan(child, la or authority, issued_on=issued_on, by=sendco)
        for day in held:
            finished_review(plan, held_on=day, by=sendco)
        return plan

    return build


# --------------------------------------------------------------------------------------------------
# The window: 12 months from the issue, then from the last meeting held (DOMAIN 2.3)
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("issued_on", "held", "today", "anchor", "due_by", "latest"),
    [
        pytest.param(
            date(2026, 3, 10),
            (),
            date(2026, 10, 1),
            date(2026, 3, 10),
            date(2027, 3, 10),
            date(2027, 2, 10),  # the LA decides within 4 weeks, inside the window
            id="first-review-from-the-issue",
        ),
        pytest.param(
            date(2025, 1, 15),
            (date(2025, 12, 3),),
            date(2026, 10, 1),
            date(2025, 12, 3),
            date(2026, 12, 3),
            date(2026, 11, 5),
            id="then-from-the-meeting-held",
        ),
        pytest.param(
            date(2024, 1, 15),
            (date(2024, 12, 3), date(2025, 11, 19)),
            date(2026, 1, 10),
            date(2025, 11, 19),
            date(2026, 11, 19),
            date(2026, 10, 22),
            id="the-last-of-several-meetings",
        ),
        pytest.param(
            date(2024, 2, 29),
            (),
            date(2024, 10, 1),
            date(2024, 2, 29),
            date(2025, 2, 28),  # no 29 February in 2025
            date(2025, 1, 31),
            id="issued-on-a-leap-day",
        ),
        pytest.param(
            date(2023, 3, 29),
            (),
            date(2023, 10, 1),
            date(2023, 3, 29),
            date(2024, 3, 29),
            date(2024, 3, 1),  # 4 weeks back across 29 February 2024
            id="latest-meeting-across-a-leap-february",
        ),
        pytest.param(
            date(2027, 1, 11),
            (date(2028, 2, 29),),
            date(2028, 6, 1),
            date(2028, 2, 29),
            date(2029, 2, 28),
            date(2029, 1, 31),
            id="meeting-held-on-a-leap-day",
        ),
    ],
)
def test_the_review_window(plan_for, issued_on, held, today, anchor, due_by, latest):
    line = line_of(plan_for(issued_on, held=held), today)
    assert (line.anchor, line.due_by, line.latest_meeting) == (anchor, due_by, latest)
    assert line.transfer is None
    assert [(s.key, s.label, s.due) for s in line.steps] == [
        ("meeting_due", "Schedule the annual review", latest)
    ]


def test_a_review_under_way_keeps_the_window_it_was_scheduled_in(plan_for, sendco):
    plan = plan_for(date(2026, 1, 12))
    make_review(
        plan,
        meeting_on=date(2026, 12, 9),
        by=sendco,
        invitations_sent_on=date(2026, 11, 18),
        held_on=date(2026, 12, 9),
        recommendation="maintain",
        report_sent_on=date(2026, 12, 16),
    )
    line = line_of(plan, date(2026, 12, 20))
    assert (line.anchor, line.due_by) == (date(2026, 1, 12), date(2027, 1, 12))
    assert line.review is not None
    assert line.next_step.key == rules.DECIDED


# --------------------------------------------------------------------------------------------------
# Phase transfer (DOMAIN 2.5): the amended plan by 15 February (31 March from Year 11)
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year_group", "issued_on", "la", "deadline", "latest"),
    [
        # Year 6 in autumn: 12 weeks (4 to decide + 8 to amend) before 15 February 2027.
        ("6", date(2026, 3, 10), {}, date(2027, 2, 15), date(2026, 11, 23)),
        ("N2", date(2026, 3, 10), {}, date(2027, 2, 15), date(2026, 11, 23)),
        # Year 11: 12 weeks before 31 March 2027.
        ("11", date(2026, 3, 10), {}, date(2027, 3, 31), date(2027, 1, 6)),
        # The 12-month window closes first: 4 weeks before 1 November 2026.
        ("6", date(2025, 11, 1), {}, date(2027, 2, 15), date(2026, 10, 4)),
        # An LA that issues amended plans within 6 weeks: 10 weeks before 15 February.
        ("6", date(2026, 3, 10), {"amended_plan_weeks": 6}, date(2027, 2, 15), date(2026, 12, 7)),
        # No transfer this year: the 12-month window alone.
        ("3", date(2026, 3, 10), {}, None, date(2027, 2, 10)),
        ("10", date(2026, 3, 10), {}, None, date(2027, 2, 10)),
    ],
)
def test_the_latest_meeting_before_a_phase_transfer(
    school, plan_for, year_group, issued_on, la, deadline, latest
):
    authority = make_authority(school, name="Transfer LA", **la)
    line = line_of(plan_for(issued_on, year_group=year_group, la=authority), date(2026, 10, 1))
    assert (line.transfer and line.transfer.deadline, line.latest_meeting) == (deadline, latest)


def test_after_the_transfer_review_the_next_review_is_a_year_on(plan_for, sendco):
    """The Year 6 review held in November dealt with the move to secondary school: the clock now
    runs 12 months from that meeting, not to the transfer deadline that has been met."""
    plan = plan_for(date(2026, 3, 10), year_group="6")
    finished_review(plan, held_on=date(2026, 11, 18), by=sendco, decision="maintain")
    line = line_of(plan, date(2027, 2, 1))
    assert line.transfer is None
    assert (line.due_by, line.latest_meeting) == (date(2027, 11, 18), date(2027, 10, 21))
    assert not line.overdue(date(2027, 2, 1))


# --------------------------------------------------------------------------------------------------
# Under-fives (Code 9.178): every 3 to 6 months, as the LA sets
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("born", "months", "due_by", "latest"),
    [
        (date(2022, 6, 1), 3, date(2026, 12, 15), date(2026, 11, 17)),
        (date(2022, 6, 1), 6, date(2027, 3, 15), date(2027, 2, 15)),
        # Five the day after the anchor, so five by the under-5 review (15 December): 12 months.
        (date(2021, 9, 16), 3, date(2027, 9, 15), date(2027, 8, 18)),
        # Five the day after the under-5 review date: still four on it, so 3 months.
        (date(2021, 12, 16), 3, date(2026, 12, 15), date(2026, 11, 17)),
        # Five on the anchor: the 12-month window.
        (date(2021, 9, 15), 3, date(2027, 9, 15), date(2027, 8, 18)),
    ],
)
def test_under_fives_are_reviewed_more_often(school, plan_for, born, months, due_by, latest):
    authority = make_authority(school, name=f"Every {months} months", under_five_months=months)
    plan = plan_for(date(2026, 9, 15), year_group="R", born=born, la=authority)
    line = line_of(plan, date(2026, 10, 1))
    assert (line.due_by, line.latest_meeting) == (due_by, latest)


# --------------------------------------------------------------------------------------------------
# The steps of a review under way, from the LA's lead times
# --------------------------------------------------------------------------------------------------

MEETING = date(2026, 12, 9)


@pytest.mark.parametrize(
    ("la", "expected"),
    [
        (
            {},
            [
                (rules.ADVICE_REQUESTED, date(2026, 10, 28)),  # 6 weeks before
                (rules.INVITED, date(2026, 11, 25)),  # 2 weeks' notice
                (rules.CIRCULATED, date(2026, 11, 25)),  # 2 weeks before
                (rules.HELD, MEETING),
                (rules.REPORTED, date(2026, 12, 23)),  # within 2 weeks
                (rules.DECIDED, date(2027, 1, 6)),  # within 4 weeks
            ],
        ),
        (
            {"advice_request_weeks": 8, "invitation_weeks": 6, "report_days": 10},
            [
                (rules.ADVICE_REQUESTED, date(2026, 10, 14)),
                (rules.INVITED, date(2026, 10, 28)),
                (rules.CIRCULATED, date(2026, 11, 25)),
                (rules.HELD, MEETING),
                (rules.REPORTED, date(2026, 12, 19)),  # this LA asks for 10 days
                (rules.DECIDED, date(2027, 1, 6)),
            ],
        ),
    ],
)
def test_the_steps_of_a_review_in_order_with_the_las_lead_times(
    school, plan_for, sendco, la, expected
):
    authority = make_authority(school, name="Lead times", **la)
    plan = plan_for(date(2026, 1, 12), la=authority)
    make_review(plan, meeting_on=MEETING, by=sendco)
    line = line_of(plan, date(2026, 10, 1))
    assert [(s.key, s.due) for s in line.steps] == expected
    assert [s.label for s in line.steps] == [
        "Request advice",
        "Send the invitations",
        "Circulate the advice",
        "Hold the review meeting",
        "Send the report to the LA",
        "LA decision due",
    ]
    assert not any(s.done for s in line.steps)


def test_after_the_meeting_the_clock_runs_from_the_day_it_was_held(school, plan_for, sendco):
    authority = make_authority(school, name="Ten days", report_days=10)
    plan = plan_for(date(2026, 1, 12), la=authority)
    make_review(
        plan,
        meeting_on=MEETING,
        by=sendco,
        invitations_sent_on=date(2026, 11, 18),
        held_on=date(2026, 12, 11),
        recommendation="amend",
        report_sent_on=date(2026, 12, 18),
        la_decision="amend",
        la_decision_on=date(2027, 1, 4),
    )
    line = line_of(plan, date(2027, 1, 10))
    due = {s.key: (s.due, s.done_on) for s in line.steps}
    assert due[rules.HELD] == (MEETING, date(2026, 12, 11))
    assert due[rules.REPORTED] == (date(2026, 12, 21), date(2026, 12, 18))
    assert due[rules.DECIDED] == (date(2027, 1, 8), date(2027, 1, 4))
    # A decision to amend: the final amended plan within 8 weeks of the LA's notice.
    assert due[rules.AMENDED] == (date(2027, 3, 1), None)
    assert line.next_step.key == rules.AMENDED


def test_the_next_step_and_whether_it_is_overdue(school, plan_for, sendco):
    authority = make_authority(school, name="Early", advice_request_weeks=8, invitation_weeks=6)
    plan = plan_for(date(2026, 1, 12), la=authority)
    review = make_review(plan, meeting_on=MEETING, by=sendco)
    line = line_of(plan, date(2026, 10, 30))
    assert (line.next_step.key, line.next_step.due) == (rules.ADVICE_REQUESTED, date(2026, 10, 14))
    assert line.overdue(date(2026, 10, 30))
    assert not line.overdue(date(2026, 10, 14))  # due today is not overdue yet

    review.advice.create(school=school, contributor="ep", requested_on=date(2026, 10, 12))
    review.invitations_sent_on = date(2026, 10, 28)
    review.save()
    line = line_of(plan, date(2026, 10, 30))
    assert [s.key for s in line.outstanding] == [
        rules.CIRCULATED,
        rules.HELD,
        rules.REPORTED,
        rules.DECIDED,
    ]
    assert (line.next_step.key, line.next_step.due) == (rules.CIRCULATED, date(2026, 11, 25))
    assert not line.overdue(date(2026, 10, 30))


# --------------------------------------------------------------------------------------------------
# Warnings of a review under way
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year_group", "meeting_on", "invited_on", "warnings"),
    [
        ("3", MEETING, date(2026, 11, 18), []),
        (
            "3",
            date(2027, 1, 20),
            None,
            ["The meeting is after 12/01/2027, the end of the 12-month window."],
        ),
        (
            "3",
            MEETING,
            date(2026, 11, 30),
            [
                "Invitations went out on 30/11/2026, less than 2 weeks before the meeting on "
                "09/12/2026: the law asks for at least 2 weeks' notice."
            ],
        ),
        ("6", date(2026, 11, 23), None, []),
        (
            "6",
            date(2026, 12, 2),
            None,
            [
                "Phase transfer (from primary to secondary school): the amended plan must be "
                "issued by 15/02/2027; hold the meeting by 23/11/2026."
            ],
        ),
    ],
)
def test_warnings_of_a_review_under_way(
    plan_for, sendco, year_group, meeting_on, invited_on, warnings
):
    plan = plan_for(date(2026, 1, 12), year_group=year_group)
    make_review(plan, meeting_on=meeting_on, by=sendco, invitations_sent_on=invited_on)
    assert line_of(plan, date(2026, 12, 1)).warnings == warnings


# --------------------------------------------------------------------------------------------------
# The tracker
# --------------------------------------------------------------------------------------------------

TODAY = date(2026, 11, 25)


@pytest.fixture
def year(school):
    return school_calendar.create_default_year(school=school, academic_year_start=2026)


@pytest.fixture
def caseload(school, other_school, sendco, teacher, year, plan_for):
    """Mina (in the teacher's class): a review whose invitations are overdue; Otto: a review to
    schedule by 2 December; Ada: one to schedule in 2027 (another LA); Cal: a ceased plan; and a
    plan of another school."""
    mina = plan_for(date(2026, 1, 12), legal_first_name="Mina")
    make_review(mina, meeting_on=date(2026, 12, 2), by=sendco)
    otto = plan_for(date(2026, 1, 1), legal_first_name="Otto")
    ada = plan_for(
        date(2026, 6, 1), legal_first_name="Ada", la=make_authority(school, name="Westshire")
    )
    cal = plan_for(date(2026, 2, 1), legal_first_name="Cal")
    EhcPlan.objects.filter(pk=cal.pk).update(status="ceased", ended_on=date(2026, 10, 1))
    theirs = make_pupil(other_school, legal_first_name="Olly")
    make_plan(theirs, make_authority(other_school), issued_on=date(2026, 1, 12), by=sendco)
    class_of(school, "3T", teachers=[teacher], pupils=[mina.pupil], year=year)
    return {"mina": mina, "otto": otto, "ada": ada}


def names(lines) -> list[str]:
    return [line.pupil.legal_first_name for line in lines]


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("sendco", ["Mina", "Otto", "Ada"]),
        ("head", ["Mina", "Otto", "Ada"]),
        ("teacher", ["Mina"]),
        ("governor", []),
    ],
)
def test_the_tracker_shows_the_plans_each_role_may_see_overdue_first(
    school, caseload, role, expected, request
):
    person = request.getfixturevalue(role)
    lines = tracker(access=access_for(person, school), today=TODAY)
    assert names(lines) == expected


def test_the_tracker_orders_by_overdue_then_next_date(school, sendco, caseload):
    lines = tracker(access=access_for(sendco, school), today=TODAY)
    assert [(line.next_step.key, line.next_step.due, line.overdue(TODAY)) for line in lines] == [
        (rules.ADVICE_REQUESTED, date(2026, 10, 21), True),  # Mina: 6 weeks before 2 December
        ("meeting_due", date(2026, 12, 4), False),  # Otto: 4 weeks before 1 January 2027
        ("meeting_due", date(2027, 5, 4), False),  # Ada: 4 weeks before 1 June 2027
    ]


def test_the_tracker_filters_by_authority(school, sendco, caseload):
    westshire = caseload["ada"].authority
    lines = tracker(access=access_for(sendco, school), today=TODAY, authority_id=westshire.pk)
    assert names(lines) == ["Ada"]


def test_another_schools_sendco_never_sees_our_plans(other_school, caseload):
    theirs = member(other_school, "sendco", email="sendco@beech.test")
    assert names(tracker(access=access_for(theirs, other_school), today=TODAY)) == ["Olly"]


@pytest.mark.parametrize("plans", [2, 12])
def test_the_tracker_reads_in_constant_queries(
    school, sendco, year, plan_for, plans, django_assert_num_queries
):
    for n in range(plans):
        plan = plan_for(date(2025, 1, 13), legal_first_name=f"P{n}")
        finished_review(plan, held_on=date(2026, 1, 5), by=sendco)
        review = make_review(plan, meeting_on=date(2026, 12, 9), by=sendco)
        review.advice.create(school=school, contributor="ep", requested_on=date(2026, 10, 28))
        PlanVersion.objects.create(
            plan=plan, number=2, kind="amended", issued_on=date(2026, 3, 1), created_by=sendco
        )
    access = access_for(sendco, school)
    with django_assert_num_queries(3):
        lines = tracker(access=access, today=TODAY)
    assert len(lines) == plans
    assert all(line.next_step.key == rules.INVITED for line in lines)


# --------------------------------------------------------------------------------------------------
# Section F: hours planned against hours delivered
# --------------------------------------------------------------------------------------------------

# 5 October to 13 November 2026: six calendar weeks, one of them October half-term (26-30
# October by the default pattern), so five school weeks.
START, END = date(2026, 10, 5), date(2026, 11, 13)


@pytest.fixture
def delivery(school, sendco, ta, year, plan_for):
    """Talk Boost runs on Tuesdays and Thursdays for 45 minutes. Mina has been in it since
    September; Otto joined on 19 October."""
    group = Group.objects.create(
        school=school,
        intervention=Intervention.objects.create(school=school, name="Talk Boost"),
        name="Talk Boost Y3",
        status="running",
        starts_on=date(2026, 9, 7),
        ends_on=date(2027, 3, 19),
        sessions_per_week=2,
        session_minutes=45,
        days="1,3",
    )
    mina = plan_for(date(2026, 1, 12), legal_first_name="Mina")
    otto = plan_for(date(2026, 1, 12), legal_first_name="Otto")
    GroupPupil.objects.create(
        school=school, group=group, pupil=mina.pupil, joined_on=date(2026, 9, 7)
    )
    GroupPupil.objects.create(
        school=school, group=group, pupil=otto.pupil, joined_on=date(2026, 10, 19)
    )
    register = {  # day: (Mina present, Otto present or None when not on the register)
        date(2026, 10, 1): (True, None),  # before the period
        date(2026, 10, 6): (True, None),
        date(2026, 10, 8): (True, None),
        date(2026, 10, 13): (False, None),
        date(2026, 10, 15): (True, True),  # Otto tried it out before joining
        date(2026, 10, 20): (True, True),
        date(2026, 10, 22): (False, True),
        date(2026, 11, 3): (False, True),
        date(2026, 11, 5): (True, True),
        date(2026, 11, 12): (True, False),
        date(2026, 11, 17): (True, True),  # after the period
    }
    for on, (mina_there, otto_there) in register.items():
        session = Session.objects.create(school=school, group=group, on=on, logged_by=ta)
        Attendance.objects.create(
            school=school, session=session, pupil=mina.pupil, present=mina_there
        )
        if otto_there is not None:
            Attendance.objects.create(
                school=school, session=session, pupil=otto.pupil, present=otto_there
            )
    # Tuesday 10 November did not run (marked present before it was called off).
    cancelled = Session.objects.create(
        school=school,
        group=group,
        on=date(2026, 11, 10),
        ran=False,
        not_run_reason="staff_absence",
        logged_by=ta,
    )
    Attendance.objects.create(school=school, session=cancelled, pupil=mina.pupil, present=True)
    Attendance.objects.create(school=school, session=cancelled, pupil=otto.pupil, present=True)

    def items(plan, hours):
        version = plan.versions.get()
        ProvisionItem.objects.create(
            version=version, position=1, description="Talk Boost", hours_per_week=hours, group=group
        )
        ProvisionItem.objects.create(
            version=version, position=2, description="Visual timetable", hours_per_week=1
        )
        return version

    return {
        "mina": (items(mina, Decimal("2.5")), mina.pupil),
        "otto": (items(otto, Decimal("2")), otto.pupil),
    }


def rows_of(found):
    return [
        (
            row.item.description,
            row.weeks,
            row.hours_planned,
            row.hours_delivered,
            row.sessions_planned,
            row.sessions_run,
            row.sessions_attended,
            row.percent,
        )
        for row in found
    ]


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        (
            "mina",
            [
                # 2.5 h x 5 school weeks; 6 sessions attended x 45 minutes = 4.5 h
                ("Talk Boost", 5, Decimal("12.5"), Decimal("4.5"), 10, 9, 6, 36),
                ("Visual timetable", 5, Decimal("5.0"), None, 0, 0, 0, None),
            ],
        ),
        (
            "otto",
            [
                # Since 19 October: 6 sessions planned, 5 run, 4 attended = 3 h of 2 h x 5 weeks
                ("Talk Boost", 5, Decimal("10.0"), Decimal("3.0"), 6, 5, 4, 30),
                ("Visual timetable", 5, Decimal("5.0"), None, 0, 0, 0, None),
            ],
        ),
    ],
)
def test_section_f_hours_planned_against_delivered(delivery, who, expected):
    version, pupil = delivery[who]
    assert rows_of(section_f(version=version, pupil=pupil, start=START, end=END)) == expected


def test_review_page_measures_delivery_since_the_last_meeting(delivery, sendco):
    version, pupil = delivery["mina"]
    plan = version.plan
    finished_review(plan, held_on=START, by=sendco)
    review = make_review(plan, meeting_on=date(2026, 12, 9), by=sendco)
    page = review_page(review=review, today=END)
    assert page.period == (START, END)
    assert rows_of(page.delivery)[0] == (
        "Talk Boost",
        5,
        Decimal("12.5"),
        Decimal("4.5"),
        10,
        9,
        6,
        36,
    )
