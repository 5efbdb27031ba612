"""The dates of Personal Education Plans (PEPs) for looked-after children, as plain functions
(DOMAIN.md 5.2).

- The initial PEP: within 10 working days of entering care (some LAs say 20).
- After a change of school: a new or updated PEP within 10 (some LAs 20) working days of the
  admission to the new school.
- The termly review: one PEP per school term, by the LA's timing (`PepTiming`).

Working days are Monday to Friday less England's bank holidays, term time or not (DOMAIN.md's
time-unit warning). Every timescale is a parameter with DOMAIN.md's default. No function here
reads the clock or the database: `today`, the terms and the PEPs held are passed in.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import models

from staff.calendar import add_working_days

INITIAL_WORKING_DAYS = 10  # DOMAIN.md 5.2 "Start" [S78]; some LAs 20 [S79]
MOVE_WORKING_DAYS = 10  # DOMAIN.md 5.2 "After a move" [S79]; some LAs 20
MOST_WORKING_DAYS = 20  # the longest any LA in DOMAIN.md allows


class PepTiming(models.TextChoices):
    """When each term's PEP is due (DOMAIN.md 5.2 "Review")."""

    FIRST_HALF = "first_half", "By the end of the first half of each term"
    FIXED = "fixed", "By the LA's fixed date each term"
    TERM = "term", "By the last day of each term (the statutory minimum)"


class PepKind(models.TextChoices):
    INITIAL = "initial", "Initial PEP"
    MOVE = "move", "PEP after a change of school"
    TERMLY = "termly", "Termly PEP"


@dataclass(frozen=True)
class CarePeriod:
    """A period the child was looked after; `ends_on` is its last day, None while it lasts."""

    starts_on: date
    ends_on: date | None = None


@dataclass(frozen=True)
class PepTerm:
    """A whole school term (both halves of a season) with the last day of its first half."""

    label: str  # "Autumn 2026"
    starts_on: date
    first_half_ends_on: date
    ends_on: date


@dataclass(frozen=True)
class PepSettings:
    """A local authority's PEP timescales (its virtual school's settings)."""

    timing: str = PepTiming.TERM
    initial_working_days: int = INITIAL_WORKING_DAYS
    move_working_days: int = MOVE_WORKING_DAYS
    fixed_dates: tuple[date, ...] = ()


DEFAULT_SETTINGS = PepSettings()  # an LA the school has no virtual school recorded for


@dataclass(frozen=True)
class PepDue:
    """The next PEP owed: what it is, the date it is due by, and for a termly one its term."""

    kind: PepKind
    due: date
    overdue: bool
    term: PepTerm | None = None


# --------------------------------------------------------------------------------------------------
# Terms
# --------------------------------------------------------------------------------------------------


def terms_from_halves(halves: Iterable[tuple[object, str, int, date, date]]) -> list[PepTerm]:
    """Whole terms from half-terms given as (academic year key, season, half, starts_on, ends_on),
    in date order. A term with one half entered has its first half end on that half's last day."""
    seasons: dict[tuple[object, str], dict[int, tuple[date, date]]] = {}
    for year, season, half, starts_on, ends_on in halves:
        seasons.setdefault((year, season), {})[half] = (starts_on, ends_on)
    terms = []
    for (_, season), rows in seasons.items():
        starts_on = min(s for s, _ in rows.values())
        ends_on = max(e for _, e in rows.values())
        first_half_ends_on = rows[1][1] if 1 in rows else ends_on
        terms.append(
            PepTerm(
                f"{season.capitalize()} {starts_on.year}", starts_on, first_half_ends_on, ends_on
            )
        )
    return sorted(terms, key=lambda t: t.starts_on)


def term_of(day: date, terms: Sequence[PepTerm]) -> PepTerm | None:
    """The term a PEP held on `day` counts for: the last term that started on or before it, so a
    PEP held in a holiday counts for the term just ended (a late PEP, not an early one). None
    before the first term given."""
    found = None
    for term in terms:
        if term.starts_on > day:
            break
        found = term
    return found


def _next_term(term: PepTerm, terms: Sequence[PepTerm]) -> PepTerm | None:
    return next((t for t in terms if t.starts_on > term.starts_on), None)


def termly_due(term: PepTerm, *, settings: PepSettings, terms: Sequence[PepTerm]) -> date:
    """The date a term's PEP is due by, by the LA's timing: the last day of the term's first half
    (`first_half`), the LA's fixed date for the term (`fixed`: the earliest of its dates from the
    term's first day to the day before the next term starts, or to the term's last day when the
    next term is not known; the term's last day when the LA set none), or the term's last day
    (`term`, the statutory minimum)."""
    if settings.timing == PepTiming.FIRST_HALF:
        return term.first_half_ends_on
    if settings.timing == PepTiming.FIXED:
        following = _next_term(term, terms)
        last = following.starts_on - timedelta(days=1) if following else term.ends_on
        inside = [d for d in settings.fixed_dates if term.starts_on <= d <= last]
        return min(inside, default=term.ends_on)
    return term.ends_on


