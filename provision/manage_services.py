"""Writes of the SENDCo's provision pages: the catalogue, measures, staff costs, groups and their
pupils, and the notional SEN budget. Each checks that everything it links belongs to the school,
compares against the row in the database (locked), saves and audits what changed."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction

from register.models import Pupil
from staff.capabilities import STAFF_ROLES
from staff.models import AcademicYear, Membership, User
from staff.services import audit_by
from staff.tenancy import Access

from .models import (
    Attendance,
    CostedItem,
    Group,
    GroupPupil,
    Intervention,
    Measure,
    SenBudget,
    StaffContract,
    StaffRate,
)

GROUP_FIELDS = (
    "intervention",
    "name",
    "starts_on",
    "ends_on",
    "sessions_per_week",
    "session_minutes",
    "days",
    "time",
    "room",
    "status",
    "funding",
    "rate",
)


def _check_school(access: Access, fields: dict[str, Any]) -> None:
    """Every linked row (a measure, a grade, an intervention, a pupil) must be the school's."""
    for name, value in fields.items():
        school_id = getattr(value, "school_id", None) if isinstance(value, models.Model) else None
        if school_id is not None and school_id != access.school.pk:
            raise ValidationError({name: "Choose one of this school's own records."})


def _check_staff(access: Access, users: list[User]) -> None:
    ids = {u.pk for u in users}
    if not ids:
        return
    found = set(
        Membership.objects.active()
        .filter(school=access.school, user_id__in=ids, role__in=STAFF_ROLES)
        .values_list("user_id", flat=True)
    )
    if found != ids:
        raise ValidationError({"staff": "Choose members of staff of this school."})


def _apply(obj: models.Model, fields: dict[str, Any], allowed: tuple[str, ...]) -> list[str]:
    """Set `fields` on `obj`; return the names of those whose value changed."""
    changed = []
    for name, value in fields.items():
        if name not in allowed:
            raise ValueError(f"{type(obj).__name__}.{name} cannot be set here.")
        field = obj._meta.get_field(name)
        if field.is_relation:
            before, after = getattr(obj, field.attname), value.pk if value is not None else None
        else:
            before, after = getattr(obj, name), value
        if before != after:
            changed.append(name)
        setattr(obj, name, value)
    return changed


def _save(obj: models.Model) -> None:
    obj.full_clean()
    obj.save()


def _audit(access: Access, action: str, obj: models.Model, **detail) -> None:
    """A place in a group or a costed item is about its pupil: the event names the pupil too."""
    pupil = obj.pupil if isinstance(obj, GroupPupil | CostedItem) else None
    audit_by(access, action, obj, pupil_public_id=pupil.public_id if pupil else None, **detail)


def _locked(model, obj: models.Model, access: Access):
    return model.objects.select_for_update().get(pk=obj.pk, school=access.school)


# --------------------------------------------------------------------------------------------
# Catalogue
# --------------------------------------------------------------------------------------------

INTERVENTION_FIELDS = (
    "name",
    "description",
    "broad_area",
    "kind",
    "default_rate",
    "default_sessions_per_week",
    "default_session_minutes",
    "measure",
    "resource_cost_one_off",
    "resource_cost_per_pupil",
)


@transaction.atomic
def intervention_create(*, access: Access, fields: dict[str, Any]) -> Intervention:
    _check_school(access, fields)
    intervention = Intervention(school=access.school)
    _apply(intervention, fields, INTERVENTION_FIELDS)
    _save(intervention)
    _audit(access, "provision.intervention.created", intervention)
    return intervention


@transaction.atomic
def intervention_update(
    *, access: Access, intervention: Intervention, fields: dict[str, Any]
) -> Intervention:
    _check_school(access, fields)
    intervention = _locked(Intervention, intervention, access)
    changed = _apply(intervention, fields, INTERVENTION_FIELDS)
    if changed:
        _save(intervention)
        _audit(access, "provision.intervention.changed", intervention, changed=changed)
    return intervention


@transaction.atomic
def intervention_archive(*, access: Access, intervention: Intervention, at: datetime) -> None:
    """Hide an intervention from the catalogue and from new groups; its groups keep running."""
    intervention = _locked(Intervention, intervention, access)
    if intervention.archived_at is None:
        intervention.archived_at = at
        intervention.save(update_fields=["archived_at"])
        _audit(access, "provision.intervention.archived", intervention)


@transaction.atomic
def intervention_restore(*, access: Access, intervention: Intervention) -> None:
    intervention = _locked(Intervention, intervention, access)
    if intervention.archived_at is not None:
        intervention.archived_at = None
        intervention.save(update_fields=["archived_at"])
        _audit(access, "provision.intervention.restored", intervention)


# --------------------------------------------------------------------------------------------
# Measures and staff costs
# --------------------------------------------------------------------------------------------

