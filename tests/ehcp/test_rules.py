"""Tables of cases for the statutory clock of EHC plans (`ehcp/rules.py`, DOMAIN.md section 2).

Every expected date is written out by hand (never computed with the rule under test), so a wrong
number of weeks or months fails. Source tags in the comments are those of DOMAIN.md.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from ehcp import rules
from ehcp.models import LocalAuthority
from ehcp.rules import (
    ADVICE_REQUESTED,
    AMEND,
    AMENDED,
    CEASE,
    CIRCULATED,
    DECIDED,
    HELD,
    INVITED,
    MAINTAIN,
    REPORTED,
    SCHEDULED,
    STEP_LABELS,
    LeadTimes,
    ReviewFacts,
    Transfer,
    add_months,
    assessment_clock,
    finished,
    latest_meeting,
    notice_problems,
    phase_transfer,
    review_dates,
    review_due_by,
    stage_of,
    step_problems,
)

DEFAULT = LeadTimes()

# --------------------------------------------------------------------------------------------------
# Months: the 12-month review window (DOMAIN 2.3 "Frequency", calendar months)
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        # same day a year later
        (date(2025, 9, 10), 12, date(2026, 9, 10)),
        # no 29 February in 2025: the month's last day
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        # into a leap year, 28 February stays 28 February (not 29)
        (date(2023, 2, 28), 12, date(2024, 2, 28)),
        # 31 August + 6 months: 28 February in a common year...
        (date(2025, 8, 31), 6, date(2026, 2, 28)),
        # ...and 29 February in a leap year
        (date(2023, 8, 31), 6, date(2024, 2, 29)),
        # across a year end (under-5s every 3 months)
        (date(2025, 11, 15), 3, date(2026, 2, 15)),
        # 30 November + 3 months into a leap February
        (date(2023, 11, 30), 3, date(2024, 2, 29)),
        # 31 January + 1 month: the end of February, never 3 March
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        # 31 March + 6 months: September has 30 days
        (date(2026, 3, 31), 6, date(2026, 9, 30)),
    ],
)
def test_add_months(day, months, expected):
    assert add_months(day, months) == expected


@pytest.mark.parametrize(
    ("anchor", "date_of_birth", "under_five_months", "expected"),
    [
        # first review within 12 months of the plan being issued [S40]
        (date(2024, 3, 15), date(2014, 5, 1), 6, date(2025, 3, 15)),
        # then within 12 months of the previous review meeting, not of the issue date [S40]
        (date(2025, 1, 20), date(2014, 5, 1), 6, date(2026, 1, 20)),
        # issued on leap day: 28 February the next year
        (date(2024, 2, 29), date(2014, 5, 1), 6, date(2025, 2, 28)),
        # issued 28 February 2023: 28 February 2024, even though 2024 has a 29th
        (date(2023, 2, 28), date(2014, 5, 1), 6, date(2024, 2, 28)),
        # a child aged 4 on the anchor: the LA's under-5 period, 6 months (Code 9.178, [S38])
        (date(2025, 9, 10), date(2021, 6, 1), 6, date(2026, 3, 10)),
        # the same child where the LA reviews under-5s every 3 months (Code 9.178)
        (date(2025, 9, 10), date(2021, 6, 1), 3, date(2025, 12, 10)),
        # turns 5 the day after the anchor: 5 by the date the under-5 review would fall (10 March
        # 2026), so the 12-month rule (the child's age on the review date decides, Code 9.178)
        (date(2025, 9, 10), date(2020, 9, 11), 6, date(2026, 9, 10)),
        # the same with a 3-month LA: 5 on 10 December 2025, so 12 months
        (date(2025, 9, 10), date(2020, 9, 11), 3, date(2026, 9, 10)),
        # turns 5 the day after the under-5 review date: still 4 on it, so 6 months
        (date(2025, 9, 10), date(2021, 3, 11), 6, date(2026, 3, 10)),
        # turns 5 on the under-5 review date itself: 5 on it, so 12 months
        (date(2025, 9, 10), date(2021, 3, 10), 6, date(2026, 9, 10)),
        # exactly 5 on the anchor: the 12-month rule
        (date(2025, 9, 10), date(2020, 9, 10), 3, date(2026, 9, 10)),
        # under five, anchor 31 August + 6 months: end of February of a leap year
        (date(2023, 8, 31), date(2019, 12, 1), 6, date(2024, 2, 29)),
        # born on leap day, anchor 28 February 2025: 5 by 28 August 2025, so 12 months
        (date(2025, 2, 28), date(2020, 2, 29), 6, date(2026, 2, 28)),
        # born on leap day 2020, anchor 1 September 2024: on 1 March 2025 (the under-5 review
        # date) 5 (a leap-day birthday comes on 1 March in a common year), so 12 months
        (date(2024, 9, 1), date(2020, 2, 29), 6, date(2025, 9, 1)),
        # ... and anchor 31 August 2024: on 28 February 2025 still 4, so 6 months
        (date(2024, 8, 31), date(2020, 2, 29), 6, date(2025, 2, 28)),
        # born on leap day: 5 on 1 March 2025, so 12 months
        (date(2025, 3, 1), date(2020, 2, 29), 6, date(2026, 3, 1)),
    ],
)
def test_review_due_by(anchor, date_of_birth, under_five_months, expected):
    assert (
        review_due_by(
            anchor=anchor, date_of_birth=date_of_birth, under_five_months=under_five_months
        )
        == expected
    )


# --------------------------------------------------------------------------------------------------
# Phase transfer (DOMAIN 2.5, reg. 18)
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year_group", "academic_year_start", "expected"),
    [
        # Y6 -> Y7: 15 February of the calendar year of transfer (2026/27 -> 2027) [S36][S137]
        ("6", 2026, date(2027, 2, 15)),
        # Y6 in 2024/25: the deadline of the law firm's worked example, 15 Feb 2025 [S37]
        ("6", 2024, date(2025, 2, 15)),
        # secondary -> post-16: 31 March [S36][S137]
        ("11", 2026, date(2027, 3, 31)),
        # early years -> Reception: 15 February [S36]
        ("N2", 2026, date(2027, 2, 15)),
        # leap year does not move a fixed date
        ("6", 2027, date(2028, 2, 15)),
    ],
)
def test_phase_transfer_deadline(year_group, academic_year_start, expected):
    transfer = phase_transfer(year_group=year_group, academic_year_start=academic_year_start)
    assert transfer is not None
    assert transfer.deadline == expected


@pytest.mark.parametrize(
    ("year_group", "words"),
    [
        ("6", "secondary"),  # primary to secondary [S36]
        ("11", "post-16"),  # secondary to post-16 [S36]
        ("N2", "Reception"),  # early years to school [S36]
    ],
)
def test_phase_transfer_says_which_move(year_group, words):
    transfer = phase_transfer(year_group=year_group, academic_year_start=2026)
    assert words in transfer.label


@pytest.mark.parametrize(
    "year_group",
    [
        "N1",  # a year of nursery still to go
        "R",
        "1",
        # infant -> junior is a transfer [S36], but no infant-school phase is recorded, so a
        # Year 2 pupil of a primary school (the usual case) does not move
        "2",
        "3",
        "4",
        "5",
        "7",
        "8",
        "9",
        "10",
        "12",  # post-16 -> post-16 moves have their own 5-month rule [S36], not modelled here
        "13",
        "14",
        "",  # no year group recorded
    ],
)
def test_no_phase_transfer(year_group):
    assert phase_transfer(year_group=year_group, academic_year_start=2026) is None


@pytest.mark.parametrize(
    ("due_by", "transfer", "expected"),
    [
        # no transfer: the LA's decision (meeting + 4 weeks) must fall in the window [S40]
        (date(2027, 4, 20), None, date(2027, 3, 23)),
        # Year 6 whose window would allow a March meeting: 15 Feb 2027 - (4 + 8) weeks [S36][S33]
        (
            date(2027, 4, 20),
            phase_transfer(year_group="6", academic_year_start=2026),
            date(2026, 11, 23),
        ),
        # the law firm's example: deadline 15 Feb 2025, latest meeting 23 Nov 2024 (a Saturday;
        # they give Friday 22 Nov) [S37]
        (
            date(2025, 6, 1),
            phase_transfer(year_group="6", academic_year_start=2024),
            date(2024, 11, 23),
        ),
        # Year 11: 31 March 2027 - 12 weeks
        (
            date(2027, 6, 1),
            phase_transfer(year_group="11", academic_year_start=2026),
            date(2027, 1, 6),
        ),
        # the 12-month window ends before the transfer date allows: the window wins
        (
            date(2026, 10, 1),
            phase_transfer(year_group="6", academic_year_start=2026),
            date(2026, 9, 3),
        ),
    ],
)
def test_latest_meeting_default_lead_times(due_by, transfer, expected):
    assert (
        latest_meeting(
            due_by=due_by,
            transfer=transfer,
            decision_weeks=DEFAULT.decision_weeks,
            amended_plan_weeks=DEFAULT.amended_plan_weeks,
        )
        == expected
    )


def test_latest_meeting_with_an_la_that_decides_and_amends_faster():
    # an LA promising a decision in 2 weeks and the plan 6 weeks after: 15 Feb - 8 weeks
    transfer = Transfer(deadline=date(2027, 2, 15), label="from primary to secondary school")
    assert latest_meeting(
        due_by=date(2027, 4, 20), transfer=transfer, decision_weeks=2, amended_plan_weeks=6
    ) == date(2026, 12, 21)


# --------------------------------------------------------------------------------------------------
# A review's dates (DOMAIN 2.3 derived schedule, 2.4)
# --------------------------------------------------------------------------------------------------

MEETING = date(2026, 3, 10)  # a Tuesday


def dates_of(result):
    return {
        "request_advice_by": result.request_advice_by,
        "invite_by": result.invite_by,
        "circulate_by": result.circulate_by,
        "meeting": result.meeting,
        "report_by": result.report_by,
        "decision_by": result.decision_by,
        "amended_plan_by": result.amended_plan_by,
    }


def test_review_dates_default_lead_times():
    assert dates_of(review_dates(meeting_on=MEETING, lead=DEFAULT)) == {
        "request_advice_by": date(2026, 1, 27),  # M - 6 weeks (practice [S45], editable)
        "invite_by": date(2026, 2, 24),  # M - 2 weeks: the legal minimum notice [S31]
        "circulate_by": date(2026, 2, 24),  # M - 2 weeks [S31]
        "meeting": MEETING,
        "report_by": date(2026, 3, 24),  # M + 2 weeks [S32]
        "decision_by": date(2026, 4, 7),  # M + 4 weeks [S35]
        "amended_plan_by": None,  # no decision to amend yet
    }


def test_review_dates_an_las_own_lead_times():
    lead = LeadTimes(advice_request_weeks=12, invitation_weeks=6, report_days=10)
    assert dates_of(review_dates(meeting_on=MEETING, lead=lead)) == {
        "request_advice_by": date(2025, 12, 16),  # ~12 weeks before (one LA) [S45]
        "invite_by": date(2026, 1, 27),  # ~6 weeks before (one LA) [S44]
        "circulate_by": date(2026, 2, 24),  # still M - 2 weeks [S31]
        "meeting": MEETING,
        "report_by": date(2026, 3, 20),  # one LA asks for 10 days [S44]
        "decision_by": date(2026, 4, 7),
        "amended_plan_by": None,
    }


def test_lead_times_are_read_from_the_local_authority():
    authority = LocalAuthority(
        name="Northshire",
        advice_request_weeks=12,
        invitation_weeks=6,
        circulate_weeks=3,
        report_days=10,
        decision_weeks=4,
        amended_plan_weeks=8,
    )
    assert LeadTimes.of(authority) == LeadTimes(
        advice_request_weeks=12,
        invitation_weeks=6,
        circulate_weeks=3,
        report_days=10,
        decision_weeks=4,
        amended_plan_weeks=8,
    )


def test_moving_the_meeting_earlier_moves_every_date():
    after = review_dates(meeting_on=date(2026, 3, 3), lead=DEFAULT)
    assert dates_of(after) == {
        "request_advice_by": date(2026, 1, 20),
        "invite_by": date(2026, 2, 17),
        "circulate_by": date(2026, 2, 17),
        "meeting": date(2026, 3, 3),
        "report_by": date(2026, 3, 17),
        "decision_by": date(2026, 3, 31),
        "amended_plan_by": None,
    }


@pytest.mark.parametrize(
    ("meeting_on", "invitations_sent_on", "warned"),
    [
        # invitations 18 days before the meeting: 2 weeks' notice given [S31]
        (date(2026, 3, 10), date(2026, 2, 20), False),
        # the meeting moved a week earlier: now 11 days' notice, less than 2 weeks [S31]
        (date(2026, 3, 3), date(2026, 2, 20), True),
        # exactly 14 days: enough
        (date(2026, 3, 6), date(2026, 2, 20), False),
        # 13 days: not enough
        (date(2026, 3, 5), date(2026, 2, 20), True),
        # no invitations sent yet: nothing to warn about
        (date(2026, 3, 3), None, False),
    ],
)
def test_notice_problems(meeting_on, invitations_sent_on, warned):
    problems = notice_problems(meeting_on=meeting_on, invitations_sent_on=invitations_sent_on)
    if warned:
        assert len(problems) == 1
        assert "less than 2 weeks before the meeting" in problems[0]
        assert f"{invitations_sent_on:%d/%m/%Y}" in problems[0]
        assert f"{meeting_on:%d/%m/%Y}" in problems[0]
    else:
        assert problems == []


def test_meeting_held_on_another_day_moves_report_and_decision_only():
    result = review_dates(meeting_on=MEETING, lead=DEFAULT, held_on=date(2026, 3, 12))
    assert dates_of(result) == {
        "request_advice_by": date(2026, 1, 27),  # the steps before stay on the scheduled date
        "invite_by": date(2026, 2, 24),
        "circulate_by": date(2026, 2, 24),
        "meeting": date(2026, 3, 12),
        "report_by": date(2026, 3, 26),  # 2 weeks from the day it was held [S32]
        "decision_by": date(2026, 4, 9),  # 4 weeks from the day it was held [S35]
        "amended_plan_by": None,
    }


@pytest.mark.parametrize(
    ("held_on", "la_decision", "la_decision_on", "expected"),
    [
        # LA will amend, notice not yet dated: decision deadline + 8 weeks = M + 12 weeks [S33][S34]
        (None, AMEND, None, date(2026, 6, 2)),
        # notice dated 31 March: 8 weeks from the notice [S33]
        (None, AMEND, date(2026, 3, 31), date(2026, 5, 26)),
        # a late notice (after the 4-week window): 8 weeks from it would be 16 June, but on the
        # High Court's reading the final plan is due 12 weeks from the meeting (L v Devon) [S34]
        (None, AMEND, date(2026, 4, 21), date(2026, 6, 2)),
        # meeting held 2 days late, no notice yet: held + 12 weeks
        (date(2026, 3, 12), AMEND, None, date(2026, 6, 4)),
        # maintain or cease: no amended plan to wait for
        (None, MAINTAIN, date(2026, 3, 31), None),
        (None, CEASE, date(2026, 3, 31), None),
        # no decision yet
        (None, "", None, None),
    ],
)
def test_amended_plan_by(held_on, la_decision, la_decision_on, expected):
    result = review_dates(
        meeting_on=MEETING,
        lead=DEFAULT,
        held_on=held_on,
        la_decision=la_decision,
        la_decision_on=la_decision_on,
    )
    assert result.amended_plan_by == expected


# --------------------------------------------------------------------------------------------------
# Stage and end of a review
# --------------------------------------------------------------------------------------------------

INVITES_SENT = date(2026, 2, 10)
CIRCULATED_ON = date(2026, 2, 24)
REPORT_SENT = date(2026, 3, 20)
NOTICE = date(2026, 4, 3)
AMENDED_ON = date(2026, 5, 20)
TODAY = date(2026, 6, 30)

NOTHING = ReviewFacts(meeting_on=MEETING)
INVITATIONS = replace(NOTHING, invitations_sent_on=INVITES_SENT)
ASKED = replace(NOTHING, advice_requested=2)
BOTH = replace(INVITATIONS, advice_requested=2)
READY = replace(BOTH, advice_circulated_on=CIRCULATED_ON)
HELD_DONE = replace(READY, held_on=MEETING)
REPORTED_DONE = replace(HELD_DONE, report_sent_on=REPORT_SENT)
TO_AMEND = replace(REPORTED_DONE, la_decision=AMEND, la_decision_on=NOTICE)
MAINTAINED = replace(REPORTED_DONE, la_decision=MAINTAIN, la_decision_on=NOTICE)
CEASED = replace(REPORTED_DONE, la_decision=CEASE, la_decision_on=NOTICE)
AMENDED_DONE = replace(TO_AMEND, amended_issued_on=AMENDED_ON)


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        (NOTHING, SCHEDULED),
        (INVITATIONS, INVITED),
        (ASKED, ADVICE_REQUESTED),  # advice asked for before the invitations went out
        (BOTH, ADVICE_REQUESTED),  # both done, in either order: the later stage
        (READY, CIRCULATED),
        (HELD_DONE, HELD),
        (REPORTED_DONE, REPORTED),
        (TO_AMEND, DECIDED),
        (MAINTAINED, DECIDED),
        (CEASED, DECIDED),
        (AMENDED_DONE, AMENDED),
        # the decision's value without its date is not a decision received
        (replace(REPORTED_DONE, la_decision=MAINTAIN), REPORTED),
    ],
)
def test_stage_of(facts, expected):
    assert stage_of(facts) == expected


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        (NOTHING, False),
        (HELD_DONE, False),
        (REPORTED_DONE, False),
        # a decision to amend leaves the final amended plan to come [S33]
        (TO_AMEND, False),
        # maintain or cease ends the review [S35]
        (MAINTAINED, True),
        (CEASED, True),
        # the final amended plan ends it [S33]
        (AMENDED_DONE, True),
        # a decision chosen but not yet dated has not been received
        (replace(REPORTED_DONE, la_decision=CEASE), False),
    ],
)
def test_finished(facts, expected):
    assert finished(facts) is expected


# --------------------------------------------------------------------------------------------------
# Which step may follow which (step_problems)
# --------------------------------------------------------------------------------------------------

STEPS = list(STEP_LABELS)
GOOD_EXTRA = {"recommendation": AMEND, "decision": MAINTAIN}


def problems_for(facts, step, on, **extra):
    return step_problems(facts=facts, step=step, on=on, today=TODAY, **extra)


@pytest.mark.parametrize(
    ("facts", "step", "on", "extra", "message"),
    [
        # --- nothing done yet ---
        # advice is circulated only once it has been requested [S31]
        (NOTHING, CIRCULATED, CIRCULATED_ON, {}, "Request advice from at least one contributor"),
        # the meeting needs 2 weeks' notice, so invitations come first [S31]
        (NOTHING, HELD, MEETING, GOOD_EXTRA, "Record the invitations first"),
        # the report follows the meeting [S32]
        (NOTHING, REPORTED, REPORT_SENT, {}, "Record the meeting before sending its report."),
        # the LA decides on the report [S35]
        (NOTHING, DECIDED, NOTICE, GOOD_EXTRA, "Send the report to the LA before recording"),
        # an amended plan follows only a decision to amend [S33]
        (NOTHING, AMENDED, AMENDED_ON, {}, "follows only an LA decision to amend"),
        # --- already done ---
        (
            INVITATIONS,
            INVITED,
            date(2026, 2, 12),
            {},
            "Invitations were already sent on 10/02/2026.",
        ),
        (
            READY,
            CIRCULATED,
            date(2026, 2, 26),
            {},
            "The advice was already circulated on 24/02/2026.",
        ),
        (
            HELD_DONE,
            HELD,
            date(2026, 3, 11),
            GOOD_EXTRA,
            "The meeting was already recorded on 10/03/2026.",
        ),
        (
            REPORTED_DONE,
            REPORTED,
            date(2026, 3, 21),
            {},
            "The report was already sent on 20/03/2026.",
        ),
        (TO_AMEND, DECIDED, date(2026, 4, 4), GOOD_EXTRA, "already recorded on 03/04/2026."),
        # --- the meeting has been held: the steps before it are closed [S31] ---
        (HELD_DONE, INVITED, date(2026, 3, 11), {}, "it is too late to send the invitations."),
        (HELD_DONE, ADVICE_REQUESTED, date(2026, 3, 11), {}, "it is too late to request advice."),
        (HELD_DONE, CIRCULATED, date(2026, 3, 11), {}, "it is too late to circulate the advice."),
        (
            replace(INVITATIONS, held_on=MEETING),
            INVITED,
            date(2026, 3, 11),
            {},
            "The meeting was held on 10/03/2026",
        ),
        (HELD_DONE, DECIDED, NOTICE, GOOD_EXTRA, "Send the report to the LA before recording"),
        (HELD_DONE, AMENDED, AMENDED_ON, {}, "follows only an LA decision to amend"),
        # --- steps before the meeting dated after its scheduled date ---
        (NOTHING, INVITED, date(2026, 3, 11), {}, "Invitations must be sent before the meeting."),
        (
            NOTHING,
            ADVICE_REQUESTED,
            date(2026, 3, 11),
            {},
            "Advice must be requested before the meeting.",
        ),
        (
            ASKED,
            CIRCULATED,
            date(2026, 3, 11),
            {},
            "The advice must be circulated before the meeting.",
        ),
        # --- out of order in time ---
        # the meeting cannot come before the invitations to it [S31]
        (
            INVITATIONS,
            HELD,
            date(2026, 2, 5),
            GOOD_EXTRA,
            "The meeting cannot be before the invitations were sent.",
        ),
        # ...nor before the advice was circulated to those invited [S31]
        (
            READY,
            HELD,
            date(2026, 2, 20),
            GOOD_EXTRA,
            "The meeting cannot be before the advice was circulated.",
        ),
        # the report is of the meeting [S32]
        (
            HELD_DONE,
            REPORTED,
            date(2026, 3, 9),
            {},
            "The report cannot be sent before the meeting.",
        ),
        # the LA decides having had the report [S35]
        (
            REPORTED_DONE,
            DECIDED,
            date(2026, 3, 15),
            GOOD_EXTRA,
            "The LA cannot decide before it has the report.",
        ),
        # the final amended plan follows the notice of proposed amendments [S33]
        (TO_AMEND, AMENDED, date(2026, 4, 1), {}, "cannot be issued before the LA's notice."),
        # --- a value missing ---
        (
            READY,
            HELD,
            MEETING,
            {},
            "Record the meeting's recommendation: maintain, amend or cease.",
        ),
        (READY, HELD, MEETING, {"recommendation": "defer"}, "Record the meeting's recommendation"),
        (REPORTED_DONE, DECIDED, NOTICE, {}, "Choose the LA's decision: maintain, amend or cease."),
        (REPORTED_DONE, DECIDED, NOTICE, {"decision": "defer"}, "Choose the LA's decision"),
        # --- an amended plan without a decision to amend ---
        (REPORTED_DONE, AMENDED, AMENDED_ON, {}, "follows only an LA decision to amend"),
        # "amend" chosen but the LA's notice not dated
        (
            replace(REPORTED_DONE, la_decision=AMEND),
            AMENDED,
            AMENDED_ON,
            {},
            "follows only an LA decision to amend",
        ),
    ],
)
def test_step_refused(facts, step, on, extra, message):
    problems = problems_for(facts, step, on, **extra)
    assert any(message in problem for problem in problems), problems


@pytest.mark.parametrize("step", STEPS)
@pytest.mark.parametrize(
    "facts",
    [
        MAINTAINED,  # the LA will maintain the plan: the review is over [S35]
        CEASED,  # the LA will cease the plan [S35]
        AMENDED_DONE,  # the final amended plan is issued [S33]
    ],
)
def test_nothing_more_after_a_finished_review(facts, step):
    assert problems_for(facts, step, TODAY, **GOOD_EXTRA) == [
        "This review is finished: nothing more can be recorded."
    ]


@pytest.mark.parametrize("step", STEPS)
def test_step_needs_a_date(step):
    assert problems_for(READY, step, None, **GOOD_EXTRA) == ["Give the date."]


@pytest.mark.parametrize(
    ("facts", "step"),
    [
        (NOTHING, INVITED),
        (NOTHING, ADVICE_REQUESTED),
        (ASKED, CIRCULATED),
        (READY, HELD),
        (HELD_DONE, REPORTED),
        (REPORTED_DONE, DECIDED),
        (TO_AMEND, AMENDED),
    ],
)
def test_step_cannot_be_recorded_in_the_future(facts, step):
    # a meeting far ahead, so only "tomorrow" is wrong
    facts = replace(facts, meeting_on=date(2026, 12, 1)) if facts.held_on is None else facts
    problems = problems_for(facts, step, TODAY + timedelta(days=1), **GOOD_EXTRA)
    assert problems == ["A step cannot be recorded before it happens."]
    assert problems_for(facts, step, TODAY, **GOOD_EXTRA) == []  # today itself is fine


@pytest.mark.parametrize("facts", [NOTHING, AMENDED_DONE])
def test_unknown_step(facts):
    assert problems_for(facts, "signed", MEETING) == ["Unknown step: signed."]


@pytest.mark.parametrize(
    ("facts", "step", "on", "extra"),
    [
        # invitations first, then advice requests... [S31]
        (NOTHING, INVITED, INVITES_SENT, {}),
        (INVITATIONS, ADVICE_REQUESTED, date(2026, 2, 11), {}),
        # ...or advice requests first (practice: ~12 weeks before), then invitations [S44][S45]
        (NOTHING, ADVICE_REQUESTED, date(2026, 1, 13), {}),
        (ASKED, INVITED, INVITES_SENT, {}),
        # advice from another contributor after the first requests
        (BOTH, ADVICE_REQUESTED, date(2026, 2, 12), {}),
        # circulating needs advice requested, not the invitations
        (ASKED, CIRCULATED, CIRCULATED_ON, {}),
        # the meeting on its date, with each recommendation [S35]
        (READY, HELD, MEETING, {"recommendation": MAINTAIN}),
        (READY, HELD, MEETING, {"recommendation": AMEND}),
        (READY, HELD, MEETING, {"recommendation": CEASE}),
        # the meeting held on a different day from the one scheduled
        (READY, HELD, date(2026, 3, 12), {"recommendation": AMEND}),
        (READY, HELD, date(2026, 3, 5), {"recommendation": AMEND}),
        # report on the meeting day or later [S32]
        (HELD_DONE, REPORTED, MEETING, {}),
        (HELD_DONE, REPORTED, REPORT_SENT, {}),
        # the LA's decision, each of the three, on the report day or later [S35]
        (REPORTED_DONE, DECIDED, REPORT_SENT, {"decision": MAINTAIN}),
        (REPORTED_DONE, DECIDED, NOTICE, {"decision": AMEND}),
        (REPORTED_DONE, DECIDED, NOTICE, {"decision": CEASE}),
        # the final amended plan on the notice day or after [S33]
        (TO_AMEND, AMENDED, NOTICE, {}),
        (TO_AMEND, AMENDED, AMENDED_ON, {}),
    ],
)
def test_step_accepted(facts, step, on, extra):
    assert problems_for(facts, step, on, **extra) == []


# --------------------------------------------------------------------------------------------------
# The needs-assessment clock (DOMAIN 2.1)
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("received_on", "advice_requested_on", "expected"),
    [
        # across a year end: 6 weeks to decide, 16 to say no plan, 20 for the final plan [S29][S30]
        (
            date(2025, 11, 20),
            date(2025, 12, 18),
            (date(2026, 1, 1), date(2026, 1, 29), date(2026, 3, 12), date(2026, 4, 9)),
        ),
        # the 6-week decision lands on leap day; advice asked for 1 Feb 2024 due 14 March [S29]
        (
            date(2024, 1, 18),
            date(2024, 2, 1),
            (date(2024, 2, 29), date(2024, 3, 14), date(2024, 5, 9), date(2024, 6, 6)),
        ),
        # the same request a year later (no leap day): advice due 15 March, one day later
        (
            date(2025, 1, 18),
            date(2025, 2, 1),
            (date(2025, 3, 1), date(2025, 3, 15), date(2025, 5, 10), date(2025, 6, 7)),
        ),
        # the LA has not asked the school for advice yet: nothing due from the school
        (
            date(2026, 9, 7),
            None,
            (date(2026, 10, 19), None, date(2026, 12, 28), date(2027, 1, 25)),
        ),
    ],
)
def test_assessment_clock(received_on, advice_requested_on, expected):
    clock = assessment_clock(received_on=received_on, advice_requested_on=advice_requested_on)
    assert (
        clock.decision_by,
        clock.advice_due,
        clock.no_plan_notice_by,
        clock.final_plan_by,
    ) == expected


M = date(2026, 12, 9)


@pytest.mark.parametrize(
    ("facts", "offered"),
    [
        # Nothing done: invitations, circulation and the meeting may come next.
        (rules.ReviewFacts(meeting_on=M), ["invited", "circulated", "held"]),
        (
            rules.ReviewFacts(meeting_on=M, invitations_sent_on=date(2026, 11, 20)),
            ["circulated", "held"],
        ),
        # Held: the report, then the decision, then (amend only) the amended plan.
        (rules.ReviewFacts(meeting_on=M, held_on=M), ["reported"]),
        (rules.ReviewFacts(meeting_on=M, held_on=M, report_sent_on=M), ["decided"]),
        (
            rules.ReviewFacts(
                meeting_on=M, held_on=M, report_sent_on=M, la_decision="amend", la_decision_on=M
            ),
            ["amended"],
        ),
        (
            rules.ReviewFacts(
                meeting_on=M, held_on=M, report_sent_on=M, la_decision="maintain", la_decision_on=M
            ),
            [],
        ),
    ],
)
def test_offered_steps(facts, offered):
    assert rules.offered_steps(facts) == offered


@pytest.mark.parametrize(
    ("percent", "flagged"),
    [
        (None, False),  # no group linked: nothing counted, nothing flagged
        (0, True),
        (79, True),
        (80, False),  # the threshold itself is on plan
        (100, False),
        (130, False),
    ],
)
def test_section_f_below_plan(percent, flagged):
    assert rules.SECTION_F_BELOW_PLAN == 80
    assert rules.below_plan(percent) is flagged


# --------------------------------------------------------------------------------------------------
# The needs-assessment steps: which are owed, and which are late (the request's page and the
# deadline engine read the same rule)
# --------------------------------------------------------------------------------------------------

RECEIVED = date(2026, 9, 7)  # decision by 19/10, no-plan notice by 28/12, final plan by 25/01/2027
ASKED = date(2026, 9, 21)  # the school's advice by 2/11/2026


def _owed(facts, today):
    return {s.key: (s.due, s.outstanding, s.overdue(today)) for s in rules.assessment_steps(facts)}


@pytest.mark.parametrize(
    ("facts", "today", "expected"),
    [
        # Just received: the decision is owed, the advice has no date until the LA asks.
        (
            rules.AssessmentFacts(received_on=RECEIVED),
            date(2026, 10, 19),
            {
                "decision": (date(2026, 10, 19), True, False),  # due today: not late yet
                "advice": (None, False, False),
                "no_plan_notice": (date(2026, 12, 28), False, False),  # once it assesses
                "final_plan": (date(2027, 1, 25), False, False),  # only once it assesses
            },
        ),
        (
            rules.AssessmentFacts(received_on=RECEIVED, advice_requested_on=ASKED),
            date(2026, 11, 3),
            {
                "decision": (date(2026, 10, 19), True, True),
                "advice": (date(2026, 11, 2), True, True),
                "no_plan_notice": (date(2026, 12, 28), False, False),
                "final_plan": (date(2027, 1, 25), False, False),
            },
        ),
        # The LA assesses: the final plan is owed, and late the day after 20 weeks.
        (
            rules.AssessmentFacts(
                received_on=RECEIVED,
                advice_requested_on=ASKED,
                advice_sent_on=date(2026, 10, 30),
                decision="assess",
                decision_on=date(2026, 10, 15),
            ),
            date(2027, 1, 26),
            {
                "decision": (date(2026, 10, 19), False, False),
                "advice": (date(2026, 11, 2), False, False),
                # No draft yet: the notice that no plan will be issued is owed, and late.
                "no_plan_notice": (date(2026, 12, 28), True, True),
                "final_plan": (date(2027, 1, 25), True, True),
            },
        ),
        # An exemption (reg. 10) stops the clock: nothing is owed.
        (
            rules.AssessmentFacts(
                received_on=RECEIVED, advice_requested_on=ASKED, exemption="School closed"
            ),
            date(2027, 3, 1),
            {
                "decision": (date(2026, 10, 19), False, False),
                "advice": (date(2026, 11, 2), False, False),
                "no_plan_notice": (date(2026, 12, 28), False, False),
                "final_plan": (date(2027, 1, 25), False, False),
            },
        ),
        # Refused: the school's advice is no longer owed, and the plan's steps drop out.
        (
            rules.AssessmentFacts(
                received_on=RECEIVED,
                advice_requested_on=ASKED,
                decision="refused",
                decision_on=date(2026, 10, 12),
            ),
            date(2026, 11, 3),
            {
                "decision": (date(2026, 10, 19), False, False),
                "advice": (date(2026, 11, 2), False, False),
            },
        ),
        # A plan issued: nothing is owed any more.
        (
            rules.AssessmentFacts(
                received_on=RECEIVED,
                decision="assess",
                decision_on=date(2026, 10, 15),
                outcome="plan",
                outcome_on=date(2027, 1, 20),
            ),
            date(2027, 2, 1),
            {
                "decision": (date(2026, 10, 19), False, False),
                "advice": (None, False, False),
                "no_plan_notice": (date(2026, 12, 28), False, False),
                "final_plan": (date(2027, 1, 25), False, False),
            },
        ),
    ],
)
def test_assessment_steps(facts, today, expected):
    assert _owed(facts, today) == expected


# --------------------------------------------------------------------------------------------------
# The step texts follow the LA's timescales
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("step", "lead", "expected"),
    [
        (INVITED, LeadTimes(), "at least 2 weeks' notice of the meeting"),
        (INVITED, LeadTimes(invitation_weeks=3), "at least 3 weeks' notice of the meeting"),
        (CIRCULATED, LeadTimes(circulate_weeks=1), "at least 1 week before the meeting"),
        (REPORTED, LeadTimes(), "within 2 weeks of the meeting"),
        (REPORTED, LeadTimes(report_days=10), "within 10 days of the meeting"),
        (DECIDED, LeadTimes(decision_weeks=3), "The LA decides within 3 weeks of the meeting"),
        (AMENDED, LeadTimes(), "due within 8 weeks of the LA's notice"),
        (AMENDED, LeadTimes(amended_plan_weeks=6), "due within 6 weeks of the LA's notice"),
    ],
)
def test_step_intro_uses_the_las_timescales(step, lead, expected):
    assert expected in rules.step_intro(step, lead)


@pytest.mark.parametrize(
    ("step", "decision", "expected"),
    [
        (DECIDED, AMEND, "the final amended plan is due within 6 weeks of its notice."),
        (DECIDED, CEASE, "The LA decided on 5 March 2026 to cease the plan"),
        (DECIDED, MAINTAIN, "LA's decision: 5 March 2026."),  # was "La's" (capitalize())
        (HELD, "", "Review meeting: 5 March 2026."),
        (INVITED, "", "Invitations sent: 5 March 2026."),
        (AMENDED, "", "Final amended plan recorded on 5 March 2026"),
    ],
)
def test_step_done_message(step, decision, expected):
    lead = LeadTimes(amended_plan_weeks=6)
    assert expected in rules.step_done_message(
        step, when="5 March 2026", decision=decision, lead=lead
    )


@pytest.mark.parametrize(
    ("year_group", "expected"),
    [("N1", False), ("R", False), ("8", False), ("9", True), ("11", True), ("14", True)],
)
def test_preparing_for_adulthood_from_year_9(year_group, expected):
    assert rules.from_year_9(year_group) is expected


@pytest.mark.parametrize(
    ("role", "contributor"),
    [("teacher", "class_teacher"), ("sendco", "sendco"), ("trust_lead", "sendco")],
)
def test_whose_advice_a_person_gives(role, contributor):
    assert rules.advice_contributor(role) == contributor
