"""The school's side of parents' links: a pupil's links (with their status and the views
given) and translated summaries; a new link, shown once with its code and QR code to print;
stopping a link; a summary added and downloaded. The SENDCo, trust lead and the pupil's teacher
send links; the head reads them."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from register.access import pupil_or_404
from staff.capabilities import Cap
from staff.http import audited, form_data, run_action, save_form, stored_download
from staff.tenancy import school_view

from . import link_pages, link_services
from .access import link_or_404, summary_or_404
from .link_forms import LinkForm, SummaryForm

NEW_CODE = "families_new_code"


def _links_page(request: HttpRequest, pupil, **forms) -> HttpResponse:
    context = link_pages.links(access=request.access, pupil=pupil, now=timezone.now(), **forms)
    return render(request, "families/links.html", context)


@school_view(Cap.FAMILY_LINKS_VIEW)
@audited("families.links_viewed")
@require_safe
def links(request: HttpRequest, public_id) -> HttpResponse:
    return _links_page(request, pupil_or_404(request, public_id))


@school_view(Cap.FAMILY_LINKS_SEND)
@require_POST
def link_create(request: HttpRequest, public_id) -> HttpResponse:
    """A new link; its code is kept in the session for the next page only, then forgotten."""
    pupil = pupil_or_404(request, public_id)
    form = LinkForm(form_data(request), pupil=pupil)
    saved = save_form(
        request,
        form,
        lambda data: link_services.link_create(
            access=request.access, pupil=pupil, now=timezone.now(), **data
        ),
    )
    if saved:
        link, code = saved.result
        request.session[NEW_CODE] = [str(link.public_id), code]
        return redirect("families:link", request.school.slug, link.public_id)
    return _links_page(request, pupil, link_form=form)


@school_view(Cap.FAMILY_LINKS_VIEW)
@audited("families.link.printed")
@require_safe
def link(request: HttpRequest, public_id) -> HttpResponse:
    """The link to print for the family: its code and QR code, this once."""
    found = link_or_404(request, public_id)
    kept = request.session.pop(NEW_CODE, None)
    code = kept[1] if kept and kept[0] == str(found.public_id) else None
    return render(request, "families/link_print.html", link_pages.printed(link=found, code=code))


@school_view(Cap.FAMILY_LINKS_SEND)
@require_POST
def link_revoke(request: HttpRequest, public_id) -> HttpResponse:
    found = link_or_404(request, public_id)
    run_action(
        request,
        lambda: link_services.link_revoke(access=request.access, link=found, now=timezone.now()),
        success="The link is stopped: it opens nothing now.",
    )
    return redirect("families:links", request.school.slug, found.pupil.public_id)


@school_view(Cap.FAMILY_LINKS_SEND)
@require_POST
def summary_add(request: HttpRequest, public_id) -> HttpResponse:
    pupil = pupil_or_404(request, public_id)
    form = SummaryForm(form_data(request), request.FILES)
    saved = save_form(
        request,
        form,
        lambda data: link_services.summary_add(
            access=request.access,
            pupil=pupil,
            language=data["language"],
            document=data["document"],
            document_type=form.document_type,
        ),
        success=lambda s: f"The summary in {s.language} is ready for the family.",
    )
    if saved:
        return redirect("families:links", request.school.slug, pupil.public_id)
    return _links_page(request, pupil, summary_form=form)


@school_view(Cap.FAMILY_LINKS_SEND)
@require_POST
def summary_remove(request: HttpRequest, public_id) -> HttpResponse:
    found = summary_or_404(request, public_id)
    pupil = found.pupil
    run_action(
        request,
        lambda: link_services.summary_remove(access=request.access, summary=found),
        success=f"The summary in {found.language} is removed: the family cannot open it now.",
    )
    return redirect("families:links", request.school.slug, pupil.public_id)


@school_view(Cap.FAMILY_LINKS_VIEW)
@audited("families.summary.downloaded")
@require_safe
def summary(request: HttpRequest, public_id) -> HttpResponse:
    found = summary_or_404(request, public_id)
    return stored_download(
        found.document,
        name=found.document_name or "summary.pdf",
        content_type=found.document_type,
        missing="This summary has no document.",
    )