MEASURE_FIELDS = ("name", "kind", "higher_is_better")
RATE_FIELDS = ("name", "hourly_cost")
CONTRACT_FIELDS = ("user", "rate", "hours_per_week")


@transaction.atomic
def measure_create(*, access: Access, fields: dict[str, Any]) -> Measure:
    measure = Measure(school=access.school)
    _apply(measure, fields, MEASURE_FIELDS)
    _save(measure)
    _audit(access, "provision.measure.created", measure)
    return measure


@transaction.atomic
def measure_update(*, access: Access, measure: Measure, fields: dict[str, Any]) -> Measure:
    measure = _locked(Measure, measure, access)
    changed = _apply(measure, fields, MEASURE_FIELDS)
    if changed:
        _save(measure)
        _audit(access, "provision.measure.changed", measure, changed=changed)
    return measure


@transaction.atomic
def rate_create(*, access: Access, fields: dict[str, Any]) -> StaffRate:
    rate = StaffRate(school=access.school)
    _apply(rate, fields, RATE_FIELDS)
    _save(rate)
    _audit(access, "provision.rate.created", rate, hourly_cost=str(rate.hourly_cost))
    return rate


@transaction.atomic
def rate_update(*, access: Access, rate: StaffRate, fields: dict[str, Any]) -> StaffRate:
    rate = _locked(StaffRate, rate, access)
    before = rate.hourly_cost
    changed = _apply(rate, fields, RATE_FIELDS)
    if changed:
        _save(rate)
        detail = {"changed": changed}
        if "hourly_cost" in changed:
            detail |= {"hourly_cost_was": str(before), "hourly_cost": str(rate.hourly_cost)}
        _audit(access, "provision.rate.changed", rate, **detail)
    return rate


@transaction.atomic
def contract_create(*, access: Access, fields: dict[str, Any]) -> StaffContract:
    _check_school(access, fields)
    user: User = fields["user"]
    try:
        _check_staff(access, [user])
    except ValidationError:
        raise ValidationError({"user": "Choose a member of staff of this school."}) from None
    if StaffContract.objects.filter(school=access.school, user=user).exists():
        raise ValidationError({"user": f"{user.full_name} already has a contract here."})
    contract = StaffContract(school=access.school)
    _apply(contract, fields, CONTRACT_FIELDS)
    _save(contract)
    _audit(access, "provision.contract.created", contract, user=contract.user.email)
    return contract


@transaction.atomic
def contract_update(
    *, access: Access, contract: StaffContract, fields: dict[str, Any]
) -> StaffContract:
    _check_school(access, fields)
    contract = _locked(StaffContract, contract, access)
    changed = _apply(contract, fields, ("rate", "hours_per_week"))
    if changed:
        _save(contract)
        _audit(
            access,
            "provision.contract.changed",
            contract,
            user=contract.user.email,
            changed=changed,
        )
    return contract


# --------------------------------------------------------------------------------------------
# Groups and their pupils
# --------------------------------------------------------------------------------------------


@transaction.atomic
def group_create(*, access: Access, fields: dict[str, Any], staff: list[User]) -> Group:
    _check_school(access, fields)
    _check_staff(access, staff)
    if fields["intervention"].archived_at is not None:
        raise ValidationError({"intervention": "This intervention is archived."})
    group = Group(school=access.school)
    _apply(group, fields, GROUP_FIELDS)
    _save(group)
    group.staff.set(staff)
    _audit(
        access,
        "provision.group.created",
        group,
        intervention=group.intervention.name,
        staff=sorted(u.email for u in staff),
    )
    return group


@transaction.atomic
def group_update(
    *, access: Access, group: Group, fields: dict[str, Any], staff: list[User]
) -> Group:
    _check_school(access, fields)
    _check_staff(access, staff)
    group = _locked(Group, group, access)
    changed = _apply(group, fields, GROUP_FIELDS)
    if changed:
        _save(group)
    before = set(group.staff.values_list("pk", flat=True))
    if before != {u.pk for u in staff}:
        group.staff.set(staff)
        changed.append("staff")
    if changed:
        _audit(access, "provision.group.changed", group, changed=changed)
    return group


def _has_attendance(place: GroupPupil) -> bool:
    return Attendance.objects.filter(
        session__group_id=place.group_id, pupil_id=place.pupil_id
    ).exists()


@transaction.atomic
def place_add(
    *,
    access: Access,
    group: Group,
    pupil: Pupil,
    joined_on: date,
    entry_score: Decimal | None = None,
    target_score: Decimal | None = None,
) -> GroupPupil:
    """Give a pupil of the school a place in one of its groups."""
    if group.school_id != access.school.pk:
        raise ValidationError("This group is not in your school.")
    if pupil.school_id != group.school_id:
        raise ValidationError({"pupil": "Choose a pupil on roll at this school."})
    Group.objects.select_for_update().filter(pk=group.pk).first()
    if GroupPupil.objects.filter(group=group, pupil=pupil).exists():
        raise ValidationError({"pupil": f"{pupil.name} is already in this group."})
    if not (group.starts_on <= joined_on <= group.ends_on):
        raise ValidationError({"joined_on": "Enter a date within the group's dates."})
    place = GroupPupil(
        school=group.school,
        group=group,
        pupil=pupil,
        joined_on=joined_on,
        entry_score=entry_score,
        target_score=target_score,
    )
    _save(place)
    _audit(access, "provision.place.added", place, group=str(group.public_id))
    return place


