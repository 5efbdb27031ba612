"""The census check: choose a census date, see what to fix, then download the SEN fields as CSV."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_safe

from staff import calendar as school_calendar
from staff import deadline_cache
from staff.bounds import DATE_INPUT, BoundedForm
from staff.capabilities import Cap
from staff.models import School
from staff.tenancy import school_view

from .census import (
    CensusRow,
    Problem,
    census_export,
    census_problems,
    census_rows,
    census_summary,
    roll_count,
)

SEASON_NAMES = {"autumn": "Autumn", "spring": "Spring", "summer": "Summer"}


class CensusDateForm(BoundedForm):
    date_kinds = {"on": "census"}

    on = forms.DateField(
        label="Census date",
        widget=DATE_INPUT,
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        error_messages={
            "required": "Enter the census date.",
            "invalid": "Enter the census date as a real date, for example 15/01/2026.",
        },
    )


def _census_days(today: date) -> tuple[list[tuple[str, date]], date]:
    """This academic year's census days (name, date), and the default: the next or current one."""
    start = school_calendar.academic_year_start_for(today)
    this_year = school_calendar.census_dates(academic_year_start=start)
    offered = [(f"{SEASON_NAMES[s]} census", d) for s, d in this_year.items()]
    upcoming = [d for _, d in offered if d >= today]
    if upcoming:
        default = min(upcoming)
    else:  # after the summer census: the autumn census of the next academic year
        default = school_calendar.census_dates(academic_year_start=start + 1)["autumn"]
        offered.append(("Next autumn census", default))
    return offered, default


def _pupil_url(school: School) -> Callable[[uuid.UUID], str | None]:
    """A pupil's page, or None for every pupil while the register's pupil page is not mounted."""
    try:
        reverse("register:pupil", args=[school.slug, uuid.UUID(int=0)])
    except NoReverseMatch:
        return lambda public_id: None
    return lambda public_id: reverse("register:pupil", args=[school.slug, public_id])


def _checked(school: School, on: date) -> tuple[list[Problem], dict]:
    """The problems and counts of the census on `on`, from the pupils with something recorded
    (only they can have a problem; the others are counted on the roll). Worked out from every
    SEN pupil's record, so kept for the school until a write changes it (staff.deadline_cache)."""

    def work_out() -> tuple[list[Problem], dict]:
        rows = census_rows(school=school, on=on, recorded_only=True)
        total = roll_count(school=school, on=on)
        return census_problems(rows), census_summary(rows, total=total)

    return deadline_cache.kept(
        school_id=school.pk,
        today=timezone.localdate(),
        weeks=0,
        name=f"census:{on.isoformat()}",
        work_out=work_out,
    )


def _page(
    request: HttpRequest,
    form: CensusDateForm,
    *,
    rows: list[CensusRow] | None = None,
    export_attempted: bool = False,
) -> HttpResponse:
    """The page for a date form: when the date is valid, its problems and counts."""
    offered, _ = _census_days(timezone.localdate())
    context = {"form": form, "offered": offered, "export_attempted": export_attempted, "on": None}
    if form.is_bound and form.is_valid():
        on = form.cleaned_data["on"]
        if rows is None:
            found, summary = _checked(request.school, on)
        else:
            found, summary = census_problems(rows), census_summary(rows)
        url_for = _pupil_url(request.school)
        problems = [(problem, url_for(problem.public_id)) for problem in found]
        census_days = school_calendar.census_dates(
            academic_year_start=school_calendar.academic_year_start_for(on)
        )
        context.update(
            on=on,
            problems=problems,
            summary=summary,
            is_census_day=on in census_days.values(),
        )
    return render(request, "register/census.html", context)


@school_view(Cap.CENSUS_EXPORT)
@require_safe
def census(request: HttpRequest) -> HttpResponse:
    """The census date form; for the date chosen (the next census day at first), the problems to
    fix and the counts by SEN category and by primary need."""
    if "on" in request.GET:
        form = CensusDateForm(request.GET)
    else:
        _, default = _census_days(timezone.localdate())
        form = CensusDateForm({"on": default.isoformat()})
    return _page(request, form)


@school_view(Cap.CENSUS_EXPORT)
@require_safe
def export(request: HttpRequest) -> HttpResponse:
    """The CSV for ?on=YYYY-MM-DD, only when nothing needs fixing; otherwise the page again."""
    form = CensusDateForm(request.GET) if "on" in request.GET else None
    if form is None or not form.is_valid():
        return _page(request, form or _default_form(), export_attempted=True)
    on = form.cleaned_data["on"]
    rows = census_rows(school=request.school, on=on)
    if census_problems(rows):
        return _page(request, form, rows=rows, export_attempted=True)
    return _csv(request, on, census_export(access=request.access, on=on, rows=rows))


def _default_form() -> CensusDateForm:
    """The form (unbound) with the next census day chosen."""
    _, default = _census_days(timezone.localdate())
    return CensusDateForm(initial={"on": default})


def _csv(request: HttpRequest, on: date, content: bytes) -> HttpResponse:
    """The census file as a download that is never cached."""
    filename = f"census-{request.school.slug}-{on.isoformat()}.csv"
    response = HttpResponse(
        content,
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
    add_never_cache_headers(response)
    return response
