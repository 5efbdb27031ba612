"""The JCQ rules for exam access arrangements as plain functions (DOMAIN.md 6.1), each in one
place and tested by a table of cases (tests/exams/test_rules.py). What the sources leave
unconfirmed is a setting: the application deadline (EXAMS_APPLICATION_DEADLINE) and how long
before a series arrangements are reviewed (EXAMS_REVIEW_WEEKS_BEFORE)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings

# --------------------------------------------------------------------------------------------------
# Which schools enter candidates
# --------------------------------------------------------------------------------------------------

# Schools that enter candidates for public exams: secondary, all-through and 16 plus, and
# special schools and alternative provision (many enter GCSE and entry-level candidates). A
# nursery, primary or middle school has no exam series: its exam pages answer 404 with the
# reason, and the menu has no entry for them.
EXAM_PHASES = frozenset({"secondary", "all_through", "post_16", "special", "alternative"})

NOT_HERE = (
    "Exam access arrangements are for schools that enter candidates for public exams "
    "(secondary, all-through, 16 plus, special and alternative provision). This school is "
    "recorded as {phase}, so it has no exam series."
)


def sits_exams(phase: str) -> bool:
    return phase in EXAM_PHASES


# --------------------------------------------------------------------------------------------------
# The series' dates
# --------------------------------------------------------------------------------------------------


def _month_day(text: str) -> tuple[int, int]:
    """ "02-21" -> (2, 21); anything else falls back to 21 February, the historical date."""
    try:
        month, day = (int(part) for part in text.split("-"))
        date(2024, month, day)  # a leap year: 02-29 is a real month-day
    except (TypeError, ValueError):
        return 2, 21
    return month, day


def default_application_deadline(first_exam_on: date, month_day: str | None = None) -> date:
    """The application deadline a new series' form starts from: EXAMS_APPLICATION_DEADLINE
    (month-day, historically 21 February; UNCONFIRMED for 2026, DOMAIN.md 6.1) on the last such
    date before the series' first exam. 29 February in a year without one is the 28th."""
    month, day = _month_day(month_day or settings.EXAMS_APPLICATION_DEADLINE)
    for year in (first_exam_on.year, first_exam_on.year - 1):
        try:
            found = date(year, month, day)
        except ValueError:
            found = date(year, month, 28)
        if found < first_exam_on:
            return found
    return found  # not reached: a date a year earlier is always before


def series_problems(*, first_exam_on: date, application_deadline: date) -> list[str]:
    """A series' dates: applications close before its first exam."""
    if application_deadline >= first_exam_on:
        return ["The application deadline must come before the first exam."]
    return []


def review_due(first_exam_on: date, weeks: int | None = None) -> date:
    """When the arrangements in place are reviewed before a series: EXAMS_REVIEW_WEEKS_BEFORE
    weeks before its first exam (our proposal, a setting)."""
    weeks = settings.EXAMS_REVIEW_WEEKS_BEFORE if weeks is None else weeks
    return first_exam_on - timedelta(weeks=weeks)


# The review before a series counts from this many weeks before it is due (a review in the
# spring for the summer series; last year's does not count).
REVIEW_WINDOW_WEEKS = 12


def reviewed(reviewed_on: date | None, due: date) -> bool:
    """Whether an arrangement in place has been reviewed for the series whose review is due on
    `due`: on a day from REVIEW_WINDOW_WEEKS before it."""
    return reviewed_on is not None and reviewed_on >= due - timedelta(weeks=REVIEW_WINDOW_WEEKS)


def series_current(first_exam_on: date, today: date) -> bool:
    """Whether a series still lies ahead (its first exam is today or later): only then does it
    put deadlines in the engine."""
    return first_exam_on >= today


# A series' exams run for some weeks after the first; class staff see arrangements in place
# for the series whose first exam is at most this many days behind them.
SERIES_RUNS_DAYS = 60


# --------------------------------------------------------------------------------------------------
# Stages of an arrangement
# --------------------------------------------------------------------------------------------------