@transaction.atomic
def place_update(*, access: Access, place: GroupPupil, fields: dict[str, Any]) -> GroupPupil:
    place = _locked(GroupPupil, place, access)
    changed = _apply(
        place, fields, ("joined_on", "left_on", "entry_score", "target_score", "exit_score")
    )
    if changed:
        if place.left_on and place.left_on < place.joined_on:
            raise ValidationError(
                {"left_on": "The day they left must be on or after the day they joined."}
            )
        _save(place)
        _audit(
            access,
            "provision.place.changed",
            place,
            group=str(place.group.public_id),
            changed=changed,
        )
    return place


@transaction.atomic
def place_remove(*, access: Access, place: GroupPupil) -> None:
    """Take a place out of a group, as if it had never been: only while no attendance has been
    recorded for the pupil in the group. Otherwise the place keeps its history and gets a left
    date instead."""
    place = _locked(GroupPupil, place, access)
    if _has_attendance(place):
        raise ValidationError(
            "Attendance has been recorded for this pupil in the group, so the place cannot be "
            "removed: enter the day they left instead."
        )
    _audit(access, "provision.place.removed", place, group=str(place.group.public_id))
    place.delete()


# --------------------------------------------------------------------------------------------
# Notional SEN budget
# --------------------------------------------------------------------------------------------


@transaction.atomic
def budget_set(*, access: Access, academic_year: AcademicYear, amount: Decimal) -> SenBudget:
    if academic_year.school_id != access.school.pk:
        raise ValidationError("This academic year is not your school's.")
    if amount <= 0:
        raise ValidationError({"amount": "Enter an amount of more than £0."})
    budget = (
        SenBudget.objects.select_for_update()
        .filter(school=access.school, academic_year=academic_year)
        .first()
    )
    was = budget.amount if budget else None
    if budget is None:
        budget = SenBudget(school=access.school, academic_year=academic_year, amount=amount)
    budget.amount = amount
    if was != amount:
        _save(budget)
        _audit(
            access,
            "provision.budget.set",
            budget,
            academic_year=academic_year.name,
            amount=str(amount),
            was=str(was) if was is not None else None,
        )
    return budget


# --------------------------------------------------------------------------------------------
# A pupil's costed provision besides groups
# --------------------------------------------------------------------------------------------

ITEM_FIELDS = (
    "kind",
    "description",
    "provided_by",
    "cost",
    "basis",
    "starts_on",
    "ends_on",
    "funding",
)


def _check_item_dates(item: CostedItem) -> None:
    if item.ends_on is not None and item.ends_on < item.starts_on:
        raise ValidationError({"ends_on": "The end must be on or after the start."})


def _item_detail(item: CostedItem) -> dict:
    return {"kind": item.kind, "cost": f"{Decimal(item.cost):.2f}", "basis": item.basis}


@transaction.atomic
def costed_item_create(*, access: Access, pupil: Pupil, fields: dict[str, Any]) -> CostedItem:
    """Add a costed item (one-to-one support, equipment, a specialist) to a pupil of the
    school."""
    if pupil.school_id != access.school.pk:
        raise ValidationError("This pupil is not in your school.")
    item = CostedItem(school=access.school, pupil=pupil)
    _apply(item, fields, ITEM_FIELDS)
    _check_item_dates(item)
    _save(item)
    _audit(access, "provision.costed_item.created", item, **_item_detail(item))
    return item


@transaction.atomic
def costed_item_update(*, access: Access, item: CostedItem, fields: dict[str, Any]) -> CostedItem:
    item = _locked(CostedItem, item, access)
    before = f"{item.cost:.2f}"
    changed = _apply(item, fields, ITEM_FIELDS)
    if changed:
        _check_item_dates(item)
        _save(item)
        detail = {"changed": changed, **_item_detail(item)}
        if "cost" in changed:
            detail["cost_was"] = before
        _audit(access, "provision.costed_item.changed", item, **detail)
    return item


@transaction.atomic
def costed_item_remove(*, access: Access, item: CostedItem) -> None:
    """Take an item entered by mistake off the pupil's costed provision (the audit log keeps
    what it was); support that has ended gets an end date instead."""
    item = _locked(CostedItem, item, access)
    _audit(
        access,
        "provision.costed_item.removed",
        item,
        description=item.description,
        **_item_detail(item),
    )
    item.delete()
