"""The rules of staff training as pure functions over dates (DOMAIN.md 1.5 and 6.3): when a
certificate needs renewing, when supervision is next due, and what the SENCO's mandatory
qualification asks of them. Nothing here reads the database."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from staff.calendar import add_months

# DOMAIN.md 1.5, from reg. 49 of the SEND Regulations 2014 (as amended) and the DfE's transition
# note of April 2024 [S12][S13].
QUALIFICATION_FROM = date(2009, 9, 1)  # a SENCO appointed before this needs no qualification
NPQ_FROM = date(2024, 9, 1)  # a NASENCO started on or after this no longer counts
NASENCO_COMPLETE_BY = date(2027, 9, 1)  # a NASENCO must be completed before this day
EARLIER_SERVICE_MONTHS = 12  # more than this as a SENCO before: no qualification needed
QUALIFICATION_YEARS = 3  # held by the third anniversary of starting as SENCO


def anniversary(day: date, years: int) -> date:
    return add_months(day, 12 * years)


# --------------------------------------------------------------------------------------------------
# Expiry
# --------------------------------------------------------------------------------------------------


def expires_on(*, completed_on: date, expires_after_months: int | None) -> date | None:
    """When a certificate stops being current (None: it never does). MHFA: 3 years [S102]."""
    if expires_after_months is None:
        return None
    return add_months(completed_on, expires_after_months)


def first_current_day(*, expires_after_months: int, on: date) -> date:
    """The earliest completion day whose certificate is still current on `on`: a completion on
    or after it (and by `on`) counts, one before it has expired. Lets the database pick current
    certificates with a date comparison instead of month arithmetic (31 March, 1 month: a
    certificate of 28 February ran out on 28 March; one of 1 March runs to 1 April)."""
    day = add_months(on, -expires_after_months)
    while add_months(day, expires_after_months) <= on:
        day = date.fromordinal(day.toordinal() + 1)
    return day


def is_current(*, completed_on: date | None, expires: date | None, on: date) -> bool:
    """Completed by `on` and not yet expired (an expiry day is the first day it no longer
    counts)."""
    return completed_on is not None and completed_on <= on and (expires is None or on < expires)


# --------------------------------------------------------------------------------------------------
# Supervision (ELSA: about half-termly [S100][S101])
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HalfTerm:
    starts_on: date
    ends_on: date


def supervision_due(
    *,
    trained_on: date,
    attended: Iterable[date],
    half_terms: Sequence[HalfTerm],
    today: date,
) -> date | None:
    """The day the next supervision is due: the last day of the earliest half-term, from the one
    after training up to today's, in which the person had none (overdue if it has ended);
    otherwise the end of the next half-term. None when the school's calendar does not reach it
    (no half-terms recorded)."""
    seen = sorted(attended)
    ordered = sorted(half_terms, key=lambda h: h.starts_on)
    for half in ordered:
        if half.ends_on < trained_on:
            continue
        if half.starts_on <= trained_on:
            continue  # the half-term of the training itself: the course was its supervision
        if half.starts_on > today:
            return half.ends_on  # the next half-term: due by its end
        if not any(half.starts_on <= d <= half.ends_on for d in seen):
            return half.ends_on
    return None


# --------------------------------------------------------------------------------------------------
# The SENCO's qualification (DOMAIN.md 1.5)
# --------------------------------------------------------------------------------------------------


class QualificationKind(StrEnum):
    NPQ = "npq"
    NASENCO = "nasenco"


@dataclass(frozen=True)
class Study:
    """A qualification a person started (and perhaps completed)."""

    kind: QualificationKind
    started_on: date | None
    completed_on: date | None


class SencoStatus(StrEnum):
    NOT_SENCO = "not_senco"
    EXEMPT_BEFORE_2009 = "exempt_before_2009"
    EXEMPT_EARLIER_SERVICE = "exempt_earlier_service"
    HELD = "held"
    DUE = "due"


@dataclass(frozen=True)
class SencoQualification:
    status: SencoStatus
    due: date | None = None
    # What is owed, in words: "the NPQ for SENCOs" or "the NASENCO, completed".
    owed: str = ""
    held: Study | None = None

    def overdue(self, today: date) -> bool:
        """Still owed after the day it was due."""
        return self.status == SencoStatus.DUE and self.due is not None and self.due < today

    @property
    def summary(self) -> str:
        if self.status == SencoStatus.NOT_SENCO:
            return ""
        if self.status == SencoStatus.EXEMPT_BEFORE_2009:
            return "No qualification needed: SENCO since before 1 September 2009."
        if self.status == SencoStatus.EXEMPT_EARLIER_SERVICE:
            return "No qualification needed: a SENCO for more than 12 months before."
        if self.status == SencoStatus.HELD:
            return f"Holds the {QUALIFICATION_NAMES[self.held.kind]}."  # type: ignore[union-attr]
        return f"Must hold {self.owed} by {self.due:%-d %B %Y}."  # type: ignore[union-attr]


QUALIFICATION_NAMES = {
    QualificationKind.NPQ: "NPQ for SENCOs",
    QualificationKind.NASENCO: "National Award for SEN Coordination (NASENCO)",
}


def counts(study: Study) -> bool:
    """Whether a completed qualification satisfies the rule: the NPQ always; the NASENCO only if
    started before 1 September 2024 and completed before 1 September 2027."""
    if study.completed_on is None:
        return False
    if study.kind == QualificationKind.NPQ:
        return True
    started = study.started_on or study.completed_on
    return started < NPQ_FROM and study.completed_on < NASENCO_COMPLETE_BY


def senco_qualification(
    *, appointed_on: date | None, months_before: int, studies: Iterable[Study]
) -> SencoQualification:
    """What the SENCO owes: nothing if not appointed SENCO, appointed before 1 September 2009,
    or a SENCO for more than 12 months before; otherwise a qualification by the third
    anniversary of appointment: a NASENCO under way (started before 1 September 2024) must
    also finish before 1 September 2027, and anyone else takes the NPQ for SENCOs."""
    if appointed_on is None:
        return SencoQualification(SencoStatus.NOT_SENCO)
    if appointed_on < QUALIFICATION_FROM:
        return SencoQualification(SencoStatus.EXEMPT_BEFORE_2009)
    if months_before > EARLIER_SERVICE_MONTHS:
        return SencoQualification(SencoStatus.EXEMPT_EARLIER_SERVICE)
    studies = list(studies)
    held = next((s for s in studies if counts(s)), None)
    if held is not None:
        return SencoQualification(SencoStatus.HELD, held=held)
    due = anniversary(appointed_on, QUALIFICATION_YEARS)
    nasenco_under_way = any(
        s.kind == QualificationKind.NASENCO
        and s.completed_on is None
        and s.started_on is not None
        and s.started_on < NPQ_FROM
        for s in studies
    )
    if nasenco_under_way:
        last_day = date.fromordinal(NASENCO_COMPLETE_BY.toordinal() - 1)
        return SencoQualification(
            SencoStatus.DUE, due=min(due, last_day), owed="the NASENCO, completed"
        )
    return SencoQualification(SencoStatus.DUE, due=due, owed="the NPQ for SENCOs")
