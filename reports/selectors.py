"""Reads of the termly reports, school first."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import QuerySet

from staff.calendar import SeasonTerm, academic_year_start_for, school_year_name, season_terms
from staff.capabilities import Cap
from staff.models import School
from staff.tenancy import Access

from .models import TermReport


def reports_for(*, access: Access) -> QuerySet[TermReport]:
    """The school's reports as this person may read them: governors the published ones."""
    found = TermReport.objects.filter(school=access.school)
    if not access.can(Cap.TERM_REPORT_VIEW):
        found = found.filter(status=TermReport.Status.PUBLISHED)
    return found.order_by("-starts_on")


def report_for(*, access: Access, public_id) -> TermReport | None:
    return reports_for(access=access).filter(public_id=public_id).first()


def term_name(term: SeasonTerm) -> str:
    return f"{term.label} term {school_year_name(academic_year_start_for(term.starts_on))}"


def terms_to_report(*, school: School, today: date) -> tuple[list[SeasonTerm], SeasonTerm | None]:
    """The terms of the last year to today, latest first, and the one to suggest: the term
    running today, else the last that ended."""
    terms = season_terms(school=school, start=today - timedelta(days=366), end=today)
    terms = [t for t in terms if t.starts_on <= today][::-1]
    return terms, (terms[0] if terms else None)
