"""Writes of the ground floor. Each service checks its invariants and audits what it did."""

from __future__ import annotations

import contextlib
import contextvars
import functools
from collections.abc import Iterator
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from . import calendar as school_calendar
from . import deadline_cache
from .capabilities import DUTY_LABELS, Duty, assignable_roles, duties_for_role
from .middleware import current_request
from .models import (
    AcademicYear,
    AuditEvent,
    ClosureDay,
    Membership,
    Role,
    School,
    Term,
    User,
    canonical_email,
)
from .tenancy import Access


def audit(
    *,
    action: str,
    actor: User | None = None,
    school: School | None = None,
    role: str = "",
    obj: models.Model | None = None,
    pupil_public_id=None,
    detail: dict | None = None,
) -> AuditEvent:
    """Write one audit event. Never put note text, diagnoses or secrets in `detail`."""
    info = current_request.get()
    return AuditEvent.objects.create(
        action=action,
        actor=actor if actor is not None and actor.pk else None,
        school=school,
        role=role,
        object_type=obj._meta.label if obj is not None else "",
        object_id=str(getattr(obj, "public_id", None) or getattr(obj, "pk", "") or ""),
        object_repr=str(obj)[:200] if obj is not None else "",
        pupil_public_id=pupil_public_id,
        detail=detail or {},
        ip=info.ip if info else None,
        request_id=info.request_id if info else "",
    )


@dataclass(frozen=True)
class AccessChanger:
    """Who is changing people's access on this thread: `audited` when a service (or one of
    Django's own password pages) writes its own audit event, so the model signals in
    `staff/signals.py` must not write a second one."""

    user: User | None
    via: str
    audited: bool = False


_access_changer: contextvars.ContextVar[AccessChanger | None] = contextvars.ContextVar(
    "access_changer", default=None
)


@contextlib.contextmanager
def access_changes_by(user: User | None, *, via: str, audited: bool = False) -> Iterator[None]:
    """Name who changes memberships, accounts or passwords inside the block (the admin names the
    signed-in superuser), or say the block audits its own changes (`audited=True`)."""
    token = _access_changer.set(AccessChanger(user=user, via=via, audited=audited))
    try:
        yield
    finally:
        _access_changer.reset(token)


def access_changer() -> AccessChanger | None:
    return _access_changer.get()


