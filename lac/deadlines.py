"""Deadlines of looked-after children: each child's next Personal Education Plan (DOMAIN.md 5.2).
Dates come from `lac.rules.next_pep`; nothing here is stored."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date

from django.db.models import Exists, OuterRef, Q, QuerySet

from register.models import LookedAfterPeriod, Pupil
from staff.calendar import SchoolCalendar
from staff.deadlines import Deadline, severity
from staff.models import School, Term

from . import rules
from .models import FixedPepDate, Pep, VirtualSchool

KIND = "lac.pep"


def _title(due: rules.PepDue) -> str:
    if due.kind == rules.PepKind.TERMLY and due.term is not None:
        return f"Termly PEP ({due.term.label})"
    if due.kind == rules.PepKind.MOVE:
        return "PEP after the move to this school"
    return "Initial PEP"


def la_settings(*, school: School) -> dict[str, rules.PepSettings]:
    """The PEP timescales of each LA the school has a virtual school for, keyed by the LA's name
    in lower case (two queries)."""
    fixed: dict[int, list[date]] = defaultdict(list)
    for virtual_school_id, due_on in FixedPepDate.objects.filter(school=school).values_list(
        "virtual_school_id", "due_on"
    ):
        fixed[virtual_school_id].append(due_on)
    return {
        vs.la_name.strip().lower(): rules.PepSettings(
            timing=vs.pep_timing,
            initial_working_days=vs.initial_pep_working_days,
            move_working_days=vs.move_pep_working_days,
            fixed_dates=tuple(sorted(fixed[vs.pk])),
        )
        for vs in VirtualSchool.objects.filter(school=school)
    }


def school_terms(*, school: School) -> list[rules.PepTerm]:
    """The school's whole terms with their half-term boundaries (one query)."""
    return rules.terms_from_halves(
        Term.objects.filter(school=school).values_list(
            "academic_year_id", "season", "half", "starts_on", "ends_on"
        )
    )


def deadlines(
    *,
    school: School,
    pupils: QuerySet[Pupil],
    today: date,
    until: date,
    calendar: SchoolCalendar | None = None,
) -> Iterator[Deadline]:
    """The next PEP of each pupil of `pupils` on roll and looked after today, due up to `until`
    or overdue, by the rules of the LA responsible today (its virtual school's settings, or the
    statutory minimum when the school has none for it). A PEP's date is statutory, so it keeps
    it; one outside term time carries the last school day before it. One query when no pupil is
    looked after; otherwise five, and two for the calendar when the engine has not passed it in.
    No owner yet: the designated teacher is wired in later."""
    looked_after_today = LookedAfterPeriod.objects.filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=today),
        school=school,
        pupil=OuterRef("pk"),
        starts_on__lte=today,
    )
    children = pupils.on_roll(today).filter(Exists(looked_after_today))
    periods_of: dict[int, list[LookedAfterPeriod]] = defaultdict(list)
    for period in (
        LookedAfterPeriod.objects.filter(school=school, pupil__in=children)
        .select_related("pupil")
        .order_by("pupil_id", "starts_on")
    ):
        periods_of[period.pupil_id].append(period)
    if not periods_of:
        return
    held: dict[int, list[date]] = defaultdict(list)
    for pupil_id, held_on in Pep.objects.filter(school=school, pupil__in=children).values_list(
        "pupil_id", "held_on"
    ):
        held[pupil_id].append(held_on)
    settings_of = la_settings(school=school)
    terms = school_terms(school=school)
    calendar = calendar or SchoolCalendar.load(school=school)
    for pupil_id, periods in periods_of.items():
        pupil = periods[0].pupil
        current = max((p for p in periods if p.starts_on <= today), key=lambda p: p.starts_on)
        authority = current.responsible_la.strip()
        found = rules.next_pep(
            periods=[rules.CarePeriod(p.starts_on, p.ends_on) for p in periods],
            admitted_on=pupil.admission_date,
            held=held[pupil_id],
            terms=terms,
            settings=settings_of.get(authority.lower(), rules.DEFAULT_SETTINGS),
            today=today,
        )
        if found is None or found.due > until:
            continue
        yield Deadline(
            kind=KIND,
            title=_title(found),
            due=found.due,
            subject=pupil.name,
            subject_id=str(pupil.public_id),
            owner_id=None,  # the designated teacher, once the school names one
            url="",  # the PEP pages come later
            severity=severity(due=found.due, today=today),
            authority=authority,
            year_group=pupil.year_group,
            last_school_day=calendar.last_school_day_if_holiday(found.due),
        )
