"""The rules of the graduated approach (DOMAIN.md 1.3 and 6) as tables of cases: review dates,
the stages a cycle moves through, carried targets, quality warnings and parent meetings."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from plans.rules import (
    TargetFacts,
    advance_problems,
    agree_by,
    annual_review_due,
    carries_over,
    default_review_due,
    meeting_schedule,
    quality_warnings,
    review_problems,
    stage_label,
)

# Whole terms of 2026/27 and 2027/28 by the default pattern (staff.calendar).
AUTUMN_26, SPRING_27, SUMMER_27 = date(2026, 12, 18), date(2027, 3, 19), date(2027, 7, 22)
AUTUMN_27, SPRING_28, SUMMER_28 = date(2027, 12, 17), date(2028, 4, 7), date(2028, 7, 21)
TERM_ENDS = [AUTUMN_26, SPRING_27, SUMMER_27, AUTUMN_27, SPRING_28, SUMMER_28]
YEAR_26 = date(2026, 9, 1)
YEAR_26_ENDS = [AUTUMN_26, SPRING_27, SUMMER_27]


# --------------------------------------------------------------------------------------------------
# Review dates
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("agreed_on", "expected"),
    [
        pytest.param(date(2026, 9, 14), AUTUMN_26, id="early in autumn: end of autumn"),
        pytest.param(date(2026, 11, 6), AUTUMN_26, id="exactly 6 weeks left: this term"),
        pytest.param(date(2026, 11, 7), SPRING_27, id="a day under 6 weeks left: next term"),
        pytest.param(date(2026, 12, 10), SPRING_27, id="last fortnight of autumn: spring"),
        pytest.param(date(2026, 12, 18), SPRING_27, id="last day of term: next term"),
        pytest.param(date(2026, 12, 23), SPRING_27, id="christmas holiday: spring"),
        pytest.param(date(2027, 2, 5), SPRING_27, id="6 weeks before spring ends"),
        pytest.param(date(2027, 2, 8), SUMMER_27, id="under 6 weeks before spring ends"),
        pytest.param(date(2027, 7, 15), AUTUMN_27, id="end of summer: autumn of next year"),
        pytest.param(date(2027, 8, 2), AUTUMN_27, id="summer holiday: autumn of next year"),
        pytest.param(date(2028, 2, 29), SUMMER_28, id="leap day"),
    ],
)
def test_termly_review_is_the_end_of_a_term_at_least_six_weeks_away(agreed_on, expected):
    assert default_review_due(agreed_on=agreed_on, term_ends=TERM_ENDS) == expected


def test_the_order_of_the_terms_given_does_not_matter():
    shuffled = [SUMMER_27, AUTUMN_26, SPRING_27]
    assert default_review_due(agreed_on=date(2026, 9, 14), term_ends=shuffled) == AUTUMN_26


@pytest.mark.parametrize(
    ("agreed_on", "term_ends", "expected"),
    [
        pytest.param(date(2026, 9, 14), [], date(2026, 12, 7), id="no calendar at all"),
        pytest.param(
            date(2027, 8, 2), YEAR_26_ENDS, date(2027, 10, 25), id="calendar ends before it"
        ),
        pytest.param(date(2027, 7, 1), YEAR_26_ENDS, date(2027, 9, 23), id="last term too close"),
    ],
)
def test_without_a_term_to_end_on_the_review_is_twelve_weeks_on(agreed_on, term_ends, expected):
    assert default_review_due(agreed_on=agreed_on, term_ends=term_ends) == expected


@pytest.mark.parametrize(
    ("weeks", "agreed_on", "expected"),
    [
        (12, date(2026, 9, 14), date(2026, 12, 7)),
        (12, date(2026, 12, 10), date(2027, 3, 4)),
        (8, date(2026, 9, 14), date(2026, 11, 9)),
    ],
)
def test_review_every_n_weeks_setting_ignores_the_terms(settings, weeks, agreed_on, expected):
    settings.APDR_REVIEW_WEEKS = weeks
    assert default_review_due(agreed_on=agreed_on, term_ends=TERM_ENDS) == expected


@pytest.mark.parametrize(
    ("min_weeks", "agreed_on", "expected"),
    [
        pytest.param(6, date(2026, 12, 1), SPRING_27, id="default 6: spring"),
        pytest.param(2, date(2026, 12, 1), AUTUMN_26, id="2 weeks: still autumn"),
        pytest.param(2, date(2026, 12, 10), SPRING_27, id="2 weeks: too close"),
        pytest.param(10, date(2026, 10, 12), SPRING_27, id="10 weeks: spring"),
        # A review on the day the plan is agreed would be refused by advance_problems.
        pytest.param(0, date(2026, 12, 18), SPRING_27, id="0 weeks: never the same day"),
        pytest.param(0, date(2026, 12, 17), AUTUMN_26, id="0 weeks: the next day is fine"),
    ],
)
def test_minimum_weeks_setting(settings, min_weeks, agreed_on, expected):
    settings.APDR_MIN_WEEKS = min_weeks
    due = default_review_due(agreed_on=agreed_on, term_ends=TERM_ENDS)
    assert due == expected
    assert due > agreed_on


def test_explicit_arguments_win_over_settings(settings):
    settings.APDR_REVIEW_WEEKS = 12
    settings.APDR_MIN_WEEKS = 10
    agreed = date(2026, 12, 1)
    assert default_review_due(agreed_on=agreed, term_ends=TERM_ENDS, weeks=0, minimum=2) == (
        AUTUMN_26
    )
    assert default_review_due(agreed_on=agreed, term_ends=TERM_ENDS, weeks=4) == date(2026, 12, 29)


@pytest.mark.parametrize(
    ("days", "starts_on", "expected"),
    [
        (None, date(2026, 9, 7), date(2026, 10, 5)),
        (None, date(2026, 12, 14), date(2027, 1, 11)),
        (10, date(2026, 9, 7), date(2026, 9, 17)),
    ],
)
def test_agree_by(settings, days, starts_on, expected):
    if days is not None:
        settings.APDR_AGREE_WITHIN_DAYS = days
    assert agree_by(starts_on=starts_on) == expected


# --------------------------------------------------------------------------------------------------
# Stages
# --------------------------------------------------------------------------------------------------

TODAY = date(2026, 10, 1)
AGREED = date(2026, 9, 28)
REVIEW = date(2026, 12, 18)


@pytest.mark.parametrize(
    ("stage", "targets", "agreed_on", "review_due", "problems"),
    [
        (
            "reviewed",
            2,
            AGREED,
            REVIEW,
            ["This cycle has been reviewed; start the next cycle instead."],
        ),
        (
            "do",
            2,
            AGREED,
            REVIEW,
            ["The plan is under way: complete the review to finish this cycle."],
        ),
        pytest.param("assess", 0, None, None, [], id="assess to plan is always allowed"),
        pytest.param("plan", 2, AGREED, REVIEW, [], id="a complete plan starts"),
        pytest.param("plan", 1, TODAY, REVIEW, [], id="agreed today"),
        ("plan", 0, AGREED, REVIEW, ["Add at least one target before the plan starts."]),
        ("plan", 2, None, REVIEW, ["Record the date the plan was agreed with the parents."]),
        (
            "plan",
            2,
            TODAY + timedelta(days=1),
            REVIEW,
            ["The plan cannot be agreed on a date still to come."],
        ),
        ("plan", 2, AGREED, None, ["Set the review date agreed with the parents."]),
        (
            "plan",
            2,
            AGREED,
            AGREED,
            ["The review date must be after the date the plan was agreed."],
        ),
        (
            "plan",
            2,
            AGREED,
            AGREED - timedelta(days=1),
            ["The review date must be after the date the plan was agreed."],
        ),
        (
            "plan",
            0,
            None,
            None,
            [
                "Add at least one target before the plan starts.",
                "Record the date the plan was agreed with the parents.",
                "Set the review date agreed with the parents.",
            ],
        ),
    ],
)
def test_advance_problems(stage, targets, agreed_on, review_due, problems):
    found = advance_problems(
        stage=stage, targets=targets, agreed_on=agreed_on, review_due=review_due, today=TODAY
    )
    assert found == problems


START = date(2026, 9, 7)
LATE = date(2026, 12, 17)


@pytest.mark.parametrize(
    ("stage", "agreed_on", "reviewed_on", "outcomes", "problems"),
    [
        pytest.param("do", AGREED, LATE, ["achieved", "partly"], [], id="complete"),
        pytest.param("do", AGREED, AGREED, ["not_achieved"], [], id="on the day agreed"),
        pytest.param("do", AGREED, LATE, [], [], id="no targets left"),
        ("reviewed", AGREED, LATE, ["achieved"], ["This cycle has already been reviewed."]),
        (
            "assess",
            None,
            LATE,
            [],
            ["Only a plan that is under way (Do) can be reviewed: agree the plan first."],
        ),
        (
            "plan",
            AGREED,
            LATE,
            ["achieved"],
            ["Only a plan that is under way (Do) can be reviewed: agree the plan first."],
        ),
        ("do", AGREED, None, ["achieved"], ["Give the date of the review meeting."]),
        (
            "do",
            AGREED,
            LATE + timedelta(days=1),
            ["achieved"],
            ["A review cannot be recorded before it happens."],
        ),
        (
            "do",
            AGREED,
            AGREED - timedelta(days=1),
            ["achieved"],
            ["The review cannot be before the plan was agreed (28/09/2026)."],
        ),
        pytest.param(
            "do",
            None,
            START - timedelta(days=1),
            ["achieved"],
            ["The review cannot be before the cycle began (07/09/2026)."],
            id="no agreed date: the cycle's start",
        ),
        pytest.param(
            "do",
            date(2026, 7, 1),
            date(2026, 7, 20),
            ["achieved"],
            [],
            id="a plan entered after the event: agreed and reviewed before the cycle was started",
        ),
        (
            "do",
            AGREED,
            LATE,
            ["achieved", "", ""],
            ["Say whether each target was achieved (2 without an outcome)."],
        ),
        (
            "do",
            AGREED,
            None,
            [""],
            [
                "Give the date of the review meeting.",
                "Say whether each target was achieved (1 without an outcome).",
            ],
        ),
    ],
)
def test_review_problems(stage, agreed_on, reviewed_on, outcomes, problems):
    found = review_problems(
        stage=stage,
        starts_on=START,
        agreed_on=agreed_on,
        reviewed_on=reviewed_on,
        today=LATE,
        outcomes=outcomes,
    )
    assert found == problems


@pytest.mark.parametrize(
    ("stage", "review_due", "label"),
    [
        ("assess", None, "Assess"),
        ("plan", None, "Plan"),
        ("plan", TODAY - timedelta(days=3), "Plan"),
        ("do", None, "Do"),
        ("do", TODAY + timedelta(days=1), "Do"),
        ("do", TODAY, "Review due"),
        ("do", TODAY - timedelta(days=1), "Review overdue"),
        ("reviewed", TODAY - timedelta(days=30), "Reviewed"),
    ],
)
def test_stage_label(stage, review_due, label):
    assert stage_label(stage=stage, review_due=review_due, today=TODAY) == label


@pytest.mark.parametrize(
    ("outcome", "carried"), [("achieved", False), ("partly", True), ("not_achieved", True)]
)
def test_carries_over(outcome, carried):
    assert carries_over(outcome) is carried


# --------------------------------------------------------------------------------------------------
# Quality warnings
# --------------------------------------------------------------------------------------------------

SPLD, SLCN = (1, "Specific learning difficulty"), (2, "Speech, language and communication needs")


def facts(position=1, **changes) -> TargetFacts:
    complete = {
        "position": position,
        "measure": "Salford reading test",
        "baseline": "Reading age 6y 2m",
        "by_when": REVIEW,
        "need_type_id": SPLD[0],
        "provision": True,
    }
    return TargetFacts(**{**complete, **changes})


@pytest.mark.parametrize(
    ("targets", "needs", "stage", "review_due", "messages"),
    [
        pytest.param([facts()], [SPLD], "plan", REVIEW, [], id="complete plan"),
        pytest.param(
            [facts(), facts(2, need_type_id=SLCN[0])], [SPLD, SLCN], "do", REVIEW, [], id="two"
        ),
        pytest.param([facts()], [SPLD], "assess", None, [], id="assess needs no review date"),
        ([], [], "assess", None, ["The plan has no targets yet."]),
        (
            [],
            [SPLD],
            "plan",
            REVIEW,
            [
                "The plan has no targets yet.",
                "No target addresses the need “Specific learning difficulty”.",
            ],
        ),
        (
            [facts(measure="  ")],
            [SPLD],
            "plan",
            REVIEW,
            ["Target 1 has no measure: say how progress will be measured."],
        ),
        (
            [facts(baseline="")],
            [SPLD],
            "plan",
            REVIEW,
            ["Target 1 has no starting point (baseline)."],
        ),
        (
            [facts(by_when=None)],
            [SPLD],
            "plan",
            REVIEW,
            ["Target 1 has no date to be achieved by."],
        ),
        (
            [facts(provision=False)],
            [SPLD],
            "plan",
            REVIEW,
            [
                "Target 1 has no provision: link a group of the provision map or describe the "
                "support."
            ],
        ),
        (
            [facts()],
            [SPLD, SLCN],
            "plan",
            REVIEW,
            ["No target addresses the need “Speech, language and communication needs”."],
        ),
        (
            [facts(need_type_id=None)],
            [SPLD],
            "do",
            REVIEW,
            ["No target addresses the need “Specific learning difficulty”."],
        ),
        ([facts()], [SPLD], "plan", None, ["The plan has no review date."]),
        ([facts()], [SPLD], "do", None, ["The plan has no review date."]),
    ],
)
def test_quality_warnings(targets, needs, stage, review_due, messages):
    found = quality_warnings(targets=targets, needs=needs, stage=stage, review_due=review_due)
    assert [w.message for w in found] == messages


def test_quality_warnings_point_at_the_target_they_are_about():
    found = quality_warnings(
        targets=[facts(1), facts(2, measure="", baseline="")],
        needs=[SPLD, SLCN],
        stage="plan",
        review_due=None,
    )
    assert [(w.target_position, w.message.split(" has")[0]) for w in found] == [
        (2, "Target 2"),
        (2, "Target 2"),
        (None, "No target addresses the need “Speech, language and communication needs”."),
        (None, "The plan"),
    ]


# --------------------------------------------------------------------------------------------------
# Parent meetings: at least three a year (Code 6.65), one by the end of each term
# --------------------------------------------------------------------------------------------------

LONG_AGO = date(2024, 9, 1)


@pytest.mark.parametrize(
    ("since", "held_on", "today", "held", "expected_by_now", "required", "due"),
    [
        pytest.param(
            LONG_AGO,
            [date(2026, 10, 1)],
            date(2026, 11, 10),
            1,
            1,
            3,
            SPRING_27,
            id="on track in autumn: next one by the end of spring",
        ),
        pytest.param(
            LONG_AGO,
            [],
            date(2026, 11, 10),
            0,
            1,
            3,
            AUTUMN_26,
            id="behind in autumn: due at the end of autumn",
        ),
        pytest.param(LONG_AGO, [], date(2026, 12, 18), 0, 1, 3, AUTUMN_26, id="last day of autumn"),
        pytest.param(
            LONG_AGO,
            [],
            date(2026, 12, 21),
            0,
            2,
            3,
            AUTUMN_26,
            id="autumn ended without one: overdue",
        ),
        pytest.param(
            LONG_AGO, [], date(2027, 1, 4), 0, 2, 3, AUTUMN_26, id="first day of spring: overdue"
        ),
        pytest.param(
            LONG_AGO,
            [date(2027, 1, 11)],
            date(2027, 1, 15),
            1,
            2,
            3,
            SPRING_27,
            id="caught up in spring: autumn is cleared",
        ),
        pytest.param(
            LONG_AGO,
            [date(2026, 9, 20), date(2027, 1, 11)],
            date(2027, 3, 20),
            2,
            3,
            3,
            SUMMER_27,
            id="two by the end of spring: on track",
        ),
        pytest.param(
            LONG_AGO,
            [date(2026, 9, 20), date(2027, 1, 11), date(2027, 5, 3)],
            date(2027, 6, 1),
            3,
            3,
            3,
            None,
            id="all three held",
        ),
        pytest.param(
            LONG_AGO,
            [date(2026, 7, 10), date(2026, 6, 1)],
            date(2026, 11, 10),
            0,
            1,
            3,
            AUTUMN_26,
            id="last year's meetings do not count",
        ),
        pytest.param(
            LONG_AGO,
            [date(2026, 10, 1), date(2026, 10, 1)],
            date(2027, 1, 15),
            1,
            2,
            3,
            SPRING_27,
            id="two records of one day count once",
        ),
        pytest.param(
            date(2027, 1, 11),
            [],
            date(2027, 1, 15),
            0,
            1,
            2,
            SPRING_27,
            id="joined in spring: two meetings, none owed for autumn",
        ),
        pytest.param(
            date(2026, 12, 22),
            [],
            date(2027, 3, 22),
            0,
            2,
            2,
            SPRING_27,
            id="joined in the christmas holiday, none by the end of spring: overdue",
        ),
        pytest.param(
            date(2027, 5, 4), [], date(2027, 5, 10), 0, 1, 1, SUMMER_27, id="joined in summer"
        ),
        pytest.param(
            date(2027, 7, 26),
            [],
            date(2027, 8, 1),
            0,
            0,
            0,
            None,
            id="joined after the last term: nothing owed this year",
        ),
    ],
)
def test_meeting_schedule(since, held_on, today, held, expected_by_now, required, due):
    schedule = meeting_schedule(
        term_ends=YEAR_26_ENDS,
        year_start=YEAR_26,
        on_support_since=since,
        held_on=held_on,
        today=today,
    )
    assert (schedule.held, schedule.expected_by_now, schedule.required, schedule.due) == (
        held,
        expected_by_now,
        required,
        due,
    )


def test_a_year_with_no_terms_owes_nothing():
    schedule = meeting_schedule(
        term_ends=[],
        year_start=YEAR_26,
        on_support_since=LONG_AGO,
        held_on=[date(2026, 10, 1)],
        today=date(2026, 11, 10),
    )
    assert (schedule.held, schedule.required, schedule.due) == (1, 0, None)


@pytest.mark.parametrize(
    ("per_year", "held_on", "today", "expected_by_now", "required", "due"),
    [
        (6, [date(2026, 10, 1)], date(2026, 11, 10), 2, 6, AUTUMN_26),
        (6, [date(2026, 10, 1), date(2026, 11, 2)], date(2026, 11, 10), 2, 6, SPRING_27),
        (2, [], date(2026, 11, 10), 1, 2, AUTUMN_26),
        (2, [date(2026, 10, 1)], date(2027, 1, 15), 2, 2, SPRING_27),
        (0, [], date(2026, 11, 10), 0, 0, None),
    ],
)
def test_parent_meetings_setting(
    settings, per_year, held_on, today, expected_by_now, required, due
):
    settings.APDR_PARENT_MEETINGS = per_year
    schedule = meeting_schedule(
        term_ends=YEAR_26_ENDS,
        year_start=YEAR_26,
        on_support_since=LONG_AGO,
        held_on=held_on,
        today=today,
    )
    assert (schedule.expected_by_now, schedule.required, schedule.due) == (
        expected_by_now,
        required,
        due,
    )


@pytest.mark.parametrize(
    ("last_annual", "first_started", "months", "due"),
    [
        (None, date(2026, 9, 14), 12, date(2027, 9, 14)),  # a year after the plan began
        (date(2027, 6, 30), date(2026, 9, 14), 12, date(2028, 6, 30)),  # after the last annual
        (None, date(2024, 2, 29), 12, date(2025, 2, 28)),  # no 29 February next year
        (None, date(2026, 8, 31), 6, date(2027, 2, 28)),  # a shorter month
        (None, None, 12, None),  # no cycle yet
        (date(2027, 6, 30), date(2026, 9, 14), 0, None),  # turned off
    ],
)
def test_annual_review_of_a_support_plan(last_annual, first_started, months, due):
    found = annual_review_due(last_annual=last_annual, first_started=first_started, months=months)
    assert found == due
