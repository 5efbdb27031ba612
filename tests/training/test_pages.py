"""The training pages on one shared world: the SENDCo lists the staff (with and without logins),
records a course with its certificate, plans an INSET and takes its attendance in one step; a
member of staff opens their own record and certificate, not a colleague's; every certificate
opened is audited; the staff list does the same queries at two sizes."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from staff.models import AuditEvent, Role
from tests.conftest import shared_acorn_fixtures
from tests.factories import member
from training import catalogue
from training.models import Completion, Course, Session, StaffMember

NOON = datetime(2026, 12, 4, 12, tzinfo=ZoneInfo("Europe/London"))
TODAY = date(2026, 12, 4)
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def build(acorn: dict) -> dict:
    school = acorn["school"]
    catalogue.seed(course_model=Course, school_id=school.pk)
    midday = StaffMember.objects.create(school=school, name="Mia Midday", job_title="MDS")
    return {
        "courses": dict(Course.objects.filter(school=school).values_list("name", "pk")),
        "midday": midday,
    }


globals().update(
    shared_acorn_fixtures(build, "sendco", "head", "teacher", "ta", "governor", on=NOON)
)


@pytest.fixture(autouse=True)
def _on_4_december_2026():
    with time_machine.travel(NOON, tick=False):
        yield


@pytest.fixture
def documents(settings, tmp_path, monkeypatch):
    root = tmp_path / "documents"
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root), "base_url": None},
        },
    }
    monkeypatch.setattr(Completion._meta.get_field("certificate"), "storage", storages["documents"])
    return root


def person_of(school, user) -> StaffMember:
    return StaffMember.objects.get(school=school, user=user)


def url(name: str, school, *args) -> str:
    return reverse(f"training:{name}", args=[school.slug, *args])


def test_everyone_with_a_login_is_on_the_staff_list_and_a_governor_is_not(
    client, school, sendco, teacher, governor, world
):
    client.force_login(sendco)
    page = client.get(url("people", school)).content.decode()
    assert "Tom Teacher" in page
    assert "Sam Sendco" in page
    assert "Mia Midday" in page
    assert "no login" in page
    assert "Gil Governor" not in page


def test_a_person_without_a_login_is_added(client, school, sendco, world):
    client.force_login(sendco)
    response = client.post(url("person_add", school), {"name": "Vic Visiting", "job_title": "SALT"})
    added = StaffMember.objects.get(school=school, name="Vic Visiting")
    assert response.status_code == 302
    assert added.user_id is None
    page = client.get(url("people", school)).content.decode()
    assert f'{added.public_id}/">Vic Visiting</a>' in page


def test_the_sendco_records_a_course_with_its_certificate_and_the_holder_opens_it(
    client, school, sendco, teacher, ta, documents, world
):
    tom = person_of(school, teacher)
    client.force_login(sendco)
    response = client.post(
        url("record", school, tom.public_id),
        {
            "course": world["courses"]["Youth Mental Health First Aid"],
            "completed_on": "2024-01-15",
            "provider": "MHFA England",
            "certificate": SimpleUploadedFile("Tom Teacher MHFA.pdf", PDF),
        },
    )
    assert response.status_code == 302
    record = Completion.objects.get(person=tom)
    assert record.hours == 14  # the course's usual length
    assert record.certificate_name == "Tom Teacher MHFA.pdf"
    assert "Tom Teacher" not in record.certificate.name  # stored without the person's name
    page = client.get(url("person", school, tom.public_id)).content.decode()
    assert "Youth Mental Health First Aid" in page
    assert "Renew by 15 Jan 2027" in page

    client.force_login(teacher)
    download = client.get(url("certificate", school, record.public_id))
    assert download.status_code == 200
    assert b"".join(download) == PDF
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"
    opened = AuditEvent.objects.filter(action="training.certificate_downloaded").get()
    assert opened.actor == teacher
    assert opened.detail["person"] == str(tom.public_id)

    client.force_login(ta)  # a colleague: not found
    assert client.get(url("certificate", school, record.public_id)).status_code == 404
    assert client.get(url("person", school, tom.public_id)).status_code == 404


def test_a_certificate_that_is_not_a_document_is_refused_and_nothing_is_saved(
    client, school, sendco, teacher, documents, world
):
    tom = person_of(school, teacher)
    client.force_login(sendco)
    response = client.post(
        url("record", school, tom.public_id),
        {
            "course": world["courses"]["Makaton"],
            "completed_on": "2026-11-01",
            "certificate": SimpleUploadedFile("certificate.pdf", b"MZ\x90\x00 not a pdf"),
        },
    )
    assert response.status_code == 400
    assert "PDF" in response.content.decode()
    assert not Completion.objects.filter(person=tom).exists()
    assert not any(documents.rglob("*.*")) if documents.exists() else True


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"completed_on": "2026-12-05"}, "still to come"),
        ({}, "Give the day the course was completed"),
    ],
)
def test_a_record_that_cannot_be_true_is_refused(
    client, school, sendco, teacher, world, fields, message
):
    tom = person_of(school, teacher)
    client.force_login(sendco)
    response = client.post(
        url("record", school, tom.public_id), {"course": world["courses"]["Makaton"], **fields}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Completion.objects.filter(person=tom).exists()


def test_my_training_opens_my_own_page(client, school, teacher, world):
    client.force_login(teacher)
    response = client.get(url("mine", school))
    assert response.url == url("person", school, person_of(school, teacher).public_id)
    page = client.get(response.url).content.decode()
    assert "My training" in page
    assert "Record training completed" not in page


def test_an_inset_is_planned_and_attendance_taken_in_one_step(
    client, school, sendco, teacher, ta, world
):
    client.force_login(sendco)
    response = client.post(
        url("sessions", school),
        {
            "course": world["courses"]["SEND awareness (INSET)"],
            "on": "2026-12-02",
            "hours": "1.5",
            "whole_staff": "on",
        },
    )
    session = Session.objects.get(school=school)
    assert response.url == url("session", school, session.public_id)
    page = client.get(response.url).content.decode()
    # Everyone is expected at a whole-staff INSET: all ticked until attendance is taken.
    assert page.count("checked") == StaffMember.objects.filter(school=school).count()
    tom, tara = person_of(school, teacher), person_of(school, ta)
    present = [tom.pk, tara.pk, world["midday"].pk]
    client.post(url("session", school, session.public_id), {"present": present})
    assert set(
        Completion.objects.filter(session=session).values_list("person_id", flat=True)
    ) == set(present)
    assert Completion.objects.get(session=session, person=tom).completed_on == date(2026, 12, 2)
    client.post(url("session", school, session.public_id), {"present": [tom.pk]})  # corrected
    assert list(Completion.objects.filter(session=session).values_list("person_id", flat=True)) == [
        tom.pk
    ]
    listed = client.get(url("sessions", school)).content.decode()
    assert "1 present" in listed


def test_attendance_waits_for_the_day(client, school, sendco, teacher, world):
    session = Session.objects.create(
        school=school, course_id=world["courses"]["Makaton"], on=TODAY + timedelta(days=7), hours=6
    )
    session.invited.set([person_of(school, teacher)])
    client.force_login(sendco)
    page = client.get(url("session", school, session.public_id)).content.decode()
    assert "once the session has happened" in page
    client.post(
        url("session", school, session.public_id), {"present": [person_of(school, teacher).pk]}
    )
    assert not Completion.objects.filter(session=session).exists()


def test_the_senco_sees_what_the_qualification_rule_asks(client, school, sendco, world):
    sam = person_of(school, sendco)
    client.force_login(sendco)
    client.post(
        url("person_edit", school, sam.public_id),
        {"name": "Sam Sendco", "senco_appointed_on": "2025-01-06", "senco_months_before": "0"},
    )
    page = client.get(url("person", school, sam.public_id)).content.decode()
    assert "Must hold the NPQ for SENCOs by 6 January 2028." in page


def test_a_membership_ended_marks_the_person_as_left(school, sendco, world):
    leaver = member(school, Role.TA, email="leaver@acorn.test")
    membership = leaver.memberships.get()
    person = person_of(school, leaver)
    assert person.left_on is None
    membership.ended_at = NOON
    membership.save()
    person.refresh_from_db()
    assert person.left_on == TODAY


@pytest.mark.parametrize("extra", [0, 30])
def test_the_staff_list_does_the_same_queries_at_any_size(
    client, school, sendco, world, django_assert_num_queries, extra
):
    for n in range(extra):
        person = StaffMember.objects.create(school=school, name=f"Person {n:02}")
        for name in ("Makaton", "Youth Mental Health First Aid"):
            Completion.objects.create(
                school=school,
                person=person,
                course_id=world["courses"][name],
                completed_on=date(2022, 1, 10),
            )
    client.force_login(sendco)
    client.get(url("people", school))  # the first request after signing in renews the session
    with django_assert_num_queries(QUERIES):
        page = client.get(url("people", school))
    assert page.status_code == 200
    if extra:
        assert "Youth Mental Health First Aid" in page.content.decode()  # expired in 2025


# The floor (session, user, school, membership) and the list: constant. The header's school
# switcher is kept between changes (staff/switcher_cache.py): no query on a page after the first.
QUERIES = 10


def test_someone_listed_without_a_login_keeps_their_records_when_given_one(
    client, school, sendco, world
):
    client.force_login(sendco)
    client.post(
        url("person_add", school),
        {"name": "Vic Visiting", "job_title": "TA", "email": "Vic@Acorn.test"},
    )
    vic = StaffMember.objects.get(school=school, name="Vic Visiting")
    Completion.objects.create(
        school=school, person=vic, course_id=world["courses"]["Makaton"], completed_on=TODAY
    )
    given = member(school, Role.TA, email="vic@acorn.test", full_name="Victoria Visiting")
    vic.refresh_from_db()
    assert vic.user == given
    assert StaffMember.objects.filter(school=school, user=given).get() == vic  # not a second one
    assert vic.completions.count() == 1


def test_an_email_already_on_the_list_is_refused(client, school, sendco, teacher, world):
    client.force_login(sendco)
    response = client.post(
        url("person_add", school), {"name": "Tom Again", "email": "teacher@acorn.test"}
    )
    assert response.status_code == 200
    assert "already has this email" in response.content.decode()
    assert not StaffMember.objects.filter(school=school, name="Tom Again").exists()