def _audits_itself(func):
    """For a service that audits the access it changes: its writes are not audited twice."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with access_changes_by(kwargs.get("by"), via="sendco", audited=True):
            return func(*args, **kwargs)

    return wrapper


def _check_may_assign(*, by_role: str, role: str) -> None:
    if role not in assignable_roles(by_role):
        raise PermissionDenied(f"You cannot give the role {Role(role).label}.")


def _account_for_invitation(*, email: str, full_name: str) -> tuple[User, bool]:
    """The account an invitation goes to, made if new: (user, made). Two invitations of one new
    address at once both miss it; the second's insert then waits on the unique address and
    fails once the first commits, inside a savepoint, so it finds the first's account instead
    of ending in a server error."""
    user = User.objects.filter(email=email).first()
    if user is not None:
        return user, False
    try:
        with transaction.atomic():
            return User.objects.create_user(email=email, full_name=full_name.strip()), True
    except IntegrityError:
        return User.objects.get(email=email), False


@_audits_itself
@transaction.atomic
def staff_invite(
    *, school: School, email: str, full_name: str, role: str, by: User | None, by_role: str
) -> Membership:
    """Add a person to a school with a role and email them (on commit) a link to sign in.

    A new person gets a set-password link; someone who already has an account is told they have
    been added. Re-inviting a person whose membership had ended gives it back with the new role.
    When that had ended their access altogether (the account was switched off), the password
    they left with no longer works, and every session kept from then ends: they choose a new
    one from the link, as a new person would. A person still working in another school keeps
    the password they use there.
    """
    _check_may_assign(by_role=by_role, role=role)
    email = canonical_email(email)
    user, new_account = _account_for_invitation(email=email, full_name=full_name)
    if not user.is_active:
        user.is_active = True
        user.set_unusable_password()
        user.save(update_fields=["is_active", "password"])

    membership = Membership.objects.select_for_update().filter(user=user, school=school).first()
    if membership is not None and membership.ended_at is None:
        raise ValidationError({"email": f"{user.email} is already on the staff of {school.name}."})
    if membership is None:
        membership = Membership(user=user, school=school)
    elif membership.ended_at is not None:
        # Their time on the staff starts again now: the school's log shows their own events
        # (sign-ins and the like) from now on, not from the months they were away.
        membership.created_at = timezone.now()
    membership.role = role
    membership.ended_at = None
    membership.invited_by = by
    membership.full_clean()
    try:
        with transaction.atomic():
            membership.save()
    except IntegrityError:  # the same person invited to the same school at the same moment
        raise ValidationError(
            {"email": f"{user.email} is already on the staff of {school.name}."}
        ) from None

    audit(
        action="staff.invited",
        actor=by,
        school=school,
        role=by_role,
        obj=membership,
        detail={"email": user.email, "role": role, "new_account": new_account},
    )
    from .tasks import send_invitation_email

    transaction.on_commit(lambda: send_invitation_email.delay(membership.pk))
    return membership


def _check_may_change(*, membership: Membership, by: User, by_role: str) -> None:
    if membership.user_id == by.pk:
        raise PermissionDenied("You cannot change your own role or end your own access.")
    if membership.role not in assignable_roles(by_role):
        raise PermissionDenied(f"You cannot change a {membership.get_role_display()}'s access.")


@_audits_itself
@transaction.atomic
def membership_change_role(
    *, membership: Membership, role: str, by: User, by_role: str
) -> Membership:
    _check_may_change(membership=membership, by=by, by_role=by_role)
    _check_may_assign(by_role=by_role, role=role)
    if membership.ended_at is not None:
        raise ValidationError("This person's access has ended; invite them again instead.")
    old_role = membership.role
    if old_role == role:
        return membership
    membership.role = role
    # A duty the new role cannot hold (a designated teacher who becomes a TA) goes with it.
    allowed = {duty.value for duty in duties_for_role(role)}
    membership.duties = [name for name in membership.duties or [] if name in allowed]
    membership.save(update_fields=["role", "duties"])
    audit(
        action="staff.role_changed",
        actor=by,
        school=membership.school,
        role=by_role,
        obj=membership,
        detail={"from": old_role, "to": role, "email": membership.user.email},
    )
    return membership


@_audits_itself
@transaction.atomic
def membership_set_duties(
    *, membership: Membership, duties: list[str], by: User, by_role: str
) -> Membership:
    """Give a person the named duties (the Pupil Premium lead, the designated teacher) their
    role allows, and take away the rest; effective from their next request."""
    _check_may_change(membership=membership, by=by, by_role=by_role)
    if membership.ended_at is not None:
        raise ValidationError("This person's access has ended; invite them again instead.")
    allowed = {duty.value for duty in duties_for_role(membership.role)}
    refused = [name for name in duties if name not in allowed]
    if refused:
        raise ValidationError(
            f"A {membership.get_role_display()} cannot hold that duty: "
            + ", ".join(DUTY_LABELS.get(name, name) for name in refused)
            + "."
        )
    chosen = [duty.value for duty in Duty if duty.value in duties]
    before = list(membership.duties or [])
    if before == chosen:
        return membership
    membership.duties = chosen
    membership.save(update_fields=["duties"])
    # Who owns the school's PEP deadlines may change: its kept deadlines go.
    deadline_cache.changed(membership.school_id)
    audit(
        action="staff.duties_changed",
        actor=by,
        school=membership.school,
        role=by_role,
        obj=membership,
        detail={"from": before, "to": chosen, "email": membership.user.email},
    )
    return membership


@_audits_itself
@transaction.atomic
def membership_end(*, membership: Membership, by: User, by_role: str) -> Membership:
    """End a person's access to the school from their next request.

    When it was their last school, the account is deactivated and every session of theirs ends.
    """
    _check_may_change(membership=membership, by=by, by_role=by_role)
    if membership.ended_at is not None:
        return membership
    membership.ended_at = timezone.now()
    membership.save(update_fields=["ended_at"])
    user = membership.user
    still_member = Membership.objects.filter(user=user, ended_at__isnull=True).exists()
    if not still_member:
        user.is_active = False
        user.save(update_fields=["is_active"])
    audit(
        action="staff.deactivated",
        actor=by,
        school=membership.school,
        role=by_role,
        obj=membership,
        detail={"email": user.email, "account_deactivated": not still_member},
    )
    return membership


def account_event(*, user: User, action: str) -> AuditEvent:
    """Audit a change a person made to their own account through Django's auth views (accepting
    an invitation, resetting or changing a password): the view has done the write."""
    return audit(action=action, actor=user)


def audit_by(
    access: Access,
    action: str,
    obj: models.Model | None = None,
    *,
    pupil_public_id=None,
    **detail,
) -> AuditEvent:
    """What a person did in a school, as its services write it: the one path every service
    audits through (reads are audited by `staff.http.audited`). `detail`: a few facts, never
    note text or names."""
    return audit(
        action=action,
        actor=access.user,
        school=access.school,
        role=access.role,
        obj=obj,
        pupil_public_id=pupil_public_id,
        detail=detail or None,
    )


@transaction.atomic
def calendar_year_create(*, access: Access, academic_year_start: int) -> AcademicYear:
    """The academic year and its six half-terms from the usual pattern (what exists is kept)."""
    year = school_calendar.create_default_year(
        school=access.school, academic_year_start=academic_year_start
    )
    audit_by(access, "calendar.year_created", year)
    return year


@transaction.atomic
def term_change(*, access: Access, term: Term, starts_on, ends_on) -> Term:
    """New dates for a half-term (TermForm checks they fit the year and overlap no other)."""
    if term.school_id != access.school.pk:
        raise ValidationError("This term is not in your school.")
    term.starts_on, term.ends_on = starts_on, ends_on
    term.save()
    audit_by(
        access,
        "calendar.term_changed",
        term,
        starts_on=term.starts_on.isoformat(),
        ends_on=term.ends_on.isoformat(),
    )
    return term


@transaction.atomic
def closure_add(*, access: Access, on, reason: str) -> ClosureDay:
    closure = ClosureDay.objects.create(school=access.school, on=on, reason=reason)
    audit_by(access, "calendar.closure_added", closure)
    return closure


@transaction.atomic
def closure_remove(*, access: Access, closure: ClosureDay) -> None:
    if closure.school_id != access.school.pk:
        raise ValidationError("This closure day is not in your school.")
    audit_by(access, "calendar.closure_removed", closure)
    closure.delete()
