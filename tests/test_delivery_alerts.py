"""Delivery below plan becomes an alert for the SENDCo: section F of an EHC plan and a support
plan's sessions, counted as the plan's page counts them, on home and in reminders, told once."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from ehcp import selectors as ehcp_selectors
from ehcp.models import ProvisionItem
from plans import selectors as plan_selectors
from plans import services as plan_services
from provision.models import Attendance, Group, GroupPupil, Intervention, Session
from sendco.deadlines import deadlines_for, deadlines_for_school
from sendco.models import Notification
from sendco.reminders import scan_school
from staff import calendar as school_calendar
from staff.deadlines import Severity, capability_for
from staff.tenancy import access_for
from tests.ehcp.factories import finished_review, make_authority, make_plan
from tests.register.factories import make_pupil, put_on

TODAY = date(2026, 11, 26)  # a Thursday in the autumn term
REVIEWED = date(2026, 9, 14)  # the last annual review; section F is counted from it
LEFT = date(2026, 10, 20)  # Mina left the Lego group (a Tuesday)
SECTION_F = "ehcp.section_f_delivery"
PLAN = "provision.plan_delivery"


@pytest.fixture
def world(school, sendco, ta):
    """Lego-based therapy runs on Tuesdays and Thursdays for an hour from 8 September, every
    session logged. Mina's EHC plan gives her 2 hours a week of it: she left the group on
    20 October. Otto's gives him the same and he has been at every session."""
    school_calendar.create_default_year(school=school, academic_year_start=2026)
    authority = make_authority(school)
    group = Group.objects.create(
        school=school,
        intervention=Intervention.objects.create(school=school, name="Lego-based therapy"),
        name="Lego Y4",
        status="running",
        starts_on=date(2026, 9, 8),
        ends_on=date(2027, 3, 19),
        sessions_per_week=2,
        session_minutes=60,
        days="1,3",
    )

    def ehc_pupil(first_name, *, left_on=None):
        pupil = make_pupil(school, legal_first_name=first_name)
        put_on(pupil, "E", date(2025, 9, 1), "ASD")
        plan = make_plan(pupil, authority, issued_on=date(2025, 9, 15), by=sendco)
        finished_review(plan, held_on=REVIEWED, by=sendco)
        ProvisionItem.objects.create(
            version=plan.versions.get(),
            position=1,
            description="Lego-based therapy in a small group",
            hours_per_week=Decimal(2),
            group=group,
        )
        GroupPupil.objects.create(
            school=school, group=group, pupil=pupil, joined_on=group.starts_on, left_on=left_on
        )
        return plan

    return {
        "school": school,
        "group": group,
        "ehc": ehc_pupil,
        "mina": ehc_pupil("Mina", left_on=LEFT),
        "otto": ehc_pupil("Otto"),
        "ta": ta,
    }


def log_sessions(world, *, until=TODAY, absent=()):
    """Every Tuesday and Thursday school day of the group up to `until`, each member there
    unless their first name is in `absent` (then away on alternate sessions)."""
    group, school = world["group"], world["school"]
    places = list(GroupPupil.objects.filter(group=group).select_related("pupil"))
    days = school_calendar.school_days(school=school, start=group.starts_on, end=until)
    for n, on in enumerate(d for d in days if d.weekday() in (1, 3)):
        session = Session.objects.create(school=school, group=group, on=on, logged_by=world["ta"])
        for place in places:
            if place.joined_on <= on and (place.left_on is None or on <= place.left_on):
                away = place.pupil.legal_first_name in absent and n % 2
                Attendance.objects.create(
                    school=school, session=session, pupil=place.pupil, present=not away
                )


def alerts(found, kind=SECTION_F):
    return {d.subject.split()[0]: d for d in found if d.kind == kind}


def test_a_pupil_who_left_their_section_f_group_is_an_alert_for_the_sendco(world, sendco):
    log_sessions(world)
    found = alerts(deadlines_for(access=access_for(sendco, world["school"]), today=TODAY))
    assert set(found) == {"Mina"}  # Otto, at every session, is on track
    alert = found["Mina"]
    page = ehcp_selectors.plan_page(school=world["school"], plan=world["mina"], today=TODAY)
    (row,) = page.delivery
    assert row.below_plan
    assert alert.title == (f"Section F: {row.percent}% of planned hours delivered (Lego Y4)")
    # 10 school weeks from 14 September to 26 November (half-term out) at 2 hours: 20 hours
    # planned; the 11 sessions to 20 October attended: 11 hours.
    assert (row.hours_planned, row.hours_delivered, row.percent) == (
        Decimal("20.0"),
        Decimal("11.0"),
        55,
    )
    assert alert.owner_id is None  # the SENDCo's
    assert alert.url == reverse("ehcp:plan", args=["acorn", world["mina"].pupil.public_id])
    assert alert.authority == "Anyshire County Council"
    # Due on the Monday of the week it fell below 80%, weeks ago: overdue, and the same date the
    # next day, so the reminder is not sent again.
    assert alert.due.weekday() == 0
    assert LEFT < alert.due < TODAY - timedelta(weeks=2)
    assert alert.severity == Severity.OVERDUE
    tomorrow = alerts(deadlines_for_school(school=world["school"], today=TODAY + timedelta(1)))
    assert tomorrow["Mina"].due == alert.due


def test_the_first_weeks_do_not_alarm(world, sendco):
    """Two weeks after the review only 4 sessions have been planned (the minimum is 6): no alert
    yet, even for a pupil who has missed them."""
    early = date(2026, 9, 25)
    log_sessions(world, until=early, absent=("Otto",))
    found = deadlines_for(access=access_for(sendco, world["school"]), today=early)
    assert alerts(found) == {}


