"""Writes of the transfer: recording that a pupil has left, making the transfer pack for the next
school, and importing a portable plan that arrived with a pupil. Each is audited; the import is
all or nothing (one transaction: a refusal creates nothing)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from plans.models import Cycle, SupportPlan, Target
from register.models import (
    Need,
    NeedType,
    PassportVersion,
    Pupil,
    SenStatus,
    SupportLayer,
    ViewsGiven,
)
from register.services import pupil_audit
from staff.capabilities import Cap
from staff.tenancy import Access

from . import portable, portable_read
from .models import PreviousSchoolRecord, TransferPack


def _check(access: Access) -> None:
    if not access.can(Cap.TRANSFER_MANAGE):
        raise PermissionDenied("Only the SENDCo makes transfer packs and imports plans.")


@transaction.atomic
def pupil_leaving_record(
    *, access: Access, pupil: Pupil, leaving_date: date, destination: str
) -> Pupil:
    """Record that the pupil has left (or will leave) on `leaving_date`, and where to."""
    _check(access)
    if pupil.school_id != access.school.pk:
        raise PermissionDenied("Another school's pupil.")
    if pupil.admission_date and leaving_date < pupil.admission_date:
        raise ValidationError(
            {
                "leaving_date": f"The pupil joined on {pupil.admission_date:%d/%m/%Y}; they "
                "cannot leave before that."
            }
        )
    pupil.leaving_date = leaving_date
    pupil.leaving_destination = destination.strip()
    pupil.save(update_fields=["leaving_date", "leaving_destination", "updated_at"])
    pupil_audit(access, pupil, "families.pupil_left", on=leaving_date.isoformat())
    return pupil


@transaction.atomic
def transfer_pack_make(
    *, access: Access, pupil: Pupil, to_school: str, to_urn: str, today: date
) -> TransferPack:
    """Make the transfer pack: the portable plan as it stands today, kept with the receiving
    school's name so the PDF and the JSON download say the same thing; audited naming it."""
    _check(access)
    if pupil.school_id != access.school.pk:
        raise PermissionDenied("Another school's pupil.")
    if pupil.leaving_date is None:
        raise ValidationError("Record that the pupil has left (and when) before making the pack.")
    pack = TransferPack.objects.create(
        school=access.school,
        pupil=pupil,
        to_school=to_school.strip(),
        to_urn=to_urn.strip(),
        document=portable.export_plan(pupil=pupil, today=today),
        made_by=access.user,
    )
    pupil_audit(access, pupil, "families.pack_made", to_school=pack.to_school, to_urn=pack.to_urn)
    return pack


# --------------------------------------------------------------------------------------------------
# The import
# --------------------------------------------------------------------------------------------------


@transaction.atomic
def portable_plan_import(*, access: Access, raw: bytes) -> Pupil:
    """Import a portable plan: every check again (the file may have changed since the preview),
    then the pupil (or the pupil on roll with that UPN), their SEN status, needs, layers of
    support, passport, support plan and views given as this school's own records, and what
    cannot map here as the read-only history from the previous school."""
    _check(access)
    found = portable_read.preview(school=access.school, document=portable_read.parse(raw))
    document = found.document
    pupil = found.matched or _new_pupil(access, document["pupil"])
    school = access.school
    _periods(school, pupil, document)
    _passport(access, pupil, document["passport"])
    kept_provision = _support_plan(access, pupil, document["support_plan"])
    _views(access, pupil, document["views_given"])
    PreviousSchoolRecord.objects.create(
        school=school,
        pupil=pupil,
        from_school=document["exported"]["school"],
        from_urn=document["exported"]["urn"],
        exported_on=found.exported_on,
        kept={
            "ehc_plan": document["ehc_plan"],
            "provision_received": document["provision_received"],
            "target_provision": kept_provision,
        },
        imported_by=access.user,
    )
    pupil_audit(
        access,
        pupil,
        "families.plan_imported",
        from_school=document["exported"]["school"],
        matched=found.matched is not None,
        counts=found.counts,
    )
    return pupil


def _new_pupil(access: Access, data: dict) -> Pupil:
    pupil = Pupil(school=access.school, **data)
    pupil.full_clean()
    pupil.save()
    return pupil


def _periods(school, pupil: Pupil, document: dict) -> None:
    SenStatus.objects.bulk_create(
        SenStatus(school=school, pupil=pupil, **row) for row in document["sen_statuses"]
    )
    types = {t.code: t for t in NeedType.objects.all()}
    Need.objects.bulk_create(
        Need(
            school=school,
            pupil=pupil,
            need_type=types[row["code"]],
            rank=row["rank"],
            starts_on=row["starts_on"],
            ends_on=row["ends_on"],
            description=row["description"],
        )
        for row in document["needs"]
    )
    SupportLayer.objects.bulk_create(
        SupportLayer(school=school, pupil=pupil, **row) for row in document["support_layers"]
    )


def _passport(access: Access, pupil: Pupil, data: dict | None) -> None:
    if data is None:
        return
    newest = PassportVersion.objects.filter(pupil=pupil).order_by("-version").first()
    PassportVersion.objects.create(
        school=access.school,
        pupil=pupil,
        version=(newest.version + 1) if newest else 1,
        created_by=access.user,
        **data,
    )


def _support_plan(access: Access, pupil: Pupil, data: dict | None) -> dict[str, list[str]]:
    """The plan with its cycles and targets as they were (a reviewed cycle stays frozen); the
    provision groups each target named at the previous school are returned, to be kept."""
    if data is None:
        return {}
    plan = SupportPlan.objects.create(
        school=access.school, pupil=pupil, kind=data["kind"], created_by=access.user
    )
    types = {t.code: t for t in NeedType.objects.all()}
    kept: dict[str, list[str]] = {}
    for row in data["cycles"]:
        targets = row["targets"]
        fields = {k: v for k, v in row.items() if k != "targets"}
        cycle = Cycle.objects.create(school=access.school, plan=plan, **fields)
        for index, target in enumerate(targets, start=1):
            fields = {k: v for k, v in target.items() if k not in ("need_code", "provision")}
            Target.objects.create(
                school=access.school,
                cycle=cycle,
                need_type=types.get(target["need_code"]) if target["need_code"] else None,
                **fields,
            )
            if target["provision"]:
                kept[portable.target_key(cycle.number, index)] = target["provision"]
    return kept


def _views(access: Access, pupil: Pupil, rows: list[dict]) -> None:
    ViewsGiven.objects.bulk_create(
        ViewsGiven(school=access.school, pupil=pupil, **row) for row in rows
    )
