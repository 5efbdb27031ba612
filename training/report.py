"""Training delivered this academic year (issue 17): the SENDCo's report to the head and the
governing board. Hours, people and records of the completions dated in the school's academic
year to today, by need area (the census SEN type codes the course covers; whole-school SEND
training its own line) and by course; whole-staff INSET sessions held; certificates run out or
running out within three months; what the SENCO qualification rule asks.

Those who see everyone's training (the SENDCo, head and trust lead) read the exact figures and
the names behind them; governors read figures only: no member of staff named, and a count of
people (or of their records and certificates) from 1 to the threshold less one shown as "fewer
than 5" (`staff.suppression`). No pupil is ever named here. A fixed number of queries whatever
the school's size: the year's completions are read once and counted here.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from register.models import NeedType
from staff import suppression
from staff.calendar import school_year_name
from staff.capabilities import Cap
from staff.models import School
from staff.suppression import Shown, hides_by_difference, shown
from staff.tenancy import Access

from . import rules, selectors
from .models import Completion, Session

RENEW_WITHIN_MONTHS = 3
WHOLE_SCHOOL = "whole-school"
NO_AREA = "no-area"
ZERO = Decimal(0)


@dataclass
class _Tally:
    people: set[int] = field(default_factory=set)
    records: int = 0
    hours: Decimal = ZERO

    def add(self, person_id: int, hours: Decimal | None) -> None:
        self.people.add(person_id)
        self.records += 1
        self.hours += hours or ZERO


@dataclass(frozen=True)
class Line:
    """A need area's or a course's training this year: people (exact, or as governors see
    it), records, hours, and for those who may see them the people's names."""

    code: str
    label: str
    people: int | Shown
    records: int | Shown
    hours: Decimal
    names: tuple[str, ...] = ()


@dataclass(frozen=True)
class Renewal:
    person: str
    course: str
    expires: date


@dataclass(frozen=True)
class SencoLine:
    """The SENCO qualification in one line: a state (held, due, overdue, exempt, none), a short
    form for the trust's table and a sentence for the report."""

    state: str
    short: str
    words: str

    @property
    def alert(self) -> bool:
        """Something to act on: the qualification overdue, or no SENCO recorded."""
        return self.state in ("overdue", "none")


def senco_line(qualification: rules.SencoQualification, today: date) -> SencoLine:
    status = qualification.status
    if status == rules.SencoStatus.NOT_SENCO:
        return SencoLine(
            "none",
            "No SENCO recorded",
            "No SENCO is recorded on the staff list: give the SENCO's start in the role on "
            "their training page.",
        )
    if status == rules.SencoStatus.EXEMPT_BEFORE_2009:
        return SencoLine(
            "exempt",
            "Exempt",
            "The SENCO needs no qualification: SENCO since before 1 September 2009.",
        )
    if status == rules.SencoStatus.EXEMPT_EARLIER_SERVICE:
        return SencoLine(
            "exempt",
            "Exempt",
            "The SENCO needs no qualification: a SENCO for more than 12 months before.",
        )
    if status == rules.SencoStatus.HELD:
        held = rules.QUALIFICATION_NAMES[qualification.held.kind]  # type: ignore[union-attr]
        return SencoLine("held", "Held", f"The SENCO holds the {held}.")
    due = qualification.due
    if qualification.overdue(today):
        return SencoLine(
            "overdue",
            f"Overdue since {due:%-d %b %Y}",
            f"Overdue: the SENCO should have held {qualification.owed} by {due:%-d %B %Y}.",
        )
    return SencoLine(
        "due",
        f"Due by {due:%-d %b %Y}",
        f"The SENCO must hold {qualification.owed} by {due:%-d %B %Y}.",
    )


def report_for(*, access: Access, today: date) -> dict:
    """The report as this person may read it: with names for those who see everyone's
    training, figures only (small counts suppressed) for governors."""
    return report(school=access.school, today=today, named=access.can(Cap.TRAINING_VIEW))


