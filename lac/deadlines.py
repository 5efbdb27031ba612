"""Deadlines of looked-after children: each child's next Personal Education Plan (DOMAIN.md 5.2).
Dates come from `lac.rules.next_pep`; nothing here is stored."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, OuterRef, Q, QuerySet

from register.models import LookedAfterPeriod, Pupil
from staff.calendar import SchoolCalendar
from staff.capabilities import Duty
from staff.deadlines import Deadline, link_to, severity
from staff.models import Membership, School, Term

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
    return la_settings_of(school_ids=[school.pk]).get(school.pk, {})


def la_settings_of(*, school_ids: list[int]) -> dict[int, dict[str, rules.PepSettings]]:
    """`la_settings` of each of these schools, by the school's id (two queries, whatever their
    number)."""
    fixed: dict[int, list[date]] = defaultdict(list)
    for virtual_school_id, due_on in FixedPepDate.objects.filter(
        school_id__in=school_ids
    ).values_list("virtual_school_id", "due_on"):
        fixed[virtual_school_id].append(due_on)
    found: dict[int, dict[str, rules.PepSettings]] = defaultdict(dict)
    for vs in VirtualSchool.objects.filter(school_id__in=school_ids):
        found[vs.school_id][vs.la_name.strip().lower()] = rules.PepSettings(
            timing=vs.pep_timing,
            initial_working_days=vs.initial_pep_working_days,
            move_working_days=vs.move_pep_working_days,
            fixed_dates=tuple(sorted(fixed[vs.pk])),
        )
    return found


def school_terms(*, school: School) -> list[rules.PepTerm]:
    """The school's whole terms with their half-term boundaries (one query)."""
    return terms_of(school_ids=[school.pk]).get(school.pk, [])


def terms_of(*, school_ids: list[int]) -> dict[int, list[rules.PepTerm]]:
    """`school_terms` of each of these schools, by the school's id (one query)."""
    halves: dict[int, list[tuple]] = defaultdict(list)
    for school_id, *half in Term.objects.filter(school_id__in=school_ids).values_list(
        "school_id", "academic_year_id", "season", "half", "starts_on", "ends_on"
    ):
        halves[school_id].append(tuple(half))
    return {school_id: rules.terms_from_halves(rows) for school_id, rows in halves.items()}


@dataclass(frozen=True)
class Owed:
    """A looked-after child on roll, the LA responsible today, and the next PEP they are owed
    (None when the school's terms do not reach it)."""

    pupil: Pupil
    authority: str
    due: rules.PepDue | None
    periods: list[LookedAfterPeriod]
    held: list[date]


def owed(*, school: School, pupils: QuerySet[Pupil], today: date) -> list[Owed]:
    """Each pupil of `pupils` on roll and looked after today, with the next PEP owed by the
    rules of the LA responsible today (its virtual school's settings, or the statutory minimum
    when the school has none for it). One query when no pupil is looked after; otherwise five."""
    return owed_by_school(school_ids=[school.pk], pupils=pupils, today=today).get(school.pk, [])


def owed_by_school(
    *, school_ids: list[int], pupils: QuerySet[Pupil], today: date
) -> dict[int, list[Owed]]:
    """`owed` for the pupils of `pupils` at any of these schools, by the school's id: the same
    five queries (one when no pupil is looked after) whatever the number of schools."""
    looked_after_today = LookedAfterPeriod.objects.filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=today),
        school_id__in=school_ids,
        pupil=OuterRef("pk"),
        starts_on__lte=today,
    )
    children = pupils.on_roll(today).filter(Exists(looked_after_today))
    periods_of: dict[int, list[LookedAfterPeriod]] = defaultdict(list)
    for period in (
        LookedAfterPeriod.objects.filter(school_id__in=school_ids, pupil__in=children)
        .select_related("pupil")
        .order_by("pupil_id", "starts_on")
    ):
        periods_of[period.pupil_id].append(period)
    if not periods_of:
        return {}
    held: dict[int, list[date]] = defaultdict(list)
    for pupil_id, held_on in Pep.objects.filter(
        school_id__in=school_ids, pupil__in=children
    ).values_list("pupil_id", "held_on"):
        held[pupil_id].append(held_on)
    settings_of = la_settings_of(school_ids=school_ids)
    terms_at = terms_of(school_ids=school_ids)
    found: dict[int, list[Owed]] = defaultdict(list)
    for pupil_id, periods in periods_of.items():
        school_id = periods[0].school_id
        current = max((p for p in periods if p.starts_on <= today), key=lambda p: p.starts_on)
        authority = current.responsible_la.strip()
        due = rules.next_pep(
            periods=[rules.CarePeriod(p.starts_on, p.ends_on) for p in periods],
            admitted_on=periods[0].pupil.admission_date,
            held=held[pupil_id],
            terms=terms_at.get(school_id, []),
            settings=settings_of.get(school_id, {}).get(authority.lower(), rules.DEFAULT_SETTINGS),
            today=today,
        )
        found[school_id].append(
            Owed(periods[0].pupil, authority, due, periods, sorted(held[pupil_id]))
        )
    return {
        school_id: sorted(here, key=lambda o: (o.pupil.legal_last_name, o.pupil.legal_first_name))
        for school_id, here in found.items()
    }


def designated_teachers(*, school: School) -> list[int]:
    """The user ids of the school's designated teachers (one query)."""
    members = Membership.objects.filter(school=school, ended_at__isnull=True, user__is_active=True)
    return [
        user_id
        for user_id, duties in members.values_list("user_id", "duties").order_by("pk")
        if Duty.DESIGNATED_TEACHER in (duties or [])
    ]


def deadlines(
    *,
    school: School,
    pupils: QuerySet[Pupil],
    today: date,
    until: date,
    calendar: SchoolCalendar | None = None,
) -> Iterator[Deadline]:
    """The next PEP of each looked-after pupil of `pupils` (`owed`), due up to `until` or
    overdue, for the school's designated teacher (the SENDCo when it names none). A PEP's date is
    statutory, so it keeps it; one outside term time carries the last school day before it.
    One query when no pupil is looked after; otherwise six, and two for the calendar when the
    engine has not passed it in."""
    children = owed(school=school, pupils=pupils, today=today)
    if not children:
        return
    owners = designated_teachers(school=school)
    calendar = calendar or SchoolCalendar.load(school=school)
    child_url = link_to("lac:child", school.slug)
    for child in children:
        found = child.due
        if found is None or found.due > until:
            continue
        yield Deadline(
            kind=KIND,
            title=_title(found),
            due=found.due,
            subject=child.pupil.name,
            subject_id=str(child.pupil.public_id),
            owner_id=owners[0] if owners else None,
            url=child_url(child.pupil.public_id),
            severity=severity(due=found.due, today=today),
            authority=child.authority,
            year_group=child.pupil.year_group,
            last_school_day=calendar.last_school_day_if_holiday(found.due),
        )
