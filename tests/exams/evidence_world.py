"""A candidate for access arrangements at a secondary school, with the history of need sendco
holds (SEN status, needs, a support plan's cycles, an EHC plan, interventions), an exam series,
an arrangement, and teachers: one who teaches the candidate English, one who teaches them
nothing. `grow` adds `n` more of every part of the history, for query counts at two sizes."""

from __future__ import annotations

from datetime import date, timedelta

from ehcp.models import AnnualReview, EhcPlan, LocalAuthority, PlanVersion
from exams.models import Arrangement, ArrangementKind, ExamSeries
from plans.models import Cycle, SupportPlan, Target
from provision.models import Attendance, Group, GroupPupil, Intervention, Session
from register.models import AcademicYear, Need, NeedType, Pupil, SenStatus, TeachingGroup
from register.upn import check_letter
from staff import calendar as school_calendar
from staff.models import Role, School
from tests.factories import member

TODAY = date(2026, 12, 4)


def upn(serial: int) -> str:
    rest = f"801200{serial:06d}"
    return f"{check_letter(rest)}{rest}"


def kinds() -> dict[str, ArrangementKind]:
    if not ArrangementKind.objects.exists():
        from importlib import import_module

        from django.apps import apps

        import_module("exams.migrations.0002_jcq_list").add_list(apps, None)
    return {k.code: k for k in ArrangementKind.objects.all()}


def build(acorn: dict) -> dict:
    school = acorn["school"]
    # Exam pages answer only in a school that enters candidates (exams.rules.sits_exams).
    School.objects.filter(pk=school.pk).update(phase=School.Phase.SECONDARY)
    school.phase = School.Phase.SECONDARY
    school_calendar.create_default_year(school=school, academic_year_start=2026)
    year = AcademicYear.objects.get(school=school, starts_on__year=2026)
    english = member(school, Role.TEACHER, full_name="Erin English", email="erin@acorn.test")
    science = member(school, Role.TEACHER, full_name="Sid Science", email="sid@acorn.test")
    pupil = Pupil.objects.create(
        school=school,
        upn=upn(7001),
        legal_first_name="Cara",
        legal_last_name="Candidate",
        date_of_birth=date(2011, 5, 2),
        sex="F",
        year_group="10",
    )
    group = TeachingGroup.objects.create(
        school=school, academic_year=year, name="10En1", kind=TeachingGroup.Kind.SET
    )
    group.teachers.add(english)
    group.pupils.add(pupil)
    series = ExamSeries.objects.create(
        school=school,
        name="Summer 2027",
        first_exam_on=date(2027, 5, 11),
        application_deadline=date(2027, 2, 21),
    )
    found = kinds()
    arrangement = Arrangement.objects.create(
        school=school, pupil=pupil, series=series, kind=found["extra-time-25"], stage="evidence"
    )
    world = {
        "pupil": pupil,
        "series": series,
        "english": english,
        "science": science,
        "arrangement": arrangement,
        "group": group,
    }
    grow(world, school, 1)
    return world


def grow(world: dict, school, n: int) -> None:
    """n more of every part of the candidate's history."""
    pupil = world["pupil"]
    start = TODAY - timedelta(days=800)
    need = NeedType.objects.get(code="SPLD")
    existing = SenStatus.objects.filter(pupil=pupil).count()
    for i in range(n):
        day = start + timedelta(days=20 * (existing + i))
        SenStatus.objects.filter(pupil=pupil, ends_on__isnull=True).update(ends_on=day)
        SenStatus.objects.create(
            school=school,
            pupil=pupil,
            category="K",
            starts_on=day + timedelta(days=1),
            reason="Reading age well below their age.",
        )
        Need.objects.filter(pupil=pupil, ends_on__isnull=True).update(ends_on=day)
        Need.objects.create(
            school=school, pupil=pupil, need_type=need, rank=1, starts_on=day + timedelta(days=1)
        )
    plan = SupportPlan.objects.filter(pupil=pupil).first() or SupportPlan.objects.create(
        school=school, pupil=pupil, created_by=world["english"]
    )
    cycles = Cycle.objects.filter(plan=plan).count()
    for i in range(n):
        cycle = Cycle.objects.create(
            school=school,
            plan=plan,
            number=cycles + i + 1,
            stage="reviewed",
            starts_on=start + timedelta(days=60 * i),
            reviewed_on=start + timedelta(days=60 * i + 50),
        )
        Target.objects.create(
            school=school, cycle=cycle, description="Read 50 words", outcome="achieved"
        )
        Target.objects.create(school=school, cycle=cycle, description="Spell 20 words")
    authority, _ = LocalAuthority.objects.get_or_create(school=school, name="Riverside Council")
    ehc = EhcPlan.objects.filter(pupil=pupil).first() or EhcPlan.objects.create(
        school=school, pupil=pupil, authority=authority
    )
    versions = PlanVersion.objects.filter(plan=ehc).count()
    for i in range(n):
        version = PlanVersion.objects.create(
            plan=ehc,
            number=versions + i + 1,
            issued_on=date(2025, 1, 10) + timedelta(days=i),
            created_by=world["english"],
        )
        AnnualReview.objects.create(
            school=school,
            plan=ehc,
            version=version,
            meeting_on=date(2026, 1, 12) + timedelta(days=i),
            held_on=date(2026, 1, 12) + timedelta(days=i),
            created_by=world["english"],
        )
    intervention, _ = Intervention.objects.get_or_create(school=school, name="Toe by Toe")
    groups = Group.objects.filter(school=school).count()
    for i in range(n):
        g = Group.objects.create(
            school=school,
            intervention=intervention,
            name=f"Toe by Toe {groups + i}",
            status="running",
            starts_on=date(2026, 9, 7),
            ends_on=date(2027, 7, 16),
            sessions_per_week=2,
            session_minutes=30,
        )
        GroupPupil.objects.create(school=school, group=g, pupil=pupil, joined_on=date(2026, 9, 7))
        session = Session.objects.create(
            school=school, group=g, on=date(2026, 9, 8), logged_by=world["english"]
        )
        Attendance.objects.create(school=school, session=session, pupil=pupil, present=True)
