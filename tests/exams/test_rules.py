"""The JCQ rules of exam access arrangements (DOMAIN.md 6.1) as tables of cases, one function
each (exams.rules)."""

from __future__ import annotations

from datetime import date

import pytest

from exams import rules
from exams.rules import APPLIED, APPROVED, DECLINED, EVIDENCE, PROPOSED, WITHDRAWN

TODAY = date(2027, 3, 1)
D = date(2027, 2, 10)


@pytest.mark.parametrize(
    ("phase", "sits"),
    [
        ("secondary", True),
        ("all_through", True),
        ("post_16", True),
        ("special", True),
        ("alternative", True),
        ("primary", False),
        ("nursery", False),
        ("middle", False),
    ],
)
def test_which_schools_enter_candidates(phase, sits):
    assert rules.sits_exams(phase) is sits


@pytest.mark.parametrize(
    ("first_exam", "setting", "deadline"),
    [
        (date(2027, 5, 10), "02-21", date(2027, 2, 21)),  # the June series
        (date(2026, 11, 2), "02-21", date(2026, 2, 21)),  # a November series: the last 21 Feb
        (date(2027, 2, 21), "02-21", date(2026, 2, 21)),  # on the day: the year before
        (date(2027, 5, 10), "03-31", date(2027, 3, 31)),  # 2021's extension
        (date(2027, 5, 10), "02-29", date(2027, 2, 28)),  # no 29 February in 2027
        (date(2028, 5, 10), "02-29", date(2028, 2, 29)),
        (date(2027, 5, 10), "nonsense", date(2027, 2, 21)),  # a bad setting: the historical date
    ],
)
def test_the_application_deadline_a_new_series_starts_from(first_exam, setting, deadline):
    assert rules.default_application_deadline(first_exam, setting) == deadline


def test_the_application_deadline_is_a_setting(settings):
    settings.EXAMS_APPLICATION_DEADLINE = "01-31"
    assert rules.default_application_deadline(date(2027, 5, 10)) == date(2027, 1, 31)


@pytest.mark.parametrize(
    ("deadline", "problems"),
    [(date(2027, 2, 21), 0), (date(2027, 5, 10), 1), (date(2027, 6, 1), 1)],
)
def test_applications_close_before_the_first_exam(deadline, problems):
    found = rules.series_problems(first_exam_on=date(2027, 5, 10), application_deadline=deadline)
    assert len(found) == problems


def test_the_review_is_weeks_before_the_first_exam(settings):
    assert rules.review_due(date(2027, 5, 10), 4) == date(2027, 4, 12)
    settings.EXAMS_REVIEW_WEEKS_BEFORE = 6
    assert rules.review_due(date(2027, 5, 10)) == date(2027, 3, 29)


@pytest.mark.parametrize(
    ("reviewed_on", "done"),
    [(None, False), (date(2026, 4, 1), False), (date(2027, 1, 18), True), (date(2027, 4, 1), True)],
)
def test_a_review_counts_from_its_window(reviewed_on, done):
    assert rules.reviewed(reviewed_on, date(2027, 4, 12)) is done


# delegated, current, new, approved_on, aao, applied_on, the problem's words (None: allowed)
STAGES = [
    # A delegated arrangement goes in place on the school's decision.
    (True, PROPOSED, APPROVED, D, "", None, None),
    (True, EVIDENCE, APPROVED, D, "", None, None),
    (True, PROPOSED, APPLIED, None, "", D, "no online application"),
    (True, APPLIED, DECLINED, None, "", None, "no online application"),
    (True, PROPOSED, APPROVED, D, "AAO123", None, "no AAO reference"),
    (True, PROPOSED, APPROVED, None, "", None, "Enter the date approved"),
    # Any other is applied online, with its reference, before it can be in place.
    (False, PROPOSED, APPROVED, D, "AAO1", D, "before it can be in place"),
    (False, EVIDENCE, APPROVED, D, "AAO1", D, "before it can be in place"),
    (False, EVIDENCE, APPLIED, None, "AAO1", D, None),
    (False, EVIDENCE, APPLIED, None, "", D, "Enter the AAO reference"),
    (False, EVIDENCE, APPLIED, None, "  ", D, "Enter the AAO reference"),
    (False, EVIDENCE, APPLIED, None, "AAO1", None, "date it was applied"),
    (False, APPLIED, APPROVED, D, "AAO1", D, None),
    (False, APPLIED, APPROVED, None, "AAO1", D, "Enter the date approved"),
    (False, APPLIED, DECLINED, None, "AAO1", D, None),
    (False, APPLIED, APPROVED, date(2027, 2, 1), "AAO1", D, "before the date applied"),
    # Dates are not in the future.
    (False, APPLIED, APPROVED, date(2027, 3, 2), "AAO1", D, "date approved cannot be in the"),
    (False, EVIDENCE, APPLIED, None, "AAO1", date(2027, 3, 2), "date applied cannot be in the"),
    # The pipeline.
    (False, PROPOSED, EVIDENCE, None, "", None, None),
    (False, APPROVED, WITHDRAWN, D, "AAO1", D, None),
    (True, APPROVED, WITHDRAWN, D, "", None, None),
    (False, WITHDRAWN, PROPOSED, None, "", None, None),
    (False, WITHDRAWN, APPROVED, D, "AAO1", D, "cannot become in place"),
    (False, APPROVED, PROPOSED, None, "", None, "cannot become proposed"),
    (False, DECLINED, APPLIED, None, "AAO2", D, None),
    (False, PROPOSED, EVIDENCE, D, "", None, "Only an arrangement in place"),
]


