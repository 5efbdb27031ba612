"""Advice for an annual review: asked of a contributor, received, or given by a teacher; and
its document, served only through this permission-checked view."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.utils.cache import add_never_cache_headers
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from agencies.access import report_or_404
from staff.capabilities import Cap
from staff.http import audited, form_data, note_subject, run_action, save_form
from staff.tenancy import school_view

from .. import services
from ..forms import AdviceReceiveForm, AdviceRequestForm, AdviceSubmitForm
from ..models import Advice
from . import _pages as pages
from ._access import (
    FINISHED,
    GET_POST,
    advice_or_404,
    closed_for_advice,
    finished,
    may_download,
    review_or_404,
    to_review,
    today,
)


@school_view(Cap.EHCP_MANAGE)
@GET_POST
def advice_request(request: HttpRequest, public_id) -> HttpResponse:
    review = review_or_404(request, public_id)
    closed = closed_for_advice(review)
    if closed:
        return to_review(request, review, closed)
    form = AdviceRequestForm(form_data(request), initial={"requested_on": today()})
    saved = save_form(
        request,
        form,
        lambda data: services.advice_request(
            access=request.access, review=review, today=today(), **data
        ),
        success=lambda advice: f"Advice requested from {pages.who(advice)}.",
    )
    if saved:
        return to_review(request, review)
    return pages.advice_request(request, form, review)


@school_view(Cap.EHCP_MANAGE)
@GET_POST
def advice_receive(request: HttpRequest, public_id) -> HttpResponse:
    advice = advice_or_404(request, public_id)
    if finished(advice.review):
        return to_review(request, advice.review, FINISHED)
    initial = {"received_on": advice.received_on or today(), "summary": advice.summary}
    form = AdviceReceiveForm(form_data(request), _files(request), initial=initial, edits=advice)
    saved = save_form(
        request,
        form,
        lambda data: services.advice_receive(
            access=request.access,
            advice=advice,
            today=today(),
            document_type=form.document_type,
            **data,
        ),
        success=f"Advice from {pages.who(advice)} recorded as received.",
    )
    if saved:
        return to_review(request, advice.review)
    return pages.advice_receive(request, form, advice)


@school_view(Cap.EHCP_ADVICE)
@GET_POST
def advice_submit(request: HttpRequest, public_id) -> HttpResponse:
    review = review_or_404(request, public_id)
    closed = closed_for_advice(review)
    if closed:
        return to_review(request, review, closed)
    form = AdviceSubmitForm(form_data(request), _files(request))
    saved = save_form(
        request,
        form,
        lambda data: services.advice_submit(
            access=request.access,
            review=review,
            today=today(),
            document_type=form.document_type,
            **data,
        ),
        success="Thank you: your advice is added to the review.",
    )
    if saved:
        return to_review(request, review)
    return pages.advice_submit(request, form, review)


@school_view(Cap.EHCP_MANAGE)
@require_POST
def advice_from_report(request: HttpRequest, public_id, report_id) -> HttpResponse:
    """An outside agency's report, added to the review as that service's advice in one step."""
    review = review_or_404(request, public_id)
    report = report_or_404(request, report_id)
    run_action(
        request,
        lambda: services.advice_from_report(
            access=request.access, review=review, report=report, today=today()
        ),
        success=lambda advice: f"The report is now advice from {pages.who(advice)}.",
    )
    return to_review(request, review)


def _files(request: HttpRequest):
    """The uploaded files of a POST (None on a GET, so the form is unbound)."""
    return request.FILES if request.method == "POST" else None


@school_view(Cap.EHCP_VIEW)
@audited("ehcp.document_downloaded")
def document(request: HttpRequest, public_id) -> HttpResponse:
    """The advice's document, for the SENDCo, trust lead and head, or the person who gave it.

    Who may read it is checked before the method, so only they are told a POST is not allowed.
    The file (at most DOCUMENT_MAX_BYTES) is read whole and closed before the response goes out,
    so nothing is left open when a client stops reading."""
    advice = advice_or_404(request, public_id)
    if not may_download(request, advice):
        raise PermissionDenied("Only the SENDCo or the person who gave the advice can open it.")
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    content = _read(advice)
    pupil = advice.review.plan.pupil
    note_subject(
        request,
        pupil,
        pupil_public_id=pupil.public_id,
        advice=str(advice.public_id),
        contributor=advice.contributor,
    )
    return _attachment(advice, content)


def _attachment(advice: Advice, content: bytes) -> HttpResponse:
    """The document as a download the browser neither sniffs nor caches."""
    response = HttpResponse(
        content, content_type=advice.document_type or "application/octet-stream"
    )
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=advice.document_name or "advice"
    )
    response["X-Content-Type-Options"] = "nosniff"
    add_never_cache_headers(response)
    return response


def _read(advice: Advice) -> bytes:
    if not advice.document:
        raise Http404("This advice has no document.")
    try:
        with advice.document.storage.open(advice.document.name, "rb") as handle:
            return handle.read()
    except OSError as error:
        raise Http404("The document is missing.") from error