def report(*, school: School, today: date, named: bool) -> dict:
    start, end = selectors.school_years(school_ids=[school.pk], on=today)[school.pk]
    need_names = {
        code: (order, name)
        for code, name, order in NeedType.objects.values_list("code", "name", "sort_order")
    }
    names: dict[int, str] = {}
    total, areas, courses = _Tally(), defaultdict(_Tally), defaultdict(_Tally)
    course_names: dict[int, str] = {}
    for person_id, person, course_id, course, covers, whole, hours in Completion.objects.filter(
        school=school, completed_on__gte=start, completed_on__lte=min(end, today)
    ).values_list(
        "person_id",
        "person__name",
        "course_id",
        "course__name",
        "course__covers",
        "course__whole_school",
        "hours",
    ):
        names[person_id] = person
        course_names[course_id] = course
        total.add(person_id, hours)
        courses[course_id].add(person_id, hours)
        keys = [*(covers or ()), *([WHOLE_SCHOOL] if whole else [])] or [NO_AREA]
        for key in keys:
            areas[key].add(person_id, hours)

    def count(n: int) -> int | Shown:
        return n if named else shown(n)

    def line(code: str, label: str, tally: _Tally) -> Line:
        # Who is trained in each need area; everyone at a whole-staff INSET would be a list of
        # the staff, so its line has no names.
        listed = (
            ()
            if not named or code == WHOLE_SCHOOL
            else tuple(sorted(names[p] for p in tally.people))
        )
        return Line(
            code, label, count(len(tally.people)), count(tally.records), tally.hours, listed
        )

    def area_order(code: str) -> tuple:
        if code == WHOLE_SCHOOL:
            return (0, 0, "")
        if code == NO_AREA:
            return (2, 0, "")
        return (1, need_names.get(code, (999, ""))[0], code)

    def area_label(code: str) -> str:
        if code == WHOLE_SCHOOL:
            return "Whole-school SEND training"
        if code == NO_AREA:
            return "Other SEND training (no need area)"
        name = need_names.get(code, (0, ""))[1]
        return f"{code}: {name}" if name else code

    renewals = _renewals(school=school, today=today)
    expired, expiring = renewals["expired"], renewals["expiring"]
    to_renew = len(expired) + len(expiring)
    certificates = {
        "expired": count(len(expired)),
        "expiring": count(len(expiring)),
        "to_renew": count(to_renew),
    }
    if not named and not hides_by_difference([len(expired), len(expiring)], to_renew):
        # The total beside its parts would let a suppressed part be worked out.
        certificates["to_renew"] = Shown(to_renew, within_suppressed=True)
    qualification = selectors.sencos(school_ids=[school.pk], on=today)[school.pk]
    return {
        "named": named,
        "year_name": school_year_name(start.year),
        "year_start": start,
        "today": today,
        "threshold": suppression.threshold(),
        "staff": count(selectors.people(school=school, on=today).count()),
        "hours": total.hours,
        "people": count(len(total.people)),
        "records": count(total.records),
        "inset_sessions": Session.objects.filter(
            school=school, whole_staff=True, on__gte=start, on__lte=min(end, today)
        ).count(),
        "areas": [
            line(code, area_label(code), areas[code]) for code in sorted(areas, key=area_order)
        ],
        "courses": [
            line(str(course_id), course_names[course_id], courses[course_id])
            for course_id in sorted(courses, key=lambda c: course_names[c].lower())
        ],
        "certificates": certificates,
        "renew_within_months": RENEW_WITHIN_MONTHS,
        "expired": expired if named else [],
        "expiring": expiring if named else [],
        "senco": senco_line(qualification, today),
    }


def _renewals(*, school: School, today: date) -> dict[str, list[Renewal]]:
    """The certificates of staff still here that have run out (not renewed: the latest
    completion of the course has expired), and those running out within
    RENEW_WITHIN_MONTHS, soonest first (one query)."""
    latest: dict[tuple[int, int], tuple[str, str, date, int]] = {}
    for person_id, person, course_id, course, completed_on, months in (
        Completion.objects.filter(
            selectors.here_on(today, person="person__"),
            school=school,
            completed_on__isnull=False,
            completed_on__lte=today,
            course__expires_after_months__isnull=False,
        )
        .order_by("completed_on", "pk")
        .values_list(
            "person_id",
            "person__name",
            "course_id",
            "course__name",
            "completed_on",
            "course__expires_after_months",
        )
    ):
        latest[(person_id, course_id)] = (person, course, completed_on, months)
    horizon = rules.add_months(today, RENEW_WITHIN_MONTHS)
    found: dict[str, list[Renewal]] = {"expired": [], "expiring": []}
    for person, course, completed_on, months in latest.values():
        expires = rules.expires_on(completed_on=completed_on, expires_after_months=months)
        if expires <= today:  # type: ignore[operator]
            found["expired"].append(Renewal(person, course, expires))  # type: ignore[arg-type]
        elif expires <= horizon:  # type: ignore[operator]
            found["expiring"].append(Renewal(person, course, expires))  # type: ignore[arg-type]
    for renewals in found.values():
        renewals.sort(key=lambda r: (r.expires, r.person, r.course))
    return found
