"""The demo's exam access arrangements (exams.demo): in a secondary school, Year 10 and 11 SEN
pupils as candidates with arrangements at every stage, some assessed, two assessors (one
without the qualification on file), a Year 9 pupil of the teacher's class with one in place;
the TA is the exams officer; a second run changes nothing; a primary school gets none."""

from __future__ import annotations

from datetime import date

import pytest

from exams import demo
from exams.models import Arrangement, Assessment, Assessor, ExamSeries
from register.models import Pupil, SenStatus, TeachingGroup
from staff import calendar as school_calendar
from staff.capabilities import Duty
from staff.models import AcademicYear, Membership, Role
from tests.factories import SchoolFactory, member

TODAY = date(2026, 11, 25)


def _school(phase: str):
    school = SchoolFactory(slug=f"demo-{phase}", urn="654321", phase=phase)
    school_calendar.create_default_year(school=school, academic_year_start=2026)
    people = {r: member(school, r, email=f"{r}@{phase}.test") for r in Role if r != "governor"}
    year = AcademicYear.objects.get(school=school, starts_on__year=2026)
    group = TeachingGroup.objects.create(school=school, academic_year=year, name="9A")
    group.teachers.add(people[Role.TEACHER])
    for n in range(14):
        pupil = Pupil.objects.create(
            school=school,
            upn=f"A8012000{n:05}",
            legal_first_name=f"P{n:02}",
            legal_last_name="Demo",
            date_of_birth=date(2011, 3, 1),
            sex="F",
            year_group=["9", "10", "11"][n % 3],
        )
        SenStatus.objects.create(
            school=school, pupil=pupil, category="K", starts_on=date(2025, 9, 10), reason="x"
        )
        if pupil.year_group == "9":
            group.pupils.add(pupil)
    return school, people


def _seed(school, people) -> int:
    return demo.seed_exams(
        school=school,
        today=TODAY,
        sendco=people[Role.SENDCO],
        teacher=people[Role.TEACHER],
        ta=people[Role.TA],
    )


@pytest.mark.django_db
def test_the_demo_has_candidates_at_every_stage():
    school, people = _school("secondary")
    made = _seed(school, people)
    assert made > 0
    assert list(ExamSeries.objects.filter(school=school).values_list("name", flat=True)) == [
        "November 2026 resits",
        "Summer 2027",
    ]
    summer = ExamSeries.objects.get(school=school, name="Summer 2027")
    assert summer.application_deadline == date(2027, 2, 21)
    stages = set(Arrangement.objects.filter(series=summer).values_list("stage", flat=True))
    assert stages == {"proposed", "evidence", "applied", "approved", "declined", "withdrawn"}
    years = set(Arrangement.objects.values_list("pupil__year_group", flat=True))
    assert {"10", "11"} <= years
    assert Assessment.objects.filter(school=school).exists()
    assert Assessor.objects.filter(school=school, qualification="").count() == 1
    assert (
        Assessor.objects.filter(school=school, qualification_checked_on__isnull=False).count() == 1
    )
    assert Duty.EXAMS_OFFICER in Membership.objects.get(user=people[Role.TA]).duties
    assert _seed(school, people) == 0


@pytest.mark.django_db
def test_a_primary_school_has_no_exams_in_the_demo():
    school, people = _school("primary")
    assert _seed(school, people) == 0
    assert not ExamSeries.objects.exists()
