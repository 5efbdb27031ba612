"""Deadlines of EHC plans through the engine (`sendco.deadlines.deadlines_for`): the next review to
schedule, each outstanding step of a review under way, the needs-assessment clock, who sees what,
and a review walked through time as the home page sees it."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from ehcp import rules, services
from ehcp.models import Advice
from sendco.deadlines import deadlines_for
from staff import calendar as school_calendar
from staff.deadlines import Severity
from staff.tenancy import access_for
from tests.ehcp.factories import finished_review, make_authority, make_plan, make_review
from tests.factories import member
from tests.register.factories import class_of, make_pupil

TODAY = date(2026, 11, 25)
ISSUED = date(2026, 1, 12)  # the 12-month window closes on 12 January 2027
MEETING = date(2026, 12, 9)
LONDON = ZoneInfo("Europe/London")


def ehcp_deadlines(access, today, weeks=8):
    found = deadlines_for(access=access, today=today, weeks=weeks)
    return [d for d in found if d.kind.startswith("ehcp.")]


def table(found):
    return [(d.kind, d.due, d.severity) for d in found]


@pytest.fixture
def year(school):
    return school_calendar.create_default_year(school=school, academic_year_start=2026)


@pytest.fixture
def access(school, sendco, year):
    return access_for(sendco, school)


@pytest.fixture
def authority(school):
    return make_authority(school)


@pytest.fixture
def pupil(school):
    return make_pupil(school, legal_first_name="Mina", legal_last_name="Khan")


@pytest.fixture
def plan(pupil, authority, sendco):
    return make_plan(pupil, authority, issued_on=ISSUED, by=sendco)


# --------------------------------------------------------------------------------------------------
# The next review to schedule
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 10, 1), []),  # 15 December is more than 8 weeks away
        (date(2026, 10, 20), [("ehcp.review.meeting_due", date(2026, 12, 15), Severity.LATER)]),
        (TODAY, [("ehcp.review.meeting_due", date(2026, 12, 15), Severity.LATER)]),
        (date(2026, 12, 1), [("ehcp.review.meeting_due", date(2026, 12, 15), Severity.SOON)]),
        (date(2026, 12, 15), [("ehcp.review.meeting_due", date(2026, 12, 15), Severity.DUE)]),
        (date(2027, 1, 4), [("ehcp.review.meeting_due", date(2026, 12, 15), Severity.OVERDUE)]),
    ],
)
def test_a_plan_without_a_review_asks_for_one_by_the_latest_meeting(
    access, plan, pupil, school, today, expected
):
    found = ehcp_deadlines(access, today)
    assert table(found) == expected
    for deadline in found:
        assert deadline.title == "Annual review: schedule the annual review"
        assert (deadline.subject, deadline.subject_id) == ("Mina Khan", str(pupil.public_id))
        assert deadline.url == reverse("ehcp:plan", args=[school.slug, pupil.public_id])


def test_a_phase_transfer_brings_the_meeting_forward(access, plan, pupil):
    pupil.year_group = "6"
    pupil.save()
    found = ehcp_deadlines(access, date(2026, 10, 1))
    # 12 weeks before 15 February 2027, not 4 weeks before 12 January 2027.
    assert [(d.title, d.due) for d in found] == [
        ("Annual review: schedule the annual review (phase transfer)", date(2026, 11, 23))
    ]


def test_an_ended_plan_has_no_deadlines(access, plan):
    services.plan_end(access=access, plan=plan, status="ceased", on=TODAY, today=TODAY)
    assert ehcp_deadlines(access, date(2027, 1, 4)) == []


# --------------------------------------------------------------------------------------------------
# A review under way: each outstanding step
# --------------------------------------------------------------------------------------------------


def test_a_review_under_way_yields_each_outstanding_step(access, plan, school, sendco):
    review = make_review(plan, meeting_on=MEETING, by=sendco)
    found = ehcp_deadlines(access, TODAY)
    assert table(found) == [
        ("ehcp.review.advice_requested", date(2026, 10, 28), Severity.OVERDUE),
        ("ehcp.review.invited", TODAY, Severity.DUE),
        ("ehcp.review.circulated", TODAY, Severity.DUE),
        ("ehcp.review.held", MEETING, Severity.SOON),
        ("ehcp.review.reported", date(2026, 12, 23), Severity.LATER),
        ("ehcp.review.decided", date(2027, 1, 6), Severity.LATER),
    ]
    assert [d.title for d in found] == [
        "Annual review: request advice",
        "Annual review: send the invitations",
        "Annual review: circulate the advice",
        "Annual review: hold the review meeting",
        "Annual review: send the report to the LA",
        "Annual review: LA decision due",
    ]
    assert {d.url for d in found} == {reverse("ehcp:review", args=[school.slug, review.public_id])}

    services.advice_request(
        access=access, review=review, contributor="ep", requested_on=TODAY, today=TODAY
    )
    services.review_step(access=access, review=review, step=rules.INVITED, on=TODAY, today=TODAY)
    assert [d.kind for d in ehcp_deadlines(access, TODAY)] == [
        "ehcp.review.circulated",
        "ehcp.review.held",
        "ehcp.review.reported",
        "ehcp.review.decided",
    ]


def test_steps_missed_before_the_meeting_do_not_stay_overdue_after_it(access, plan, sendco):
    """Advice was never circulated: once the meeting is held it can no longer be, so the
    deadline list moves on to the report rather than nagging for ever."""
    make_review(
        plan,
        meeting_on=MEETING,
        by=sendco,
        invitations_sent_on=date(2026, 11, 18),
        held_on=MEETING,
        recommendation="amend",
    )
    assert table(ehcp_deadlines(access, date(2026, 12, 10))) == [
        ("ehcp.review.reported", date(2026, 12, 23), Severity.SOON),
        ("ehcp.review.decided", date(2027, 1, 6), Severity.LATER),
    ]


def test_a_decision_to_amend_adds_the_final_amended_plan(access, plan, sendco):
    make_review(
        plan,
        meeting_on=MEETING,
        by=sendco,
        invitations_sent_on=date(2026, 11, 18),
        advice_circulated_on=date(2026, 11, 25),
        held_on=MEETING,
        recommendation="amend",
        report_sent_on=date(2026, 12, 16),
        la_decision="amend",
        la_decision_on=date(2027, 1, 4),
    )
    assert table(ehcp_deadlines(access, date(2027, 1, 10))) == [
        # the parents' 15 days on the proposed amendments: 4 to 18 January, both counted
        ("ehcp.review.parents_comment", date(2027, 1, 18), Severity.SOON),
        ("ehcp.review.amended", date(2027, 3, 1), Severity.LATER),  # 8 weeks after the notice
    ]
    # Once the parents' period has ended it is not a deadline (never the school's overdue task).
    assert table(ehcp_deadlines(access, date(2027, 1, 19))) == [
        ("ehcp.review.amended", date(2027, 3, 1), Severity.LATER),
    ]


def test_a_finished_review_leaves_only_the_next_reviews_clock(access, plan, sendco):
    finished_review(plan, held_on=date(2026, 11, 4), by=sendco)  # decided on 25 November
    assert ehcp_deadlines(access, date(2026, 11, 26)) == []
    # A year on: the next meeting by 7 October 2027 (4 weeks before 4 November).
    assert table(ehcp_deadlines(access, date(2026, 11, 26), weeks=52)) == [
        ("ehcp.review.meeting_due", date(2027, 10, 7), Severity.LATER)
    ]


# --------------------------------------------------------------------------------------------------
# Needs-assessment requests (DOMAIN 2.1): 6 weeks to decide, 6 for advice, 20 for the plan
# --------------------------------------------------------------------------------------------------

RECEIVED = date(2026, 9, 14)


def test_the_needs_assessment_clock_as_the_la_answers(access, pupil, authority, school):
    request = services.request_save(
        access=access,
        today=RECEIVED,
        pupil=pupil,
        authority=authority,
        requested_by="school",
        received_on=RECEIVED,
    )
    found = ehcp_deadlines(access, date(2026, 10, 1))
    assert table(found) == [
        ("ehcp.assessment.decision", date(2026, 10, 26), Severity.LATER),  # 6 weeks
    ]
    assert found[0].title == "Needs assessment: LA decision due"
    assert found[0].url == reverse("ehcp:request", args=[school.slug, request.public_id])
    assert table(ehcp_deadlines(access, date(2026, 10, 27))) == [
        ("ehcp.assessment.decision", date(2026, 10, 26), Severity.OVERDUE),
    ]

    # The LA asks the school for advice on 20 October and decides to assess the same day.
    services.request_save(
        access=access,
        today=date(2026, 10, 20),
        request=request,
        advice_requested_on=date(2026, 10, 20),
        decision="assess",
        decision_on=date(2026, 10, 20),
    )
    assert table(ehcp_deadlines(access, date(2026, 11, 25))) == [
        ("ehcp.assessment.advice", date(2026, 12, 1), Severity.SOON),  # 6 weeks after asked
        # No draft plan yet: the 16-week notice that no plan will be issued is owed (reg. 10).
        ("ehcp.assessment.no_plan_notice", date(2027, 1, 4), Severity.LATER),
    ]
    assert table(ehcp_deadlines(access, date(2026, 12, 10))) == [
        ("ehcp.assessment.advice", date(2026, 12, 1), Severity.OVERDUE),
        ("ehcp.assessment.no_plan_notice", date(2027, 1, 4), Severity.LATER),  # 16 weeks
        ("ehcp.assessment.final_plan", date(2027, 2, 1), Severity.LATER),  # 20 weeks
    ]

    # The school sends its advice; the draft plan reaches parents on 10 December: the notice is
    # no longer owed, and parents' 15 days run to 24 December.
    services.request_save(
        access=access,
        today=date(2026, 12, 10),
        request=request,
        advice_sent_on=date(2026, 12, 10),
        draft_sent_on=date(2026, 12, 10),
    )
    assert table(ehcp_deadlines(access, date(2026, 12, 10))) == [
        ("ehcp.assessment.parents_draft", date(2026, 12, 24), Severity.SOON),
        ("ehcp.assessment.final_plan", date(2027, 2, 1), Severity.LATER),
    ]

    services.request_save(
        access=access,
        today=date(2027, 1, 25),
        request=request,
        outcome="plan",
        outcome_on=date(2027, 1, 25),
    )
    assert ehcp_deadlines(access, date(2027, 1, 25)) == []


def test_a_refusal_to_assess_ends_the_clock(access, pupil, authority):
    """Advice the LA asked for before refusing is no longer owed either (as on the request's
    page: both read rules.assessment_steps)."""
    services.request_save(
        access=access,
        today=TODAY,
        pupil=pupil,
        authority=authority,
        requested_by="parent",
        received_on=RECEIVED,
        advice_requested_on=RECEIVED + timedelta(days=7),
        decision="refused",
        decision_on=date(2026, 10, 22),
    )
    assert ehcp_deadlines(access, TODAY) == []


# --------------------------------------------------------------------------------------------------
# A review walked through time, as the home page sees it (timezone.localdate)
# --------------------------------------------------------------------------------------------------


def noon(day: date):
    return time_machine.travel(
        datetime(day.year, day.month, day.day, 12, tzinfo=LONDON), tick=False
    )


def overdue_now(access):
    today = timezone.localdate()
    return [d.kind for d in ehcp_deadlines(access, today) if d.severity == Severity.OVERDUE]


def test_a_review_walked_through_time(client, access, plan, sendco, school):
    with noon(date(2026, 10, 14)):  # 8 weeks before the meeting
        review = services.review_schedule(
            access=access, plan=plan, meeting_on=MEETING, today=timezone.localdate()
        )
        assert overdue_now(access) == []

    with noon(date(2026, 10, 20)):
        services.advice_request(
            access=access,
            review=review,
            contributor=Advice.Contributor.EP,
            requested_on=timezone.localdate(),
            today=timezone.localdate(),
        )

    with noon(date(2026, 11, 26)):  # the day after the invitations were due
        assert "ehcp.review.invited" in overdue_now(access)
        services.review_step(
            access=access,
            review=review,
            step=rules.INVITED,
            on=timezone.localdate(),
            today=timezone.localdate(),
        )
        services.review_step(
            access=access,
            review=review,
            step=rules.CIRCULATED,
            on=timezone.localdate(),
            today=timezone.localdate(),
        )
        assert overdue_now(access) == []

    with noon(MEETING):
        services.review_step(
            access=access,
            review=review,
            step=rules.HELD,
            on=timezone.localdate(),
            today=timezone.localdate(),
            recommendation=rules.MAINTAIN,
        )
        assert overdue_now(access) == []

    with noon(date(2026, 12, 23)):  # 14 days after the meeting: due today, not overdue
        assert overdue_now(access) == []

    with noon(date(2026, 12, 24)):  # 15 days after, and still no report
        assert overdue_now(access) == ["ehcp.review.reported"]
        client.force_login(sendco)
        home = client.get(reverse("school_home", args=[school.slug])).content.decode()
        assert "Annual review: send the report to the LA" in home
        url = reverse("deadlines", args=[school.slug])
        page = client.get(url, {"by": "kind"}).content.decode()
        assert "Mina Khan: Annual review: send the report to the LA" in page

    with noon(date(2027, 1, 4)):
        services.review_step(
            access=access,
            review=review,
            step=rules.REPORTED,
            on=timezone.localdate(),
            today=timezone.localdate(),
        )
        assert [d.kind for d in ehcp_deadlines(access, timezone.localdate())] == [
            "ehcp.review.decided"
        ]


# --------------------------------------------------------------------------------------------------
# Who sees which deadlines
# --------------------------------------------------------------------------------------------------


@pytest.fixture
def two_plans(school, other_school, sendco, teacher, year, authority):
    """Mina is in the teacher's class, Otto is not; Olly is at another school."""
    mina = make_pupil(school, legal_first_name="Mina")
    otto = make_pupil(school, legal_first_name="Otto")
    class_of(school, "3T", teachers=[teacher], pupils=[mina], year=year)
    for child in (mina, otto):
        make_plan(child, authority, issued_on=ISSUED, by=sendco)
    olly = make_pupil(other_school, legal_first_name="Olly")
    make_plan(olly, make_authority(other_school), issued_on=ISSUED, by=sendco)


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("sendco", ["Mina", "Otto"]),
        ("head", ["Mina", "Otto"]),
        ("teacher", ["Mina"]),
        ("governor", []),
    ],
)
def test_each_role_sees_the_deadlines_of_the_pupils_it_may_see(
    school, two_plans, role, expected, request
):
    person = request.getfixturevalue(role)
    found = ehcp_deadlines(access_for(person, school), TODAY)
    assert sorted(d.subject.split()[0] for d in found) == expected


