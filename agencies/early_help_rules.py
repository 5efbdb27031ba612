"""The rules of a pupil's Early Help (DOMAIN.md 6 and 6.3): an Early Help assessment (EHA, once
the Common Assessment Framework) and plan, started with the family's consent, led by a lead
practitioner, and reviewed by the Team Around the Family every 6 to 12 weeks, as the pupil's
local authority says. Plain functions, so a test calls each with a table of cases.

Nothing here replaces the school's safeguarding system: a worry about a child's safety goes to
the designated safeguarding lead and into the school's safeguarding records at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import models

# The Team Around the Family meets every 6 to 12 weeks (LA-specific practice, DOMAIN.md 6).
REVIEW_WEEKS_MIN = 6
REVIEW_WEEKS_MAX = 12


class Stage(models.TextChoices):
    ASSESSMENT = "assessment", "Early Help assessment"
    PLAN = "plan", "Early Help plan"
    STEPPED_UP = "stepped_up", "Stepped up to children's social care"
    CLOSED = "closed", "Closed"


OPEN_STAGES = (Stage.ASSESSMENT, Stage.PLAN, Stage.STEPPED_UP)
# Reviewed by the Team Around the Family: an assessment under way and a plan. Once stepped up to
# children's social care, social care leads and sets its own meetings.
REVIEWED_STAGES = frozenset({Stage.ASSESSMENT, Stage.PLAN})

# Which stage may follow which (closing is its own step, `close_problems`): the assessment leads
# to a plan, either may be stepped up to social care, and social care may step it down again.
TRANSITIONS: dict[str, frozenset[str]] = {
    Stage.ASSESSMENT: frozenset({Stage.ASSESSMENT, Stage.PLAN, Stage.STEPPED_UP}),
    Stage.PLAN: frozenset({Stage.PLAN, Stage.STEPPED_UP}),
    Stage.STEPPED_UP: frozenset({Stage.STEPPED_UP, Stage.PLAN}),
    Stage.CLOSED: frozenset(),
}


def stage_change_problem(*, was: str, to: str) -> str | None:
    """Why an Early Help at stage `was` cannot move to `to`, or None."""
    if to == Stage.CLOSED:
        return "Close Early Help with its date and reason on the close page."
    if to in TRANSITIONS.get(was, frozenset()):
        return None
    if was == Stage.CLOSED:
        return "This Early Help is closed: start a new one if the family needs help again."
    return f"An Early Help at “{Stage(was).label}” cannot go back to “{Stage(to).label}”."


# --------------------------------------------------------------------------------------------------
# The review interval
# --------------------------------------------------------------------------------------------------


def review_weeks_problem(weeks: int | None) -> str | None:
    """Why `weeks` cannot be a school's Early Help review interval, or None."""
    if weeks is None or not REVIEW_WEEKS_MIN <= weeks <= REVIEW_WEEKS_MAX:
        return (
            f"Choose between {REVIEW_WEEKS_MIN} and {REVIEW_WEEKS_MAX} weeks: Team Around the "
            "Family reviews are every 6 to 12 weeks, as your local authority says."
        )
    return None


def default_review_weeks() -> int:
    """EARLY_HELP_REVIEW_WEEKS (sendco/settings.py), for a school that has set no interval of
    its own; a setting outside 6 to 12 weeks is brought within them."""
    weeks = int(getattr(settings, "EARLY_HELP_REVIEW_WEEKS", REVIEW_WEEKS_MAX))
    return min(max(weeks, REVIEW_WEEKS_MIN), REVIEW_WEEKS_MAX)


# --------------------------------------------------------------------------------------------------
# When the next review is due
# --------------------------------------------------------------------------------------------------


def latest_next_review(*, last_held_on: date, weeks: int) -> date:
    """The latest date the review after one held on `last_held_on` may fall."""
    return last_held_on + timedelta(weeks=weeks)


