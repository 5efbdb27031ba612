"""Reads of the termly reports, school first."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import QuerySet

from staff.calendar import SeasonTerm, academic_year_start_for, school_year_name, season_terms
from staff.capabilities import Cap
from staff.models import Membership, Role, School
from staff.selectors import unique_row
from staff.tenancy import Access

from .models import GovernorEmail, TermReport


def reports_for(*, access: Access) -> QuerySet[TermReport]:
    """The school's reports as this person may read them: governors the published ones."""
    found = TermReport.objects.filter(school=access.school)
    if not access.can(Cap.TERM_REPORT_VIEW):
        found = found.filter(status=TermReport.Status.PUBLISHED)
    return found.order_by("-starts_on")


def report_for(*, access: Access, public_id) -> TermReport | None:
    report = unique_row(reports_for(access=access).filter(public_id=public_id))
    if report is not None:
        report.school = access.school  # found among the school's reports: not read again
    return report


def governors_of(*, school: School) -> QuerySet[Membership]:
    """The school's governors who can be emailed: active, with an address, by name."""
    return (
        Membership.objects.filter(
            school=school, role=Role.GOVERNOR, ended_at__isnull=True, user__is_active=True
        )
        .exclude(user__email="")
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )


def emails_of(*, report: TermReport) -> QuerySet[GovernorEmail]:
    """Who a report was emailed to, and when, in the order they were told."""
    return GovernorEmail.objects.filter(school_id=report.school_id, report=report).select_related(
        "user"
    )


def term_name(term: SeasonTerm) -> str:
    return f"{term.label} term {school_year_name(academic_year_start_for(term.starts_on))}"


def terms_to_report(*, school: School, today: date) -> tuple[list[SeasonTerm], SeasonTerm | None]:
    """The terms of the last year to today, latest first, and the one to suggest: the term
    running today, else the last that ended."""
    terms = season_terms(school=school, start=today - timedelta(days=366), end=today)
    terms = [t for t in terms if t.starts_on <= today][::-1]
    return terms, (terms[0] if terms else None)


def drafts_of(*, school_id: int) -> QuerySet[TermReport]:
    """The school's reports not published yet (their figures are live)."""
    return (
        TermReport.objects.filter(school_id=school_id)
        .exclude(status=TermReport.Status.PUBLISHED)
        .select_related("school")
    )
