"""School-scoped reads of the ground floor."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from django.db.models import Count, Q, QuerySet

from .models import AcademicYear, AuditEvent, ClosureDay, Membership, Role, School, Term, User


def staff_for_school(*, school: School, include_ended: bool = False) -> QuerySet[Membership]:
    memberships = Membership.objects.for_school(school).select_related("user", "invited_by")
    if not include_ended:
        memberships = memberships.filter(ended_at__isnull=True)
    return memberships.order_by("ended_at", "user__full_name")


def membership_in_school(*, school: School, public_id) -> Membership | None:
    return (
        Membership.objects.for_school(school)
        .select_related("user", "school")
        .filter(public_id=public_id)
        .first()
    )


def staff_counts(*, school: School) -> dict[str, int]:
    """Active staff of the school: the total and how many hold each role."""
    return (
        Membership.objects.for_school(school)
        .filter(ended_at__isnull=True, user__is_active=True)
        .aggregate(
            total=Count("pk"),
            **{role.value: Count("pk", filter=Q(role=role)) for role in Role},
        )
    )


def audit_for_school(
    *,
    school: School,
    person: User | None = None,
    action: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
    pupil: UUID | None = None,
) -> QuerySet[AuditEvent]:
    """The school's audit log, newest first, narrowed by person, action, dates and pupil if
    given. An event is about a pupil when it names them as its subject (`pupil_public_id`) or
    among the pupils a page showed (`detail["pupils"]`, noted by lists such as home or a
    group): who has looked at this child's record."""
    events = AuditEvent.objects.for_school(school).select_related("actor")
    if pupil:
        events = events.filter(Q(pupil_public_id=pupil) | Q(detail__pupils__icontains=str(pupil)))
    if person:
        events = events.filter(actor=person)
    if action:
        events = events.filter(action=action)
    if date_from:
        events = events.filter(created_at__date__gte=date_from)
    if date_to:
        events = events.filter(created_at__date__lte=date_to)
    return events


def audit_subject(*, events, pupil: UUID | None) -> str:
    """The pupil's name as the events on the page recorded it (no query: the register is a
    floor above), or empty."""
    if not pupil:
        return ""
    named = (e.object_repr for e in events if e.object_id == str(pupil) and e.object_repr)
    return next(named, "")


def audit_actions_for_school(*, school: School) -> list[str]:
    return sorted(
        set(AuditEvent.objects.for_school(school).values_list("action", flat=True).distinct())
    )


def years_from(*, school: School, on: date) -> list[AcademicYear]:
    """The academic years not yet over on `on` (this year and those to come), with their terms;
    past years stay in the database."""
    return list(
        AcademicYear.objects.filter(school=school, ends_on__gte=on)
        .prefetch_related("terms")
        .order_by("starts_on")
    )


def closures_from(*, school: School, on: date) -> list[ClosureDay]:
    """Closure days from 1 January of `on`'s year."""
    return list(ClosureDay.objects.filter(school=school, on__gte=on.replace(month=1, day=1)))


def term_for(*, school: School, pk: int) -> Term | None:
    return Term.objects.select_related("academic_year").filter(school=school, pk=pk).first()


def closure_for(*, school: School, pk: int) -> ClosureDay | None:
    return ClosureDay.objects.filter(school=school, pk=pk).first()
