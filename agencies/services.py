"""Writes for outside agencies: the directory's services, a referral (never without consent
recorded), each step of its status, appointments and reports received with their documents.
Each checks the school and audits; a report's bytes are opened here for ehcp or plans to copy."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from register.models import Pupil
from register.services import pupil_audit
from staff.files import attached
from staff.services import audit_by
from staff.tenancy import Access

from . import rules
from .models import Appointment, Referral, Report, Service, StatusChange

NO_CONSENT = (
    "Record who gave consent and when before referring: no referral is made without consent."
)


def _here(access: Access, *records) -> None:
    for record in records:
        if record is not None and record.school_id != access.school.pk:
            raise ValidationError("This record is not in your school.")


def _not_future(day: date | None, today: date, field: str) -> None:
    if day is not None and day > today:
        raise ValidationError({field: "This date is still to come: record it once it happened."})


def _strip(fields: dict) -> dict:
    return {k: v.strip() if isinstance(v, str) else v for k, v in fields.items()}


@transaction.atomic
def service_save(*, access: Access, service: Service | None = None, **fields) -> Service:
    """Add a service to the school's directory, or change one of its own."""
    _here(access, service)
    record = service or Service(school=access.school)
    for name, value in _strip(fields).items():
        setattr(record, name, value)
    record.full_clean()
    record.save()
    audit_by(
        access,
        "agencies.service_added" if service is None else "agencies.service_changed",
        record,
        shared=record.shared_with_trust,
    )
    return record


def _shared_here(access: Access, service: Service) -> None:
    own = service.school_id == access.school.pk
    trust = access.school.trust_id
    if not own and not (service.shared_with_trust and trust and service.school.trust_id == trust):
        raise ValidationError({"service": "Choose a service from this school's directory."})


@transaction.atomic
def referral_make(
    *,
    access: Access,
    pupil: Pupil,
    service: Service,
    referred_on: date,
    consent_given_by: str,
    consent_on: date | None,
    question: str,
    today: date,
    expected_report_on: date | None = None,
) -> Referral:
    """Refer a pupil to a service of the school's directory, consent recorded first."""
    _here(access, pupil)
    _shared_here(access, service)
    consent_given_by = (consent_given_by or "").strip()
    if not consent_given_by or consent_on is None:
        raise ValidationError({"consent_given_by": NO_CONSENT})
    _not_future(referred_on, today, "referred_on")
    _not_future(consent_on, today, "consent_on")
    if consent_on > referred_on:
        raise ValidationError({"consent_on": "Consent must be given on or before the referral."})
    if expected_report_on is not None and expected_report_on < referred_on:
        raise ValidationError({"expected_report_on": "A report cannot be due before the referral."})
    referral = Referral(
        school=access.school,
        pupil=pupil,
        service=service,
        referred_on=referred_on,
        referred_by=access.user,
        consent_given_by=consent_given_by,
        consent_on=consent_on,
        question=question.strip(),
        expected_report_on=expected_report_on,
    )
    referral.full_clean()
    referral.save()
    StatusChange.objects.create(
        school=access.school,
        referral=referral,
        status=rules.WAITING,
        on=referred_on,
        recorded_by=access.user,
    )
    pupil_audit(access, pupil, "agencies.referral_made", referral=str(referral.public_id))
    return referral


def _locked(referral: Referral) -> Referral:
    return (
        Referral.objects.select_for_update().select_related("pupil", "service").get(pk=referral.pk)
    )


def _last_on(referral: Referral) -> date:
    last = referral.changes.order_by("-on", "-pk").values_list("on", flat=True).first()
    return last or referral.referred_on


@transaction.atomic
def status_change(
    *,
    access: Access,
    referral: Referral,
    status: str,
    on: date,
    today: date,
    note: str = "",
    expected_report_on: date | None = None,
) -> Referral:
    """The next step of a referral (`rules.NEXT`: forward only), with the date it happened; the
    date a report is expected may be given with it."""
    _here(access, referral)
    referral = _locked(referral)
    problem = rules.step_problem(
        current=referral.status, new=status, on=on, last_on=_last_on(referral), today=today
    )
    if problem:
        raise ValidationError({"status" if "cannot" in problem else "on": problem})
    if expected_report_on is not None:
        if expected_report_on < referral.referred_on:
            raise ValidationError(
                {"expected_report_on": "A report cannot be due before the referral."}
            )
        referral.expected_report_on = expected_report_on
    referral.status = status
    referral.save(update_fields=["status", "expected_report_on", "updated_at"])
    StatusChange.objects.create(
        school=access.school,
        referral=referral,
        status=status,
        on=on,
        note=note.strip(),
        recorded_by=access.user,
    )
    pupil_audit(
        access,
        referral.pupil,
        "agencies.status_changed",
        referral=str(referral.public_id),
        status=status,
    )
    return referral


