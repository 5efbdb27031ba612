"""Reads for the looked-after children's pages, school first. Who is looked after is on the
register; when each PEP is due is `deadlines.owed` (the rules, never a stored date)."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Exists, OuterRef, QuerySet

from provision.models import Group as ProvisionGroup
from register.models import LookedAfterPeriod, Pupil
from staff.capabilities import Duty
from staff.models import Membership, School

from .deadlines import Owed, owed
from .models import FixedPepDate, LacContact, Pep, PlusRelease, VirtualSchool


def children(*, school: School, today: date) -> list[Owed]:
    """Every looked-after child on roll today with the next PEP owed, by surname. Bounded by
    the school's looked-after children (a few in a hundred), read in five queries."""
    return owed(school=school, pupils=Pupil.objects.for_school(school), today=today)


def child_for(*, school: School, public_id) -> Pupil | None:
    """A pupil of the school who is or was looked after here, or None (the view answers 404):
    the looked-after pages open no other pupil's record."""
    ever = LookedAfterPeriod.objects.filter(school=school, pupil=OuterRef("pk"))
    return Pupil.objects.for_school(school).filter(Exists(ever), public_id=public_id).first()


def child_record(*, school: School, pupil: Pupil, today: date) -> dict:
    """A child's periods in care, PEPs held, social worker and the next PEP owed."""
    found = owed(school=school, pupils=Pupil.objects.filter(pk=pupil.pk), today=today)
    return {
        "owed": found[0] if found else None,
        "periods": list(
            LookedAfterPeriod.objects.filter(school=school, pupil=pupil).order_by("-starts_on")
        ),
        "peps": list(
            Pep.objects.filter(school=school, pupil=pupil)
            .select_related("virtual_school")
            .order_by("-held_on")
        ),
        "contact": LacContact.objects.filter(school=school, pupil=pupil).first(),
        "releases": list(
            PlusRelease.objects.filter(school=school, pupil=pupil)
            .prefetch_related("groups")
            .order_by("-received_on")
        ),
    }


def release_groups(*, school: School, today: date):
    """The groups a release may fund: the school's groups running this academic year."""
    return (
        ProvisionGroup.objects.filter(school=school, ends_on__gte=today)
        .select_related("intervention")
        .order_by("name")
    )


def releases_unplanned(*, school: School) -> QuerySet[PlusRelease]:
    """Releases received that nobody has said what they pay for, oldest first."""
    return _unplanned().filter(school=school).select_related("pupil").order_by("received_on", "pk")


def releases_unplanned_counts(*, school_ids: list[int]) -> dict[int, int]:
    """How many releases each of these schools received and has not planned (one query; a
    school with none is left out)."""
    found = _unplanned().filter(school_id__in=school_ids).values("school_id").order_by()
    return dict(found.annotate(n=Count("pk")).values_list("school_id", "n"))


def _unplanned() -> QuerySet[PlusRelease]:
    return PlusRelease.objects.filter(spent_on="")


def virtual_school_for(*, school: School, la_name: str) -> VirtualSchool | None:
    return VirtualSchool.objects.filter(school=school, la_name__iexact=la_name.strip()).first()


def virtual_schools(*, school: School) -> QuerySet[VirtualSchool]:
    return VirtualSchool.objects.filter(school=school).prefetch_related("fixed_dates")


def virtual_school_of(*, school: School, pk: int) -> VirtualSchool | None:
    return VirtualSchool.objects.filter(school=school, pk=pk).first()


def fixed_dates(*, virtual_school: VirtualSchool) -> list[date]:
    return list(
        FixedPepDate.objects.filter(virtual_school=virtual_school).values_list("due_on", flat=True)
    )


def designated_teacher_names(*, school: School) -> list[tuple[str, object]]:
    """(name, membership public id) of the school's designated teachers (one query)."""
    members = Membership.objects.filter(
        school=school, ended_at__isnull=True, user__is_active=True
    ).select_related("user")
    return [
        (m.user.full_name, m.public_id)
        for m in members.order_by("user__full_name")
        if Duty.DESIGNATED_TEACHER in (m.duties or [])
    ]


def release_for(*, school: School, pk: int) -> PlusRelease | None:
    return PlusRelease.objects.filter(school=school, pk=pk).select_related("pupil").first()
