"""The statutory clock of EHC plans as plain functions (DOMAIN.md section 2).

- The annual review window: within 12 months of the plan's issue, then of the last review
  (`review_due_by`); for a child under five, every 3 to 6 months (the LA's setting).
- Phase transfer: the amended plan naming the next school by 15 February (31 March from secondary
  to post-16) of the calendar year of transfer (`phase_transfer`).
- The review's steps and their dates from the meeting date and the LA's lead times
  (`review_dates`), and the one table of which step may follow which (`step_problems`).
- The needs-assessment clock from the date the LA received the request (`assessment_clock`).

No function reads the clock: today is passed in.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from register.models import YEAR_ORDER
from staff.calendar import add_months
from staff.deadlines import under_delivery_percent

# --------------------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------------------


def age_on(date_of_birth: date, on: date) -> int:
    return (
        on.year
        - date_of_birth.year
        - ((on.month, on.day) < (date_of_birth.month, date_of_birth.day))
    )


UNDER_FIVE_SUGGESTED_MONTHS = 3  # "at least every 3 to 6 months" (Code 9.178): the earlier end


@dataclass(frozen=True)
class Window:
    """The window the next review meeting must fall in (DOMAIN 2.3)."""

    anchor: date  # the plan's issue (or a replacement's), or the last review meeting
    due_by: date  # the last day of the window
    months: int  # its length: 12, or the LA's under-5 period
    suggested_by: date | None = None  # under-5s: the Code's 3 months

    @property
    def under_five(self) -> bool:
        return self.suggested_by is not None

    @property
    def label(self) -> str:
        """ "12-month window", "6-month window (under 5)"."""
        return f"{self.months}-month window" + (" (under 5)" if self.under_five else "")


def review_window(
    *,
    anchor: date,
    date_of_birth: date,
    under_five_months: int = 6,
    months: int = 12,
    age_at: str = "review",
) -> Window:
    """The next review's window: 12 months from `anchor` (the plan's issue, a replacement plan's
    issue after a re-assessment, or the last review meeting) [S40]; for a child under five the
    LA's period (`under_five_months`, at most 6), with a review suggested at 3 months (Code
    9.178). Whether the child is under five is read on the date the under-5 review would fall
    (`age_at="review"`, the reading sendco uses) or on `anchor` (`age_at="anchor"`)."""
    short = add_months(anchor, under_five_months)
    on = short if age_at == "review" else anchor
    if age_on(date_of_birth, on) < 5:
        suggested = add_months(anchor, min(UNDER_FIVE_SUGGESTED_MONTHS, under_five_months))
        return Window(anchor, short, under_five_months, suggested)
    return Window(anchor, add_months(anchor, months), months)


def review_due_by(
    *,
    anchor: date,
    date_of_birth: date,
    under_five_months: int = 6,
    months: int = 12,
    age_at: str = "review",
) -> date:
    """The last day the next review meeting may be held (`review_window`)."""
    return review_window(
        anchor=anchor,
        date_of_birth=date_of_birth,
        under_five_months=under_five_months,
        months=months,
        age_at=age_at,
    ).due_by


# --------------------------------------------------------------------------------------------------
# Phase transfer (reg. 18; "transfer between phases of education", reg. 2(1))
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Transfer:
    deadline: date  # the amended plan naming the next setting must be issued by
    label: str
    post_16_move: bool = False  # between post-16 settings (reg. 18(2)), not a phase transfer


@dataclass(frozen=True)
class SchoolShape:
    """What decides which year groups move to another phase: the school's age range as year
    groups (from its settings, or the year groups on roll in the MIS import) and whether every
    Year 11 review is a transfer to post-16 (staff.models.School)."""

    lowest_year: str
    highest_year: str
    year_11_transfer: bool = True


# The age range a school of each phase usually has, until the school or its MIS import says.
DEFAULT_AGE_RANGE: Mapping[str, tuple[str, str]] = {
    "nursery": ("N1", "N2"),
    "primary": ("R", "6"),
    "middle": ("5", "8"),
    "secondary": ("7", "13"),
    "all_through": ("R", "13"),
    "special": ("R", "14"),
    "alternative": ("7", "11"),
    "post_16": ("12", "14"),
}


def shape_of(
    *, phase: str, lowest_year: str = "", highest_year: str = "", year_11_transfer: bool = True
) -> SchoolShape:
    """A school's shape from its settings, each year group empty meaning the phase's usual."""
    low, high = DEFAULT_AGE_RANGE.get(phase, ("N1", "14"))
    return SchoolShape(lowest_year or low, highest_year or high, year_11_transfer)


# The amended plan naming the next setting is due by 15 February of the calendar year of
# transfer, 31 March from secondary school to a post-16 institution (reg. 18(1)) [S36][S137].
FEBRUARY_15, MARCH_31 = (2, 15), (3, 31)

# Why a pupil in a year group moves, when it is the last year group of their school (reg. 2(1)
# "transfer between phases of education"): (a) early years to school, (b) infant to junior,
# (c) primary to middle, (d) primary to secondary, (e) middle to secondary.
LEAVING_YEAR_LABELS: Mapping[str, str] = {
    "N1": "from early years into Reception",  # reg. 2(1)(a)
    "N2": "from early years into Reception",  # reg. 2(1)(a)
    "R": "from an infant school to the next school",  # an infant school of Reception only
    "1": "from an infant school to the next school",
    "2": "from infant to junior school",  # reg. 2(1)(b)
    "3": "from first to middle school",  # reg. 2(1)(c): first schools end at Year 3, 4 or 5
    "4": "from first to middle school",
    "5": "from first to middle school",
    "6": "from primary to secondary school",  # reg. 2(1)(d)
    "7": "from middle to secondary school",  # reg. 2(1)(e): middle schools end at Year 7 or 8
    "8": "from middle to upper or secondary school",
    "9": "from middle to upper school",
    "10": "to the next school",
}
POST_16_LABEL = "from secondary school to post-16"  # reg. 2(1)(f), 18(1)(a)


def phase_transfer(
    *, year_group: str, academic_year_start: int, shape: SchoolShape | None = None
) -> Transfer | None:
    """The phase-transfer deadline of a pupil in `year_group` in the academic year starting in
    September of `academic_year_start` (the year the year group is for), or None when the pupil
    does not move to another phase at the end of it. The school's shape decides: the final
    pre-school year always moves into Reception; Year 11 moves to post-16 (31 March) unless the
    school says its Year 11 reviews are not transfers; and a pupil in the school's last year group
    below Year 11 moves to the next school (an infant school's Year 2, a first school's Year 4, a
    primary's Year 6, a middle school's Year 8), while an all-through school has no transfer at
    Year 6. Without a shape, a primary's (Year 6 and N2) and a secondary's (Year 11)."""
    shape = shape or SchoolShape(lowest_year="N1", highest_year="6")
    transfer_year = academic_year_start + 1  # the calendar year of the move in September
    if year_group == "11":
        if not shape.year_11_transfer:
            return None
        return Transfer(date(transfer_year, *MARCH_31), POST_16_LABEL)
    leaving = year_group == shape.highest_year and year_group in LEAVING_YEAR_LABELS
    if year_group == "N2" or leaving:
        return Transfer(date(transfer_year, *FEBRUARY_15), LEAVING_YEAR_LABELS[year_group])
    return None


def transfer_years(shape: SchoolShape) -> list[str]:
    """The year groups of a school whose pupils move to another phase at the end of the year."""
    order = list(YEAR_ORDER)
    low = order.index(shape.lowest_year) if shape.lowest_year in order else 0
    high = order.index(shape.highest_year) if shape.highest_year in order else len(order) - 1
    return [
        year
        for year in order[low : high + 1]
        if phase_transfer(year_group=year, academic_year_start=2000, shape=shape) is not None
    ]


def post_16_move(*, move_on: date, to: str = "") -> Transfer:
    """A young person moving from one post-16 institution to another at any time: the amended plan
    naming the next one at least 5 months before the move (reg. 18(2)) [S36]; for the usual move
    on 1 September, by 31 March."""
    return Transfer(
        deadline=add_months(move_on, -5) - timedelta(days=1),
        label=f"to {to} on {move_on:%-d %B %Y}"
        if to
        else f"to another post-16 setting on {move_on:%-d %B %Y}",
        post_16_move=True,
    )


def post_16_year(year_group: str) -> bool:
    """Years 12 to 14: a young person who may move from one post-16 setting to another."""
    return YEAR_ORDER.get(year_group, -1) >= YEAR_ORDER["12"]


def latest_meeting(
    *, due_by: date, transfer: Transfer | None, decision_weeks: int, amended_plan_weeks: int
) -> date:
    """The last date the meeting can be held so the LA can decide within the window and, before a
    phase transfer, issue the amended plan by the transfer deadline."""
    latest = due_by - timedelta(weeks=decision_weeks)
    if transfer is not None:
        latest = min(
            latest, transfer.deadline - timedelta(weeks=decision_weeks + amended_plan_weeks)
        )
    return latest


# --------------------------------------------------------------------------------------------------
# The review's steps
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LeadTimes:
    """An LA's lead times (ehcp.models.LocalAuthority)."""

    advice_request_weeks: int = 6
    invitation_weeks: int = 2
    circulate_weeks: int = 2
    report_days: int = 14
    decision_weeks: int = 4
    amended_plan_weeks: int = 8

    @classmethod
    def of(cls, authority) -> LeadTimes:
        return cls(**{name: getattr(authority, name) for name in cls.__dataclass_fields__})