# --------------------------------------------------------------------------------------------------
# The first PEP: on entering care, or after a change of school
# --------------------------------------------------------------------------------------------------


def initial_pep_due(entered_care_on: date, *, working_days: int = INITIAL_WORKING_DAYS) -> date:
    """The initial PEP is due within `working_days` working days of entering care (the day of
    entering not counted)."""
    return add_working_days(start=entered_care_on, days=working_days)


def move_pep_due(admitted_on: date, *, working_days: int = MOVE_WORKING_DAYS) -> date:
    """A new or updated PEP is due within `working_days` working days of the admission to the new
    school (the day of admission not counted)."""
    return add_working_days(start=admitted_on, days=working_days)


def care_episode_start(periods: Iterable[CarePeriod], *, today: date) -> date | None:
    """The day the child last entered care, when looked after on `today`: the start of the period
    covering `today`, reaching back through periods that follow on without a day's gap (a change
    of placement or legal status recorded as a new period is not a new entry into care). None
    when not looked after on `today` (previously looked-after children have no PEP)."""
    ordered = sorted(periods, key=lambda p: p.starts_on)
    start: date | None = None
    last_day: date | None = None  # the last day of the episode so far; None: still open
    for period in ordered:
        if period.starts_on > today:
            break
        follows_on = start is not None and (
            last_day is None or period.starts_on <= last_day + timedelta(days=1)
        )
        if not follows_on:
            start = period.starts_on
            last_day = period.ends_on
        elif last_day is not None:
            last_day = None if period.ends_on is None else max(last_day, period.ends_on)
    if start is None or (last_day is not None and last_day < today):
        return None
    return start


# --------------------------------------------------------------------------------------------------
# The next PEP
# --------------------------------------------------------------------------------------------------


def next_pep(
    *,
    periods: Iterable[CarePeriod],
    admitted_on: date | None,
    held: Iterable[date],
    terms: Sequence[PepTerm],
    settings: PepSettings = DEFAULT_SETTINGS,
    today: date,
) -> PepDue | None:
    """The next PEP a child looked after on `today` is owed, and whether it is overdue.

    The first PEP answers the later of entering care (`INITIAL`) and the admission to this school
    (`MOVE`, a change of school while looked after); only PEPs held on or after that day count.
    Until one is held it is the PEP owed. After it, one PEP per term (`TERMLY`): the PEP owed is
    the one for the term after the term of the latest PEP held (`term_of`), due by the LA's
    timing (`termly_due`). So the first PEP counts for its own term; a PEP held in the holidays
    counts for the term just ended; a term missed altogether is not owed again once a later
    term's PEP is held. `terms` are the school's whole terms in order.

    None when the child is not looked after on `today`, or when the PEP owed is termly and the
    school's terms are not entered far enough ahead to say when.
    """
    entered_care_on = care_episode_start(periods, today=today)
    if entered_care_on is None:
        return None
    if admitted_on is not None and admitted_on > entered_care_on:
        kind = PepKind.MOVE
        start = admitted_on
        first_due = move_pep_due(admitted_on, working_days=settings.move_working_days)
    else:
        kind = PepKind.INITIAL
        start = entered_care_on
        first_due = initial_pep_due(entered_care_on, working_days=settings.initial_working_days)
    since = [day for day in held if start <= day]
    if not since:
        return PepDue(kind, first_due, overdue=first_due < today)
    counted_for = term_of(max(since), terms)
    # Held before the first term given: the first term's PEP is owed.
    term = _next_term(counted_for, terms) if counted_for else next(iter(terms), None)
    if term is None:
        return None
    due = termly_due(term, settings=settings, terms=terms)
    return PepDue(PepKind.TERMLY, due, overdue=due < today, term=term)


# --------------------------------------------------------------------------------------------------
# The SEN link: an EHC plan's annual review and the PEP
# --------------------------------------------------------------------------------------------------


def can_hold_together(*, review_due: date, pep_due: date, terms: Sequence[PepTerm]) -> bool:
    """Whether a child's EHC plan annual review and next PEP can be held as one meeting.

    DOMAIN.md 5.2 "SEN link": if the child has an EHCP, align the annual review with a PEP
    where possible [S40]. The rule chosen: together when the review is due in the same term as
    the PEP (`term_of`) and not after the PEP's due date. One meeting on or before the review's
    date then meets both deadlines, and the PEP is held in the term it is owed for. A review due
    after the PEP would have to be brought forward, which moves the next 12-month review window
    earlier (DOMAIN.md 2.3), so it is not offered; nor is a review in another term.
    """
    if review_due > pep_due:
        return False
    review_term = term_of(review_due, terms)
    return review_term is not None and review_term == term_of(pep_due, terms)
