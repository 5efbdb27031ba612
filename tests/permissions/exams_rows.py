"""AC-01 rows for exam access arrangements (issue 20), merged into
tests/permissions/test_matrix.py like the training rows.

Who may do what (staff/capabilities.py): the SENDCo and trust lead record series, candidates,
arrangements, assessors and assessments; the head reads them (a POST is 403); the exams office's
list and CSV are the SENDCo's, trust lead's and head's (and the exams officer's, a duty, tested
in tests/exams/test_pages.py); teachers and TAs see the arrangements in place for their own
pupils only; governors get 403; outsiders 404. Exam pages need a school that enters candidates,
so the world's Acorn is made all-through here (a primary school's exam pages are a 404 with the
reason, tests/exams/test_pages.py). Ada (Year 3, in the teacher's and TA's class) has an
arrangement in place; Cy (Year 10) is the candidate assessed.
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from exams.models import Arrangement, ArrangementKind, Assessor, ExamSeries
from register.models import Pupil
from staff.models import School
from tests.permissions.rows import Row

#           anon send lead head teach ta   gov  oSen oLead deact
_VIEW = " 302  200  200  200  403  403  403  404  404  302"
_MANAGE_GET = " 302  200  200  403  403  403  403  404  404  302"
_MANAGE = " 302  302  302  403  403  403  403  404  404  302"
_CLASS = " 302  200  200  200  200  200  403  404  404  302"


def _today(world) -> str:
    return timezone.localdate().isoformat()


def _kind(code: str):
    return lambda world: ArrangementKind.objects.get(code=code).pk


EXAMS_MATRIX: dict[str, Row] = {
    "exams:series_list": Row(get=_VIEW),
    "exams:series_add": Row(
        get=_MANAGE_GET,
        post=_MANAGE,
        post_data=(("name", "Summer 2029"), ("first_exam_on", "2029-05-07")),
    ),
    "exams:series": Row(
        get=_VIEW,
        post=_MANAGE,
        post_data=(
            ("pupil", lambda w: w["exam_candidate"].pk),
            ("kinds", _kind("extra-time-25")),
        ),
    ),
    "exams:series_edit": Row(
        get=_MANAGE_GET,
        post=_MANAGE,
        post_data=(
            ("name", "Summer 2027"),
            ("first_exam_on", "2027-05-10"),
            ("application_deadline", "2027-02-21"),
        ),
    ),
    "exams:candidate": Row(get=_VIEW, post=_MANAGE, post_data=(("kinds", _kind("reader")),)),
    "exams:assessment_add": Row(
        get=_MANAGE_GET,
        post=_MANAGE,
        post_data=(
            ("assessor", lambda w: w["exam_assessor"].pk),
            ("assessed_on", _today),
            ("results", "SS 80"),
        ),
    ),
    "exams:arrangement": Row(
        get=_MANAGE_GET,
        post=_MANAGE,
        post_data=(("stage", "approved"), ("approved_on", "2026-11-20")),
    ),
    "exams:assessors": Row(
        get=_VIEW,
        post=_MANAGE,
        post_data=(
            ("name", "Ann Other"),
            ("qualification", "AMBDA"),
            ("qualification_checked_on", "2026-11-01"),
        ),
    ),
    "exams:assessor_edit": Row(
        get=_MANAGE_GET,
        post=_MANAGE,
        post_data=(
            ("name", "Dr Helen Price"),
            ("qualification", "Level 7 CPT|AA"),
            ("qualification_checked_on", "2026-09-01"),
        ),
    ),
    "exams:office": Row(get=_VIEW),
    "exams:office_csv": Row(get=_VIEW),
    "exams:in_class": Row(get=_CLASS),
}


def exams_world(world: dict) -> dict:
    """Acorn enters candidates; a series with Ada's arrangement in place, a Year 10 candidate
    and a qualified assessor."""
    acorn = world["acorn"]
    School.objects.filter(pk=acorn.pk).update(phase=School.Phase.ALL_THROUGH)
    acorn.phase = School.Phase.ALL_THROUGH
    series = ExamSeries.objects.create(
        school=acorn,
        name="Summer 2027",
        first_exam_on=date(2027, 5, 10),
        application_deadline=date(2027, 2, 21),
    )
    candidate = Pupil.objects.create(
        school=acorn,
        upn="C801200005009",
        legal_first_name="Cy",
        legal_last_name="Sentinel",
        date_of_birth="2011-03-01",
        sex="M",
        year_group="10",
    )
    world["exam_series"] = series
    world["exam_candidate"] = candidate
    world["exam_arrangement"] = Arrangement.objects.create(
        school=acorn,
        pupil=world["pupil"],
        series=series,
        kind=ArrangementKind.objects.get(code="rest-breaks"),
        stage="approved",
        approved_on=date(2026, 11, 20),
        created_by=world["users"]["sendco"],
    )
    world["exam_assessor"] = Assessor.objects.create(
        school=acorn,
        name="Dr Helen Price",
        qualification="Level 7 CPT|AA",
        qualification_checked_on=date(2026, 9, 1),
    )
    return world


def exams_kwargs(world: dict) -> dict:
    slug = world["acorn"].slug
    series = {"school_slug": slug, "public_id": world["exam_series"].public_id}
    school = {"school_slug": slug}
    return {
        **{
            name: school
            for name in (
                "exams:series_list",
                "exams:series_add",
                "exams:assessors",
                "exams:office",
                "exams:office_csv",
                "exams:in_class",
            )
        },
        "exams:series": series,
        "exams:series_edit": series,
        "exams:candidate": {**series, "pupil_id": world["pupil"].public_id},
        "exams:assessment_add": {**series, "pupil_id": world["exam_candidate"].public_id},
        "exams:arrangement": {
            "school_slug": slug,
            "public_id": world["exam_arrangement"].public_id,
        },
        "exams:assessor_edit": {
            "school_slug": slug,
            "public_id": world["exam_assessor"].public_id,
        },
    }
