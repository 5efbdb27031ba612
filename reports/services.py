"""Writes of the termly report: draft it, write its commentary, review it, publish it."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from staff.services import audit_by
from staff.tenancy import Access

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
    return report
