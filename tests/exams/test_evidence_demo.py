"""The demo's evidence: requests for the candidates with arrangements, some answered by the
demo teacher and some waiting; nothing twice; nothing where no one has arrangements."""

from __future__ import annotations

from datetime import date

from exams.evidence_demo import seed_evidence
from exams.models import NormalWayEvidence
from tests.conftest import shared_acorn_fixtures
from tests.exams import evidence_world

TODAY = date(2026, 12, 4)

globals().update(shared_acorn_fixtures(evidence_world.build, "sendco", "teacher"))


def test_the_demo_asks_the_teacher_and_some_answers_are_in(school, sendco, teacher, world):
    created = seed_evidence(school=school, today=TODAY, sendco=sendco, teacher=teacher)
    rows = NormalWayEvidence.objects.filter(school=school, pupil=world["pupil"])
    assert created == rows.count() >= 2
    assert rows.filter(answered_on__isnull=False).exists()
    assert rows.filter(answered_on__isnull=True).exists()
    answered = rows.filter(answered_on__isnull=False).first()
    assert list(answered.arrangements.all()) == [world["arrangement"].kind]
    assert seed_evidence(school=school, today=TODAY, sendco=sendco, teacher=teacher) == 0


def test_no_arrangements_no_demo_evidence(school, sendco, teacher, world):
    from exams.models import Arrangement

    Arrangement.objects.all().delete()
    assert seed_evidence(school=school, today=TODAY, sendco=sendco, teacher=teacher) == 0