def test_another_school_never_sees_our_deadlines(other_school, two_plans):
    theirs = member(other_school, "sendco", email="sendco@beech.test")
    found = ehcp_deadlines(access_for(theirs, other_school), TODAY)
    assert [d.subject.split()[0] for d in found] == ["Olly"]


@pytest.mark.parametrize("plans", [2, 12])
def test_deadlines_in_constant_queries(
    school, sendco, year, authority, plans, django_assert_num_queries
):
    for n in range(plans):
        child = make_pupil(school, legal_first_name=f"P{n}")
        plan = make_plan(child, authority, issued_on=ISSUED, by=sendco)
        review = make_review(plan, meeting_on=MEETING, by=sendco)
        review.advice.create(school=school, contributor="ep", requested_on=date(2026, 10, 28))
        services.request_save(
            access=access_for(sendco, school),
            today=TODAY,
            pupil=make_pupil(school),
            authority=authority,
            requested_by="school",
            received_on=date(2026, 10, 20),
            advice_requested_on=date(2026, 11, 2),
        )
    access = access_for(sendco, school)
    # 5 for EHC plans, 1 for consultations, 2 for the calendar, 1 for section F items linked to a
    # group (none here, so no delivery is read), 2 for the Pupil Premium statement, 1 for the
    # looked-after children (none here), 2 for the staff's training (the people, their records),
    # 1 for the SEN information report's review dates, 1 for the referrals to outside agencies,
    # 1 for Early Help (none open here)
    with django_assert_num_queries(21):
        found = ehcp_deadlines(access, TODAY)
    assert len(found) == plans * (5 + 2)


def test_a_request_with_an_exemption_has_no_deadlines(school, sendco):
    """Reg. 10: where the time limits do not apply (recorded as an exemption), no clock runs."""
    from datetime import timedelta

    from django.utils import timezone

    from ehcp.models import AssessmentRequest
    from sendco.deadlines import deadlines_for
    from staff.tenancy import access_for
    from tests.ehcp.factories import make_authority
    from tests.register.factories import make_pupil, put_on

    today = timezone.localdate()
    pupil = make_pupil(school)
    put_on(pupil, "K", today - timedelta(days=300), "SPLD")
    request = AssessmentRequest.objects.create(
        school=school,
        pupil=pupil,
        authority=make_authority(school),
        requested_by="school",
        received_on=today - timedelta(weeks=8),
        created_by=sendco,
    )
    access = access_for(sendco, school)
    kinds = {d.kind for d in deadlines_for(access=access, today=today)}
    assert "ehcp.assessment.decision" in kinds
    request.exemption = "The school was closed for five weeks when advice was requested."
    request.save()
    kinds = {d.kind for d in deadlines_for(access=access, today=today)}
    assert not any(k.startswith("ehcp.assessment") for k in kinds)