@dataclass(frozen=True)
class ReviewDates:
    request_advice_by: date
    invite_by: date
    circulate_by: date
    meeting: date
    report_by: date
    decision_by: date  # the LA's decision, and its notice of proposed amendments (reg. 21, 22)
    amended_plan_by: date | None  # only when the LA decides to amend: the earliest of those below
    amended_plan_basis: str = ""  # which of them set it, in words
    regulation_by: date | None = None  # 8 weeks from the LA's notice (reg. 22(3))
    twelve_week_line: date | None = None  # 12 weeks from the meeting (L v Devon CC, 2022) [S34]
    transfer_by: date | None = None  # a phase-transfer deadline (reg. 18)
    parents_comment_by: date | None = None  # parents' 15 days on the proposed amendments
    notice_days_late: int = 0  # the LA's notice came this many days after `decision_by`


# Which dates can set the final amended plan's deadline, and how the page names each.
REGULATION_BASIS = "8 weeks from the LA's notice of proposed amendments (reg. 22)"
DEVON_BASIS = "{weeks} from the meeting (L v Devon County Council, 2022)"
TRANSFER_BASIS = "the phase-transfer deadline (reg. 18)"


def review_dates(
    *,
    meeting_on: date,
    lead: LeadTimes,
    held_on: date | None = None,
    la_decision: str = "",
    la_decision_on: date | None = None,
    transfer: Transfer | None = None,
    reading: str = "devon",
    fifteen_day_reading: str = "beginning_with",
) -> ReviewDates:
    """Every date of a review from its meeting (the held date once it has happened).

    After a decision to amend, the final amended plan is due 8 weeks from the LA's notice
    (reg. 22(3)); on the High Court's reading (`reading="devon"`, L v Devon CC [2022]) the notice
    is due within the 4 weeks of reg. 21, so the final plan is due no later than 12 weeks from the
    meeting however late the notice came; and before a phase transfer, no later than the
    transfer deadline (reg. 18). The dated step is the earliest; each date is kept for the page.
    Parents have 15 days from the notice to comment on the proposed amendments (reg. 22(2))."""
    meeting = held_on or meeting_on
    decision_by = meeting + timedelta(weeks=lead.decision_weeks)
    line = meeting + timedelta(weeks=lead.decision_weeks + lead.amended_plan_weeks)
    amended_by = regulation_by = comment_by = None
    basis = ""
    late = 0
    transfer_by = transfer.deadline if transfer is not None else None
    if la_decision == AMEND:
        notice = la_decision_on or decision_by
        regulation_by = notice + timedelta(weeks=lead.amended_plan_weeks)
        candidates = [(regulation_by, REGULATION_BASIS)]
        if reading == "devon":
            total = weeks(lead.decision_weeks + lead.amended_plan_weeks)
            candidates.append((line, DEVON_BASIS.format(weeks=total)))
        if transfer_by is not None:
            candidates.append((transfer_by, TRANSFER_BASIS))
        amended_by, basis = min(candidates, key=lambda c: c[0])
        if la_decision_on is not None:
            comment_by = fifteen_days_from(la_decision_on, reading=fifteen_day_reading)
            late = max(0, (la_decision_on - decision_by).days)
    return ReviewDates(
        request_advice_by=meeting_on - timedelta(weeks=lead.advice_request_weeks),
        invite_by=meeting_on - timedelta(weeks=lead.invitation_weeks),
        circulate_by=meeting_on - timedelta(weeks=lead.circulate_weeks),
        meeting=meeting,
        report_by=meeting + timedelta(days=lead.report_days),
        decision_by=decision_by,
        amended_plan_by=amended_by,
        amended_plan_basis=basis,
        regulation_by=regulation_by,
        twelve_week_line=line,
        transfer_by=transfer_by,
        parents_comment_by=comment_by,
        notice_days_late=late,
    )


