"""Writes for a pupil's Early Help: start it (with the family's consent), change its stage or
lead practitioner, record a Team Around the Family review, close it, and set the school's review
interval. Each checks the rules (`early_help_rules`), the school, and audits."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from register.models import Pupil
from register.services import pupil_audit
from staff.services import audit_by
from staff.tenancy import Access

from . import early_help_rules as rules
from .early_help_models import EarlyHelp, EarlyHelpSettings, TafReview
from .early_help_selectors import review_weeks

LEAD_FIELDS = ("lead_name", "lead_role", "lead_organisation", "lead_contact")


def _in_school(access: Access, school_id: int) -> None:
    if school_id != access.school.pk:
        raise ValidationError("This record is not your school's.")


def _refuse(problems: dict[str, str]) -> None:
    if problems:
        raise ValidationError(problems)


@transaction.atomic
def early_help_start(
    *,
    access: Access,
    pupil: Pupil,
    today: date,
    started_on: date,
    consent_given_by: str,
    consent_on: date | None,
    lead_name: str,
    stage: str = rules.Stage.ASSESSMENT,
    lead_role: str = "",
    lead_organisation: str = "",
    lead_contact: str = "",
) -> EarlyHelp:
    """Start a pupil's Early Help (its assessment, or a plan agreed elsewhere) with the family's
    consent and a lead practitioner."""
    _in_school(access, pupil.school_id)
    _refuse(
        rules.start_problems(
            started_on=started_on,
            consent_given_by=consent_given_by,
            consent_on=consent_on,
            today=today,
        )
    )
    if stage not in (rules.Stage.ASSESSMENT, rules.Stage.PLAN):
        raise ValidationError({"stage": "Early Help starts with an assessment or a plan."})
    # Locks the pupil, so two people starting at once make one record, not an error.
    Pupil.objects.select_for_update().filter(pk=pupil.pk).first()
    if EarlyHelp.objects.filter(pupil=pupil, closed_on__isnull=True).exists():
        raise ValidationError(
            f"{pupil.name} already has Early Help open: record its reviews there, or close it "
            "before starting a new one."
        )
    record = EarlyHelp(
        school=access.school,
        pupil=pupil,
        stage=stage,
        started_on=started_on,
        consent_given_by=consent_given_by.strip(),
        consent_on=consent_on,
        lead_name=lead_name.strip(),
        lead_role=lead_role.strip(),
        lead_organisation=lead_organisation.strip(),
        lead_contact=lead_contact.strip(),
        created_by=access.user,
    )
    record.full_clean()
    record.save()
    pupil_audit(access, pupil, "early_help.started", stage=stage)
    return record


@transaction.atomic
def early_help_update(
    *,
    access: Access,
    early_help: EarlyHelp,
    today: date,
    stage: str,
    started_on: date,
    consent_given_by: str,
    consent_on: date | None,
    lead_name: str,
    lead_role: str = "",
    lead_organisation: str = "",
    lead_contact: str = "",
) -> EarlyHelp:
    """Change an open Early Help's stage (by the allowed steps), its start and consent, or its
    lead practitioner."""
    _in_school(access, early_help.school_id)
    record = EarlyHelp.objects.select_for_update().get(pk=early_help.pk)
    if not record.is_open:
        raise ValidationError("This Early Help is closed: it can no longer be changed.")
    problems = rules.start_problems(
        started_on=started_on, consent_given_by=consent_given_by, consent_on=consent_on, today=today
    )
    if problem := rules.stage_change_problem(was=record.stage, to=stage):
        problems["stage"] = problem
    first = record.reviews.order_by("held_on").values_list("held_on", flat=True).first()
    if first is not None and started_on > first:
        problems["started_on"] = "Early Help cannot start after its first review."
    _refuse(problems)
    was = record.stage
    record.stage = stage
    record.started_on = started_on
    record.consent_given_by = consent_given_by.strip()
    record.consent_on = consent_on
    record.lead_name = lead_name.strip()
    record.lead_role = lead_role.strip()
    record.lead_organisation = lead_organisation.strip()
    record.lead_contact = lead_contact.strip()
    record.full_clean()
    record.save()
    facts = {"stage": stage} if stage != was else {}
    pupil_audit(access, record.pupil, "early_help.changed", **facts)
    return record


@transaction.atomic
def taf_review_record(
    *,
    access: Access,
    early_help: EarlyHelp,
    today: date,
    held_on: date,
    attended: str,
    summary: str,
    next_review_on: date | None = None,
) -> TafReview:
    """Record a Team Around the Family review of an open Early Help; the next is due on the
    date it agreed, or the school's interval after it."""
    _in_school(access, early_help.school_id)
    record = EarlyHelp.objects.select_for_update().get(pk=early_help.pk)
    if not record.is_open:
        raise ValidationError("This Early Help is closed: reviews can no longer be added.")
    held_before = list(record.reviews.values_list("held_on", flat=True))
    _refuse(
        rules.review_problems(
            held_on=held_on,
            next_review_on=next_review_on,
            started_on=record.started_on,
            weeks=review_weeks(school=access.school),
            today=today,
            held_before=held_before,
        )
    )
    review = TafReview(
        school=access.school,
        early_help=record,
        held_on=held_on,
        attended=attended.strip(),
        summary=summary.strip(),
        next_review_on=next_review_on,
        recorded_by=access.user,
    )
    review.full_clean()
    review.save()
    pupil_audit(access, record.pupil, "early_help.review_recorded")
    return review


@transaction.atomic
def early_help_close(
    *, access: Access, early_help: EarlyHelp, today: date, closed_on: date, close_reason: str
) -> EarlyHelp:
    """Close an open Early Help on a date, saying why."""
    _in_school(access, early_help.school_id)
    record = EarlyHelp.objects.select_for_update().get(pk=early_help.pk)
    if not record.is_open:
        raise ValidationError("This Early Help is already closed.")
    last = record.reviews.order_by("-held_on").values_list("held_on", flat=True).first()
    _refuse(
        rules.close_problems(
            closed_on=closed_on,
            reason=close_reason,
            started_on=record.started_on,
            last_held_on=last,
            today=today,
        )
    )
    record.stage = rules.Stage.CLOSED
    record.closed_on = closed_on
    record.close_reason = close_reason.strip()
    record.full_clean()
    record.save()
    pupil_audit(access, record.pupil, "early_help.closed")
    return record


@transaction.atomic
def review_weeks_set(*, access: Access, review_weeks: int | None) -> EarlyHelpSettings:
    """Set how often the school's local authority reviews Early Help (6 to 12 weeks)."""
    if problem := rules.review_weeks_problem(review_weeks):
        raise ValidationError({"review_weeks": problem})
    found, _ = EarlyHelpSettings.objects.select_for_update().get_or_create(
        school=access.school, defaults={"review_weeks": review_weeks}
    )
    found.review_weeks = review_weeks
    found.full_clean()
    found.save()
    audit_by(access, "early_help.settings_changed", found, review_weeks=review_weeks)
    return found
