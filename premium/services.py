"""Writes of the Pupil Premium: recording and ending a pupil's grounds of eligibility. Each
checks `premium.rules` and audits (the pupil's record changes)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from register.models import Pupil, PupilPremiumPeriod
from register.services import pupil_audit
from staff.tenancy import Access

from . import rules


def _check(period: PupilPremiumPeriod, *, today: date) -> None:
    ground = rules.Ground(
        kind=period.kind,
        starts_on=period.starts_on,
        ends_on=period.ends_on,
        route=period.route,
        evidence_seen_on=period.evidence_seen_on,
    )
    problems: dict[str, list[str]] = {}
    for field, message in rules.ground_problems(ground, today=today):
        problems.setdefault(field, []).append(message)
    if problems:
        raise ValidationError(problems)


def _overlapping(period: PupilPremiumPeriod) -> bool:
    others = PupilPremiumPeriod.objects.filter(
        school=period.school, pupil=period.pupil, kind=period.kind
    ).exclude(pk=period.pk)
    if period.ends_on is not None:
        others = others.filter(starts_on__lte=period.ends_on)
    return (
        others.filter(ends_on__isnull=True).exists()
        or others.filter(ends_on__gte=period.starts_on).exists()
    )


@transaction.atomic
def period_add(
    *,
    access: Access,
    pupil: Pupil,
    kind: str,
    starts_on: date,
    ends_on: date | None = None,
    route: str = "",
    evidence: str = "",
    evidence_seen_on: date | None = None,
    today: date,
) -> PupilPremiumPeriod:
    """Record a ground of eligibility from a date (to a date, when it has ended)."""
    if pupil.school_id != access.school.pk:
        raise ValidationError("This pupil is not in your school.")
    period = PupilPremiumPeriod(
        school=access.school,
        pupil=pupil,
        kind=kind,
        starts_on=starts_on,
        ends_on=ends_on,
        route=route if kind == PupilPremiumPeriod.Kind.PLAC else "",
        evidence=evidence.strip(),
        evidence_seen_on=evidence_seen_on,
        recorded_by=access.user,
    )
    _check(period, today=today)
    if _overlapping(period):
        raise ValidationError(
            {"starts_on": f"{pupil.name} already has a period of this kind over these dates."}
        )
    period.full_clean()
    period.save()
    pupil_audit(access, pupil, "premium.period_added", kind=kind)
    return period


@transaction.atomic
def period_end(
    *, access: Access, period: PupilPremiumPeriod, ends_on: date, today: date
) -> PupilPremiumPeriod:
    """End an open ground of eligibility on a date (the last day it held)."""
    if period.school_id != access.school.pk:
        raise ValidationError("This record is not in your school.")
    if period.ends_on is not None:
        raise ValidationError({"ends_on": "This period has already ended."})
    if ends_on < period.starts_on:
        raise ValidationError(
            {"ends_on": f"The end date must be on or after {period.starts_on:%d/%m/%Y}."}
        )
    period.ends_on = ends_on
    period.save(update_fields=["ends_on"])
    pupil_audit(access, period.pupil, "premium.period_ended", kind=period.kind)
    return period