def test_the_threshold_is_a_setting(world, sendco, settings):
    log_sessions(world)
    settings.UNDER_DELIVERY_PERCENT = 50  # Mina's 55% is no longer below plan
    assert alerts(deadlines_for(access=access_for(sendco, world["school"]), today=TODAY)) == {}
    page = ehcp_selectors.plan_page(school=world["school"], plan=world["mina"], today=TODAY)
    assert not page.delivery[0].below_plan  # the page's flag reads the same setting


@pytest.mark.parametrize(("role", "shown"), [("sendco", True), ("head", False), ("teacher", False)])
def test_only_those_who_arrange_provision_see_the_alert(world, request, role, shown):
    log_sessions(world)
    person = request.getfixturevalue(role)
    found = deadlines_for(access=access_for(person, world["school"]), today=TODAY)
    assert bool(alerts(found)) is shown
    assert capability_for(SECTION_F) is not None
    assert capability_for(PLAN) is not None


# --------------------------------------------------------------------------------------------------
# Support plans: the sessions of the target's groups the pupil attended since the plan was agreed
# --------------------------------------------------------------------------------------------------


def support_plan(world, sendco, first_name):
    school = world["school"]
    pupil = make_pupil(school, legal_first_name=first_name)
    put_on(pupil, "K", date(2025, 9, 1), "SLCN")
    GroupPupil.objects.create(
        school=school, group=world["group"], pupil=pupil, joined_on=world["group"].starts_on
    )
    access = access_for(sendco, school)
    plan = plan_services.plan_start(access=access, pupil=pupil, today=REVIEWED)
    cycle = plan.cycles.get()
    target = plan_services.target_save(access=access, cycle=cycle, description="Take turns")
    target.groups.set([world["group"]])
    plan_services.cycle_update(
        access=access, cycle=cycle, agreed_on=REVIEWED, review_due=date(2026, 12, 18)
    )
    for _ in ("to plan", "to do"):
        cycle = plan_services.cycle_advance(access=access, cycle=cycle, today=REVIEWED)
    return plan


def test_a_support_plan_attended_below_plan_is_an_alert(world, sendco):
    pia = support_plan(world, sendco, "Pia")
    support_plan(world, sendco, "Ravi")
    log_sessions(world, absent=("Pia",))
    found = alerts(
        deadlines_for(access=access_for(sendco, world["school"]), today=TODAY), kind=PLAN
    )
    assert set(found) == {"Pia"}  # Ravi, at every session, is on track
    page = plan_selectors.plan_page(plan=pia, today=TODAY)
    (delivery,) = next(iter(page.current.delivery.values()))
    percent = round(100 * delivery.attended / delivery.planned)
    assert percent < 80
    assert found["Pia"].title == (
        f"Support plan: {delivery.attended} of {delivery.planned} planned sessions attended "
        f"({percent}%, Lego Y4)"
    )
    assert found["Pia"].url == reverse("plans:plan", args=["acorn", pia.pupil.public_id])
    assert found["Pia"].owner_id is None


# --------------------------------------------------------------------------------------------------
# Reminders and query counts
# --------------------------------------------------------------------------------------------------


def test_the_sendco_is_told_once_however_many_mornings_it_lasts(world, sendco, head, settings):
    settings.REMINDER_THRESHOLDS = {}
    log_sessions(world, until=TODAY + timedelta(days=14))
    for day in range(14):
        scan_school(school=world["school"], today=TODAY + timedelta(days=day))
    told = list(Notification.objects.filter(kind=SECTION_F).values_list("user__email", "title"))
    assert len(told) == 1
    assert told[0][0] == sendco.email
    assert "Mina" not in told[0][1]  # a notification never names the pupil


@pytest.mark.parametrize("behind", [1, 6])
def test_alerts_in_constant_queries(world, sendco, behind, django_assert_num_queries):
    for n in range(behind - 1):
        GroupPupil.objects.filter(pupil=world["ehc"](f"Kid{n}").pupil).update(left_on=LEFT)
    support_plan(world, sendco, "Pia")
    log_sessions(world, absent=("Pia",))
    access = access_for(sendco, world["school"])
    # Every provider's reads, the calendar once, and for the alerts: section F's items, the
    # support plans' groups, and for each the pupils' places, sessions and registers; the
    # Pupil Premium statement and the count that decides whether one is owed; the looked-after
    # children (none); the staff's training (the people, their records); the SEN information
    # report's review dates; the referrals to outside agencies to chase; Early Help (none open).
    with django_assert_num_queries(28):
        found = deadlines_for(access=access, today=TODAY)
    assert len(alerts(found)) == behind
    assert len(alerts(found, kind=PLAN)) == 1


def test_the_calendar_counts_open_days_as_school_days_does(school):
    """The alerts count weeks and sessions over `SchoolCalendar.open_days`, the plan's page over
    `school_days`: the same days, across a year, an INSET day and a year with no terms."""
    from staff.calendar import SchoolCalendar
    from staff.models import ClosureDay

    school_calendar.create_default_year(school=school, academic_year_start=2026)
    ClosureDay.objects.create(school=school, on=date(2026, 11, 27))
    start, end = date(2026, 8, 1), date(2027, 10, 1)
    assert SchoolCalendar.load(school=school).open_days(start=start, end=end) == (
        school_calendar.school_days(school=school, start=start, end=end)
    )