MAINTAIN, AMEND, CEASE = "maintain", "amend", "cease"

# Stages in order; a review's stage is the furthest step it has reached (`stage_of`).
SCHEDULED, INVITED, ADVICE_REQUESTED, CIRCULATED = (
    "scheduled",
    "invited",
    "advice_requested",
    "circulated",
)
HELD, REPORTED, DECIDED, AMENDED = "held", "reported", "decided", "amended"
STAGES = (SCHEDULED, INVITED, ADVICE_REQUESTED, CIRCULATED, HELD, REPORTED, DECIDED, AMENDED)
STEP_LABELS = {
    INVITED: "send the invitations",
    ADVICE_REQUESTED: "request advice",
    CIRCULATED: "circulate the advice",
    HELD: "record the meeting",
    REPORTED: "send the report to the LA",
    DECIDED: "record the LA's decision",
    AMENDED: "record the final amended plan",
}


@dataclass(frozen=True)
class ReviewFacts:
    """What the step rules read of a review (tests build these directly)."""

    meeting_on: date
    invitations_sent_on: date | None = None
    advice_requested: int = 0  # contributors asked for advice
    advice_circulated_on: date | None = None
    held_on: date | None = None
    report_sent_on: date | None = None
    la_decision: str = ""
    la_decision_on: date | None = None
    amended_issued_on: date | None = None


