"""The trust's staff training in figures, one row a school (issue 17): its staff, those with
any current SEND training, certificates run out, hours this academic year, the SENCO
qualification, and for the main need areas the SEN pupils with that need against the staff
trained in it. No pupil and no member of staff is named.

Counted by the database for every school of the trust not kept since its last write, at once:
one aggregate over the completions grouped by school, one over the pupils' needs grouped by
school and need, and a query each for the staff, the courses, the academic years and the
SENCOs, whatever the number of schools; each school's row is then kept under its own stamp.
A certificate is current when completed on or after `rules.first_current_day` for its course's
expiry, so the month arithmetic stays in Python and the query is the same on PostgreSQL and on
`make run`'s SQLite.
"""

from __future__ import annotations

import functools
import operator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Case, Count, DateField, Exists, OuterRef, Q, Sum, Value, When

from register.models import Need, NeedType, SenStatus
from register.rules import E, K
from register.selectors import covering
from staff import deadline_cache
from staff.calendar import academic_year_start_for
from staff.models import School, Trust

from . import rules, selectors
from .models import Completion, Course, StaffMember
from .report import SencoLine, senco_line

# The columns of the needs table: the commonest primary needs on schools' SEN registers.
MAIN_AREAS = ("ASD", "SEMH", "SLCN", "SPLD", "MLD")
SENCO_STATES = ("held", "due", "overdue", "exempt", "none")


@dataclass(frozen=True)
class AreaCell:
    """SEN pupils with the need today against staff with current training in it."""

    pupils: int
    trained: int

    def __str__(self) -> str:
        return f"{self.pupils} / {self.trained}"

    @property
    def short(self) -> bool:
        """Pupils with the need and no one trained in it."""
        return self.pupils > 0 and self.trained == 0


@dataclass(frozen=True)
class SchoolTraining:
    school: School
    staff: int
    trained: int
    expired: int
    hours: Decimal
    senco: SencoLine
    areas: list[AreaCell]


@dataclass(frozen=True)
class Areas:
    code: str
    name: str


def trust_training(*, trust: Trust, today: date) -> dict:
    """Each school of the trust, by name, with its training figures and the trust's totals.
    Each school's figures are kept under its own stamp until a write at that school
    (`staff.deadline_cache.kept_each`: training records, staff and pupils' needs all give the
    school a new stamp); the schools not kept are counted together (`_figures`)."""
    schools = list(School.objects.filter(trust=trust).order_by("name", "pk"))
    figures = figures_by_school(school_ids=[school.pk for school in schools], today=today)
    rows = [SchoolTraining(school, *figures[school.pk]) for school in schools]
    states = {state: sum(1 for row in rows if row.senco.state == state) for state in SENCO_STATES}
    names = dict(NeedType.objects.filter(code__in=MAIN_AREAS).values_list("code", "name"))
    return {
        "rows": rows,
        "areas": [Areas(code, names.get(code, code)) for code in MAIN_AREAS],
        "total": {
            "staff": sum(row.staff for row in rows),
            "trained": sum(row.trained for row in rows),
            "expired": sum(row.expired for row in rows),
            "hours": sum((row.hours for row in rows), Decimal(0)),
            "senco": states,
            "areas": [
                AreaCell(
                    sum(row.areas[n].pupils for row in rows),
                    sum(row.areas[n].trained for row in rows),
                )
                for n in range(len(MAIN_AREAS))
            ],
        },
    }


def figures_by_school(*, school_ids: list[int], today: date) -> dict[int, tuple]:
    """Each school's figures as `SchoolTraining` holds them after the school, kept under the
    school's own stamp (the trust's comparison of its schools reads the same kept rows)."""
    return deadline_cache.kept_each(
        school_ids=school_ids,
        today=today,
        name="trust-training",
        work_out=lambda missing: _figures(missing, today),
    )


def short_areas(figures: tuple) -> int:
    """Of a school's figures (`figures_by_school`), the main need areas with SEN pupils and no
    member of staff trained in them: the school's training gaps."""
    return sum(1 for cell in figures[-1] if cell.short)


