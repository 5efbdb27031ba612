"""AC-01 rows for the evidence behind exam access arrangements (issue 20): the candidates of a
series, a candidate's evidence trail, Form 8 part 1, asking teachers and a teacher's answers;
merged into tests/permissions/test_matrix.py like training_rows.py.

Who may do what (staff/capabilities.py, EXAM_EVIDENCE_*): the SENDCo and trust lead ask; the
head reads the trail and prints part 1; anyone who teaches lists and answers the requests sent
to them, and a request sent to someone else is a 404 (like a missing one), even to the SENDCo;
TAs and governors get 403; outsiders 404.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from exams.models import Arrangement, ArrangementKind, NormalWayEvidence
from register.models import Pupil
from tests.permissions.rows import Row

#           anon send lead head teach ta   gov  oSen oLead deact
_VIEW = " 302  200  200  200  403  403  403  404  404  302"
_MANAGE = " 302  302  302  403  403  403  403  404  404  302"
_MINE = " 302  200  200  200  200  403  403  404  404  302"
# A request sent to the teacher: only they open it (the others who may answer: a 404).
_ANSWER_GET = " 302  404  404  404  200  403  403  404  404  302"
_ANSWER_POST = " 302  404  404  404  302  403  403  404  404  302"


def _teacher(world) -> str:
    return str(world["users"]["teacher"].pk)


def _kind(world) -> str:
    return str(world["exam_kind"].pk)


EXAM_EVIDENCE_MATRIX: dict[str, Row] = {
    "exam_evidence:candidates": Row(get=_VIEW),
    "exam_evidence:trail": Row(get=_VIEW),
    "exam_evidence:form8_pdf": Row(get=_VIEW),
    "exam_evidence:ask": Row(
        post=_MANAGE, post_data=(("subject", "Science"), ("teacher", _teacher))
    ),
    "exam_evidence:ask_again": Row(post=_MANAGE, post_data=(("teacher", _teacher),)),
    "exam_evidence:asked_of_me": Row(get=_MINE),
    "exam_evidence:answer": Row(
        get=_ANSWER_GET,
        post=_ANSWER_POST,
        post_data=(("kinds", _kind), ("how", "Uses a laptop in every lesson.")),
    ),
}


def exam_evidence_world(world: dict) -> dict:
    """Cal Candidate of Acorn (Year 10, taught by the teacher) with 25% extra time in Summer
    2027, and the English evidence asked of the teacher. After `exams_rows.exams_world`, which
    makes Acorn a school that enters candidates and the series. Returns the world."""
    acorn = world["acorn"]
    today = timezone.localdate()
    kinds = ArrangementKind.objects.all()
    if not kinds.exists():
        from importlib import import_module

        from django.apps import apps

        import_module("exams.migrations.0002_jcq_list").add_list(apps, None)
    kind = ArrangementKind.objects.get(code="extra-time-25")
    pupil = Pupil.objects.create(
        school=acorn,
        upn="C801200005301",
        legal_first_name="Cal",
        legal_last_name="Candidate",
        date_of_birth=date(2011, 3, 1),
        sex="M",
        year_group="10",
    )
    world["group"].pupils.add(pupil)
    series = world["exam_series"]  # exams_rows.exams_world's series: Acorn enters candidates
    Arrangement.objects.create(school=acorn, pupil=pupil, series=series, kind=kind)
    evidence = NormalWayEvidence.objects.create(
        school=acorn,
        pupil=pupil,
        series=series,
        subject="English",
        teacher=world["users"]["teacher"],
        requested_by=world["users"]["sendco"],
        requested_on=today - timedelta(days=3),
    )
    world["exam_pupil"] = pupil
    world["exam_series"] = series
    world["exam_kind"] = kind
    world["exam_evidence"] = evidence
    return world


def exam_evidence_kwargs(world: dict) -> dict:
    slug = world["acorn"].slug
    candidate = {
        "school_slug": slug,
        "series_id": world["exam_series"].public_id,
        "public_id": world["exam_pupil"].public_id,
    }
    request = {"school_slug": slug, "public_id": world["exam_evidence"].public_id}
    return {
        "exam_evidence:candidates": {"school_slug": slug},
        "exam_evidence:trail": candidate,
        "exam_evidence:form8_pdf": candidate,
        "exam_evidence:ask": candidate,
        "exam_evidence:ask_again": request,
        "exam_evidence:asked_of_me": {"school_slug": slug},
        "exam_evidence:answer": request,
    }