def next_review_due(
    *,
    stage: str,
    started_on: date,
    weeks: int,
    last_held_on: date | None = None,
    agreed_on: date | None = None,
) -> date | None:
    """When the next Team Around the Family review is due: `weeks` after the last review (after
    the start when none is held yet), or sooner if the last review agreed an earlier date
    (`agreed_on`). None when no review is owed (stepped up to social care, or closed)."""
    if stage not in REVIEWED_STAGES:
        return None
    latest = latest_next_review(last_held_on=last_held_on or started_on, weeks=weeks)
    return min(agreed_on, latest) if agreed_on is not None else latest


def is_overdue(*, due: date | None, today: date) -> bool:
    """A review is overdue the day after it was due."""
    return due is not None and due < today


@dataclass(frozen=True)
class ReviewDue:
    due: date | None
    overdue: bool


def review_due(
    *,
    stage: str,
    started_on: date,
    weeks: int,
    today: date,
    last_held_on: date | None = None,
    agreed_on: date | None = None,
) -> ReviewDue:
    due = next_review_due(
        stage=stage,
        started_on=started_on,
        weeks=weeks,
        last_held_on=last_held_on,
        agreed_on=agreed_on,
    )
    return ReviewDue(due, is_overdue(due=due, today=today))


# --------------------------------------------------------------------------------------------------
# What may be recorded
# --------------------------------------------------------------------------------------------------

CONSENT_MISSING = (
    "Record who in the family gave consent and on what date: an Early Help assessment starts "
    "only with the family's consent."
)


def start_problems(
    *, started_on: date, consent_given_by: str, consent_on: date | None, today: date
) -> dict[str, str]:
    """What is wrong with starting Early Help with these facts, by field."""
    found: dict[str, str] = {}
    if started_on > today:
        found["started_on"] = "Record Early Help once it has started (today at the latest)."
    if not consent_given_by.strip():
        found["consent_given_by"] = CONSENT_MISSING
    if consent_on is None:
        found["consent_on"] = CONSENT_MISSING
    elif consent_on > today:
        found["consent_on"] = "Consent is recorded once it has been given (today at the latest)."
    elif consent_on > started_on:
        found["consent_on"] = (
            "The family's consent comes first: its date cannot be after the day Early Help started."
        )
    return found


def review_problems(
    *,
    held_on: date,
    next_review_on: date | None,
    started_on: date,
    weeks: int,
    today: date,
    held_before: list[date],
) -> dict[str, str]:
    """What is wrong with recording a Team Around the Family review, by field."""
    found: dict[str, str] = {}
    if held_on > today:
        found["held_on"] = "Record a review once it has been held (today at the latest)."
    elif held_on < started_on:
        found["held_on"] = (
            f"The review cannot be before Early Help started ({started_on.day} {started_on:%B %Y})."
        )
    elif held_on in held_before:
        found["held_on"] = "A review held on this day is already recorded."
    if next_review_on is not None and "held_on" not in found:
        latest = latest_next_review(last_held_on=held_on, weeks=weeks)
        if next_review_on <= held_on:
            found["next_review_on"] = "The next review must be after this one."
        elif next_review_on > latest:
            found["next_review_on"] = (
                f"Your local authority reviews every {weeks} weeks: the next review is due by "
                f"{latest.day} {latest:%B %Y} at the latest."
            )
    return found


def close_problems(
    *, closed_on: date, reason: str, started_on: date, last_held_on: date | None, today: date
) -> dict[str, str]:
    """What is wrong with closing Early Help on `closed_on` for `reason`, by field."""
    found: dict[str, str] = {}
    if closed_on > today:
        found["closed_on"] = "Close Early Help once it has ended (today at the latest)."
    elif closed_on < started_on:
        found["closed_on"] = "Early Help cannot close before it started."
    elif last_held_on is not None and closed_on < last_held_on:
        found["closed_on"] = "Early Help cannot close before its last review."
    if not reason.strip():
        found["close_reason"] = "Say why Early Help is closing (for example, the plan's aims met)."
    return found
