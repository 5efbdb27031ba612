"""The rules of referrals as tables (agencies.rules): the waiting time measured per service,
which step may follow which, and when a referral or its report is to be chased."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from agencies import rules
from agencies.rules import ACCEPTED, CLOSED, DECLINED, REPORT, SEEN, WAITING, Wait

TODAY = date(2026, 12, 7)


def ago(weeks: float) -> date:
    return TODAY - timedelta(days=round(weeks * 7))


def wait(referred: float, answered: float | None = None, status: str = "") -> Wait:
    """A referral made `referred` weeks ago and answered `answered` weeks ago (None: not yet)."""
    answered_on = ago(answered) if answered is not None else None
    return Wait(1, ago(referred), answered_on, status or (ACCEPTED if answered_on else WAITING))


# stated weeks, the referrals, then: median, measured, waiting, over stated, over 26 weeks
WAITS = [
    pytest.param(12, [], (None, 0, 0, 0, 0), id="nothing referred"),
    pytest.param(12, [wait(30, 11)], (19, 1, 0, 0, 0), id="one answered in 19 weeks"),
    pytest.param(
        12, [wait(30, 11), wait(40, 22), wait(50, 25)], (19, 3, 0, 0, 0), id="median of three"
    ),
    pytest.param(12, [wait(30, 20), wait(40, 20)], (15, 2, 0, 0, 0), id="median of two, midway"),
    pytest.param(12, [wait(10)], (None, 0, 1, 0, 0), id="waiting 10 weeks, within 12 stated"),
    pytest.param(12, [wait(13)], (None, 0, 1, 1, 0), id="waiting 13 weeks, over 12 stated"),
    pytest.param(12, [wait(26)], (None, 0, 1, 1, 0), id="exactly 26 weeks is not over 26"),
    pytest.param(12, [wait(26.2)], (None, 0, 1, 1, 1), id="26 weeks and a day is over 26"),
    pytest.param(None, [wait(40)], (None, 0, 1, 0, 1), id="no stated time: only over 26"),
    pytest.param(
        12, [wait(110, 90)], (None, 0, 0, 0, 0), id="answered, referred over two years ago"
    ),
    pytest.param(12, [wait(103, 80)], (23, 1, 0, 0, 0), id="referred within two years, answered"),
    pytest.param(
        12, [wait(120)], (None, 0, 1, 1, 1), id="still waiting from long ago counts as waiting"
    ),
    pytest.param(
        12, [wait(20, status=CLOSED)], (None, 0, 0, 0, 0), id="closed without answer: not waiting"
    ),
    pytest.param(
        6,
        [wait(60, 41), wait(45, 26), wait(70, 51), wait(40), wait(8)],
        (19, 3, 2, 2, 1),
        id="the demo's speech and language therapy",
    ),
]


@pytest.mark.parametrize(("stated", "waits", "expected"), WAITS)
def test_waiting_times_per_service(stated, waits, expected):
    found = rules.service_waits(name="SALT", stated_weeks=stated, waits=waits, today=TODAY)
    assert (
        found.median_weeks,
        found.measured,
        found.waiting,
        found.over_stated,
        found.over_long,
    ) == expected


LINES = [
    (
        rules.ServiceWaits("Speech and language therapy", 12, 19, 5, 4, 4, 3),
        "Speech and language therapy: median 19 weeks here (stated 12); 3 pupils waiting over "
        "26 weeks",
    ),
    (
        rules.ServiceWaits("EP", 10, 6, 2, 1, 1, 0),
        "EP: median 6 weeks here (stated 10); 1 pupil waiting longer than stated",
    ),
    (rules.ServiceWaits("OT", None, 1, 1, 0, 0, 0), "OT: median 1 week here"),
    (
        rules.ServiceWaits("OT", 16, None, 0, 2, 0, 0),
        "OT: no answers yet to measure (stated 16 weeks); 2 pupils waiting",
    ),
]


@pytest.mark.parametrize(("waits", "line"), LINES)
def test_the_line_shown_for_a_service(waits, line):
    assert waits.line == line


def test_a_median_over_the_stated_time_or_a_long_wait_is_flagged():
    assert rules.ServiceWaits("S", 12, 19, 3, 0, 0, 0).beyond
    assert rules.ServiceWaits("S", 12, 12, 3, 0, 0, 0).beyond is False
    assert rules.ServiceWaits("S", None, 12, 3, 1, 1, 1).beyond


# current status, new status, date, last change's date -> the problem ("" when it may follow)
D = date(2026, 11, 2)
STEPS = [
    (WAITING, ACCEPTED, D, D, ""),
    (WAITING, DECLINED, D, D, ""),
    (WAITING, SEEN, D, D, ""),
    (WAITING, CLOSED, D, D, ""),
    (ACCEPTED, SEEN, D, D, ""),
    (SEEN, CLOSED, D, D, ""),
    (REPORT, CLOSED, D, D, ""),
    (DECLINED, CLOSED, D, D, ""),
    (ACCEPTED, WAITING, D, D, "A referral that is accepted cannot become waiting."),
    (SEEN, ACCEPTED, D, D, "A referral that is seen cannot become accepted."),
    (DECLINED, SEEN, D, D, "A referral that is declined cannot become seen."),
    (CLOSED, SEEN, D, D, "A referral that is closed cannot become seen."),
    (SEEN, SEEN, D, D, "A referral that is seen cannot become seen."),
    (
        WAITING,
        REPORT,
        D,
        D,
        "Record the report itself (with its date and document) to mark it received.",
    ),
    (
        WAITING,
        ACCEPTED,
        TODAY + timedelta(days=1),
        D,
        "This date is still to come: record the change once it has happened.",
    ),
    (
        WAITING,
        ACCEPTED,
        D - timedelta(days=1),
        D,
        "This date is before the last change (2 November 2026).",
    ),
    (WAITING, ACCEPTED, TODAY, D, ""),
]


@pytest.mark.parametrize(("current", "new", "on", "last_on", "problem"), STEPS)
def test_which_step_may_follow(current, new, on, last_on, problem):
    found = rules.step_problem(current=current, new=new, on=on, last_on=last_on, today=TODAY)
    assert found == problem


@pytest.mark.parametrize(
    ("weeks", "referred", "chased", "due"),
    [
        (6, date(2026, 10, 1), None, date(2026, 11, 12)),
        (8, date(2026, 10, 1), None, date(2026, 11, 26)),
        (6, date(2026, 10, 1), date(2026, 11, 16), date(2026, 12, 28)),  # from the last chase
    ],
)
def test_a_referral_is_chased_after_the_set_weeks(settings, weeks, referred, chased, due):
    settings.AGENCY_CHASE_WEEKS = weeks
    assert rules.chase_on(referred_on=referred, chased_on=chased) == due


@pytest.mark.parametrize(
    ("seen", "expected", "chased", "due"),
    [
        (date(2026, 10, 1), None, None, date(2026, 11, 12)),  # six weeks after the visit
        (date(2026, 10, 1), date(2026, 10, 20), None, date(2026, 10, 20)),  # its own date
        (None, date(2026, 12, 1), None, date(2026, 12, 1)),  # accepted, with a date given
        (None, None, None, None),  # accepted, nothing to go by
        # Chased before the report was due (for an answer): no change.
        (date(2026, 10, 1), None, date(2026, 9, 1), date(2026, 11, 12)),
        # Chased once it was due: six weeks after the chase.
        (date(2026, 10, 1), None, date(2026, 11, 12), date(2026, 12, 24)),
    ],
)
def test_when_a_report_is_due(seen, expected, chased, due):
    assert rules.report_due(seen_on=seen, expected_on=expected, chased_on=chased) == due


def test_two_years_back_from_29_february():
    assert rules.measured_since(date(2028, 2, 29)) == date(2026, 2, 28)
