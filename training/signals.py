"""Everyone given a membership of a school (but a governor) is one of its staff members, so the
person who leads a group or teaches a class is the person whose training is recorded."""

from __future__ import annotations

from staff import deadline_cache
from staff.models import Membership, Role

from .models import StaffMember


def member_for_membership(sender, instance: Membership, created: bool, **kwargs) -> None:
    if instance.role == Role.GOVERNOR:
        return
    found = StaffMember.objects.filter(school_id=instance.school_id, user_id=instance.user_id)
    if instance.ended_at is not None:
        # A bulk update sends no signal: the school's kept deadlines (their training) go here.
        if found.filter(left_on__isnull=True).update(left_on=instance.ended_at.date()):
            deadline_cache.changed(instance.school_id)
        return
    if found.update(left_on=None) or not created:
        return
    # Someone listed without a login who is now given one (by the same email) keeps their
    # records: the same person, not a second one.
    listed = StaffMember.objects.filter(
        school_id=instance.school_id, user__isnull=True, email__iexact=instance.user.email
    ).first()
    if listed is not None:
        listed.user_id, listed.left_on = instance.user_id, None
        listed.save(update_fields=["user", "left_on"])
        return
    StaffMember.objects.create(
        school_id=instance.school_id,
        user_id=instance.user_id,
        name=instance.user.full_name,
        email=instance.user.email,
    )