def _figures(ids: list[int], today: date) -> dict[int, tuple]:
    """The figures of each of these schools, as `SchoolTraining` holds them after the school:
    staff, trained, run out, hours, the SENCO line and the main areas' cells (a fixed number
    of queries whatever the number of schools)."""
    staff = dict(
        StaffMember.objects.filter(selectors.here_on(today), school_id__in=ids)
        .values("school_id")
        .order_by()
        .annotate(n=Count("pk"))
        .values_list("school_id", "n")
    )
    training = _completions(school_ids=ids, today=today)
    pupils = _pupils_with_needs(school_ids=ids, today=today)
    sencos = selectors.sencos(school_ids=ids, on=today)
    found = {}
    for school_id in ids:
        done = training.get(school_id, {})
        found[school_id] = (
            staff.get(school_id, 0),
            done.get("trained", 0),
            done.get("expired", 0),
            done.get("hours") or Decimal(0),
            senco_line(sencos[school_id], today),
            [
                AreaCell(pupils.get((school_id, code), 0), done.get(f"area_{code}", 0))
                for code in MAIN_AREAS
            ],
        )
    return found


def _any(conditions: list[Q]) -> Q | None:
    return functools.reduce(operator.or_, conditions) if conditions else None


def _completions(*, school_ids: list[int], today: date) -> dict[int, dict]:
    """Per school: staff still here with a current certificate (any course, and for each main
    area a course covering it), certificates of staff still here run out and not renewed, and
    hours completed this academic year (the courses in one query, the rest in one aggregate)."""
    courses = list(
        Course.objects.filter(school_id__in=school_ids).values_list(
            "pk", "covers", "expires_after_months"
        )
    )
    months = sorted({m for _, _, m in courses if m})
    first = {m: rules.first_current_day(expires_after_months=m, on=today) for m in months}
    lasting = Q(course__expires_after_months__isnull=True)
    current = Q(completed_on__lte=today) & functools.reduce(
        operator.or_,
        [Q(course__expires_after_months=m, completed_on__gte=first[m]) for m in months],
        lasting,
    )
    run_out = _any([Q(course__expires_after_months=m, completed_on__lt=first[m]) for m in months])
    here = selectors.here_on(today, person="person__")
    years = selectors.school_years(school_ids=school_ids, on=today)
    default_start = date(academic_year_start_for(today), 9, 1)
    year_start = Case(
        *(
            When(school_id=school_id, then=Value(start))
            for school_id, (start, _) in years.items()
            if start != default_start
        ),
        default=Value(default_start),
        output_field=DateField(),
    )
    counts = {
        "trained": Count("person_id", distinct=True, filter=here & current),
        "hours": Sum("hours", filter=Q(completed_on__gte=year_start, completed_on__lte=today)),
    }
    for code in MAIN_AREAS:
        covering_code = [pk for pk, covers, _ in courses if code in (covers or ())]
        if covering_code:
            counts[f"area_{code}"] = Count(
                "person_id",
                distinct=True,
                filter=here & current & Q(course_id__in=covering_code),
            )
    found = Completion.objects.filter(school_id__in=school_ids)
    if run_out is not None:
        later = Completion.objects.filter(
            school_id=OuterRef("school_id"),
            person_id=OuterRef("person_id"),
            course_id=OuterRef("course_id"),
            completed_on__gt=OuterRef("completed_on"),
        )
        found = found.alias(renewed=Exists(later))
        counts["expired"] = Count("pk", filter=here & run_out & Q(renewed=False))
    grouped = found.values("school_id").order_by().annotate(**counts)
    return {row["school_id"]: row for row in grouped}


def _pupils_with_needs(*, school_ids: list[int], today: date) -> dict[tuple[int, str], int]:
    """(school, need code) -> pupils on roll on the SEN register (K or E) today with that need
    current, at any rank, for the main areas (one aggregate)."""
    on_register = SenStatus.objects.filter(
        covering(today),
        school_id=OuterRef("school_id"),
        pupil_id=OuterRef("pupil_id"),
        category__in=[K, E],
    )
    on_roll = (Q(pupil__admission_date__isnull=True) | Q(pupil__admission_date__lte=today)) & (
        Q(pupil__leaving_date__isnull=True) | Q(pupil__leaving_date__gte=today)
    )
    return {
        (school_id, code): n
        for school_id, code, n in Need.objects.filter(
            covering(today),
            on_roll,
            Exists(on_register),
            school_id__in=school_ids,
            need_type__code__in=MAIN_AREAS,
        )
        .values("school_id", "need_type__code")
        .order_by()
        .annotate(n=Count("pupil_id", distinct=True))
        .values_list("school_id", "need_type__code", "n")
    }
