"""The history of need of one candidate: every part sendco holds, oldest first, in the same
number of queries whatever its length."""

from __future__ import annotations

from datetime import date

import pytest

from exams.history import history_of_need
from tests.conftest import shared_acorn_fixtures
from tests.exams import evidence_world

globals().update(shared_acorn_fixtures(evidence_world.build, "sendco"))


def test_the_history_holds_every_part(world):
    history = history_of_need(pupil=world["pupil"])
    assert [s.label for s in history.statuses] == ["SEN support"]
    assert history.needs[0].code == "SPLD"
    assert history.needs[0].rank_label == "Primary"
    assert history.plan_kind
    assert history.cycles[0].targets == 2
    assert history.cycles[0].outcomes == "1 achieved"
    assert history.ehc_plan.authority == "Riverside Council"
    assert history.ehc_plan.first_issued_on == date(2025, 1, 10)
    assert history.ehc_plan.last_review_on == date(2026, 1, 12)
    assert history.interventions[0].intervention == "Toe by Toe"
    assert (history.interventions[0].sessions_attended, history.interventions[0].sessions_run) == (
        1,
        1,
    )
    assert history.first_recorded_on is not None
    assert not history.empty


def test_a_pupil_with_no_record_has_an_empty_history(world, school):
    from register.models import Pupil

    other = Pupil.objects.create(
        school=school,
        upn=evidence_world.upn(7999),
        legal_first_name="Nell",
        legal_last_name="None",
        date_of_birth=date(2011, 1, 1),
        sex="F",
        year_group="10",
    )
    history = history_of_need(pupil=other)
    assert history.empty
    assert history.ehc_plan is None
    assert history.interventions == []


def test_the_same_queries_at_two_sizes(world, school, django_assert_num_queries):
    pupil = world["pupil"]
    with django_assert_num_queries(10):
        small = history_of_need(pupil=pupil)
    evidence_world.grow(world, school, 6)
    with django_assert_num_queries(10):
        large = history_of_need(pupil=pupil)
    assert len(large.statuses) == len(small.statuses) + 6
    assert len(large.cycles) == len(small.cycles) + 6
    assert len(large.interventions) == len(small.interventions) + 6


@pytest.mark.parametrize("rank", [1, 2, 3])
def test_needs_are_named_by_rank(rank):
    from exams.history import NeedRow

    row = NeedRow("SPLD", "Specific learning difficulty", rank, date(2025, 1, 1), None, "")
    assert row.rank_label == {1: "Primary", 2: "Secondary", 3: "Need 3"}[rank]
