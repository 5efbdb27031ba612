"""Rules of the graduated approach (Assess, Plan, Do, Review) as plain functions.

Review dates, the stages a cycle moves through, which targets carry over, the quality checks
(the golden thread need -> provision -> outcome) and the parent-meeting schedule. DOMAIN.md 1.3
and 6: reviews "at least termly" and "at least three parent meetings a year" are guidance and
practice, so both are settings (see sendco/settings.py, "Support plans").
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings

from staff.calendar import add_months

ASSESS, PLAN, DO, REVIEWED = "assess", "plan", "do", "reviewed"
NEXT_STAGE = {ASSESS: PLAN, PLAN: DO}
ACHIEVED = "achieved"
FALLBACK_WEEKS = 12  # when the school calendar has no term after the plan was agreed


# --------------------------------------------------------------------------------------------------
# Review dates
# --------------------------------------------------------------------------------------------------


def review_weeks() -> int:
    """0 (the default) means termly; otherwise a review every N weeks."""
    return int(getattr(settings, "APDR_REVIEW_WEEKS", 0) or 0)


def min_weeks() -> int:
    return int(getattr(settings, "APDR_MIN_WEEKS", 6))


def default_review_due(
    *,
    agreed_on: date,
    term_ends: Iterable[date],
    weeks: int | None = None,
    minimum: int | None = None,
) -> date:
    """The review date a plan agreed on `agreed_on` gets unless people agree another.

    Every `weeks` weeks when set (APDR_REVIEW_WEEKS); otherwise termly: the last day of the first
    term ending at least `minimum` weeks (APDR_MIN_WEEKS) after the plan was agreed, so a plan
    agreed in the last six weeks of a term runs until the end of the next. Never on the day the
    plan was agreed, even with a minimum of 0. With no such term in the school calendar, 12 weeks
    on.
    """
    weeks = review_weeks() if weeks is None else weeks
    if weeks:
        return agreed_on + timedelta(weeks=weeks)
    minimum = min_weeks() if minimum is None else minimum
    earliest = agreed_on + max(timedelta(weeks=minimum), timedelta(days=1))
    for end in sorted(term_ends):
        if end >= earliest:
            return end
    return agreed_on + timedelta(weeks=FALLBACK_WEEKS)


def annual_review_months() -> int:
    """How often a support plan is reviewed as a whole, in months: the setting
    SUPPORT_PLAN_ANNUAL_REVIEW_MONTHS, 12 by default; 0 turns the deadline off. The termly APDR
    reviews go on beside it."""
    return int(getattr(settings, "SUPPORT_PLAN_ANNUAL_REVIEW_MONTHS", 12) or 0)


def annual_review_due(
    *, last_annual: date | None, first_started: date | None, months: int | None = None
) -> date | None:
    """When a pupil's support plan is next due its annual review: `months` after the last cycle
    reviewed as the plan's annual review or, before the first, after the plan's first cycle began.
    Today this is the school's own practice (the Code asks for termly reviews, DOMAIN.md 1.3); the
    Schools White Paper of 2026 proposes that every Individual Support Plan is reviewed at least
    annually (DOMAIN.md 0), hence a setting. None when turned off or the plan has no cycle."""
    months = annual_review_months() if months is None else months
    since = last_annual or first_started
    if not months or since is None:
        return None
    return add_months(since, months)


def agree_by(*, starts_on: date) -> date:
    """A cycle still in Assess or Plan should be agreed with parents by this date."""
    return starts_on + timedelta(days=int(getattr(settings, "APDR_AGREE_WITHIN_DAYS", 28)))


# --------------------------------------------------------------------------------------------------
# Stages
# --------------------------------------------------------------------------------------------------


def advance_problems(
    *, stage: str, targets: int, agreed_on: date | None, review_due: date | None, today: date
) -> list[str]:
    """Why a cycle cannot move on to its next stage (empty: it can). Assess -> Plan is always
    allowed; Plan -> Do needs targets and an agreed plan with a review date; the review itself
    is done by completing it, not by moving on."""
    if stage == REVIEWED:
        return ["This cycle has been reviewed; start the next cycle instead."]
    if stage == DO:
        return ["The plan is under way: complete the review to finish this cycle."]
    if stage == ASSESS:
        return []
    problems = []
    if targets == 0:
        problems.append("Add at least one target before the plan starts.")
    if agreed_on is None:
        problems.append("Record the date the plan was agreed with the parents.")
    elif agreed_on > today:
        problems.append("The plan cannot be agreed on a date still to come.")
    if review_due is None:
        problems.append("Set the review date agreed with the parents.")
    elif agreed_on is not None and review_due <= agreed_on:
        problems.append("The review date must be after the date the plan was agreed.")
    return problems


def review_problems(
    *,
    stage: str,
    starts_on: date,
    reviewed_on: date | None,
    today: date,
    outcomes: Sequence[str],
    agreed_on: date | None = None,
) -> list[str]:
    """Why a review cannot be completed (empty: it can). The review cannot come before the plan
    was agreed with the parents (or, with no agreed date, before the cycle began); a plan entered
    after the event may have been agreed, and reviewed, before its cycle was started here."""
    if stage == REVIEWED:
        return ["This cycle has already been reviewed."]
    if stage != DO:
        return ["Only a plan that is under way (Do) can be reviewed: agree the plan first."]
    problems = []
    if reviewed_on is None:
        problems.append("Give the date of the review meeting.")
    elif reviewed_on > today:
        problems.append("A review cannot be recorded before it happens.")
    elif agreed_on is not None and reviewed_on < agreed_on:
        problems.append(f"The review cannot be before the plan was agreed ({agreed_on:%d/%m/%Y}).")
    elif agreed_on is None and reviewed_on < starts_on:
        problems.append(f"The review cannot be before the cycle began ({starts_on:%d/%m/%Y}).")
    missing = sum(1 for outcome in outcomes if not outcome)
    if missing:
        problems.append(f"Say whether each target was achieved ({missing} without an outcome).")
    return problems


def stage_label(*, stage: str, review_due: date | None, today: date) -> str:
    """The stage in words for lists and badges: a plan under way whose review date has come is
    'Review due' (on the day) or 'Review overdue' (after it)."""
    if stage == DO and review_due is not None:
        if review_due < today:
            return "Review overdue"
        if review_due == today:
            return "Review due"
    return {ASSESS: "Assess", PLAN: "Plan", DO: "Do", REVIEWED: "Reviewed"}[stage]


def carries_over(outcome: str) -> bool:
    """A target not achieved, or only partly, carries over into the next cycle."""
    return outcome != ACHIEVED


# --------------------------------------------------------------------------------------------------
# Quality: help, never a block
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Warning:
    message: str
    target_position: int | None = None  # None: about the plan as a whole


@dataclass(frozen=True)
class TargetFacts:
    """What the quality checks read of a target (tests build these directly)."""

    position: int
    measure: str
    baseline: str
    by_when: date | None
    need_type_id: int | None
    provision: bool  # linked to a group, or other provision described


def quality_warnings(
    *,
    targets: Sequence[TargetFacts],
    needs: Sequence[tuple[int, str]],
    stage: str,
    review_due: date | None,
) -> list[Warning]:
    """Gaps in a plan: targets without a measure, baseline or date, or without provision; needs
    (id, name) that no target addresses; a plan with no targets or no review date."""
    found: list[Warning] = []
    if not targets:
        found.append(Warning("The plan has no targets yet."))
    for t in targets:
        label = f"Target {t.position}"
        if not t.measure.strip():
            found.append(
                Warning(f"{label} has no measure: say how progress will be measured.", t.position)
            )
        if not t.baseline.strip():
            found.append(Warning(f"{label} has no starting point (baseline).", t.position))
        if t.by_when is None:
            found.append(Warning(f"{label} has no date to be achieved by.", t.position))
        if not t.provision:
            found.append(
                Warning(
                    f"{label} has no provision: link a group of the provision map or describe the "
                    "support.",
                    t.position,
                )
            )
    addressed = {t.need_type_id for t in targets}
    for need_id, name in needs:
        if need_id not in addressed:
            found.append(Warning(f"No target addresses the need “{name}”."))
    if stage in (PLAN, DO) and review_due is None:
        found.append(Warning("The plan has no review date."))
    return found


# --------------------------------------------------------------------------------------------------
# Parent meetings: at least three a year for a pupil on SEN support (Code 6.65)
# --------------------------------------------------------------------------------------------------


def meetings_a_year() -> int:
    return int(getattr(settings, "APDR_PARENT_MEETINGS", 3))


@dataclass(frozen=True)
class MeetingSchedule:
    held: int  # days with a meeting this academic year, up to today
    expected_by_now: int  # by the end of the current term
    required: int  # in the whole year
    # The end of the first term whose share is not met yet: in the past, overdue; in the future,
    # the date the next meeting is due by. None: every meeting the year requires has been held.
    due: date | None


def meeting_schedule(
    *,
    term_ends: Sequence[date],
    year_start: date,
    on_support_since: date,
    held_on: Iterable[date],
    today: date,
    per_year: int | None = None,
) -> MeetingSchedule:
    """How the pupil's parent meetings stand against the schedule this academic year.

    The `per_year` meetings are spread over the year's terms (`term_ends`, sorted): one by the end
    of each term for three terms. A pupil who joined SEN support during the year owes meetings only
    for the terms from the one they joined in. `due` is the end of the first term whose share has
    not been met (in the past: overdue), or None when every meeting of the year has been held.
    Meetings are counted by day: a review and the planning of the next cycle in one sitting (or a
    meeting recorded twice) are one meeting with the parents.
    """
    per_year = meetings_a_year() if per_year is None else per_year
    ends = sorted(term_ends)
    held = sorted({d for d in held_on if year_start <= d})
    owed_terms = [end for end in ends if end >= on_support_since]
    if not ends or not owed_terms or per_year <= 0:
        return MeetingSchedule(len([d for d in held if d <= today]), 0, 0, None)
    required = min(per_year, round(per_year * len(owed_terms) / len(ends))) or 1
    # Spread `required` over the owed terms: by the end of the k-th of n, ceil(required * k / n).
    # Meetings held late still count: catching up clears an overdue term.
    n = len(owed_terms)
    so_far = sum(1 for d in held if d <= today)
    due = None
    expected_by_now = required
    for k, end in enumerate(owed_terms, start=1):
        owed = -(-required * k // n)
        if end >= today and expected_by_now == required:
            expected_by_now = owed
        if due is None and so_far < owed:
            due = end
    return MeetingSchedule(held=so_far, expected_by_now=expected_by_now, required=required, due=due)


# --------------------------------------------------------------------------------------------------
# An outside agency's report as assessment evidence (agencies, issue 20)
# --------------------------------------------------------------------------------------------------


def report_evidence_line(*, service: str, received_on: date, summary: str) -> str:
    """The words an outside agency's report adds to a cycle's assessment evidence: which
    service, when it came, and its summary; the document stays on the referral's page."""
    line = f"Report from {service}, received {received_on.day} {received_on:%B %Y}"
    summary = " ".join(summary.split())
    return f"{line}: {summary}" if summary else f"{line} (see the referral for the report)."


def report_in_evidence(assessment: str, line: str) -> bool:
    """Whether this report's line is already in the assessment evidence (added once)."""
    return line.split(":", 1)[0] in (assessment or "")
