"""Writes for looked-after children: a PEP held, the social worker, a virtual school and its
PEP timescales, and whether class staff see who is looked after. Each checks and audits."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from register.models import LookedAfterPeriod, Pupil
from register.services import pupil_audit
from staff.services import audit_by
from staff.tenancy import Access

from . import rules
from .models import FixedPepDate, LacContact, Pep, PlusRelease, VirtualSchool


def _in_school(access: Access, pupil: Pupil) -> None:
    if pupil.school_id != access.school.pk:
        raise ValidationError("This pupil is not in your school.")


@transaction.atomic
def pep_record(
    *,
    access: Access,
    pupil: Pupil,
    held_on: date,
    kind: str,
    today: date,
    child_views: str = "",
    targets: str = "",
    pp_plus_requested: Decimal | None = None,
    notes: str = "",
) -> Pep:
    """Record a PEP meeting held while the child was looked after."""
    _in_school(access, pupil)
    if held_on > today:
        raise ValidationError({"held_on": "Record a PEP once it has been held."})
    periods = LookedAfterPeriod.objects.filter(school=access.school, pupil=pupil)
    if not any(p.covers(held_on) for p in periods):
        raise ValidationError(
            {"held_on": f"{pupil.name} was not looked after on {held_on:%d/%m/%Y}."}
        )
    if Pep.objects.filter(pupil=pupil, held_on=held_on).exists():
        raise ValidationError({"held_on": "A PEP held on this day is already recorded."})
    authority = max(
        (p for p in periods if p.covers(held_on)), key=lambda p: p.starts_on
    ).responsible_la
    pep = Pep(
        school=access.school,
        pupil=pupil,
        virtual_school=VirtualSchool.objects.filter(
            school=access.school, la_name__iexact=authority.strip()
        ).first(),
        kind=kind,
        held_on=held_on,
        child_views=child_views.strip(),
        targets=targets.strip(),
        pp_plus_requested=pp_plus_requested,
        notes=notes.strip(),
    )
    pep.full_clean()
    pep.save()
    pupil_audit(access, pupil, "lac.pep_recorded", kind=kind)
    return pep


@transaction.atomic
def release_record(
    *,
    access: Access,
    pupil: Pupil,
    received_on: date,
    amount: Decimal,
    today: date,
    spent_on: str = "",
    groups=(),
) -> PlusRelease:
    """Record Pupil Premium Plus received for a looked-after child, and what it pays for."""
    _in_school(access, pupil)
    if received_on > today:
        raise ValidationError({"received_on": "Record it once it has been received."})
    if any(group.school_id != access.school.pk for group in groups):
        raise ValidationError({"groups": "Choose groups of your own school."})
    release = PlusRelease(
        school=access.school,
        pupil=pupil,
        received_on=received_on,
        amount=amount,
        spent_on=spent_on.strip(),
    )
    release.full_clean()
    release.save()
    release.groups.set(groups)
    pupil_audit(access, pupil, "lac.release_recorded")
    return release


@transaction.atomic
def release_plan(*, access: Access, release: PlusRelease, spent_on: str, groups=()) -> PlusRelease:
    """Say what Pupil Premium Plus received pays for, and the groups it funds."""
    if release.school_id != access.school.pk:
        raise ValidationError("This is not your school's record.")
    if any(group.school_id != access.school.pk for group in groups):
        raise ValidationError({"groups": "Choose groups of your own school."})
    release.spent_on = spent_on.strip()
    release.full_clean()
    release.save(update_fields=["spent_on"])
    release.groups.set(groups)
    pupil_audit(access, release.pupil, "lac.release_planned")
    return release


@transaction.atomic
def contact_save(
    *,
    access: Access,
    pupil: Pupil,
    social_worker_name: str,
    social_worker_email: str = "",
    social_worker_phone: str = "",
) -> LacContact:
    """Record (or change) the child's social worker."""
    _in_school(access, pupil)
    contact = LacContact.objects.select_for_update().filter(pupil=pupil).first()
    contact = contact or LacContact(school=access.school, pupil=pupil)
    contact.social_worker_name = social_worker_name.strip()
    contact.social_worker_email = social_worker_email.strip()
    contact.social_worker_phone = social_worker_phone.strip()
    contact.full_clean()
    contact.save()
    pupil_audit(access, pupil, "lac.contact_saved")
    return contact


@transaction.atomic
def virtual_school_save(
    *,
    access: Access,
    virtual_school: VirtualSchool | None,
    fixed_dates: list[date],
    **fields,
) -> VirtualSchool:
    """Add or change a local authority's virtual school and its PEP timescales; the LA's fixed
    dates replace those it had."""
    found = virtual_school or VirtualSchool(school=access.school)
    if found.school_id != access.school.pk:
        raise ValidationError("This virtual school is not your school's.")
    for name, value in fields.items():
        setattr(found, name, value)
    if found.pep_timing == rules.PepTiming.FIXED and not fixed_dates:
        raise ValidationError({"fixed_dates": "Give the LA's dates, one for each term."})
    clash = VirtualSchool.objects.filter(
        school=access.school, la_name__iexact=found.la_name.strip()
    ).exclude(pk=found.pk)
    if clash.exists():
        raise ValidationError({"la_name": f"{found.la_name} is already listed."})
    found.full_clean()
    found.save()
    FixedPepDate.objects.filter(virtual_school=found).delete()
    FixedPepDate.objects.bulk_create(
        FixedPepDate(school=access.school, virtual_school=found, due_on=day)
        for day in sorted(set(fixed_dates))
    )
    audit_by(access, "lac.virtual_school_saved", found)
    return found


@transaction.atomic
def class_staff_visibility_set(*, access: Access, shown: bool) -> None:
    """Whether class teachers and teaching assistants see that a pupil is looked after."""
    school = access.school
    school.class_staff_see_looked_after = shown
    school.save(update_fields=["class_staff_see_looked_after"])
    audit_by(access, "lac.visibility_changed", school, shown=shown)
