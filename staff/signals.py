"""Sign-ins, sign-outs, failed sign-ins and every change of access go to the audit trail."""

from __future__ import annotations

import time

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from .lockout import lock_notice
from .middleware import LOGIN_AT_KEY
from .models import Membership, School, User, canonical_email
from .services import access_changer, audit


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[LOGIN_AT_KEY] = time.time()
    audit(action="auth.login", actor=user)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs) -> None:
    if user is not None:
        audit(action="auth.logout", actor=user)


@receiver(user_locked_out)
def _locked_out(sender, request, username, ip_address, **kwargs) -> None:
    lock_notice(username=username, ip=ip_address)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs) -> None:
    email = canonical_email(credentials.get("username") or credentials.get("email") or "")[:254]
    known = User.objects.filter(email=email).first() if email else None
    audit(action="auth.login_failed", actor=known, detail={"email": email})


# Changes of access made outside sendco's own services. The services (staff_invite,
# membership_change_role, membership_end) and Django's password pages audit their own changes
# and say so (`access_changes_by(..., audited=True)`); everything else that saves a membership or
# an account (the Django admin, which names the superuser; the shell; a script) is audited here,
# once, from the model signals, so no path is left out and none is written twice. A bulk
# `QuerySet.update()` sends no signal and is not seen: do not change access that way.

ACCOUNT_FLAGS = ("is_active", "is_staff", "is_superuser")


def _changer() -> tuple[User | None, str] | None:
    """(actor, how) for an unaudited change, or None when the caller audits it itself."""
    changer = access_changer()
    if changer is None:
        return None, "outside sendco (shell or script)"
    if changer.audited:
        return None
    return changer.user, changer.via


@receiver(pre_save, sender=Membership)
def _membership_before(sender, instance: Membership, **kwargs) -> None:
    instance._access_before = None
    if instance.pk and _changer() is not None:
        instance._access_before = (
            Membership.objects.filter(pk=instance.pk)
            .values("role", "ended_at", "school_id", "user_id")
            .first()
        )


@receiver(post_save, sender=Membership)
def _membership_saved(sender, instance: Membership, created: bool, **kwargs) -> None:
    who = _changer()
    if who is None:
        return
    before = getattr(instance, "_access_before", None)
    if created or before is None:
        _audit_membership(instance, who, "staff.membership_created", role=instance.role)
        return
    if (before["school_id"], before["user_id"]) != (instance.school_id, instance.user_id):
        # Handed to another person or school: in effect one membership ended, another made.
        old_school = School.objects.filter(pk=before["school_id"]).first()
        old_user = User.objects.filter(pk=before["user_id"]).first()
        moved = {"from_email": getattr(old_user, "email", ""), "from_school": str(old_school)}
        for school in {old_school, instance.school}:
            audit(
                action="staff.membership_moved",
                actor=who[0],
                school=school,
                obj=instance,
                detail={**moved, "email": instance.user.email, "via": who[1]},
            )
    if before["role"] != instance.role:
        _audit_membership(
            instance, who, "staff.role_changed", **{"from": before["role"], "to": instance.role}
        )
    if before["ended_at"] is None and instance.ended_at is not None:
        _audit_membership(instance, who, "staff.deactivated")
    elif before["ended_at"] is not None and instance.ended_at is None:
        _audit_membership(instance, who, "staff.access_restored", role=instance.role)


@receiver(post_delete, sender=Membership)
def _membership_deleted(sender, instance: Membership, **kwargs) -> None:
    who = _changer()
    if who is not None:
        _audit_membership(instance, who, "staff.membership_deleted", role=instance.role, via=who[1])


def _audit_membership(membership: Membership, who, action: str, **detail) -> None:
    detail.setdefault("email", membership.user.email)
    detail.setdefault("via", who[1])
    audit(action=action, actor=who[0], school=membership.school, obj=membership, detail=detail)


@receiver(pre_save, sender=User)
def _account_before(sender, instance: User, update_fields=None, **kwargs) -> None:
    watched = {*ACCOUNT_FLAGS, "password"}
    unwatched = update_fields is not None and not watched & set(update_fields)
    if instance.pk is None or unwatched or _changer() is None:
        instance._access_before = None
        return
    instance._access_before = User.objects.filter(pk=instance.pk).values(*ACCOUNT_FLAGS).first()
    # Set only by set_password() since the last save: a password someone chose, not the hash
    # Django upgrades by itself at sign-in.
    instance._password_chosen = instance._password is not None


@receiver(post_save, sender=User)
def _account_saved(sender, instance: User, created: bool, **kwargs) -> None:
    who = _changer()
    if who is None:
        return
    if created:
        flags = {flag: getattr(instance, flag) for flag in ACCOUNT_FLAGS[1:]}
        if any(flags.values()):  # an account that can open the admin is access in itself
            _audit_account(instance, who, "staff.account_created", **flags)
        return
    before = getattr(instance, "_access_before", None)
    if before is None:
        return
    changed = {
        flag: [before[flag], getattr(instance, flag)]
        for flag in ACCOUNT_FLAGS
        if before[flag] != getattr(instance, flag)
    }
    if changed:
        _audit_account(instance, who, "staff.account_changed", **changed)
    if getattr(instance, "_password_chosen", False):
        _audit_account(instance, who, "auth.password_set_for")


def _audit_account(user: User, who, action: str, **detail) -> None:
    """One event in each school the person works in, so each school's log shows it."""
    detail.update(email=user.email, via=who[1])
    schools = [m.school for m in user.memberships.filter(ended_at__isnull=True)]
    for school in schools or [None]:
        audit(action=action, actor=who[0], school=school, obj=user, detail=detail)
