"""The rules of normal-way-of-working evidence and Form 8 part 1, as tables (DOMAIN.md 6.1)."""

from __future__ import annotations

from datetime import date

import pytest

from exams import evidence_rules as rules
from exams.evidence_rules import EvidenceFacts

D = date(2027, 1, 20)


@pytest.mark.parametrize(
    ("answered_on", "kind_ids", "supported"),
    [
        (None, frozenset(), frozenset()),
        # Still waiting supports nothing, even with kinds ticked before (asked again).
        (None, frozenset({1, 2}), frozenset()),
        (D, frozenset(), frozenset()),
        (D, frozenset({1}), frozenset({1})),
        (D, frozenset({1, 2}), frozenset({1, 2})),
    ],
)
def test_an_answer_supports_the_kinds_ticked_once_answered(answered_on, kind_ids, supported):
    facts = EvidenceFacts(answered_on=answered_on, kind_ids=kind_ids)
    assert rules.kinds_supported(facts) == supported
    assert rules.counts_as_evidence(facts) is (answered_on is not None)


@pytest.mark.parametrize(
    ("rows", "kinds"),
    [
        ([], set()),
        ([EvidenceFacts(None, frozenset({1}))], set()),
        ([EvidenceFacts(D, frozenset({1})), EvidenceFacts(None, frozenset({2}))], {1}),
        ([EvidenceFacts(D, frozenset({1})), EvidenceFacts(D, frozenset({1, 3}))], {1, 3}),
    ],
)
def test_normal_way_kinds_joins_the_answered_requests(rows, kinds):
    assert rules.normal_way_kinds(rows) == kinds


def test_subjects_for_a_kind_are_those_whose_answer_supports_it():
    rows = [
        EvidenceFacts(D, frozenset({1}), "Science"),
        EvidenceFacts(D, frozenset({1, 2}), "English"),
        EvidenceFacts(None, frozenset({1}), "History"),
    ]
    assert rules.subjects_for_kind(rows, 1) == ["English", "Science"]
    assert rules.subjects_for_kind(rows, 2) == ["English"]
    assert rules.subjects_for_kind(rows, 3) == []


@pytest.mark.parametrize(
    ("kind_ids", "how", "refused"),
    [
        ([], "", True),
        ([], "   ", True),
        ([1], "", False),
        ([], "Uses none of these: works as the others do.", False),
        ([1, 2], "Word processor for essays.", False),
    ],
)
def test_an_answer_needs_an_arrangement_or_words(kind_ids, how, refused):
    assert bool(rules.answer_problems(kind_ids=kind_ids, how=how)) is refused


@pytest.mark.parametrize(
    ("subject", "role", "problems"),
    [
        ("English", "teacher", 0),
        ("English", "sendco", 0),
        ("English", "head", 0),
        ("", "teacher", 1),
        ("English", None, 1),  # not of the school
        ("English", "ta", 1),
        ("English", "governor", 1),
        ("English", "trust_lead", 1),
        (" ", None, 2),
    ],
)
def test_who_may_be_asked_for_which_subject(subject, role, problems):
    assert len(rules.ask_problems(subject=subject, teacher_role=role)) == problems


@pytest.mark.parametrize(
    ("requested_on", "answered_on", "today", "due"),
    [
        (date(2027, 1, 10), None, date(2027, 1, 19), False),  # 9 days
        (date(2027, 1, 10), None, date(2027, 1, 20), True),  # 10 days
        (date(2027, 1, 10), None, date(2027, 2, 20), True),
        (date(2027, 1, 10), date(2027, 1, 11), date(2027, 2, 20), False),  # answered
        # Over a leap day: 28 Feb to 9 March 2028 is 10 days.
        (date(2028, 2, 28), None, date(2028, 3, 9), True),
    ],
)
def test_an_unanswered_request_is_chased_after_the_days_set(requested_on, answered_on, today, due):
    assert (
        rules.chase_due(requested_on=requested_on, answered_on=answered_on, today=today, days=10)
        is due
    )


def test_the_chase_days_are_a_setting(settings):
    assert rules.chase_days() == 10
    settings.EXAMS_EVIDENCE_CHASE_DAYS = 5
    assert rules.chase_days() == 5


@pytest.mark.parametrize(
    ("part1_on", "assessed", "warned_on"),
    [
        (None, [], None),  # nothing assessed: nothing to say
        (date(2027, 1, 5), [], None),
        (date(2027, 1, 5), [date(2027, 1, 6)], None),  # part 1 first: right
        (date(2027, 1, 5), [date(2027, 1, 5)], None),  # the same day counts as before
        (date(2027, 1, 5), [date(2027, 1, 4)], date(2027, 1, 4)),  # assessed before part 1
        (date(2027, 1, 5), [date(2027, 2, 1), date(2026, 12, 1)], date(2026, 12, 1)),
        (None, [date(2027, 1, 4)], date(2027, 1, 4)),  # part 1 never printed
    ],
)
def test_part_1_is_completed_before_the_assessment(part1_on, assessed, warned_on):
    warning = rules.part1_order(part1_on=part1_on, assessed_on=assessed)
    if warned_on is None:
        assert warning is None
    else:
        assert warning.assessed_on == warned_on
        assert "JCQ requires part 1" in warning.message
