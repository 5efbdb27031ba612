"""Reminders of training deadlines: the person it is about, when they have a login, and the
SENDCo as well, each once; a person without a login, the SENDCo only; never a colleague."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from sendco.models import Notification
from sendco.reminders import ESCALATED, scan_school
from training.models import Completion, Course, StaffMember

TODAY = date(2026, 11, 25)
RENEWAL = "training.renewal"


@pytest.fixture(autouse=True)
def _default_rules(settings):
    settings.REMINDER_THRESHOLDS = {}
    settings.REMINDER_ESCALATE_AFTER_DAYS = 7


def told() -> list[tuple[str, str, int]]:
    return sorted(Notification.objects.values_list("user__email", "kind", "threshold"))


def mhfa_expiring(person: StaffMember, on: date) -> Completion:
    """Youth Mental Health First Aid completed three years before `on`, so it expires on `on`."""
    course, _ = Course.objects.get_or_create(
        school=person.school, name="Youth Mental Health First Aid", expires_after_months=36
    )
    return Completion.objects.create(
        school=person.school,
        person=person,
        course=course,
        completed_on=on.replace(year=on.year - 3),
    )


def test_the_person_and_the_sendco_are_told(school, sendco, head, teacher, ta):
    mhfa_expiring(StaffMember.objects.get(user=teacher), TODAY + timedelta(days=14))
    assert scan_school(school=school, today=TODAY) == 2
    assert told() == [
        ("sendco@acorn.test", RENEWAL, 14),
        ("teacher@acorn.test", RENEWAL, 14),
    ]
    assert scan_school(school=school, today=TODAY) == 0  # once


def test_a_person_without_a_login_the_sendco_only(school, sendco, head, teacher):
    mo = StaffMember.objects.create(school=school, name="Mo Midday")
    mhfa_expiring(mo, TODAY + timedelta(days=14))
    scan_school(school=school, today=TODAY)
    assert told() == [("sendco@acorn.test", RENEWAL, 14)]
    assert Notification.objects.get().title == ("Renew Youth Mental Health First Aid")


def test_the_sendcos_own_renewal_is_told_to_them_once(school, sendco, head):
    mhfa_expiring(StaffMember.objects.get(user=sendco), TODAY + timedelta(days=14))
    scan_school(school=school, today=TODAY)
    assert told() == [("sendco@acorn.test", RENEWAL, 14)]


def test_long_overdue_the_head_is_told_too(school, sendco, head, teacher, ta):
    mhfa_expiring(StaffMember.objects.get(user=ta), TODAY - timedelta(days=10))
    scan_school(school=school, today=TODAY)
    assert told() == [
        ("head@acorn.test", RENEWAL, ESCALATED),
        ("sendco@acorn.test", RENEWAL, -1),
        ("ta@acorn.test", RENEWAL, -1),
    ]
