"""Term dates: everyone who teaches reads them; the SENDCo (or trust lead) keeps them right."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from . import calendar as school_calendar
from .calendar_forms import ClosureDayForm, NewYearForm, TermForm
from .capabilities import Cap
from .http import form_data
from .models import AcademicYear, ClosureDay, Term
from .services import audit
from .tenancy import school_view


def _terms_page(
    request: HttpRequest, *, closure_form: ClosureDayForm | None = None, status: int = 200
) -> HttpResponse:
    school = request.school
    today = timezone.localdate()
    years = list(  # this year and the years to come; past years stay in the database
        AcademicYear.objects.filter(school=school, ends_on__gte=today)
        .prefetch_related("terms")
        .order_by("starts_on")
    )
    closures = list(ClosureDay.objects.filter(school=school, on__gte=today.replace(month=1, day=1)))
    next_start = (
        max(y.starts_on.year for y in years) + 1
        if years
        else school_calendar.academic_year_start_for(today)
    )
    census = school_calendar.census_dates(
        academic_year_start=school_calendar.academic_year_start_for(today)
    )
    return render(
        request,
        "staff/terms.html",
        {
            "years": years,
            "closures": closures,
            "next_start": next_start,
            "next_name": f"{next_start}/{str(next_start + 1)[-2:]}",
            "census": census,
            "today": today,
            "closure_form": closure_form or ClosureDayForm(school=school),
            "can_manage": request.access.can(Cap.CALENDAR_MANAGE),
        },
        status=status,
    )


@school_view(Cap.CALENDAR_VIEW)
@require_safe
def terms(request: HttpRequest) -> HttpResponse:
    return _terms_page(request)


@school_view(Cap.CALENDAR_MANAGE)
@require_POST
def year_create(request: HttpRequest) -> HttpResponse:
    form = NewYearForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a valid academic year.")
        return redirect("calendar:terms", school_slug=request.school.slug)
    year = school_calendar.create_default_year(
        school=request.school, academic_year_start=form.cleaned_data["academic_year_start"]
    )
    audit(
        action="calendar.year_created",
        actor=request.user,
        school=request.school,
        role=request.access.role,
        obj=year,
    )
    messages.success(
        request,
        f"Term dates for {year.name} are set from the usual pattern. Check them against your "
        "local authority's dates and change any that differ.",
    )
    return redirect("calendar:terms", school_slug=request.school.slug)


@school_view(Cap.CALENDAR_MANAGE)
@require_http_methods(["GET", "POST"])
def term_edit(request: HttpRequest, term_id: int) -> HttpResponse:
    term = (
        Term.objects.select_related("academic_year")
        .filter(school=request.school, pk=term_id)
        .first()
    )
    if term is None:
        raise Http404("No such term.")
    form = TermForm(form_data(request), instance=term)
    if request.method == "POST" and form.is_valid():
        form.save()
        audit(
            action="calendar.term_changed",
            actor=request.user,
            school=request.school,
            role=request.access.role,
            obj=term,
            detail={"starts_on": term.starts_on.isoformat(), "ends_on": term.ends_on.isoformat()},
        )
        messages.success(request, f"{term.name} {term.academic_year.name} saved.")
        return redirect("calendar:terms", school_slug=request.school.slug)
    return render(request, "staff/term_edit.html", {"term": term, "form": form})


@school_view(Cap.CALENDAR_MANAGE)
@require_POST
def closure_add(request: HttpRequest) -> HttpResponse:
    form = ClosureDayForm(request.POST, school=request.school)
    if not form.is_valid():
        return _terms_page(request, closure_form=form, status=400)
    closure = form.save(commit=False)
    closure.school = request.school
    closure.save()
    audit(
        action="calendar.closure_added",
        actor=request.user,
        school=request.school,
        role=request.access.role,
        obj=closure,
    )
    messages.success(request, f"{closure.on:%d/%m/%Y} added as a closure day.")
    return redirect("calendar:terms", school_slug=request.school.slug)


@school_view(Cap.CALENDAR_MANAGE)
@require_POST
def closure_delete(request: HttpRequest, closure_id: int) -> HttpResponse:
    closure = ClosureDay.objects.filter(school=request.school, pk=closure_id).first()
    if closure is None:
        raise Http404("No such closure day.")
    audit(
        action="calendar.closure_removed",
        actor=request.user,
        school=request.school,
        role=request.access.role,
        obj=closure,
    )
    closure.delete()
    messages.success(request, f"{closure.on:%d/%m/%Y} is no longer a closure day.")
    return redirect("calendar:terms", school_slug=request.school.slug)
