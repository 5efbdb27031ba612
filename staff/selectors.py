"""School-scoped reads of the ground floor."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import AuditEvent, Membership, School


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


def audit_for_school(*, school: School) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.for_school(school).select_related("actor")


def audit_actions_for_school(*, school: School) -> list[str]:
    return sorted(
        set(AuditEvent.objects.for_school(school).values_list("action", flat=True).distinct())
    )
