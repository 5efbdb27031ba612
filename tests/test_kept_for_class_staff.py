"""What is kept between writes for a teacher is their own (staff/deadline_cache.py): the home
page's register summary (sendco.pages.kept_register_summary), the support plans list's counts
(plans.selectors.plan_rows) and the counts above the register (register.selectors.register_list)
of their classes, for them alone; the leaders' are the school's; each shows a change on the next
view."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from staff import calendar as school_calendar
from tests.factories import member
from tests.register.factories import class_of, make_pupil, put_on

pytestmark = pytest.mark.django_db


@pytest.fixture
def classes(school):
    school_calendar.create_default_year(
        school=school,
        academic_year_start=school_calendar.academic_year_start_for(timezone.localdate()),
    )
    one = member(school, "teacher", email="one@acorn.test")
    two = member(school, "teacher", email="two@acorn.test")
    ana = make_pupil(school, legal_first_name="Ana", legal_last_name="Able")
    ben = make_pupil(school, legal_first_name="Ben", legal_last_name="Bold")
    put_on(ana, "K", date(2025, 9, 10), "ASD")
    class_of(school, "3A", teachers=[one], pupils=[ana, ben])
    class_of(school, "3B", teachers=[two], pupils=[make_pupil(school, legal_first_name="Cy")])
    return {"one": one, "two": two, "ana": ana, "ben": ben}


def _home(client, user, school) -> str:
    client.force_login(user)
    return client.get(reverse("school_home", args=[school.slug])).content.decode()


def test_each_teacher_sees_their_own_kept_pupils_and_a_change_at_once(client, school, classes):
    first = _home(client, classes["one"], school)
    assert "Ana Able" in first
    assert "Ben Bold" not in first  # in the class, not on the register
    assert "Ana Able" not in _home(client, classes["two"], school)  # not the first's answer
    put_on(classes["ben"], "K", timezone.localdate() - timedelta(days=1), "SPLD")
    again = _home(client, classes["one"], school)
    assert "Ben Bold" in again
    assert "Specific learning difficulty" in again


def test_the_leaders_counts_follow_a_write(client, school, sendco, classes):
    assert "<strong>1</strong> on SEN support, <strong>0</strong> with an EHC plan" in _home(
        client, sendco, school
    )
    put_on(classes["ben"], "E", timezone.localdate() - timedelta(days=1), "SPLD")
    assert "<strong>1</strong> on SEN support, <strong>1</strong> with an EHC plan" in _home(
        client, sendco, school
    )


def _plans(client, user, school) -> str:
    client.force_login(user)
    return client.get(reverse("plans:list", args=[school.slug])).content.decode()


def test_each_teacher_has_their_own_kept_plan_counts_and_a_change_at_once(client, school, classes):
    assert "1 pupil on SEN support or with an EHC plan in your classes" in _plans(
        client, classes["one"], school
    )
    assert "0 pupils on SEN support or with an EHC plan in your classes" in _plans(
        client, classes["two"], school
    )
    put_on(classes["ben"], "K", timezone.localdate() - timedelta(days=1), "SPLD")
    assert "2 pupils on SEN support or with an EHC plan in your classes" in _plans(
        client, classes["one"], school
    )


def _register(client, user, school, **query) -> str:
    client.force_login(user)
    return client.get(reverse("register:list", args=[school.slug]), query).content.decode()


def test_each_teacher_has_their_own_kept_register_counts_and_a_change_at_once(
    client, school, classes
):
    theirs = "pupils on roll in your classes: <strong>{}</strong> on SEN support (K)"
    assert theirs.format(1) in _register(client, classes["one"], school)
    assert "1 pupil on roll in your classes: <strong>0</strong>" in _register(
        client, classes["two"], school
    )
    put_on(classes["ben"], "K", timezone.localdate() - timedelta(days=1), "SPLD")
    assert theirs.format(2) in _register(client, classes["one"], school)


def test_the_leaders_register_counts_follow_a_write_and_the_date(client, school, sendco, classes):
    counts = "3 pupils on roll: <strong>{}</strong> on SEN support (K), <strong>{}</strong> with"
    assert counts.format(1, 0) in _register(client, sendco, school)
    put_on(classes["ben"], "E", timezone.localdate() - timedelta(days=1), "SPLD")
    assert counts.format(1, 1) in _register(client, sendco, school)
    # Another day's register is that day's counts, not today's kept ones: before Ana's support.
    assert counts.format(0, 0) in _register(client, sendco, school, on="2025-09-01")
