"""Classes: the SENDCo chooses who teaches and supports each class, which decides what they see."""

from __future__ import annotations

import re
from pathlib import Path

from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from register.models import TeachingGroup
from staff import calendar as school_calendar
from staff.models import AuditEvent, Role
from tests.factories import member
from tests.register.factories import class_of, make_pupil


def _year(school):
    start = school_calendar.academic_year_start_for(timezone.localdate())
    return school_calendar.create_default_year(school=school, academic_year_start=start)


def test_assigning_a_teacher_shows_them_the_class_at_once(client, school, sendco, teacher, ta):
    year = _year(school)
    pupil = make_pupil(school, legal_first_name="Nell")
    group = class_of(school, "4B", pupils=[pupil], year=year)
    pupil_url = reverse("register:pupil", args=[school.slug, pupil.public_id])

    teacher_client = type(client)()
    teacher_client.force_login(teacher)
    assert teacher_client.get(pupil_url).status_code == 404

    client.force_login(sendco)
    url = reverse("register:class_edit", args=[school.slug, group.pk])
    response = client.post(url, {"teachers": [teacher.pk], "assistants": [ta.pk]})
    assert response.status_code == 302
    assert teacher_client.get(pupil_url).status_code == 200
    event = AuditEvent.objects.get(action="register.class_staff_changed")
    assert event.detail == {"teachers": [teacher.email], "assistants": [ta.email]}

    client.post(url, {"teachers": [], "assistants": [ta.pk]})
    assert teacher_client.get(pupil_url).status_code == 404


def test_only_this_schools_staff_in_the_right_roles_can_be_chosen(
    client, school, other_school, sendco, ta
):
    year = _year(school)
    group = class_of(school, "4B", year=year)
    stranger = member(other_school, Role.TEACHER, email="stranger@beech.test")
    client.force_login(sendco)
    url = reverse("register:class_edit", args=[school.slug, group.pk])
    for data in ({"teachers": [stranger.pk]}, {"teachers": [ta.pk]}):
        response = client.post(url, data)
        assert response.status_code == 200
        assert "Select a valid choice" in response.content.decode()
    assert not group.teachers.exists()


def test_new_class_names_are_unique_in_the_year(client, school, sendco):
    _year(school)
    client.force_login(sendco)
    url = reverse("register:class_create", args=[school.slug])
    assert client.post(url, {"name": "5C"}).status_code == 302
    again = client.post(url, {"name": "5c"})
    assert again.status_code == 400
    assert "There is already a class called 5c this year." in again.content.decode()
    assert TeachingGroup.objects.filter(school=school).count() == 1


def test_class_list_shows_classes_without_teachers(client, school, head):
    year = _year(school)
    class_of(school, "6A", pupils=[make_pupil(school)], year=year)
    client.force_login(head)
    page = client.get(reverse("register:classes", args=[school.slug])).content.decode()
    assert "6A" in page
    assert "None yet" in page


def test_unticking_everyone_saves_an_empty_class(client, school, sendco, teacher, ta):
    group = class_of(school, "4B", teachers=[teacher], assistants=[ta], year=_year(school))
    client.force_login(sendco)
    # A form whose boxes are all unticked posts nothing at all.
    response = client.post(reverse("register:class_edit", args=[school.slug, group.pk]), {})
    assert response.status_code == 302
    assert not group.teachers.exists()
    assert not group.assistants.exists()


# The classes' rows as the template's loop wrote them before `class_rows` (kept beside this
# file): the tag must write the same rows, for a manager (links) and for a head (none).
CLASS_ROWS_TEMPLATE = (Path(__file__).parent / "class_rows_template.html").read_text()


def test_the_class_rows_write_what_the_template_wrote(client, school, sendco, head, teacher, ta):
    year = _year(school)
    other = member(school, Role.TEACHER, email="second@oak.test", full_name="Al <b> & O'Neil")
    class_of(school, "7A", pupils=[make_pupil(school), make_pupil(school)], year=year)
    class_of(school, "7B <x>", teachers=[teacher, other], assistants=[ta], year=year)
    class_of(school, "7C", assistants=[ta], year=year)
    for person, links in ((sendco, True), (head, False)):
        client.force_login(person)
        response = client.get(reverse("register:classes", args=[school.slug]))
        groups = response.context["groups"]
        context = Context({"groups": groups, "current_school": school, "can_manage": links})
        old = Template("{% load list_rows %}" + CLASS_ROWS_TEMPLATE).render(context)
        new = Template("{% load list_rows %}{% class_rows groups can_manage %}").render(context)
        assert re.sub(r"\s+", " ", new).strip() == re.sub(r"\s+", " ", old).strip()
        page = response.content.decode()
        assert re.sub(r"\s+", " ", new).strip() in re.sub(r"\s+", " ", page)
        assert "Al &lt;b&gt; &amp; O&#x27;Neil" in page
        assert "7B &lt;x&gt;" in page
        assert ("/classes/" in new) is links