@transaction.atomic
def referral_chased(*, access: Access, referral: Referral, on: date, today: date) -> Referral:
    """The school chased the service (for an answer, or for the report): the next chase is due
    from this date (`rules.chase_on`, `rules.report_due`)."""
    _here(access, referral)
    referral = _locked(referral)
    if referral.status not in rules.CHASED:
        raise ValidationError("Nothing is awaited from the service on this referral.")
    _not_future(on, today, "on")
    if on < referral.referred_on:
        raise ValidationError({"on": "A referral cannot be chased before it was made."})
    referral.chased_on = on
    referral.save(update_fields=["chased_on", "updated_at"])
    pupil_audit(
        access, referral.pupil, "agencies.referral_chased", referral=str(referral.public_id)
    )
    return referral


@transaction.atomic
def appointment_record(
    *,
    access: Access,
    referral: Referral,
    on: date,
    with_whom: str,
    today: date,
    attended: bool | None = None,
    note: str = "",
) -> Appointment:
    """An appointment, past (attended or not) or to come (attendance not known yet)."""
    _here(access, referral)
    if on < referral.referred_on:
        raise ValidationError({"on": "An appointment cannot be before the referral."})
    if on > today and attended is not None:
        raise ValidationError(
            {"attended": "This appointment is still to come: leave attended empty for now."}
        )
    appointment = Appointment(
        school=access.school,
        referral=referral,
        on=on,
        with_whom=with_whom.strip(),
        attended=attended,
        note=note.strip(),
        recorded_by=access.user,
    )
    appointment.full_clean()
    appointment.save()
    pupil_audit(
        access, referral.pupil, "agencies.appointment_recorded", referral=str(referral.public_id)
    )
    return appointment


@transaction.atomic
def report_record(
    *,
    access: Access,
    referral: Referral,
    received_on: date,
    today: date,
    summary: str = "",
    document=None,
    document_type: str = "",
) -> Report:
    """A report received, with its summary and document (checked by the form, as review advice
    is: `staff.documents.check_upload`); the first marks the referral "report received"."""
    _here(access, referral)
    referral = _locked(referral)
    if referral.status not in rules.TAKES_REPORT:
        raise ValidationError(
            f"A referral that is {rules.LABELS[referral.status].lower()} takes no report: record "
            "that the service accepted the referral or saw the pupil first."
        )
    _not_future(received_on, today, "received_on")
    if received_on < referral.referred_on:
        raise ValidationError({"received_on": "A report cannot arrive before the referral."})
    first = referral.status != rules.REPORT
    if first and received_on < _last_on(referral):
        raise ValidationError({"received_on": "This date is before the referral's last step."})
    report = Report(
        school=access.school,
        referral=referral,
        received_on=received_on,
        summary=summary.strip(),
        recorded_by=access.user,
    )
    with attached(report, document, document_type, field="document"):
        report.full_clean()
        report.save()
        if first:
            referral.status = rules.REPORT
            referral.save(update_fields=["status", "updated_at"])
            StatusChange.objects.create(
                school=access.school,
                referral=referral,
                status=rules.REPORT,
                on=received_on,
                recorded_by=access.user,
            )
        pupil_audit(
            access,
            referral.pupil,
            "agencies.report_recorded",
            referral=str(referral.public_id),
            document=document is not None,
        )
    return report


@dataclass(frozen=True)
class ReportFile:
    content: bytes
    name: str
    content_type: str


def report_file(report: Report) -> ReportFile | None:
    """The report's document as bytes with its safe name and type (None when it has none, or
    the file is gone), for ehcp or plans to copy into review advice or plan evidence; the caller
    checks who may and audits."""
    if not report.document:
        return None
    try:
        with report.document.storage.open(report.document.name, "rb") as handle:
            content = handle.read()
    except OSError:
        return None
    return ReportFile(content, report.document_name or "report", report.document_type)
