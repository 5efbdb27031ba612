"""Reads of the SENDCo's provision pages: the catalogue, staff costs, measures, groups and their
pupils, and the notional SEN budget. Every read is scoped to the school; a row of another school
reads as None (the view answers 404)."""

from __future__ import annotations

from datetime import date

from django.core.paginator import Page, Paginator
from django.db.models import Count, Max, OuterRef, Prefetch, Q, QuerySet

from register.models import Pupil
from register.selectors import needs_hint, sen_needs_among
from staff import calendar as school_calendar
from staff import skills
from staff.models import AcademicYear, School, Term, User

from .costing import count_of
from .models import (
    Attendance,
    Group,
    GroupPupil,
    Intervention,
    Measure,
    SenBudget,
    StaffContract,
    StaffRate,
)

# --------------------------------------------------------------------------------------------
# One row of the school (None: another school's, or missing)
# --------------------------------------------------------------------------------------------


def intervention_for(*, school: School, pk: int) -> Intervention | None:
    return Intervention.objects.filter(school=school, pk=pk).first()


def rate_for(*, school: School, pk: int) -> StaffRate | None:
    return StaffRate.objects.filter(school=school, pk=pk).first()


def contract_for(*, school: School, pk: int) -> StaffContract | None:
    return StaffContract.objects.filter(school=school, pk=pk).select_related("user").first()


def measure_for(*, school: School, pk: int) -> Measure | None:
    return Measure.objects.filter(school=school, pk=pk).first()


def group_for(*, school: School, public_id) -> Group | None:
    return (
        Group.objects.filter(school=school, public_id=public_id)
        .select_related("intervention", "intervention__measure")
        .first()
    )


def place_for(*, school: School, group: Group, pk: int) -> GroupPupil | None:
    return (
        GroupPupil.objects.filter(school=school, group=group, pk=pk).select_related("pupil").first()
    )


# --------------------------------------------------------------------------------------------
# Lists
# --------------------------------------------------------------------------------------------


def catalogue(*, school: School, show_archived: bool) -> tuple[QuerySet[Intervention], int]:
    """The catalogue (archived entries too when asked), and how many entries are archived."""
    every = Intervention.objects.filter(school=school)
    items = every.select_related("default_rate", "measure").order_by("name", "pk")
    if not show_archived:
        items = items.filter(archived_at__isnull=True)
    return items, every.filter(archived_at__isnull=False).count()


def staff_rates(*, school: School) -> QuerySet[StaffRate]:
    return (
        StaffRate.objects.filter(school=school)
        .annotate(contract_count=Count("contracts"))
        .order_by("name", "pk")
    )


def staff_contracts(*, school: School) -> QuerySet[StaffContract]:
    return (
        StaffContract.objects.filter(school=school)
        .select_related("user", "rate")
        .order_by("user__full_name", "pk")
    )


def measures(*, school: School) -> QuerySet[Measure]:
    return Measure.objects.filter(school=school).order_by("name", "pk")


GROUPS_PAGE_SIZE = 50


def group_list(*, school: School, status: str, on: date, page) -> tuple[Page, dict[str, int]]:
    """One page of the school's groups (of one status, when given) with their staff (as
    `staff_list`, read for their names alone) and the
    number of pupils in each on `on`, newest first; and how many groups have each status (which
    also gives the pages' count, so the page costs no second count)."""
    every = Group.objects.filter(school=school)
    counts = dict(every.values_list("status").annotate(n=Count("pk")).order_by())
    in_group = GroupPupil.objects.filter(
        Q(left_on__isnull=True) | Q(left_on__gte=on),
        school=school,
        group=OuterRef("pk"),
        joined_on__lte=on,
    )
    rows = (
        every.select_related("intervention")
        .prefetch_related(
            Prefetch(
                "staff", User.objects.only("full_name").order_by("full_name", "pk"), "staff_list"
            )
        )
        .annotate(pupil_count=count_of(in_group))
        .order_by("-starts_on", "name", "pk")
    )
    if status:
        rows = rows.filter(status=status)
    paginator = Paginator(rows, GROUPS_PAGE_SIZE)
    paginator.count = counts.get(status, 0) if status else sum(counts.values())
    return paginator.get_page(page), counts


def term_dates(*, school: School, today: date) -> dict:
    """The rest of the current term (both halves of its season), or the next term: a new
    group's suggested dates."""
    term, next_term = school_calendar.term_or_next(school=school, on=today)
    starts = today
    if term is None:
        if next_term is None:
            return {}
        term, starts = next_term, next_term.starts_on
    ends = Term.objects.filter(
        school=school, academic_year_id=term.academic_year_id, season=term.season
    ).aggregate(last=Max("ends_on"))["last"]
    return {"starts_on": starts, "ends_on": ends}


def new_group_initial(*, school: School, today: date, intervention: Intervention | None) -> dict:
    """What a new group's form starts with: the term's dates and, when an intervention was
    picked, its name and defaults."""
    initial = term_dates(school=school, today=today)
    if intervention is not None:
        initial |= {
            "intervention": intervention.pk,
            "name": intervention.name,
            "sessions_per_week": intervention.default_sessions_per_week,
            "session_minutes": intervention.default_session_minutes,
            "rate": intervention.default_rate_id,
        }
    return initial


def joined_on_default(*, group: Group, today: date) -> date:
    """A pupil added to a group joins today, or on its first or last day when today is outside."""
    return min(max(today, group.starts_on), group.ends_on)


def group_places(*, group: Group) -> QuerySet[GroupPupil]:
    return (
        GroupPupil.objects.filter(group=group)
        .select_related("pupil")
        .order_by("pupil__legal_last_name", "pupil__legal_first_name", "pk")
    )


def place_has_attendance(*, place: GroupPupil) -> bool:
    """Whether the pupil is on the register of any session of the group (then the place can
    only be ended, not removed)."""
    return Attendance.objects.filter(session__group=place.group, pupil_id=place.pupil_id).exists()


# --------------------------------------------------------------------------------------------
# The notional SEN budget
# --------------------------------------------------------------------------------------------


def academic_year_on(*, school: School, on: date) -> AcademicYear | None:
    return AcademicYear.objects.filter(school=school, starts_on__lte=on, ends_on__gte=on).first()


def budget_of(*, school: School, year: AcademicYear | None) -> SenBudget | None:
    return SenBudget.objects.filter(school=school, academic_year=year).first() if year else None


def budget_history(*, school: School) -> QuerySet[SenBudget]:
    return (
        SenBudget.objects.filter(school=school)
        .select_related("academic_year")
        .order_by("-academic_year__starts_on")
    )


def group_staffing(*, school: School, on: date, group: Group | None) -> dict:
    """For the group form's "Who runs it": what each member of staff is trained in
    (`staff.skills`, one query) and the needs of the group's SEN pupils on `on` (one query; none
    for a group not yet saved)."""
    hint = ""
    if group is not None:
        places = GroupPupil.objects.filter(
            Q(left_on__isnull=True) | Q(left_on__gte=on),
            school=school,
            group=group,
            joined_on__lte=on,
        )
        among = Pupil.objects.filter(school=school, group_places__in=places)
        needs = sen_needs_among(school=school, on=on, among=among)
        hint = needs_hint(needs, "the group's")
    return {"skills": skills.of_users(school=school, on=on), "needs_hint": hint}