PROPOSED, EVIDENCE, APPLIED, APPROVED, DECLINED, WITHDRAWN = (
    "proposed",
    "evidence",
    "applied",
    "approved",
    "declined",
    "withdrawn",
)

# Where each stage may go next. Not approved can be gathered and applied for again; a withdrawn
# arrangement can be proposed again.
NEXT_STAGES: dict[str, frozenset[str]] = {
    PROPOSED: frozenset({EVIDENCE, APPLIED, APPROVED, WITHDRAWN}),
    EVIDENCE: frozenset({PROPOSED, APPLIED, APPROVED, WITHDRAWN}),
    APPLIED: frozenset({APPROVED, DECLINED, WITHDRAWN}),
    APPROVED: frozenset({WITHDRAWN}),
    DECLINED: frozenset({EVIDENCE, APPLIED, WITHDRAWN}),
    WITHDRAWN: frozenset({PROPOSED}),
}

# The stages still on the way (neither decided nor withdrawn).
PENDING = frozenset({PROPOSED, EVIDENCE, APPLIED})
# The stages an online application has reached.
APPLIED_ONLINE = frozenset({APPLIED, APPROVED, DECLINED})

STAGE_WORDS = {
    PROPOSED: "proposed",
    EVIDENCE: "gathering evidence",
    APPLIED: "applied online",
    APPROVED: "in place",
    DECLINED: "not approved",
    WITHDRAWN: "withdrawn",
}


def stage_problems(
    *,
    delegated: bool,
    current: str,
    new: str,
    approved_on: date | None,
    aao_reference: str,
    applied_on: date | None,
    today: date,
    reviewed_on: date | None = None,
) -> list[str]:
    """Why an arrangement cannot stand at stage `new` coming from `current` (an empty list when
    it can). A delegated arrangement goes in place on the school's decision: no online
    application, no AAO reference. Any other must be applied online (with its AAO reference)
    before it can be in place. The date approved is needed to put it in place, and no date is
    in the future."""
    problems = []
    if new != current and new not in NEXT_STAGES.get(current, frozenset()):
        problems.append(
            f"An arrangement {STAGE_WORDS.get(current, current)} cannot become "
            f"{STAGE_WORDS.get(new, new)}."
        )
    if delegated:
        if new in (APPLIED, DECLINED):
            problems.append(
                "This arrangement is delegated to the school: it is put in place on the "
                "school's decision, with no online application."
            )
        if aao_reference or applied_on is not None:
            problems.append(
                "A delegated arrangement has no online application, so no AAO reference and "
                "no date applied."
            )
    else:
        if new == APPROVED and current not in (APPLIED, APPROVED):
            problems.append(
                "This arrangement needs an online application: record it as applied online "
                "(with its AAO reference) before it can be in place."
            )
        if new in APPLIED_ONLINE and not aao_reference.strip():
            problems.append("Enter the AAO reference of the online application.")
        if new in APPLIED_ONLINE and applied_on is None:
            problems.append("Enter the date it was applied for online.")
    if new == APPROVED and approved_on is None:
        problems.append("Enter the date approved to put the arrangement in place.")
    if approved_on is not None and new not in (APPROVED, WITHDRAWN):
        problems.append("Only an arrangement in place has a date approved: leave it empty.")
    for label, day in (
        ("date approved", approved_on),
        ("date applied", applied_on),
        ("date reviewed", reviewed_on),
    ):
        if day is not None and day > today:
            problems.append(f"The {label} cannot be in the future.")
    if approved_on is not None and applied_on is not None and approved_on < applied_on:
        problems.append("The date approved cannot be before the date applied.")
    return problems


# --------------------------------------------------------------------------------------------------
# Assessors and assessments
# --------------------------------------------------------------------------------------------------

EARLIEST_ASSESSMENT_YEAR = 9  # JCQ: standardised assessments no earlier than Year 9


def year_number(year_group: str) -> int | None:
    """ "10" -> 10; "R", "N1", "" -> None (before Year 1)."""
    return int(year_group) if year_group.isdigit() else None


