"""The looked-after children's pages: every child with their next PEP, a child's PEPs and social
worker, the virtual schools with their PEP timescales, and who else is shown who is looked
after. Only the SENDCo, the designated teacher, the head and the trust lead open them."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from staff.capabilities import Cap
from staff.http import audited, form_data, save_form, say_form_errors
from staff.pdf import pdf_response
from staff.tenancy import school_view

from . import pages, selectors, services
from . import report as lac_report
from .access import child_or_404, release_or_404, virtual_school_or_404
from .forms import (
    ContactForm,
    PepForm,
    ReleaseForm,
    ReleasePlanForm,
    VirtualSchoolForm,
    VisibilityForm,
)

GET_POST = require_http_methods(["GET", "HEAD", "POST"])


@school_view(Cap.LAC_VIEW)
@audited("lac.children_viewed")
@require_safe
def children(request: HttpRequest) -> HttpResponse:
    page = pages.children(access=request.access, today=timezone.localdate())
    return render(request, "lac/children.html", page)


@school_view(Cap.LAC_VIEW)
@audited("lac.child_viewed")
@GET_POST
def child(request: HttpRequest, public_id) -> HttpResponse:
    """A child's PEPs; those who manage record a PEP held here."""
    if request.method == "POST" and not request.access.can(Cap.LAC_MANAGE):
        raise PermissionDenied
    pupil = child_or_404(request, public_id)
    today = timezone.localdate()
    form = PepForm(form_data(request))
    saved = save_form(
        request,
        form,
        lambda data: services.pep_record(access=request.access, pupil=pupil, today=today, **data),
        success="The PEP is recorded.",
    )
    if saved:
        return redirect("lac:child", request.school.slug, pupil.public_id)
    page = pages.child(access=request.access, pupil=pupil, today=today, form=form)
    return render(request, "lac/child.html", page)


@school_view(Cap.LAC_MANAGE)
@require_POST
def contact(request: HttpRequest, public_id) -> HttpResponse:
    pupil = child_or_404(request, public_id)
    found = selectors.child_record(school=request.school, pupil=pupil, today=timezone.localdate())
    form = ContactForm(request.POST, instance=found["contact"])
    saved = save_form(
        request,
        form,
        lambda data: services.contact_save(access=request.access, pupil=pupil, **data),
        success="The social worker is saved.",
    )
    if not saved:
        say_form_errors(request, form)
    return redirect("lac:child", request.school.slug, pupil.public_id)


@school_view(Cap.LAC_MANAGE)
@require_POST
def release(request: HttpRequest, public_id) -> HttpResponse:
    """Record Pupil Premium Plus received; a mistake is said on the child's page."""
    pupil = child_or_404(request, public_id)
    today = timezone.localdate()
    groups = selectors.release_groups(school=request.school, today=today)
    form = ReleaseForm(request.POST, groups=groups)
    saved = save_form(
        request,
        form,
        lambda data: services.release_record(
            access=request.access, pupil=pupil, today=today, **data
        ),
        success="The Pupil Premium Plus is recorded.",
    )
    if not saved:
        say_form_errors(request, form)
    return redirect("lac:child", request.school.slug, pupil.public_id)


@school_view(Cap.LAC_MANAGE)
@GET_POST
def release_plan(request: HttpRequest, pk: int) -> HttpResponse:
    """Say what Pupil Premium Plus received pays for."""
    found = release_or_404(request, pk)
    groups = selectors.release_groups(school=request.school, today=timezone.localdate())
    form = ReleasePlanForm(form_data(request), instance=found, groups=groups)
    saved = save_form(
        request,
        form,
        lambda data: services.release_plan(access=request.access, release=found, **data),
        success="Saved: what the Pupil Premium Plus pays for.",
    )
    if saved:
        return redirect("lac:child", request.school.slug, found.pupil.public_id)
    return render(request, "lac/release_plan.html", {"form": form, "release": found})


@school_view(Cap.LAC_MANAGE)
@require_POST
def visibility(request: HttpRequest) -> HttpResponse:
    form = VisibilityForm(request.POST)
    save_form(
        request,
        form,
        lambda data: services.class_staff_visibility_set(access=request.access, **data),
        success="Saved: who is shown that a pupil is looked after.",
    )
    return redirect("lac:children", request.school.slug)


def _virtual_school_page(request: HttpRequest, found) -> HttpResponse:
    dates = selectors.fixed_dates(virtual_school=found) if found else ()
    form = VirtualSchoolForm(form_data(request), instance=found, dates=dates)
    saved = save_form(
        request,
        form,
        lambda data: services.virtual_school_save(
            access=request.access,
            virtual_school=found,
            fixed_dates=data["fixed_dates"],
            **form.fields_changed(),
        ),
        success="The virtual school is saved.",
    )
    if saved:
        return redirect("lac:virtual_schools", request.school.slug)
    listed = selectors.virtual_schools(school=request.school)
    context = {"form": form, "virtual_school": found, "virtual_schools": listed}
    context["can_manage"] = request.access.can(Cap.LAC_MANAGE)
    return render(request, "lac/virtual_schools.html", context)


@school_view(Cap.LAC_VIEW)
@GET_POST
def virtual_schools(request: HttpRequest) -> HttpResponse:
    """The virtual schools and their PEP timescales; those who manage add one here."""
    if request.method == "POST" and not request.access.can(Cap.LAC_MANAGE):
        raise PermissionDenied
    return _virtual_school_page(request, None)


@school_view(Cap.LAC_MANAGE)
@GET_POST
def virtual_school_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _virtual_school_page(request, virtual_school_or_404(request, pk))


@school_view(Cap.LAC_REPORT)
@audited("lac.report_viewed")
@require_safe
def report(request: HttpRequest) -> HttpResponse:
    """The designated teacher's annual report to governors, as a print view."""
    context = lac_report.figures(school=request.school, today=timezone.localdate())
    return render(request, "lac/report.html", context)


@school_view(Cap.LAC_REPORT)
@audited("lac.report_printed")
@require_safe
def report_pdf(request: HttpRequest) -> HttpResponse:
    context = lac_report.figures(school=request.school, today=timezone.localdate())
    filename = f"looked-after-children-report-{request.school.slug}.pdf"
    return pdf_response(request, "lac/report.html", context, filename=filename)
