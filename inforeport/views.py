"""The SEN information report's pages: the checklist of every required item with its state, an
item's words (with sendco's suggestion to accept), the review dates, publishing; and the public
page and PDF of the latest published version, which answer without signing in."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from staff.capabilities import Cap
from staff.http import audited, form_data, run_action, save_form, say_form_errors
from staff.pdf import pdf_response
from staff.tenancy import school_view

from . import pages, selectors, services
from .forms import DatesForm, ItemForm

GET_POST = require_http_methods(["GET", "HEAD", "POST"])


@school_view(Cap.INFO_REPORT_VIEW)
@audited("inforeport.checklist_viewed")
@require_safe
def checklist(request: HttpRequest) -> HttpResponse:
    return render(request, "inforeport/checklist.html", pages.checklist(access=request.access))


@school_view(Cap.INFO_REPORT_MANAGE)
@GET_POST
def item(request: HttpRequest, code: str) -> HttpResponse:
    """Write one item in the school's own words."""
    found = pages.item_or_404(code)
    report = selectors.report_of(school=request.school)
    instance = selectors.item_text(report=report, code=code)
    form = ItemForm(form_data(request), instance=instance)
    saved = save_form(
        request,
        form,
        lambda data: services.item_write(access=request.access, code=code, **data),
        success=f"Saved: {found.heading}.",
    )
    if saved:
        return redirect("inforeport:checklist", request.school.slug)
    today = timezone.localdate()
    page = pages.item(access=request.access, item=found, today=today, form=form)
    return render(request, "inforeport/item.html", page)


@school_view(Cap.INFO_REPORT_MANAGE)
@require_POST
def accept(request: HttpRequest, code: str) -> HttpResponse:
    """Accept sendco's suggestion into the item's text, then read and adapt it."""
    found = pages.item_or_404(code)
    today = timezone.localdate()
    run_action(
        request,
        lambda: services.item_accept(access=request.access, code=code, today=today),
        success=f"sendco's suggestion is in the text of {found.heading}: read it and adapt it.",
    )
    return redirect("inforeport:item", request.school.slug, code)


@school_view(Cap.INFO_REPORT_MANAGE)
@require_POST
def dates(request: HttpRequest) -> HttpResponse:
    report = selectors.report_of(school=request.school)
    form = DatesForm(request.POST, instance=report)
    saved = save_form(
        request,
        form,
        lambda data: services.dates_save(access=request.access, **data),
        success="The review dates are saved.",
    )
    if not saved:
        say_form_errors(request, form)
    return redirect("inforeport:checklist", request.school.slug)


@school_view(Cap.INFO_REPORT_MANAGE)
@require_POST
def publish(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    run_action(
        request,
        lambda: services.report_publish(access=request.access, today=today),
        success=lambda v: f"Version {v.number} is published on the public page.",
    )
    return redirect("inforeport:checklist", request.school.slug)


@login_not_required
@require_safe
def public(request: HttpRequest, school_slug: str) -> HttpResponse:
    """The latest published version, for the school's website: no sign-in, no pupil data."""
    context = pages.public(version=pages.published_or_404(school_slug))
    return render(request, "inforeport/public.html", context)


@login_not_required
@require_safe
def public_pdf(request: HttpRequest, school_slug: str) -> HttpResponse:
    version = pages.published_or_404(school_slug)
    filename = f"sen-information-report-{version.school.slug}.pdf"
    context = pages.public(version=version)
    kept = pages.pdf_kept_as(version)  # rendered once per version, not on every request
    return pdf_response(request, "inforeport/public.html", context, filename=filename, kept=kept)