def assessment_year_problem(year_group: str) -> str | None:
    """Standardised assessments for access arrangements are done no earlier than Year 9
    (DOMAIN.md 6.1)."""
    number = year_number(year_group)
    if number is None or number < EARLIEST_ASSESSMENT_YEAR:
        shown = f"Year {year_group}" if number is not None else year_group or "no year group"
        return (
            f"An assessment for access arrangements must be done no earlier than Year 9 "
            f"(JCQ); this candidate was in {shown}."
        )
    return None


def academic_year_start(day: date) -> int:
    """The calendar year the academic year of `day` began in (1 September)."""
    return day.year if day.month >= 9 else day.year - 1


def year_group_on(*, current: str, today: date, on: date) -> str | None:
    """The year group a pupil in `current` today was in on `on` (a year group moves up each 1
    September); None when it cannot be told (before Year 1, or before Year 1 on that day)."""
    number = year_number(current)
    if number is None:
        return None
    then = number - (academic_year_start(today) - academic_year_start(on))
    return str(then) if 1 <= then <= 14 else None


def qualified(*, qualification: str, checked_on: date | None) -> bool:
    """An assessor may be entered on an assessment only with a recorded qualification and the
    day its evidence was seen (JCQ: Level 7 or equivalent, evidence kept on file)."""
    return bool(qualification.strip()) and checked_on is not None


def assessor_problem(*, qualification: str, checked_on: date | None) -> str | None:
    if qualified(qualification=qualification, checked_on=checked_on):
        return None
    return (
        "This assessor has no qualification on file (the qualification and the day its "
        "evidence was seen): record it before entering them on an assessment."
    )


def assessment_date_problem(*, assessed_on: date, today: date) -> str | None:
    if assessed_on > today:
        return "The date of the assessment cannot be in the future."
    return None


# --------------------------------------------------------------------------------------------------
# Flags on a candidate's arrangements
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ArrangementFacts:
    """What the flags read about one arrangement."""

    kind_id: int
    delegated: bool
    needs_form8: bool
    stage: str
    applied_on: date | None


def without_normal_way_evidence(
    kind_ids: Iterable[int], evidence: Iterable[Iterable[int]]
) -> set[int]:
    """Of these arrangement kinds, those no answered normal-way-of-working evidence lists
    (`evidence`: for each answered request, the kinds the teacher says the candidate normally
    uses). JCQ: an arrangement must be the candidate's normal way of working."""
    evidenced = {kind for answer in evidence for kind in answer}
    return {kind for kind in kind_ids if kind not in evidenced}


FLAG_NO_EVIDENCE = "No normal-way-of-working evidence"
FLAG_NO_ASSESSMENT = "Needs Form 8: no assessment by a qualified assessor"
FLAG_LATE = "After the application deadline"


def flags(
    arrangement: ArrangementFacts,
    *,
    evidenced: bool,
    assessed: bool,
    deadline: date,
    today: date,
) -> list[str]:
    """The flags on one arrangement still standing (withdrawn ones carry none): no answered
    normal-way-of-working evidence lists it; it needs Form 8 and the candidate has no
    assessment by a qualified assessor; an online application made, or still not made, after
    the series' application deadline."""
    if arrangement.stage == WITHDRAWN:
        return []
    found = []
    if not evidenced:
        found.append(FLAG_NO_EVIDENCE)
    if arrangement.needs_form8 and not assessed:
        found.append(FLAG_NO_ASSESSMENT)
    if not arrangement.delegated:
        applied_late = arrangement.applied_on is not None and arrangement.applied_on > deadline
        not_yet = arrangement.stage in (PROPOSED, EVIDENCE) and today > deadline
        if applied_late or not_yet:
            found.append(FLAG_LATE)
    return found


def gathers_evidence(*, delegated: bool, stage: str) -> bool:
    """An arrangement whose evidence is due by the application deadline: one that needs an
    online application and has not been applied for yet."""
    return not delegated and stage in (PROPOSED, EVIDENCE)
