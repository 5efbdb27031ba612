"""Term dates: everyone who teaches reads them; the SENDCo (or trust lead) keeps them right."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from . import calendar as school_calendar
from . import selectors, services
from .calendar_forms import ClosureDayForm, NewYearForm, TermForm
from .capabilities import Cap
from .http import form_data, save_form
from .tenancy import school_view


def _terms_page(
    request: HttpRequest, *, closure_form: ClosureDayForm | None = None, status: int = 200
) -> HttpResponse:
    school = request.school
    today = timezone.localdate()
    years = selectors.years_from(school=school, on=today)
    next_start = school_calendar.next_year_to_add(
        year_starts=[y.starts_on.year for y in years], today=today
    )
    census = school_calendar.census_dates(
        academic_year_start=school_calendar.academic_year_start_for(today)
    )
    return render(
        request,
        "staff/terms.html",
        {
            "years": years,
            "closures": selectors.closures_from(school=school, on=today),
            "next_start": next_start,
            "next_name": school_calendar.school_year_name(next_start),
            "census": census,
            "today": today,
            "closure_form": closure_form or ClosureDayForm(school=school),
            "can_manage": request.access.can(Cap.CALENDAR_MANAGE),
        },
        status=status,
    )


def _to_terms(request: HttpRequest) -> HttpResponse:
    return redirect("calendar:terms", school_slug=request.school.slug)


@school_view(Cap.CALENDAR_VIEW)
@require_safe
def terms(request: HttpRequest) -> HttpResponse:
    return _terms_page(request)


@school_view(Cap.CALENDAR_MANAGE)
@require_POST
def year_create(request: HttpRequest) -> HttpResponse:
    form = NewYearForm(request.POST)
    saved = save_form(
        request,
        form,
        lambda data: services.calendar_year_create(
            access=request.access, academic_year_start=data["academic_year_start"]
        ),
        success=lambda year: (
            f"Term dates for {year.name} are set from the usual pattern. Check them against "
            "your local authority's dates and change any that differ."
        ),
    )
    if not saved:
        messages.error(request, "Choose a valid academic year.")
    return _to_terms(request)


@school_view(Cap.CALENDAR_MANAGE)
@require_http_methods(["GET", "POST"])
def term_edit(request: HttpRequest, term_id: int) -> HttpResponse:
    term = selectors.term_for(school=request.school, pk=term_id)
    if term is None:
        raise Http404("No such term.")
    form = TermForm(form_data(request), instance=term)
    saved = save_form(
        request,
        form,
        lambda data: services.term_change(
            access=request.access, term=term, starts_on=data["starts_on"], ends_on=data["ends_on"]
        ),
        success=f"{term.name} {term.academic_year.name} saved.",
    )
    if saved:
        return _to_terms(request)
    return render(request, "staff/term_edit.html", {"term": term, "form": form})


@school_view(Cap.CALENDAR_MANAGE)
@require_POST
def closure_add(request: HttpRequest) -> HttpResponse:
    form = ClosureDayForm(request.POST, school=request.school)
    saved = save_form(
        request,
        form,
        lambda data: services.closure_add(
            access=request.access, on=data["on"], reason=data["reason"]
        ),
        success=lambda closure: f"{closure.on:%d/%m/%Y} added as a closure day.",
    )
    if not saved:
        return _terms_page(request, closure_form=form, status=400)
    return _to_terms(request)


@school_view(Cap.CALENDAR_MANAGE)
@require_POST
def closure_delete(request: HttpRequest, closure_id: int) -> HttpResponse:
    closure = selectors.closure_for(school=request.school, pk=closure_id)
    if closure is None:
        raise Http404("No such closure day.")
    services.closure_remove(access=request.access, closure=closure)
    messages.success(request, f"{closure.on:%d/%m/%Y} is no longer a closure day.")
    return _to_terms(request)
