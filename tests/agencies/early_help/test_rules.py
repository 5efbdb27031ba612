"""The rules of Early Help as tables (agencies/early_help_rules.py; DOMAIN.md 6 and 6.3): reviews
every 6 to 12 weeks as the LA says, the next due after the last review (or the start) or sooner
when the meeting agreed a date, overdue the day after; consent before the start; which stage may
follow which."""

from __future__ import annotations

from datetime import date

import pytest

from agencies import early_help_rules as rules
from agencies.early_help_rules import Stage

D = date


@pytest.mark.parametrize(
    ("weeks", "ok"),
    [(None, False), (0, False), (5, False), (6, True), (8, True), (12, True), (13, False)],
)
def test_the_interval_is_6_to_12_weeks(weeks, ok):
    assert (rules.review_weeks_problem(weeks) is None) is ok


@pytest.mark.parametrize(("setting", "weeks"), [(12, 12), (6, 6), (8, 8), (3, 6), (20, 12)])
def test_the_default_interval_is_the_setting_within_6_to_12(settings, setting, weeks):
    settings.EARLY_HELP_REVIEW_WEEKS = setting
    assert rules.default_review_weeks() == weeks


@pytest.mark.parametrize(
    ("stage", "started", "weeks", "last", "agreed", "due"),
    [
        # No review yet: the interval after the start.
        (Stage.ASSESSMENT, D(2026, 9, 7), 6, None, None, D(2026, 10, 19)),
        (Stage.PLAN, D(2026, 9, 7), 12, None, None, D(2026, 11, 30)),
        # After a review: the interval after it.
        (Stage.PLAN, D(2026, 9, 7), 6, D(2026, 10, 12), None, D(2026, 11, 23)),
        # The meeting agreed a sooner date.
        (Stage.PLAN, D(2026, 9, 7), 6, D(2026, 10, 12), D(2026, 11, 2), D(2026, 11, 2)),
        # An agreed date beyond a since-shortened interval: the interval wins.
        (Stage.PLAN, D(2026, 9, 7), 6, D(2026, 10, 12), D(2027, 1, 4), D(2026, 11, 23)),
        # Across a leap day.
        (Stage.PLAN, D(2028, 2, 1), 6, None, None, D(2028, 3, 14)),
        # Stepped up to social care, or closed: none owed by the school.
        (Stage.STEPPED_UP, D(2026, 9, 7), 6, D(2026, 10, 12), None, None),
        (Stage.CLOSED, D(2026, 9, 7), 6, None, None, None),
    ],
)
def test_when_the_next_review_is_due(stage, started, weeks, last, agreed, due):
    found = rules.next_review_due(
        stage=stage, started_on=started, weeks=weeks, last_held_on=last, agreed_on=agreed
    )
    assert found == due


@pytest.mark.parametrize(
    ("due", "today", "overdue"),
    [
        (D(2026, 11, 23), D(2026, 11, 22), False),
        (D(2026, 11, 23), D(2026, 11, 23), False),  # due today is not yet overdue
        (D(2026, 11, 23), D(2026, 11, 24), True),
        (None, D(2026, 11, 24), False),
    ],
)
def test_overdue_the_day_after(due, today, overdue):
    assert rules.is_overdue(due=due, today=today) is overdue


TODAY = D(2026, 12, 4)


@pytest.mark.parametrize(
    ("started", "by", "consent", "fields"),
    [
        (D(2026, 11, 2), "Mother", D(2026, 11, 2), set()),
        (D(2026, 11, 2), "Mother", D(2026, 10, 30), set()),
        (D(2026, 11, 2), "", D(2026, 11, 2), {"consent_given_by"}),  # who is required
        (D(2026, 11, 2), "  ", None, {"consent_given_by", "consent_on"}),
        (D(2026, 11, 2), "Father", D(2026, 11, 3), {"consent_on"}),  # consent comes first
        (D(2026, 12, 5), "Father", D(2026, 12, 5), {"started_on", "consent_on"}),  # the future
    ],
)
def test_starting_needs_the_familys_consent_first(started, by, consent, fields):
    found = rules.start_problems(
        started_on=started, consent_given_by=by, consent_on=consent, today=TODAY
    )
    assert set(found) == fields
    if "consent_given_by" in fields:
        assert found["consent_given_by"] == rules.CONSENT_MISSING


@pytest.mark.parametrize(
    ("held", "next_on", "before", "fields"),
    [
        (D(2026, 11, 2), None, [], set()),
        (D(2026, 11, 2), D(2026, 12, 14), [], set()),  # exactly 6 weeks on
        (D(2026, 11, 2), D(2026, 12, 15), [], {"next_review_on"}),  # beyond the interval
        (D(2026, 11, 2), D(2026, 11, 2), [], {"next_review_on"}),  # not after this one
        (D(2026, 9, 6), None, [], {"held_on"}),  # before Early Help started
        (D(2026, 12, 5), None, [], {"held_on"}),  # not yet held
        (D(2026, 11, 2), None, [D(2026, 11, 2)], {"held_on"}),  # twice on one day
    ],
)
def test_what_a_review_may_record(held, next_on, before, fields):
    found = rules.review_problems(
        held_on=held,
        next_review_on=next_on,
        started_on=D(2026, 9, 7),
        weeks=6,
        today=TODAY,
        held_before=before,
    )
    assert set(found) == fields


@pytest.mark.parametrize(
    ("closed", "reason", "last", "fields"),
    [
        (D(2026, 12, 1), "Aims met", D(2026, 11, 2), set()),
        (D(2026, 12, 1), " ", None, {"close_reason"}),
        (D(2026, 9, 1), "Aims met", None, {"closed_on"}),  # before the start
        (D(2026, 11, 1), "Aims met", D(2026, 11, 2), {"closed_on"}),  # before the last review
        (D(2026, 12, 5), "Aims met", None, {"closed_on"}),  # the future
    ],
)
def test_what_closing_needs(closed, reason, last, fields):
    found = rules.close_problems(
        closed_on=closed, reason=reason, started_on=D(2026, 9, 7), last_held_on=last, today=TODAY
    )
    assert set(found) == fields


@pytest.mark.parametrize(
    ("was", "to", "ok"),
    [
        (Stage.ASSESSMENT, Stage.PLAN, True),
        (Stage.ASSESSMENT, Stage.STEPPED_UP, True),
        (Stage.PLAN, Stage.STEPPED_UP, True),
        (Stage.STEPPED_UP, Stage.PLAN, True),  # stepped down
        (Stage.PLAN, Stage.PLAN, True),
        (Stage.PLAN, Stage.ASSESSMENT, False),
        (Stage.PLAN, Stage.CLOSED, False),  # closing is its own step
        (Stage.CLOSED, Stage.PLAN, False),
    ],
)
def test_which_stage_may_follow_which(was, to, ok):
    assert (rules.stage_change_problem(was=was, to=to) is None) is ok