def stage_of(facts: ReviewFacts) -> str:
    """The furthest step reached."""
    reached = {
        INVITED: facts.invitations_sent_on,
        ADVICE_REQUESTED: facts.advice_requested or None,
        CIRCULATED: facts.advice_circulated_on,
        HELD: facts.held_on,
        REPORTED: facts.report_sent_on,
        DECIDED: facts.la_decision_on,
        AMENDED: facts.amended_issued_on,
    }
    stage = SCHEDULED
    for step in STAGES[1:]:
        if reached[step]:
            stage = step
    return stage


def finished(facts: ReviewFacts) -> bool:
    """A review is finished once the LA has decided to maintain or cease, or the amended plan
    has been issued."""
    return bool(facts.amended_issued_on) or (
        facts.la_decision_on is not None and facts.la_decision in (MAINTAIN, CEASE)
    )


def offered_steps(facts: ReviewFacts) -> list[str]:
    """The steps a review offers to record next, in order: before the meeting, the invitations
    and the circulation still to do and the meeting itself; then the report, the LA's decision
    and, after a decision to amend, the amended plan. (`step_problems` has the last word on a
    given date.)"""
    if finished(facts):
        return []
    if facts.held_on is None:
        before = [(INVITED, facts.invitations_sent_on), (CIRCULATED, facts.advice_circulated_on)]
        return [*(step for step, done in before if not done), HELD]
    if not facts.report_sent_on:
        return [REPORTED]
    if not facts.la_decision_on:
        return [DECIDED]
    if facts.la_decision == AMEND and not facts.amended_issued_on:
        return [AMENDED]
    return []


def step_problems(
    *, facts: ReviewFacts, step: str, on: date | None, today: date, **extra
) -> list[str]:
    """Why `step` cannot be recorded as done `on` (empty: it can). The one table of which step may
    follow which: invitations and advice requests in either order, before the meeting; advice is
    circulated after it has been requested; the meeting after the invitations; the report after
    the meeting; the LA's decision after the report; the amended plan after a decision to amend."""
    if step not in STEP_LABELS:
        return [f"Unknown step: {step}."]
    if finished(facts):
        return ["This review is finished: nothing more can be recorded."]
    problems: list[str] = []
    if on is None:
        return ["Give the date."]
    if on > today:
        problems.append("A step cannot be recorded before it happens.")
    before_meeting = {INVITED, ADVICE_REQUESTED, CIRCULATED}
    if step in before_meeting and facts.held_on:
        problems.append(
            f"The meeting was held on {facts.held_on:%d/%m/%Y}: it is too late to "
            f"{STEP_LABELS[step]}."
        )
    if step == INVITED:
        if facts.invitations_sent_on:
            problems.append(
                f"Invitations were already sent on {facts.invitations_sent_on:%d/%m/%Y}."
            )
        elif on > facts.meeting_on:
            problems.append("Invitations must be sent before the meeting.")
    elif step == ADVICE_REQUESTED:
        if not facts.held_on and on > facts.meeting_on:
            problems.append("Advice must be requested before the meeting.")
    elif step == CIRCULATED:
        if facts.advice_circulated_on:
            problems.append(
                f"The advice was already circulated on {facts.advice_circulated_on:%d/%m/%Y}."
            )
        elif not facts.held_on and on > facts.meeting_on:
            problems.append("The advice must be circulated before the meeting.")
        if not facts.advice_requested:
            problems.append("Request advice from at least one contributor before circulating it.")
    elif step == HELD:
        if facts.held_on:
            problems.append(f"The meeting was already recorded on {facts.held_on:%d/%m/%Y}.")
        if not facts.invitations_sent_on:
            problems.append("Record the invitations first: the meeting needs 2 weeks' notice.")
        elif on < facts.invitations_sent_on:
            problems.append("The meeting cannot be before the invitations were sent.")
        if facts.advice_circulated_on and on < facts.advice_circulated_on:
            problems.append("The meeting cannot be before the advice was circulated.")
        if extra.get("recommendation") not in (MAINTAIN, AMEND, CEASE):
            problems.append("Record the meeting's recommendation: maintain, amend or cease.")
    elif step == REPORTED:
        if facts.report_sent_on:
            problems.append(f"The report was already sent on {facts.report_sent_on:%d/%m/%Y}.")
        if not facts.held_on:
            problems.append("Record the meeting before sending its report.")
        elif on < facts.held_on:
            problems.append("The report cannot be sent before the meeting.")
    elif step == DECIDED:
        if facts.la_decision_on:
            problems.append(
                f"The LA's decision was already recorded on {facts.la_decision_on:%d/%m/%Y}."
            )
        if not facts.report_sent_on:
            problems.append("Send the report to the LA before recording its decision.")
        elif on < facts.report_sent_on:
            problems.append("The LA cannot decide before it has the report.")
        if extra.get("decision") not in (MAINTAIN, AMEND, CEASE):
            problems.append("Choose the LA's decision: maintain, amend or cease.")
    elif step == AMENDED:
        if facts.la_decision != AMEND or not facts.la_decision_on:
            problems.append("An amended plan follows only an LA decision to amend.")
        elif on < facts.la_decision_on:
            problems.append("The amended plan cannot be issued before the LA's notice.")
    return problems


