"""Writes of the Pupil Premium: recording and ending a pupil's grounds of eligibility. Each
checks `premium.rules` and audits (the pupil's record changes)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from register.models import Pupil, PupilPremiumPeriod
from register.services import pupil_audit
from staff import deadline_cache
from staff.services import audit_by
from staff.tenancy import Access

from . import rules
from .models import Statement, StatementPart


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


# --------------------------------------------------------------------------------------------------
# The strategy statement
# --------------------------------------------------------------------------------------------------

STATEMENT_FIELDS = (
    "years_covered",
    "published_on",
    "review_on",
    "authorised_by",
    "lead",
    "governor_lead",
    "allocation",
    "recovery",
    "carried_forward",
    "intent",
    "last_year_outcomes",
    "service_spend",
    "service_impact",
)


def _statement(access: Access, academic_year: int) -> Statement:
    """The school's statement of the year, started (empty) when there is none, locked until
    the request's transaction ends so two saves cannot both start it."""
    statement, _ = Statement.objects.select_for_update().get_or_create(
        school=access.school, academic_year=academic_year
    )
    return statement


@transaction.atomic
def statement_save(*, access: Access, academic_year: int, **fields) -> Statement:
    """Save the statement's overview, funding, intent and Part B (the fields given)."""
    statement = _statement(access, academic_year)
    for name, value in fields.items():
        if name not in STATEMENT_FIELDS:
            raise ValueError(f"Not a field of the statement: {name}")
        setattr(statement, name, value)
    statement.updated_by = access.user
    statement.full_clean()
    statement.save()
    audit_by(access, "premium.statement_saved", statement, academic_year=academic_year)
    return statement


@transaction.atomic
def part_save(
    *,
    access: Access,
    academic_year: int,
    model: type[StatementPart],
    part: StatementPart | None,
    fields: dict,
    groups: list | None = None,
) -> StatementPart:
    """Add a line to the statement (numbered after the last), or change one."""
    statement = _statement(access, academic_year)
    if part is None:
        last = model.objects.filter(statement=statement).aggregate(n=Max("position"))["n"]
        part = model(school=access.school, statement=statement, position=(last or 0) + 1)
    elif part.school_id != access.school.pk or part.statement_id != statement.pk:
        raise ValidationError("This line is not in your school's statement.")
    for name, value in fields.items():
        setattr(part, name, value)
    part.full_clean()
    part.save()
    if groups is not None:
        if any(group.school_id != access.school.pk for group in groups):
            raise ValidationError({"groups": "Choose groups of your own school."})
        part.groups.set(groups)
    audit_by(access, "premium.statement_part_saved", part, part=model._meta.model_name)
    return part


@transaction.atomic
def part_remove(*, access: Access, part: StatementPart) -> None:
    """Remove a line; the lines after it move up a number."""
    if part.school_id != access.school.pk:
        raise ValidationError("This line is not in your school's statement.")
    model = type(part)
    statement = Statement.objects.select_for_update().get(pk=part.statement_id)
    part.delete()
    moved = []
    for position, later in enumerate(model.objects.filter(statement=statement), start=1):
        if later.position != position:
            later.position = position
            moved.append(later)
    model.objects.bulk_update(moved, ["position"])
    deadline_cache.changed(access.school.pk)  # a bulk write sends no signal
    audit_by(access, "premium.statement_part_removed", statement, part=model._meta.model_name)
