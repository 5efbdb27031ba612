"""The chase of unanswered evidence requests as deadlines (not yet joined to the engine)."""

from __future__ import annotations

from datetime import date, timedelta

from exams.evidence_deadlines import CHASE, deadlines
from exams.models import NormalWayEvidence
from register.models import Pupil
from staff.deadlines import Severity
from tests.conftest import shared_acorn_fixtures
from tests.exams import evidence_world

TODAY = date(2026, 12, 4)

globals().update(shared_acorn_fixtures(evidence_world.build, "sendco"))


def _asked(world, subject: str, days_ago: int, answered: bool = False) -> NormalWayEvidence:
    return NormalWayEvidence.objects.create(
        school=world["pupil"].school,
        pupil=world["pupil"],
        series=world["series"],
        subject=subject,
        teacher=world["english"],
        requested_on=TODAY - timedelta(days=days_ago),
        answered_on=TODAY if answered else None,
    )


def test_an_unanswered_request_is_due_to_the_teacher_after_the_chase_days(
    school, world, django_assert_num_queries
):
    _asked(world, "English", 12)
    _asked(world, "Science", 3)
    _asked(world, "History", 30, answered=True)
    pupils = Pupil.objects.filter(school=school)
    with django_assert_num_queries(1):
        found = list(
            deadlines(school=school, pupils=pupils, today=TODAY, until=TODAY + timedelta(days=5))
        )
    assert [(d.kind, d.due, d.owner_id) for d in found] == [
        (CHASE, TODAY - timedelta(days=2), world["english"].pk)
    ]
    assert found[0].severity == Severity.OVERDUE
    assert "English evidence request" in found[0].title
    later = deadlines(school=school, pupils=pupils, today=TODAY, until=TODAY + timedelta(days=8))
    assert [d.due for d in later] == [TODAY - timedelta(days=2), TODAY + timedelta(days=7)]