def notice_problems(*, meeting_on: date, invitations_sent_on: date | None) -> list[str]:
    """Warnings (not refusals) about notice: fewer than 2 weeks between invitations and meeting,
    for example after the meeting was moved earlier."""
    if invitations_sent_on and (meeting_on - invitations_sent_on).days < 14:
        return [
            f"Invitations went out on {invitations_sent_on:%d/%m/%Y}, less than 2 weeks before "
            f"the meeting on {meeting_on:%d/%m/%Y}: the law asks for at least 2 weeks' notice."
        ]
    return []


# --------------------------------------------------------------------------------------------------
# The needs-assessment clock (reg. 4-13)
# --------------------------------------------------------------------------------------------------


# ehcp.models.AssessmentRequest.Kind
ASSESSMENT, REASSESSMENT = "assessment", "reassessment"
LA_INITIATIVE = "la"  # ehcp.models.AssessmentRequest.RequestedBy.LA

# (step, time limit, counted from, source): the needs-assessment and re-assessment clocks.
ASSESSMENT_RULES = (
    ("decision", "6 weeks", "the LA received the request", "reg. 5(1)"),
    ("advice", "6 weeks", "the LA asked for the advice", "reg. 8(1)"),
    ("no_plan_notice", "16 weeks", "the LA received the request", "reg. 10(1)"),
    ("parents_draft", "15 days", "parents received the draft plan", "reg. 13(1)"),
    ("final_plan", "20 weeks", "the LA received the request", "reg. 13(2)"),
    ("reassessment_decision", "15 days", "the LA received the request", "reg. 24(1)"),
    ("reassessment_plan", "14 weeks", "the LA told parents it will re-assess", "reg. 27(3)"),
    ("consultation", "15 days", "the LA's consultation reached the school", "Code 9.79"),
)
ASSESSMENT_WEEKS = {"decision": 6, "advice": 6, "no_plan_notice": 16, "final_plan": 20}
REASSESSMENT_PLAN_WEEKS = 14


@dataclass(frozen=True)
class AssessmentClock:
    decision_by: date  # the LA decides whether to (re-)assess: 6 weeks, or 15 days to re-assess
    advice_due: date | None  # the school's advice: 6 weeks after the LA asks for it
    no_plan_notice_by: date | None  # notice if the LA will not issue a plan: 16 weeks
    final_plan_by: date | None  # 20 weeks; a re-assessment's: 14 weeks from the decision


def assessment_clock(
    *,
    received_on: date,
    advice_requested_on: date | None,
    kind: str = ASSESSMENT,
    decision_on: date | None = None,
    reading: str = "beginning_with",
) -> AssessmentClock:
    """The dates of `ASSESSMENT_RULES` for a request the LA received on `received_on`. A
    re-assessment the LA starts itself runs from `received_on` (the date it decided)."""
    advice_due = advice_requested_on + timedelta(weeks=6) if advice_requested_on else None
    if kind == REASSESSMENT:
        decided = decision_on
        return AssessmentClock(
            decision_by=fifteen_days_from(received_on, reading=reading),
            advice_due=advice_due,
            no_plan_notice_by=None,
            final_plan_by=decided + timedelta(weeks=REASSESSMENT_PLAN_WEEKS) if decided else None,
        )
    return AssessmentClock(
        decision_by=received_on + timedelta(weeks=ASSESSMENT_WEEKS["decision"]),
        advice_due=advice_due,
        no_plan_notice_by=received_on + timedelta(weeks=ASSESSMENT_WEEKS["no_plan_notice"]),
        final_plan_by=received_on + timedelta(weeks=ASSESSMENT_WEEKS["final_plan"]),
    )


def consultation_due(received_on: date, *, reading: str = "beginning_with") -> date:
    """The school's answer when the LA consults it about naming it in a plan: 15 days (Code 9.79;
    the same counting as parents' 15 days, `fifteen_days_from`)."""
    return fifteen_days_from(received_on, reading=reading)


# --------------------------------------------------------------------------------------------------
# Periods the law gives parents and schools, and the tribunal's windows
# --------------------------------------------------------------------------------------------------

