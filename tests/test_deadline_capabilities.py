"""A person's deadlines follow what they may open, not only which pupils they see: a teaching
assistant supports Mina's class, but the EHC review steps and the monitoring review of her
concern are the SENDCo's pages (403 for a TA), so the TA's home, notifications and calendar feed
do not list them. Every deadline link on a person's home opens for them."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from register.models import Concern
from sendco import reminders
from sendco.deadlines import deadlines_for
from sendco.models import Notification
from staff import calendar as school_calendar
from staff.deadlines import capability_for
from staff.tenancy import access_for
from tests.ehcp.factories import make_authority, make_plan
from tests.register.factories import class_of, make_pupil, put_on
from tests.test_deadlines import plan_under_way

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 25)
LONDON = ZoneInfo("Europe/London")


@pytest.fixture(autouse=True)
def _on_today():
    with time_machine.travel(datetime(2026, 11, 25, 9, 0, tzinfo=LONDON), tick=False):
        yield


@pytest.fixture
def mina(school, sendco, teacher, ta):
    """In Tom's class, supported by Tara: an EHC plan whose annual review is due by 12 January,
    a support plan under way (review at the end of autumn) and a concern being monitored."""
    year = school_calendar.create_default_year(school=school, academic_year_start=2026)
    pupil = make_pupil(school, legal_first_name="Mina", legal_last_name="Khan")
    put_on(pupil, "E", date(2025, 9, 1), "SPLD")
    class_of(school, "3T", teachers=[teacher], assistants=[ta], pupils=[pupil], year=year)
    make_plan(pupil, make_authority(school), issued_on=date(2026, 1, 12), by=sendco)
    plan_under_way(access_for(sendco, school), pupil, agreed_on=date(2026, 9, 14), lead=ta)
    Concern.objects.create(
        school=school,
        pupil=pupil,
        raised_by=teacher,
        description="x",
        raised_on=date(2026, 10, 1),
        status="monitoring",
        review_on=TODAY + timedelta(days=3),
        decided_by=ta,
    )
    return pupil


def kinds(person, school):
    return {d.kind for d in deadlines_for(access=access_for(person, school), today=TODAY)}


def test_the_ta_sees_no_ehc_review_step_but_the_sendco_does(school, sendco, ta, mina):
    assert "ehcp.review.meeting_due" in kinds(sendco, school)
    assert "register.monitoring_review" in kinds(sendco, school)
    assert kinds(ta, school) == {"provision.apdr_review"}


def test_every_deadline_link_on_the_ta_home_opens_for_them(client, school, ta, mina):
    client.force_login(ta)
    page = client.get(reverse("deadlines", args=[school.slug]))
    found = [d for bundle in page.context["page"] for d in bundle.deadlines]
    assert found  # the support plan review: the home is not empty
    for deadline in found:
        assert deadline.url in page.content.decode()
        assert client.get(deadline.url).status_code == 200, deadline.kind


def test_the_ta_calendar_feed_has_no_ehc_review_step(client, school, sendco, ta, mina):
    def summaries(person):
        token = reminders.feed_create(user=person)
        response = Client().get(reverse("calendar_feed", args=[token]))
        events = Calendar.from_ical(response.content).walk("VEVENT")
        return {re.sub(r"(: ref|\s\().*", "", str(e["SUMMARY"])) for e in events}

    assert any(s.startswith("Annual review") for s in summaries(sendco))
    assert summaries(ta) == {"Support plan review"}


def test_the_ta_is_not_told_of_steps_they_cannot_open(school, sendco, ta, mina):
    """Tara decided the concern, so she owns its monitoring review; but only the SENDCo can
    open it, so the SENDCo is told instead."""
    reminders.scan_school(school=school, today=TODAY)
    told_ta = set(Notification.objects.filter(user=ta).values_list("kind", flat=True))
    told_sendco = set(Notification.objects.filter(user=sendco).values_list("kind", flat=True))
    assert told_ta <= {"provision.apdr_review"}
    assert "register.monitoring_review" in told_sendco


@pytest.mark.parametrize(
    "kind",
    [
        "register.monitoring_review",
        "register.concern_decision",
        "provision.apdr_review",
        "provision.apdr_agree",
        "provision.parent_meetings",
        "provision.apdr_review.annual",
        "ehcp.review.meeting_due",
        "ehcp.assessment.decision",
        "training.renewal",
        "training.supervision",
        "training.senco_qualification",
        "premium.statement",
        "inforeport.review",
        "inforeport.send_policy",
        "inforeport.accessibility_plan",
    ],
)
def test_every_kind_of_deadline_names_the_capability_that_opens_it(kind):
    assert capability_for(kind) is not None