@pytest.mark.parametrize(
    ("delegated", "current", "new", "approved_on", "aao", "applied_on", "problem"), STAGES
)
def test_the_stages_of_an_arrangement(
    delegated, current, new, approved_on, aao, applied_on, problem
):
    found = rules.stage_problems(
        delegated=delegated,
        current=current,
        new=new,
        approved_on=approved_on,
        aao_reference=aao,
        applied_on=applied_on,
        today=TODAY,
    )
    if problem is None:
        assert found == []
    else:
        assert any(problem in p for p in found), found


def test_a_review_date_is_not_in_the_future():
    found = rules.stage_problems(
        delegated=True,
        current=APPROVED,
        new=APPROVED,
        approved_on=D,
        aao_reference="",
        applied_on=None,
        today=TODAY,
        reviewed_on=date(2027, 3, 2),
    )
    assert found == ["The date reviewed cannot be in the future."]


@pytest.mark.parametrize(
    ("year_group", "allowed"),
    [
        ("7", False),
        ("8", False),
        ("9", True),
        ("10", True),
        ("11", True),
        ("13", True),
        ("R", False),
        ("", False),
    ],
)
def test_assessments_no_earlier_than_year_9(year_group, allowed):
    problem = rules.assessment_year_problem(year_group)
    assert (problem is None) is allowed
    if not allowed:
        assert "no earlier than Year 9" in problem


@pytest.mark.parametrize(
    ("current", "today", "on", "then"),
    [
        ("10", date(2026, 12, 4), date(2026, 10, 1), "10"),  # this academic year
        ("10", date(2026, 12, 4), date(2026, 7, 20), "9"),  # last summer term
        ("10", date(2026, 12, 4), date(2026, 9, 1), "10"),  # the first day of the year
        ("10", date(2026, 12, 4), date(2026, 8, 31), "9"),
        ("11", date(2027, 3, 1), date(2025, 6, 1), "9"),
        ("10", date(2026, 12, 4), date(2025, 6, 1), "8"),
        ("R", date(2026, 12, 4), date(2026, 10, 1), None),
        ("1", date(2026, 12, 4), date(2025, 10, 1), None),
    ],
)
def test_the_year_group_on_the_day_of_an_assessment(current, today, on, then):
    assert rules.year_group_on(current=current, today=today, on=on) == then


@pytest.mark.parametrize(
    ("qualification", "checked_on", "may_assess"),
    [
        ("Level 7 CPT|AA", date(2026, 9, 1), True),
        ("Level 7 CPT|AA", None, False),  # no evidence seen
        ("", date(2026, 9, 1), False),
        ("   ", date(2026, 9, 1), False),
        ("", None, False),
    ],
)
def test_an_assessor_without_a_recorded_qualification_cannot_be_entered(
    qualification, checked_on, may_assess
):
    assert rules.qualified(qualification=qualification, checked_on=checked_on) is may_assess
    problem = rules.assessor_problem(qualification=qualification, checked_on=checked_on)
    assert (problem is None) is may_assess


@pytest.mark.parametrize(
    ("kinds", "evidence", "without"),
    [
        ([1, 2], [], {1, 2}),
        ([1, 2], [[1]], {2}),
        ([1, 2], [[1], [2, 3]], set()),
        ([1], [[2], [3]], {1}),
        ([], [[1]], set()),
    ],
)
def test_arrangements_with_no_normal_way_of_working_evidence(kinds, evidence, without):
    assert rules.without_normal_way_evidence(kinds, evidence) == without


def _facts(**kw):
    base = {"kind_id": 1, "delegated": False, "needs_form8": True, "stage": EVIDENCE}
    return rules.ArrangementFacts(**{**base, "applied_on": None, **kw})


DEADLINE = date(2027, 2, 21)
NO_EV, NO_AS, LATE = rules.FLAG_NO_EVIDENCE, rules.FLAG_NO_ASSESSMENT, rules.FLAG_LATE


@pytest.mark.parametrize(
    ("facts", "evidenced", "assessed", "today", "flags"),
    [
        (_facts(), True, True, date(2027, 1, 10), []),
        (_facts(), False, True, date(2027, 1, 10), [NO_EV]),
        (_facts(), True, False, date(2027, 1, 10), [NO_AS]),
        (_facts(needs_form8=False), True, False, date(2027, 1, 10), []),
        (_facts(), True, True, date(2027, 2, 22), [LATE]),  # not applied, deadline gone
        (_facts(), True, True, date(2027, 2, 21), []),  # the deadline itself is in time
        (_facts(stage=APPLIED, applied_on=date(2027, 2, 25)), True, True, date(2027, 3, 1), [LATE]),
        (_facts(stage=APPLIED, applied_on=date(2027, 2, 20)), True, True, date(2027, 3, 1), []),
        (_facts(delegated=True, needs_form8=False), True, True, date(2027, 3, 1), []),
        (_facts(stage=WITHDRAWN), False, False, date(2027, 3, 1), []),
        (_facts(), False, False, date(2027, 3, 1), [NO_EV, NO_AS, LATE]),
    ],
)
def test_the_flags_on_an_arrangement(facts, evidenced, assessed, today, flags):
    found = rules.flags(
        facts, evidenced=evidenced, assessed=assessed, deadline=DEADLINE, today=today
    )
    assert found == flags


@pytest.mark.parametrize(
    ("delegated", "stage", "gathers"),
    [
        (False, PROPOSED, True),
        (False, EVIDENCE, True),
        (False, APPLIED, False),
        (False, APPROVED, False),
        (True, PROPOSED, False),
        (False, WITHDRAWN, False),
    ],
)
def test_whose_evidence_is_due_by_the_application_deadline(delegated, stage, gathers):
    assert rules.gathers_evidence(delegated=delegated, stage=stage) is gathers