# "At least 15 days, beginning with the day on which [the draft or the notice] was served"
# (reg. 13(1) for a draft plan, reg. 22(2) for proposed amendments; Code 9.79 for a school the LA
# consults about naming it). Counting from the day of service itself, the 15th day is 14 days
# later: that is the reading sendco uses (FIFTEEN_DAY_READING = "beginning_with"); "after" counts
# 15 full days after service, one day later, for an LA that reads it so.
FIFTEEN_DAYS = 15


def fifteen_days_from(received_on: date, *, reading: str = "beginning_with") -> date:
    """The last day of a 15-day period that begins on `received_on` (DOMAIN 2.1, 2.4)."""
    if reading == "after":
        return received_on + timedelta(days=FIFTEEN_DAYS)
    return received_on + timedelta(days=FIFTEEN_DAYS - 1)


@dataclass(frozen=True)
class AppealWindow:
    """When parents (or a young person) may appeal a decision to the First-tier Tribunal (SEND)
    (DOMAIN 2.7): 2 months from the decision, or 1 month from a mediation certificate if that is
    later; a last day between 25 December and 1 January moves to the first working day of January,
    one in August to the first working day of September, one on a weekend or bank holiday to the
    next working day (Tribunal Procedure Rules 2008, r.12 and r.20)."""

    decided_on: date
    certificate_on: date | None
    appeal_by: date
    moved: str  # why the last day moved ("" when it did not)


APPEAL_MONTHS = 2  # from the LA's decision letter (Tribunal Procedure Rules r.20)
CERTIFICATE_MONTHS = 1  # from the mediation certificate, when later


def _first_working_day_from(day: date) -> date:
    from staff.calendar import is_working_day  # the bank holidays of England and Wales

    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def appeal_window(*, decided_on: date, certificate_on: date | None = None) -> AppealWindow:
    """The last day to appeal `decided_on`'s decision (see `AppealWindow`)."""
    last = add_months(decided_on, APPEAL_MONTHS)
    if certificate_on is not None:
        last = max(last, add_months(certificate_on, CERTIFICATE_MONTHS))
    moved = ""
    if (last.month, last.day) >= (12, 25) or (last.month, last.day) == (1, 1):
        year = last.year + 1 if last.month == 12 else last.year
        last, moved = _first_working_day_from(date(year, 1, 2)), "the Christmas rule"
    elif last.month == 8:
        last, moved = _first_working_day_from(date(last.year, 9, 1)), "the August rule"
    elif _first_working_day_from(last) != last:  # a weekend or bank holiday (rule 12)
        last, moved = _first_working_day_from(last), "the next working day rule"
    return AppealWindow(
        decided_on=decided_on, certificate_on=certificate_on, appeal_by=last, moved=moved
    )


def appeal_note(window: AppealWindow) -> str:
    """What the school can tell parents of their dates, in one sentence or two."""
    text = (
        "Parents (or the young person) must contact a mediation adviser before appealing, "
        "unless the appeal is only about the school named. They may appeal to the First-tier "
        f"Tribunal (SEND) until {window.appeal_by:%-d %B %Y}"
    )
    if window.certificate_on:
        text += (
            f" (2 months from the decision on {window.decided_on:%-d %B %Y}, or 1 month from "
            f"the mediation certificate of {window.certificate_on:%-d %B %Y}, whichever is later)"
        )
    else:
        text += (
            f" (2 months from the decision on {window.decided_on:%-d %B %Y}; 1 month from a "
            "mediation certificate if that is later)"
        )
    if window.moved:
        text += f"; the last day moved under {window.moved}"
    return text + "."


# --------------------------------------------------------------------------------------------------
# Section F: delivered against planned
# --------------------------------------------------------------------------------------------------

# An item of section F whose hours attended are under this share of the hours planned is flagged
# "below plan" on the plan's page, the review's page and the review pack, and becomes an alert
# for the SENDCo (`staff.deadlines.under_delivered`). The default of the UNDER_DELIVERY_PERCENT
# setting, which the flag and the alert both read.
SECTION_F_BELOW_PLAN = 80  # per cent


def below_plan(percent: int | None) -> bool:
    """Whether delivery at `percent` of the hours planned falls short of the plan (None: the item
    is not linked to a group, so nothing was counted and nothing is flagged)."""
    return percent is not None and percent < under_delivery_percent()


# --------------------------------------------------------------------------------------------------
# The needs-assessment steps and which of them are late (the request's page and the deadlines)
# --------------------------------------------------------------------------------------------------

# ehcp.models.AssessmentRequest.Decision and .Outcome
PENDING, ASSESS, REFUSED = "pending", "assess", "refused"
PLAN_ISSUED, NO_PLAN = "plan", "no_plan"


