"""The outside agencies pages: the directory of services, the school's referrals with the waiting
times measured here, a pupil's referrals, referring a pupil, and a referral's page where its
steps, appointments and reports are recorded; a report's document only through the
permission-checked download. The SENDCo and trust lead write; the head reads; a teacher reads
the referrals of pupils in their classes without the consent, question, notes or reports
(staff/capabilities.py)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from staff.capabilities import Cap
from staff.http import audited, form_data, save_form, stored_download
from staff.tenancy import school_view

from . import pages, services
from .access import pupil_or_404, referral_or_404, report_or_404, service_or_404
from .forms import (
    AppointmentForm,
    ChaseForm,
    ReferralForm,
    ReportForm,
    ServiceForm,
    StatusForm,
)

GET_POST = require_http_methods(["GET", "HEAD", "POST"])


@school_view(Cap.AGENCY_VIEW)
@audited("agencies.referrals_viewed")
@require_safe
def referrals(request: HttpRequest) -> HttpResponse:
    page = pages.referrals(access=request.access, today=timezone.localdate(), query=request.GET)
    return render(request, "agencies/referrals.html", page)


@school_view(Cap.AGENCY_DIRECTORY)
@audited("agencies.directory_viewed")
@require_safe
def directory(request: HttpRequest) -> HttpResponse:
    page = pages.directory(access=request.access, today=timezone.localdate())
    return render(request, "agencies/services.html", page)


@school_view(Cap.AGENCY_MANAGE)
@GET_POST
def service_add(request: HttpRequest) -> HttpResponse:
    form = ServiceForm(form_data(request))
    saved = save_form(
        request,
        form,
        lambda data: services.service_save(access=request.access, **data),
        success=lambda s: f"{s.name} is in the directory.",
    )
    if saved:
        return redirect("agencies:services", request.school.slug)
    return render(request, "agencies/service_form.html", {"form": form, "service": None})


@school_view(Cap.AGENCY_MANAGE)
@GET_POST
def service_edit(request: HttpRequest, pk: int) -> HttpResponse:
    found = service_or_404(request, pk)
    form = ServiceForm(form_data(request), instance=found)
    saved = save_form(
        request,
        form,
        lambda data: services.service_save(access=request.access, service=found, **data),
        success=lambda s: f"{s.name} is saved.",
    )
    if saved:
        return redirect("agencies:services", request.school.slug)
    return render(request, "agencies/service_form.html", {"form": form, "service": found})


@school_view(Cap.AGENCY_VIEW)
@audited("agencies.pupil_referrals_viewed")
def pupil(request: HttpRequest, public_id) -> HttpResponse:
    found = pupil_or_404(request, public_id)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    return render(request, "agencies/pupil.html", pages.pupil(access=request.access, pupil=found))


@school_view(Cap.AGENCY_MANAGE)
@GET_POST
def refer(request: HttpRequest, public_id) -> HttpResponse:
    """Refer a pupil: never without consent recorded."""
    found = pupil_or_404(request, public_id)
    today = timezone.localdate()
    form = ReferralForm(form_data(request), school=request.school, initial={"referred_on": today})
    saved = save_form(
        request,
        form,
        lambda data: services.referral_make(
            access=request.access, pupil=found, today=today, **data
        ),
        success=lambda r: f"{found.name} is referred to {r.service.name}.",
    )
    if saved:
        return redirect("agencies:referral", request.school.slug, saved.result.public_id)
    return render(request, "agencies/refer.html", {"form": form, "pupil": found})


@school_view(Cap.AGENCY_VIEW)
@audited("agencies.referral_viewed")
def referral(request: HttpRequest, public_id) -> HttpResponse:
    found = referral_or_404(request, public_id)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    page = pages.referral(access=request.access, referral=found, today=timezone.localdate())
    return render(request, "agencies/referral.html", page)


def _step(request: HttpRequest, public_id, name: str, make_form, save, success: str):
    """One of the referral page's forms posted: saved, back to the page; otherwise the page
    again with the form's mistakes (400)."""
    found = referral_or_404(request, public_id)
    today = timezone.localdate()
    form = make_form(found)
    saved = save_form(request, form, lambda data: save(found, today, form, data), success=success)
    if saved:
        return redirect("agencies:referral", request.school.slug, found.public_id)
    page = pages.referral(access=request.access, referral=found, today=today, forms={name: form})
    return render(request, "agencies/referral.html", page, status=400)


@school_view(Cap.AGENCY_MANAGE)
@require_POST
def status(request: HttpRequest, public_id) -> HttpResponse:
    return _step(
        request,
        public_id,
        "status_form",
        lambda r: StatusForm(request.POST, referral=r),
        lambda r, today, form, data: services.status_change(
            access=request.access, referral=r, today=today, **data
        ),
        "The referral's status is recorded.",
    )


@school_view(Cap.AGENCY_MANAGE)
@require_POST
def chased(request: HttpRequest, public_id) -> HttpResponse:
    return _step(
        request,
        public_id,
        "chase_form",
        lambda r: ChaseForm(request.POST),
        lambda r, today, form, data: services.referral_chased(
            access=request.access, referral=r, today=today, **data
        ),
        "Recorded: the referral was chased.",
    )


@school_view(Cap.AGENCY_MANAGE)
@require_POST
def appointment(request: HttpRequest, public_id) -> HttpResponse:
    return _step(
        request,
        public_id,
        "appointment_form",
        lambda r: AppointmentForm(request.POST),
        lambda r, today, form, data: services.appointment_record(
            access=request.access, referral=r, today=today, **data
        ),
        "The appointment is recorded.",
    )


@school_view(Cap.AGENCY_MANAGE)
@require_POST
def report(request: HttpRequest, public_id) -> HttpResponse:
    return _step(
        request,
        public_id,
        "report_form",
        lambda r: ReportForm(request.POST, request.FILES),
        lambda r, today, form, data: services.report_record(
            access=request.access,
            referral=r,
            today=today,
            document_type=form.document_type,
            **data,
        ),
        "The report is recorded as received.",
    )


@school_view(Cap.AGENCY_DETAILS)
@audited("agencies.report_downloaded")
def document(request: HttpRequest, public_id) -> HttpResponse:
    """A report's document, for the SENDCo, trust lead and head (never a teacher: it can hold
    family and health matters). Who may read it is checked before the method."""
    found = report_or_404(request, public_id)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    return stored_download(
        found.document,
        name=found.document_name or "report",
        content_type=found.document_type,
        missing="This report has no document.",
    )
