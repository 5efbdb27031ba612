"""Every page that shows a pupil writes an audit event: pages with their own action through
`staff.http.audited`, and any other page that showed a pupil (a form opened to change their
record, say) as `pupil.viewed` with the page's name, written by `school_view` itself."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from provision.models import Group, GroupPupil, Intervention
from staff import calendar as school_calendar
from staff.models import AuditEvent
from tests.register.factories import make_pupil, put_on

pytestmark = pytest.mark.django_db


@pytest.fixture
def pupil(school):
    found = make_pupil(school, legal_first_name="Ada", legal_last_name="Lovelace")
    put_on(found, "K", date(2025, 9, 1), "SLCN")
    return found


@pytest.mark.parametrize("name", ["register:status_change", "register:passport_edit"])
def test_a_form_about_a_pupil_is_audited_as_a_read(client, school, sendco, pupil, name):
    client.force_login(sendco)
    response = client.get(reverse(name, args=[school.slug, pupil.public_id]))
    assert response.status_code == 200
    [event] = AuditEvent.objects.filter(action="pupil.viewed")
    assert event.actor == sendco
    assert event.school == school
    assert event.role == "sendco"
    assert event.pupil_public_id == pupil.public_id
    assert event.detail == {"page": name}


def test_a_page_with_its_own_audit_is_not_audited_twice(client, school, sendco, pupil):
    client.force_login(sendco)
    client.get(reverse("register:pupil", args=[school.slug, pupil.public_id]))
    about_ada = AuditEvent.objects.filter(pupil_public_id=pupil.public_id)
    assert list(about_ada.values_list("action", "pupil_public_id")) == [
        ("register.pupil_viewed", pupil.public_id)
    ]


def test_a_refused_or_failed_page_writes_nothing(client, school, teacher, pupil):
    """The teacher may not change a pupil's status (403): nothing was shown, nothing written."""
    client.force_login(teacher)
    response = client.get(reverse("register:status_change", args=[school.slug, pupil.public_id]))
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action="pupil.viewed").exists()


def test_a_group_page_names_its_pupils_in_the_audit(client, school, sendco, ta, pupil):
    year = school_calendar.create_default_year(school=school, academic_year_start=2026)
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
    GroupPupil.objects.create(school=school, group=group, pupil=pupil, joined_on=year.starts_on)
    client.force_login(sendco)
    response = client.get(reverse("provision:group", args=[school.slug, group.public_id]))
    assert response.status_code == 200
    [event] = AuditEvent.objects.filter(action="provision.group_viewed")
    assert event.actor == sendco
    assert event.detail == {"pupils": [str(pupil.public_id)]}