@dataclass(frozen=True)
class AssessmentFacts:
    """What the needs-assessment rules read of a request (tests build these directly)."""

    received_on: date
    advice_requested_on: date | None = None
    advice_sent_on: date | None = None
    decision: str = PENDING
    decision_on: date | None = None
    outcome: str = PENDING
    outcome_on: date | None = None
    exemption: str = ""  # an exception to the time limits (reg. 10): the clock stops
    kind: str = ASSESSMENT
    requested_by: str = "school"
    draft_sent_on: date | None = None
    reading: str = "beginning_with"  # how the 15 days are counted (`fifteen_days_from`)


@dataclass(frozen=True)
class AssessmentStep:
    key: str  # "decision", "advice", "no_plan_notice", "parents_draft" or "final_plan"
    label: str
    due: date | None  # None: not known yet (advice not asked for, re-assessment not decided)
    done_on: date | None
    outstanding: bool  # the clock runs for this step and it is not done: a deadline
    period: bool = False  # a period parents have (15 days): reminded while it runs, never late

    def overdue(self, today: date) -> bool:
        return self.outstanding and self.due is not None and self.due < today

    def running(self, today: date) -> bool:
        return self.period and self.due is not None and self.due >= today


def assessment_steps(facts: AssessmentFacts) -> list[AssessmentStep]:
    """The steps of a needs assessment or re-assessment with their dates (`assessment_clock`),
    what is done, and which are still owed. The clock runs while the request is pending, the LA
    has not refused and no exemption is recorded. Until the LA sends a draft plan, the 16-week
    notice that it will not issue one is owed (reg. 10); once the draft is sent, parents' 15 days
    run (reg. 13). Once the LA refuses, the later steps drop out. A re-assessment (reg. 24-27):
    the LA answers within 15 days and the final plan is due 14 weeks after it decides to
    re-assess; a re-assessment the LA starts itself has no request to answer."""
    reassess = facts.kind == REASSESSMENT
    la_initiative = reassess and facts.requested_by == LA_INITIATIVE
    decision_on = facts.received_on if la_initiative else facts.decision_on
    decision = ASSESS if la_initiative else facts.decision
    clock = assessment_clock(
        received_on=facts.received_on,
        advice_requested_on=facts.advice_requested_on,
        kind=facts.kind,
        decision_on=decision_on if decision == ASSESS else None,
        reading=facts.reading,
    )
    running = facts.outcome == PENDING and decision != REFUSED and not facts.exemption
    decided = decision != PENDING
    steps = []
    if not la_initiative:
        label = (
            "The LA tells parents whether it will re-assess (15 days)"
            if reassess
            else "The LA decides whether to assess (6 weeks)"
        )
        steps.append(
            AssessmentStep(
                "decision",
                label,
                clock.decision_by,
                decision_on if decided else None,
                running and not decided,
            )
        )
    steps.append(
        AssessmentStep(
            "advice",
            "The school's advice (6 weeks after the LA asks)",
            clock.advice_due,
            facts.advice_sent_on,
            running and clock.advice_due is not None and not facts.advice_sent_on,
        )
    )
    if decision == REFUSED:
        return steps
    issued = facts.outcome == PLAN_ISSUED
    if not reassess:
        steps.append(
            AssessmentStep(
                "no_plan_notice",
                "A draft plan, or notice that no plan will be issued (16 weeks)",
                clock.no_plan_notice_by,
                facts.draft_sent_on or (facts.outcome_on if facts.outcome == NO_PLAN else None),
                running and decision == ASSESS and not facts.draft_sent_on,
            )
        )
    if facts.draft_sent_on:
        steps.append(
            AssessmentStep(
                "parents_draft",
                "Parents' 15 days to comment on the draft and ask for a school",
                fifteen_days_from(facts.draft_sent_on, reading=facts.reading),
                None,
                False,
                period=facts.outcome == PENDING,
            )
        )
    label = (
        "Final amended or replacement plan (14 weeks from the decision to re-assess)"
        if reassess
        else "Final EHC plan (20 weeks)"
    )
    steps.append(
        AssessmentStep(
            "final_plan",
            label,
            clock.final_plan_by,
            facts.outcome_on if issued else None,
            running and decision == ASSESS and not issued and clock.final_plan_by is not None,
        )
    )
    return steps


def assessment_appeal(facts: AssessmentFacts, certificate_on: date | None) -> AppealWindow | None:
    """The appeal window after the LA refuses to assess or re-assess, or decides not to issue (or
    amend) a plan (DOMAIN 2.7); None while there is no such decision."""
    if facts.decision == REFUSED and facts.decision_on:
        return appeal_window(decided_on=facts.decision_on, certificate_on=certificate_on)
    if facts.outcome == NO_PLAN and facts.outcome_on:
        return appeal_window(decided_on=facts.outcome_on, certificate_on=certificate_on)
    return None


