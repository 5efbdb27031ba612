"""A class teacher may open an intervention group that holds a pupil of their class, but sees
only their own pupils in it: not the names, scores or attendance of the other pupils, nor
counts that would let them work those out. Whoever runs the group (and the SENDCo) sees all."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from provision.models import Attendance, Group, GroupPupil, Intervention, Session
from staff import calendar as school_calendar
from staff.models import AuditEvent
from tests.register.factories import class_of, make_pupil

pytestmark = pytest.mark.django_db


@pytest.fixture
def group(school, ta, teacher):
    """Talk Boost, run by the TA: Mina (Tom Teacher's class, entry 11) with Zebedee and
    Quentin (another class, entry 37 and 42). Two sessions: Mina came to both, the others to
    one each."""
    start = school_calendar.academic_year_start_for(timezone.localdate())
    year = school_calendar.create_default_year(school=school, academic_year_start=start)
    group = Group.objects.create(
        school=school,
        intervention=Intervention.objects.create(school=school, name="Talk Boost"),
        name="Talk Boost Y3",
        status="running",
        starts_on=year.starts_on,
        ends_on=year.ends_on,
        sessions_per_week=3,
        session_minutes=30,
    )
    group.staff.add(ta)
    mina = make_pupil(school, legal_first_name="Mina", legal_last_name="Khan")
    others = [
        make_pupil(school, legal_first_name="Zebedee", legal_last_name="Orchard"),
        make_pupil(school, legal_first_name="Quentin", legal_last_name="Yarrow"),
    ]
    class_of(school, "3T", teachers=[teacher], pupils=[mina], year=year)
    for pupil, entry in [(mina, 11), *zip(others, [37, 42], strict=True)]:
        GroupPupil.objects.create(
            school=school, group=group, pupil=pupil, joined_on=year.starts_on, entry_score=entry
        )
    for n, other in enumerate(others):
        session = Session.objects.create(
            school=school, group=group, on=year.starts_on + timezone.timedelta(days=n), logged_by=ta
        )
        Attendance.objects.create(school=school, session=session, pupil=mina, present=True)
        for pupil in others:
            Attendance.objects.create(
                school=school, session=session, pupil=pupil, present=pupil == other
            )
    return group


def page(client, person, school, group) -> str:
    client.force_login(person)
    response = client.get(reverse("provision:group", args=[school.slug, group.public_id]))
    assert response.status_code == 200
    return response.content.decode()


def test_a_teacher_who_does_not_run_the_group_sees_only_their_pupil(client, school, teacher, group):
    html = page(client, teacher, school, group)
    assert "Mina Khan" in html
    assert "2 of 2" in html  # Mina's attendance
    for leak in ("Zebedee", "Orchard", "Quentin", "Yarrow", "37.00", "42.00"):
        assert leak not in html, leak
    assert "and 2 other pupils" in html
    # Each session's attendance counts Mina alone: "1 of 1", never "2 of 3".
    assert "of 3" not in html
    [event] = AuditEvent.objects.filter(action="provision.group_viewed")
    assert event.detail == {"pupils": [str(GroupPupil.objects.get(entry_score=11).pupil.public_id)]}


@pytest.mark.parametrize("who", ["ta", "sendco"])
def test_who_runs_the_group_and_the_sendco_see_every_pupil(client, school, group, who, request):
    html = page(client, request.getfixturevalue(who), school, group)
    for name in ("Mina Khan", "Zebedee Orchard", "Quentin Yarrow", "37.00", "42.00"):
        assert name in html
    assert "other pupils" not in html
    assert "2 of 3" in html
