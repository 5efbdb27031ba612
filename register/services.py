"""Writes of the register. Each checks its rules, keeps history as periods, and audits."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from staff.models import AcademicYear, User
from staff.services import audit, audit_by
from staff.tenancy import Access

from .models import (
    Concern,
    Need,
    NeedType,
    PassportVersion,
    Pupil,
    SenStatus,
    SupportLayer,
    TeachingGroup,
)
from .rules import E, K, N, need_problems
from .selectors import current_need_codes


def pupil_audit(
    access: Access, pupil: Pupil, action: str, detail: dict | None = None, **facts
) -> None:
    """Record a read or a write of a pupil's record (who, when, which pupil, what), through the
    one audit path (`staff.services.audit_by`)."""
    audit_by(access, action, pupil, pupil_public_id=pupil.public_id, **(detail or {}), **facts)


def _close_open(queryset, *, before: date) -> None:
    """End the open periods of `queryset` on the day before `before`."""
    for period in queryset.filter(ends_on__isnull=True):
        if period.starts_on >= before:
            raise ValidationError(
                f"The new date must be after {period.starts_on:%d/%m/%Y}, when the current "
                "record started."
            )
        period.ends_on = before - timedelta(days=1)
        period.save(update_fields=["ends_on"])


@transaction.atomic
def sen_status_change(
    *,
    access: Access,
    pupil: Pupil,
    category: str,
    starts_on: date,
    reason: str,
    parents_informed_on: date | None,
    parents_informed_how: str = "",
    need_codes: list[str] | None = None,
    need_description: str = "",
) -> SenStatus:
    """Put a pupil on (or take them off) the register from a date.

    Needs may be given (ranked, primary first); they replace the pupil's current needs from the
    same date. The rules of DOMAIN.md 3.3 are checked against the needs the pupil will have.
    """
    if pupil.school_id != access.school.pk:
        raise ValidationError("This pupil is not in your school.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why the status changes."})
    if category in (K, E) and parents_informed_on is None:
        raise ValidationError(
            {
                "parents_informed_on": "Parents must be told when the school makes special "
                "educational provision: give the date they were told."
            }
        )
    current = pupil.sen_statuses.filter(ends_on__isnull=True).first()
    if current is not None and current.category == category and need_codes is None:
        raise ValidationError(
            {"category": f"The pupil is already {current.get_category_display()}."}
        )

    if need_codes is None:
        codes = current_need_codes(pupil=pupil)
        if category == N:
            codes = []
    else:
        codes = need_codes
    problems = need_problems(category=category, need_codes=codes)
    if problems:
        raise ValidationError({"need_codes": problems})

    _close_open(pupil.sen_statuses.all(), before=starts_on)
    status = SenStatus(
        school=pupil.school,
        pupil=pupil,
        category=category,
        starts_on=starts_on,
        reason=reason.strip(),
        decided_by=access.user,
        parents_informed_on=parents_informed_on,
        parents_informed_how=parents_informed_how.strip(),
    )
    status.full_clean()
    status.save()
    if need_codes is not None or category == N:
        needs_replace(pupil=pupil, codes=codes, starts_on=starts_on, description=need_description)
    pupil_audit(
        access=access,
        pupil=pupil,
        action="register.status_changed",
        # The audit record keeps its key "provision" (the census's name), as in older events.
        detail={"provision": category, "from": starts_on.isoformat(), "needs": codes},
    )
    return status


@transaction.atomic
def layer_set(
    *, access: Access, pupil: Pupil, layer: str, starts_on: date, note: str = ""
) -> SupportLayer:
    """Record the layer of support the pupil receives from `starts_on` (the Individual Support
    Plan's layers, DOMAIN.md 0), closing the one before it on the day before."""
    if pupil.school_id != access.school.pk:
        raise ValidationError("This pupil is not in your school.")
    if layer not in SupportLayer.Layer.values:
        raise ValidationError({"layer": "Choose one of the four layers of support."})
    current = pupil.support_layers.filter(ends_on__isnull=True).first()
    if current is not None and current.layer == layer:
        raise ValidationError(
            {
                "layer": f"{pupil.name} is already at {current.get_layer_display()} since "
                f"{current.starts_on:%-d %B %Y}."
            }
        )
    _close_open(pupil.support_layers.all(), before=starts_on)
    period = SupportLayer(
        school=pupil.school,
        pupil=pupil,
        layer=layer,
        starts_on=starts_on,
        note=note.strip(),
        recorded_by=access.user,
    )
    period.full_clean()
    period.save()
    pupil_audit(
        access=access,
        pupil=pupil,
        action="register.layer_set",
        detail={"layer": layer, "from": starts_on.isoformat()},
    )
    return period


def needs_replace(
    *, pupil: Pupil, codes: list[str], starts_on: date, description: str = ""
) -> list[Need]:
    """End the pupil's current needs and record `codes` (ranked in order) from `starts_on`."""
    types = {t.code: t for t in NeedType.objects.filter(code__in=codes, active=True)}
    unknown = [c for c in codes if c not in types]
    if unknown:
        raise ValidationError({"need_codes": f"Unknown type of need: {', '.join(unknown)}."})
    _close_open(pupil.needs.all(), before=starts_on)
    needs = []
    for rank, code in enumerate(codes, start=1):
        need = Need(
            school=pupil.school,
            pupil=pupil,
            need_type=types[code],
            rank=rank,
            starts_on=starts_on,
            description=description if rank == 1 else "",
        )
        need.full_clean()
        need.save()
        needs.append(need)
    return needs


@transaction.atomic
def concern_raise(*, access: Access, pupil: Pupil, description: str, on: date) -> Concern:
    if not description.strip():
        raise ValidationError({"description": "Describe what you have noticed."})
    concern = Concern.objects.create(
        school=pupil.school,
        pupil=pupil,
        raised_by=access.user,
        raised_on=on,
        description=description.strip(),
    )
    pupil_audit(access=access, pupil=pupil, action="register.concern_raised")
    return concern


@transaction.atomic
def concern_decide(
    *,
    access: Access,
    concern: Concern,
    decision: str,
    note: str,
    on: date,
    review_on: date | None = None,
    category: str = K,
    need_codes: list[str] | None = None,
    parents_informed_on: date | None = None,
    parents_informed_how: str = "",
) -> Concern:
    """The SENDCo's decision: keep monitoring (with a review date), close, or add to the register.

    Adding to the register records the new SEN status (K or E, from `on`, with its needs and the
    date parents were told) in the same transaction as the decision: either both are saved or
    neither is, so no pupil leaves the monitoring list without arriving on the register."""
    if decision not in (Concern.Status.MONITORING, Concern.Status.ADDED, Concern.Status.CLOSED):
        raise ValidationError({"decision": "Choose what happens next."})
    if decision == Concern.Status.MONITORING and review_on is None:
        raise ValidationError({"review_on": "Give the date to review the monitoring."})
    if review_on is not None and review_on <= on:
        raise ValidationError({"review_on": "The review date must be in the future."})
    if decision == Concern.Status.ADDED:
        if category not in (K, E):
            raise ValidationError({"category": "Choose SEN support (K) or an EHC plan (E)."})
        sen_status_change(
            access=access,
            pupil=concern.pupil,
            category=category,
            starts_on=on,
            reason=note.strip() or _added_reason(concern),
            parents_informed_on=parents_informed_on,
            parents_informed_how=parents_informed_how,
            need_codes=list(need_codes or []),
        )
    concern.status = decision
    concern.decided_by = access.user
    concern.decided_on = on
    concern.decision_note = note.strip()
    concern.review_on = review_on if decision == Concern.Status.MONITORING else None
    concern.full_clean()
    concern.save()
    pupil_audit(
        access=access,
        pupil=concern.pupil,
        action="register.concern_decided",
        detail={"decision": decision},
    )
    return concern


def _added_reason(concern: Concern) -> str:
    return f"Added to the register on the concern raised on {concern.raised_on:%d/%m/%Y}."


PASSPORT_FIELDS = (
    "about_me",
    "important_to_me",
    "strengths",
    "what_helps",
    "what_does_not_help",
    "communication",
    "strategies",
    "pupil_words",
    "parent_words",
)


@transaction.atomic
def passport_save(
    *, access: Access, pupil: Pupil, by: User | None = None, **fields: str
) -> PassportVersion:
    """Save a new version of the pupil's passport; earlier versions stay readable."""
    Pupil.objects.select_for_update().filter(pk=pupil.pk).first()  # one new version at a time
    latest = PassportVersion.objects.filter(pupil=pupil).aggregate(v=Max("version"))["v"] or 0
    passport = PassportVersion(
        school=pupil.school,
        pupil=pupil,
        version=latest + 1,
        created_by=by or access.user,
        **{name: (fields.get(name) or "").strip() for name in PASSPORT_FIELDS},
    )
    passport.full_clean()
    passport.save()
    pupil_audit(
        access=access,
        pupil=pupil,
        action="register.passport_saved",
        detail={"version": passport.version},
    )
    return passport


@transaction.atomic
def class_create(*, access: Access, year: AcademicYear, name: str) -> TeachingGroup:
    """A new class of this academic year (its pupils come from the MIS import)."""
    group = TeachingGroup.objects.create(school=access.school, academic_year=year, name=name)
    audit(
        action="register.class_created",
        actor=access.user,
        school=access.school,
        role=access.role,
        obj=group,
    )
    return group


@transaction.atomic
def class_staff_set(
    *, access: Access, group: TeachingGroup, teachers: list[User], assistants: list[User]
) -> TeachingGroup:
    """Who teaches and who supports a class (and so which pupils they see)."""
    if group.school_id != access.school.pk:
        raise ValidationError("This class is not in your school.")
    group.teachers.set(teachers)
    group.assistants.set(assistants)
    audit(
        action="register.class_staff_changed",
        actor=access.user,
        school=access.school,
        role=access.role,
        obj=group,
        detail={
            "teachers": [u.email for u in teachers],
            "assistants": [u.email for u in assistants],
        },
    )
    return group