# --------------------------------------------------------------------------------------------------
# What each review step asks, in the LA's own timescales
# --------------------------------------------------------------------------------------------------


def weeks(n: int) -> str:
    return f"{n} week" if n == 1 else f"{n} weeks"


def days_as_weeks(n: int) -> str:
    """14 -> "2 weeks"; 10 -> "10 days"."""
    if n and n % 7 == 0:
        return weeks(n // 7)
    return f"{n} day" if n == 1 else f"{n} days"


STEP_TITLES = {
    INVITED: "Record the invitations sent",
    CIRCULATED: "Record the advice circulated",
    HELD: "Record the review meeting",
    REPORTED: "Record the report sent to the LA",
    DECIDED: "Record the LA's decision",
    AMENDED: "Record the final amended plan",
}


def step_intro(step: str, lead: LeadTimes) -> str:
    """What the law (and the LA's timescales, `lead`) asks of `step`."""
    return {
        INVITED: "Parents, the head, the LA's SEN officer, health and social care must be "
        f"invited with at least {weeks(lead.invitation_weeks)}' notice of the meeting.",
        CIRCULATED: "Every piece of advice must be circulated to those invited at least "
        f"{weeks(lead.circulate_weeks)} before the meeting.",
        HELD: "The meeting considers progress towards each outcome, whether the outcomes "
        "still fit and, from Year 9, preparing for adulthood. Record what it recommends.",
        REPORTED: "The report, with the recommended amendments and any disagreement, goes to "
        f"the LA and everyone invited within {days_as_weeks(lead.report_days)} of the meeting.",
        DECIDED: f"The LA decides within {weeks(lead.decision_weeks)} of the meeting: maintain "
        "the plan, amend it or cease it.",
        AMENDED: "The final amended plan is due within "
        f"{weeks(lead.amended_plan_weeks)} of the LA's notice of proposed amendments. Recording "
        "it adds a new version of the plan, starting as a copy of the current one; the current "
        "version stays as it was.",
    }[step]


def advice_request_intro(lead: LeadTimes) -> str:
    """What asking for advice must allow for: circulating it `lead.circulate_weeks` ahead."""
    return (
        "Ask everyone invited for their advice: it must be circulated at least "
        f"{weeks(lead.circulate_weeks)} before the meeting."
    )


def step_done_message(step: str, *, when: str, decision: str, lead: LeadTimes) -> str:
    """What the review's page says once `step` is recorded (`when`: the date in words)."""
    if step == AMENDED:
        return (
            f"Final amended plan recorded on {when}: a new version of the plan starts as a copy "
            "of the one reviewed. Change it to match what the LA issued; the earlier version is "
            "kept as it was."
        )
    if step == DECIDED and decision == CEASE:
        return f"The LA decided on {when} to cease the plan: the plan has ended."
    if step == DECIDED and decision == AMEND:
        return (
            f"The LA decided on {when} to amend the plan: the final amended plan is due within "
            f"{weeks(lead.amended_plan_weeks)} of its notice."
        )
    done = STEP_TITLES[step].removeprefix("Record the ")
    return f"{done[:1].upper()}{done[1:]}: {when}."  # "LA's decision", not "La's decision"


# --------------------------------------------------------------------------------------------------
# Small rules the pages read
# --------------------------------------------------------------------------------------------------


def from_year_9(year_group: str) -> bool:
    """From Year 9 the plan and its reviews consider preparing for adulthood."""
    return YEAR_ORDER.get(year_group, len(YEAR_ORDER)) >= YEAR_ORDER["9"]


# Whose advice a person's own advice is: a teacher's is the class teacher's; the SENDCo's or the
# trust lead's is the SENDCo's (ehcp.models.Advice.Contributor).
ADVICE_CONTRIBUTOR_OF_ROLE = {"teacher": "class_teacher"}


def advice_contributor(role: str) -> str:
    return ADVICE_CONTRIBUTOR_OF_ROLE.get(role, "sendco")


# Whose advice an outside agency's report is, by the kind of service that wrote it
# (agencies.models.Service.Kind -> ehcp.models.Advice.Contributor); any other kind: "other".
ADVICE_CONTRIBUTOR_OF_SERVICE = {
    "ep": "ep",
    "salt": "salt",
    "ot": "ot",
    "physio": "physio",
    "camhs": "health",
    "nursing": "health",
    "paediatrics": "health",
    "social_care": "social_care",
}


def advice_contributor_of_service(kind: str) -> str:
    return ADVICE_CONTRIBUTOR_OF_SERVICE.get(kind, "other")


def step_status(*, due: date, done_on: date | None, today: date) -> str:
    """A step's state in words (colour is never the only signal)."""
    if done_on is not None:
        return "Done on time" if done_on <= due else f"Done {(done_on - due).days} days late"
    if due < today:
        return "Overdue"
    return "To do"
