"""The termly SEND report's pages: the school's reports, a new draft for a term, a report (its
live figures while a draft, its frozen and suppressed figures once published), the SENDCo's
words, the head's review, publication (which emails the governors) and emailing governors not
told yet, and the print view and PDF of the same template."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from staff.capabilities import Cap
from staff.http import audited, form_data, note_subject, run_action, save_form
from staff.pdf import pdf_response
from staff.tenancy import school_view

from . import pages, selectors, services
from .forms import TermChoiceForm, WordsForm
from .models import TermReport
from .pages import report_context

GET_POST = require_http_methods(["GET", "HEAD", "POST"])


def _report_or_404(request: HttpRequest, public_id) -> TermReport:
    """This school's report, if this person may read it (governors: published ones only)."""
    found = selectors.report_for(access=request.access, public_id=public_id)
    if found is None:
        raise Http404("No such report.")
    note_subject(request, found)
    return found


def _manageable(request: HttpRequest, public_id) -> TermReport:
    found = _report_or_404(request, public_id)
    if found.published:
        raise Http404("A published report cannot be changed.")
    return found


@school_view(Cap.TERM_REPORT_PUBLISHED)
@audited("reports.list_viewed")
@require_safe
def reports(request: HttpRequest) -> HttpResponse:
    found = selectors.reports_for(access=request.access)
    return render(request, "reports/list.html", {"reports": found})


@school_view(Cap.TERM_REPORT_MANAGE)
@GET_POST
def report_new(request: HttpRequest) -> HttpResponse:
    terms, default = selectors.terms_to_report(school=request.school, today=timezone.localdate())
    form = TermChoiceForm(form_data(request), terms=terms, default=default)
    saved = save_form(
        request,
        form,
        lambda data: services.report_create(access=request.access, **data),
        success=lambda r: f"The draft report for the {r.period} is ready.",
    )
    if saved:
        return redirect("reports:report", request.school.slug, saved.result.public_id)
    return render(request, "reports/new.html", {"form": form})


@school_view(Cap.TERM_REPORT_PUBLISHED)
@audited("reports.report_viewed")
@require_safe
def report(request: HttpRequest, public_id) -> HttpResponse:
    found = _report_or_404(request, public_id)
    context = report_context(report=found, today=timezone.localdate())
    if request.access.can(Cap.TERM_REPORT_MANAGE) and not found.published:
        context["form"] = WordsForm(instance=found)
    if request.access.can(Cap.TERM_REPORT_VIEW):
        context.update(pages.emailing(report=found))
    return render(request, "reports/report.html", context)


@school_view(Cap.TERM_REPORT_MANAGE)
@GET_POST
def report_words(request: HttpRequest, public_id) -> HttpResponse:
    found = _manageable(request, public_id)
    form = WordsForm(form_data(request), instance=found)
    saved = save_form(
        request,
        form,
        lambda data: services.report_write(access=request.access, report=found, **data),
        success="The commentary and priorities are saved.",
    )
    if saved:
        return redirect("reports:report", request.school.slug, found.public_id)
    return render(request, "reports/words.html", {"form": form, "report": found})


@school_view(Cap.TERM_REPORT_REVIEW)
@require_POST
def report_review(request: HttpRequest, public_id) -> HttpResponse:
    found = _manageable(request, public_id)
    run_action(
        request,
        lambda: services.report_review(access=request.access, report=found),
        success="The report is reviewed: the SENDCo can publish it to governors.",
    )
    return redirect("reports:report", request.school.slug, found.public_id)


@school_view(Cap.TERM_REPORT_MANAGE)
@require_POST
def report_publish(request: HttpRequest, public_id) -> HttpResponse:
    found = _manageable(request, public_id)
    today = timezone.localdate()
    run_action(
        request,
        lambda: services.report_publish(access=request.access, report=found, today=today),
        success=pages.published_words,
    )
    return redirect("reports:report", request.school.slug, found.public_id)


@school_view(Cap.TERM_REPORT_MANAGE)
@require_POST
def report_email(request: HttpRequest, public_id) -> HttpResponse:
    """Email a published report to the governors who have not had it by email."""
    found = _report_or_404(request, public_id)
    run_action(
        request,
        lambda: services.report_email_governors(access=request.access, report=found),
        success=pages.emailing_words,
    )
    return redirect("reports:report", request.school.slug, found.public_id)


@school_view(Cap.TERM_REPORT_PUBLISHED)
@audited("reports.report_printed")
@require_safe
def report_print(request: HttpRequest, public_id) -> HttpResponse:
    found = _report_or_404(request, public_id)
    context = report_context(report=found, today=timezone.localdate())
    return render(request, "reports/print.html", context)


@school_view(Cap.TERM_REPORT_PUBLISHED)
@audited("reports.report_downloaded")
@require_safe
def report_pdf(request: HttpRequest, public_id) -> HttpResponse:
    found = _report_or_404(request, public_id)
    context = {**report_context(report=found, today=timezone.localdate()), "pdf": True}
    filename = f"send-report-{request.school.slug}-{found.starts_on:%Y-%m}.pdf"
    return pdf_response(request, "reports/print.html", context, filename=filename)
