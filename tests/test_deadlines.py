"""The deadline engine: severities, the register's deadlines, scoping, and the home timeline."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from register.models import Concern
from sendco.deadlines import deadlines_for
from staff import calendar as school_calendar
from staff.deadlines import Severity, severity
from staff.tenancy import access_for
from tests.register.factories import class_of, make_pupil

TODAY = date(2026, 11, 25)


@pytest.mark.parametrize(
    ("due", "expected"),
    [
        (TODAY - timedelta(days=1), Severity.OVERDUE),
        (TODAY, Severity.DUE),
        (TODAY + timedelta(days=1), Severity.SOON),
        (TODAY + timedelta(days=14), Severity.SOON),
        (TODAY + timedelta(days=15), Severity.LATER),
    ],
)
def test_severity(due, expected):
    assert severity(due=due, today=TODAY) == expected


@pytest.fixture
def concerns(school, sendco, teacher):
    with time_machine.travel(date(2026, 11, 25)):
        year = school_calendar.create_default_year(school=school, academic_year_start=2026)
    mine = make_pupil(school, legal_first_name="Mina")
    other = make_pupil(school, legal_first_name="Otto")
    class_of(school, "3T", teachers=[teacher], pupils=[mine], year=year)

    def concern(pupil, **fields):
        return Concern.objects.create(
            school=school, pupil=pupil, raised_by=teacher, description="x", **fields
        )

    return {
        "overdue": concern(
            mine,
            raised_on=date(2026, 10, 1),
            status="monitoring",
            review_on=date(2026, 11, 20),
            decided_by=sendco,
        ),
        "soon": concern(
            other,
            raised_on=date(2026, 10, 1),
            status="monitoring",
            review_on=date(2026, 12, 3),
            decided_by=sendco,
        ),
        "too_far": concern(
            other,
            raised_on=date(2026, 10, 1),
            status="monitoring",
            review_on=date(2027, 3, 1),
            decided_by=sendco,
        ),
        "undecided": concern(other, raised_on=date(2026, 11, 20)),  # decision due 30 Nov
        "closed": concern(mine, raised_on=date(2026, 9, 1), status="closed"),
    }


def test_sendco_sees_every_deadline_overdue_first(school, sendco, concerns):
    found = deadlines_for(access=access_for(sendco, school), today=TODAY)
    assert [(d.title, d.subject.split()[0], d.severity) for d in found] == [
        ("Monitoring review", "Mina", Severity.OVERDUE),
        ("Decide on a concern", "Otto", Severity.SOON),
        ("Monitoring review", "Otto", Severity.SOON),
    ]
    assert found[0].due == date(2026, 11, 20)
    assert found[1].due == date(2026, 11, 30)


def test_a_teacher_sees_only_the_deadlines_of_their_pupils(school, teacher, concerns):
    found = deadlines_for(access=access_for(teacher, school), today=TODAY)
    assert [d.subject.split()[0] for d in found] == ["Mina"]


def test_the_timeline_moves_on_with_the_date(school, sendco, concerns):
    later = deadlines_for(access=access_for(sendco, school), today=date(2027, 1, 15))
    assert ("Monitoring review", date(2027, 3, 1)) in [(d.title, d.due) for d in later]
    assert all(d.severity == Severity.OVERDUE for d in later if d.due < date(2027, 1, 15))


@pytest.mark.parametrize("extra", [0, 40])
def test_home_timeline_shows_deadlines_in_constant_queries(
    client, school, sendco, concerns, extra, django_assert_num_queries
):
    for _ in range(extra):
        Concern.objects.create(
            school=school,
            pupil=make_pupil(school),
            raised_by=sendco,
            raised_on=timezone.localdate(),
            description="x",
        )
    client.force_login(sendco)
    url = reverse("school_home", args=[school.slug])
    client.get(url)
    with django_assert_num_queries(21):
        page = client.get(url).content.decode()
    assert "Deadlines: overdue and the next eight weeks" in page
    assert "Overdue" in page
