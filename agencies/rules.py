"""The rules of referrals, as plain functions: which status may follow which, how long a pupil
has waited, the waiting times measured per service, and when a referral is to be chased or its
report is overdue (AGENCY_CHASE_WEEKS, AGENCY_REPORT_WEEKS in sendco/settings.py)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from statistics import median

from django.conf import settings

WAITING = "waiting"
ACCEPTED = "accepted"
DECLINED = "declined"
SEEN = "seen"
REPORT = "report"
CLOSED = "closed"

# The service's first answer to a referral: the end of the wait the directory measures.
RESPONSES = frozenset({ACCEPTED, DECLINED, SEEN, REPORT})

# Which status may follow which. Forward only: a step recorded by mistake is corrected by closing
# the referral and referring again, so the dates measured are never rewritten. "Report received"
# is reached by recording the report (with its document), never by the status form alone.
NEXT: dict[str, tuple[str, ...]] = {
    WAITING: (ACCEPTED, DECLINED, SEEN, CLOSED),
    ACCEPTED: (SEEN, CLOSED),
    DECLINED: (CLOSED,),
    SEEN: (CLOSED,),
    REPORT: (CLOSED,),
    CLOSED: (),
}
# Where a report may be recorded: once the service has said yes or seen the pupil (and again,
# for a second report, once one has come).
TAKES_REPORT = frozenset({ACCEPTED, SEEN, REPORT})

LONG_WAIT_WEEKS = 26  # "waiting over 26 weeks", the figure the issue names
MEASURED_YEARS = 2  # median waits are measured over referrals of the last two years


def chase_weeks() -> int:
    """A referral with no answer after this many weeks is to be chased (default 6)."""
    return int(getattr(settings, "AGENCY_CHASE_WEEKS", 6))


def report_weeks() -> int:
    """A report is expected this many weeks after the pupil was seen (default 6), unless the
    referral gives its own date."""
    return int(getattr(settings, "AGENCY_REPORT_WEEKS", 6))


def may_follow(current: str, new: str) -> bool:
    return new in NEXT.get(current, ())


def step_problem(*, current: str, new: str, on: date, last_on: date, today: date) -> str:
    """Why `new` on `on` cannot follow `current` (whose date was `last_on`); "" when it can."""
    if new == REPORT:
        return "Record the report itself (with its date and document) to mark it received."
    if not may_follow(current, new):
        return f"A referral that is {LABELS[current].lower()} cannot become {LABELS[new].lower()}."
    if on > today:
        return "This date is still to come: record the change once it has happened."
    if on < last_on:
        return f"This date is before the last change ({last_on.day} {last_on:%B %Y})."
    return ""


LABELS = {
    WAITING: "Waiting",
    ACCEPTED: "Accepted",
    DECLINED: "Declined",
    SEEN: "Seen",
    REPORT: "Report received",
    CLOSED: "Closed",
}


def weeks_between(start: date, end: date) -> float:
    return (end - start).days / 7


def measured_since(today: date) -> date:
    """The first referral date whose wait counts towards the median (two years back)."""
    try:
        return today.replace(year=today.year - MEASURED_YEARS)
    except ValueError:  # 29 February
        return today.replace(year=today.year - MEASURED_YEARS, day=28)


@dataclass(frozen=True)
class Wait:
    """One referral as the waiting-time figures read it."""

    service_id: int
    referred_on: date
    responded_on: date | None  # the first answer (accepted, declined, seen, report)
    status: str


@dataclass(frozen=True)
class ServiceWaits:
    """The waiting time measured at this school for one service."""

    name: str
    stated_weeks: int | None
    median_weeks: int | None  # rounded; None when no referral of the last two years was answered
    measured: int  # answered referrals the median is taken over
    waiting: int  # waiting for an answer now
    over_stated: int  # of those, waiting longer than the service's stated time
    over_long: int  # of those, waiting longer than LONG_WAIT_WEEKS

    @property
    def line(self) -> str:
        """ "Speech and language therapy: median 19 weeks here (stated 12); 3 pupils waiting
        over 26 weeks"."""
        parts = []
        if self.median_weeks is not None:
            stated = f" (stated {self.stated_weeks})" if self.stated_weeks is not None else ""
            parts.append(f"median {_weeks(self.median_weeks)} here{stated}")
        elif self.stated_weeks is not None:
            parts.append(f"no answers yet to measure (stated {_weeks(self.stated_weeks)})")
        else:
            parts.append("no answers yet to measure")
        if self.over_long:
            parts.append(f"{_pupils(self.over_long)} waiting over {LONG_WAIT_WEEKS} weeks")
        elif self.over_stated:
            parts.append(f"{_pupils(self.over_stated)} waiting longer than stated")
        elif self.waiting:
            parts.append(f"{_pupils(self.waiting)} waiting")
        return f"{self.name}: " + "; ".join(parts)

    @property
    def beyond(self) -> bool:
        """Worth a warning: the median is over the stated time, or someone waits over 26 weeks."""
        slow = (
            self.median_weeks is not None
            and self.stated_weeks is not None
            and self.median_weeks > self.stated_weeks
        )
        return slow or self.over_long > 0


def _weeks(n: int) -> str:
    return f"{n} week" if n == 1 else f"{n} weeks"


def _pupils(n: int) -> str:
    return "1 pupil" if n == 1 else f"{n} pupils"


def service_waits(
    *, name: str, stated_weeks: int | None, waits: Iterable[Wait], today: date
) -> ServiceWaits:
    """The figures for one service from its referrals: the median weeks from referral to first
    answer over referrals made in the last two years, and the pupils waiting now (no answer, not
    closed), those longer than the stated time and those longer than LONG_WAIT_WEEKS."""
    since = measured_since(today)
    answered = []
    waiting = over_stated = over_long = 0
    for wait in waits:
        if wait.responded_on is not None:
            if wait.referred_on >= since:
                answered.append(weeks_between(wait.referred_on, wait.responded_on))
            continue
        if wait.status != WAITING:
            continue  # closed without an answer: no longer waiting, nothing to measure
        waiting += 1
        waited = weeks_between(wait.referred_on, today)
        if stated_weeks is not None and waited > stated_weeks:
            over_stated += 1
        if waited > LONG_WAIT_WEEKS:
            over_long += 1
    return ServiceWaits(
        name=name,
        stated_weeks=stated_weeks,
        median_weeks=round(median(answered)) if answered else None,
        measured=len(answered),
        waiting=waiting,
        over_stated=over_stated,
        over_long=over_long,
    )


def chase_on(*, referred_on: date, chased_on: date | None = None) -> date:
    """When a referral still waiting for an answer is to be chased: AGENCY_CHASE_WEEKS after it
    was made, or after the school last chased it."""
    return max(referred_on, chased_on or referred_on) + timedelta(weeks=chase_weeks())


def report_due(
    *, seen_on: date | None, expected_on: date | None, chased_on: date | None = None
) -> date | None:
    """When the report is to be chased: the date the referral expects it, else
    AGENCY_REPORT_WEEKS after the pupil was seen; once chased on or after that date,
    AGENCY_REPORT_WEEKS after the chase. None when neither date is known."""
    if expected_on is not None:
        due = expected_on
    elif seen_on is not None:
        due = seen_on + timedelta(weeks=report_weeks())
    else:
        return None
    if chased_on is not None and chased_on >= due:
        return chased_on + timedelta(weeks=report_weeks())
    return due


# Where chasing means something: an answer or a report is still awaited.
CHASED = frozenset({WAITING, ACCEPTED, SEEN})
