"""Writes of the termly report: draft it, write its commentary, review it, publish it."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from staff.models import Membership
from staff.services import audit_by
from staff.tenancy import Access

from . import emails
from .figures import figures
from .models import TermReport


@transaction.atomic
def report_create(*, access: Access, period: str, starts_on: date, ends_on: date) -> TermReport:
    school = access.school
    if TermReport.objects.filter(school=school, starts_on=starts_on, ends_on=ends_on).exists():
        raise ValidationError(f"There is a report for the {period} already.")
    report = TermReport(
        school=school, period=period, starts_on=starts_on, ends_on=ends_on, created_by=access.user
    )
    report.full_clean()
    report.save()
    audit_by(access, "reports.report_created", report)
    return report


def _changeable(report: TermReport) -> None:
    if report.published:
        raise ValidationError("A published report cannot be changed: governors have read it.")


@transaction.atomic
def report_write(
    *, access: Access, report: TermReport, commentary: str, priorities: str
) -> TermReport:
    """The SENDCo's words. Changing a reviewed report makes it a draft again: the head
    reviews what governors will read."""
    _changeable(report)
    report.commentary, report.priorities = commentary, priorities
    if report.status == TermReport.Status.REVIEWED:
        report.move_to(TermReport.Status.DRAFT)
        report.reviewed_by = None
    report.full_clean()
    report.save()
    audit_by(access, "reports.report_written", report)
    return report


@transaction.atomic
def report_review(*, access: Access, report: TermReport) -> TermReport:
    report.move_to(TermReport.Status.REVIEWED)
    report.reviewed_by = access.user
    report.save(update_fields=["status", "reviewed_by", "updated_at"])
    audit_by(access, "reports.report_reviewed", report)
    return report


@transaction.atomic
def report_publish(*, access: Access, report: TermReport, today: date) -> TermReport:
    """Freeze the figures as they are today: governors read these, whatever changes later."""
    report.move_to(TermReport.Status.PUBLISHED)
    report.snapshot = figures(
        school=report.school, starts_on=report.starts_on, ends_on=report.ends_on, today=today
    )
    report.published_on, report.published_by = today, access.user
    report.save()
    audit_by(access, "reports.report_published", report)
    _email_on_commit(report, by=access)
    return report


@transaction.atomic
def report_email_governors(*, access: Access, report: TermReport) -> list[Membership]:
    """Email a published report to the governors who have not had it (a governor who joined
    since, or one whose email failed); returns them. Nobody is emailed twice."""
    if not report.published:
        raise ValidationError("Only a published report is emailed to governors.")
    waiting = emails.not_emailed(report)
    if not waiting:
        raise ValidationError(
            "Every governor with an email address in sendco has had this report by email."
        )
    audit_by(access, "reports.report_email_requested", report, governors=len(waiting))
    _email_on_commit(report, by=access)
    return waiting


def _email_on_commit(report: TermReport, *, by: Access) -> None:
    from .tasks import email_governors

    report_id, by_id = report.pk, by.user.pk
    transaction.on_commit(lambda: email_governors.delay(report_id, by_id))
