"""The Pupil Premium strategy statement: the document (page, print view and PDF from one
template), its overview and Part B, and the lines of its lists (challenges, outcomes,
activities, programmes). Views: access -> form -> service -> redirect or render."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from staff.calendar import academic_year_start_for, school_year_name
from staff.capabilities import Cap
from staff.http import audited, form_data, note_detail, note_subject, run_action, save_form
from staff.parsing import whole_number
from staff.pdf import pdf_response
from staff.tenancy import school_view

from . import pages, selectors, services
from .forms import PARTS, ActivityForm, StatementForm

GET_POST = require_http_methods(["GET", "HEAD", "POST"])
TEMPLATE = "premium/statement.html"
PRINT_TEMPLATE = "premium/statement_print.html"


def _year(request: HttpRequest, year: int | None = None) -> int:
    """The academic year asked for (in the URL, or ?year=2026), or this one; a year more than
    ten years back or beyond next year is a 404."""
    this_year = academic_year_start_for(timezone.localdate())
    if year is None:
        year = whole_number(request.GET["year"]) if "year" in request.GET else this_year
    if year is None or not this_year - 10 <= year <= this_year + 1:
        raise Http404("No such year.")
    return year


def _to_statement(request: HttpRequest, year: int) -> HttpResponse:
    return redirect(f"{reverse('premium:statement', args=[request.school.slug])}?year={year}")


@school_view(Cap.PREMIUM_VIEW)
@audited("premium.statement_viewed")
@require_safe
def statement(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    note_detail(request, academic_year=year)
    context = pages.statement(access=request.access, academic_year=year, today=timezone.localdate())
    return render(request, TEMPLATE, context)


@school_view(Cap.PREMIUM_VIEW)
@audited("premium.statement_printed")
@require_safe
def statement_print(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    note_detail(request, academic_year=year, format="html")
    context = pages.statement(access=request.access, academic_year=year, today=timezone.localdate())
    return render(request, PRINT_TEMPLATE, context)


@school_view(Cap.PREMIUM_VIEW)
@audited("premium.statement_printed")
@require_safe
def statement_pdf(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    note_detail(request, academic_year=year, format="pdf")
    context = pages.statement(access=request.access, academic_year=year, today=timezone.localdate())
    filename = f"pupil-premium-strategy-{request.school.slug}-{year}-{(year + 1) % 100:02d}.pdf"
    return pdf_response(request, PRINT_TEMPLATE, context, filename=filename)


@school_view(Cap.PREMIUM_MANAGE)
@GET_POST
def statement_edit(request: HttpRequest, year: int) -> HttpResponse:
    year = _year(request, year)
    found = selectors.statement_for(school=request.school, academic_year=year)
    form = StatementForm(form_data(request), instance=found)
    saved = save_form(
        request,
        form,
        lambda data: services.statement_save(
            access=request.access, academic_year=year, **form.fields_changed()
        ),
        success="The statement is saved.",
    )
    if saved:
        return _to_statement(request, year)
    title = f"Pupil Premium strategy {school_year_name(year)}: overview and Part B"
    context = {"form": form, "title": title, "year": year}
    return render(request, "premium/statement_form.html", context)


def _part_page(request: HttpRequest, year: int, name: str, part) -> HttpResponse:
    model, form_class, label = PARTS[name]
    extra = {}
    if form_class is ActivityForm:
        extra = pages.activity_form_choices(school=request.school, academic_year=year)
    form = form_class(form_data(request), instance=part, **extra)
    saved = save_form(
        request,
        form,
        lambda data: services.part_save(
            access=request.access,
            academic_year=year,
            model=model,
            part=part,
            fields={f: data[f] for f in form_class.Meta.fields},
            groups=data.get("groups") if "groups" in form.fields else None,
        ),
        success=f"The {label} is saved.",
    )
    if saved:
        return _to_statement(request, year)
    title = f"{label.capitalize()} {part.position}" if part else f"Add a {label}"
    context = {"form": form, "title": title, "year": year, "part": part, "name": name}
    return render(request, "premium/statement_form.html", context)


def _part_or_404(request: HttpRequest, name: str, pk: int):
    if name not in PARTS:
        raise Http404("No such part of the statement.")
    part = selectors.part_for(school=request.school, model=PARTS[name][0], pk=pk)
    if part is None:
        raise Http404("No such line.")
    note_subject(request, part)
    return part


@school_view(Cap.PREMIUM_MANAGE)
@GET_POST
def part_new(request: HttpRequest, year: int, name: str) -> HttpResponse:
    if name not in PARTS:
        raise Http404("No such part of the statement.")
    return _part_page(request, _year(request, year), name, None)


@school_view(Cap.PREMIUM_MANAGE)
@GET_POST
def part_edit(request: HttpRequest, name: str, pk: int) -> HttpResponse:
    part = _part_or_404(request, name, pk)
    return _part_page(request, part.statement.academic_year, name, part)


@school_view(Cap.PREMIUM_MANAGE)
@require_POST
def part_remove(request: HttpRequest, name: str, pk: int) -> HttpResponse:
    part = _part_or_404(request, name, pk)
    year = part.statement.academic_year
    label = PARTS[name][2]
    run_action(
        request,
        lambda: services.part_remove(access=request.access, part=part),
        success=f"The {label} is removed; those after it are renumbered.",
    )
    return _to_statement(request, year)
