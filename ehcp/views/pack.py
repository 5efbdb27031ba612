"""The annual review pack: the print view in the browser and a PDF of the same template
(`pdf=True`), like the provision map. What it holds is worked out by `ehcp.pack`; every print
and PDF is audited with the pupil's id."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_safe

from staff.capabilities import Cap
from staff.http import audited, note_subject
from staff.pdf import pdf_response
from staff.tenancy import school_view

from ..pack import TEMPLATE, pack_context, pdf_filename
from ._access import today


def _context(request: HttpRequest, public_id, format_: str) -> dict:
    """The pack's context, or a 404 for a review the person cannot see; the pupil and the
    review are the subject of the request's audit."""
    context = pack_context(access=request.access, public_id=public_id, today=today())
    if context is None:
        raise Http404("No such review.")
    pupil, review = context["pupil"], context["review"]
    note_subject(
        request,
        pupil,
        pupil_public_id=pupil.public_id,
        format=format_,
        review=str(review.public_id),
    )
    return context


@school_view(Cap.EHCP_PACK)
@audited("ehcp.pack_generated")
@require_safe
def pack_print(request: HttpRequest, public_id) -> HttpResponse:
    response = render(request, TEMPLATE, _context(request, public_id, "html"))
    add_never_cache_headers(response)
    return response


@school_view(Cap.EHCP_PACK)
@audited("ehcp.pack_generated")
@require_safe
def pack_pdf(request: HttpRequest, public_id) -> HttpResponse:
    context = _context(request, public_id, "pdf")
    filename = pdf_filename(pupil=context["pupil"], review=context["review"])
    return pdf_response(request, TEMPLATE, context, filename=filename)
