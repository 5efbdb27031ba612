"""The review tracker: every active plan's clock, overdue first, by month."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from staff.capabilities import Cap
from staff.deadlines import SOON_DAYS
from staff.http import audit_note, audited, form_data, save_form
from staff.tenancy import school_view

from .. import selectors, services
from ..forms import TransferSettingsForm
from . import _pages as pages
from ._access import GET_POST, today


@school_view(Cap.EHCP_TRACKER)
@audited("ehcp.tracker_viewed")
@require_safe
def tracker(request: HttpRequest) -> HttpResponse:
    authorities = selectors.authorities_of(school=request.school)
    wanted = request.GET.get("la", "")
    chosen = next((a for a in authorities if str(a.pk) == wanted), None)
    page = selectors.tracker_page(
        access=request.access,
        today=today(),
        authority_id=chosen.pk if chosen else None,
        page=request.GET.get("page"),
    )
    audit_note(request).detail.update(rows=len(page.rows), authority=chosen.pk if chosen else None)
    context = {
        "tracker": page,
        "query": f"la={chosen.pk}" if chosen else "",  # kept by the page links
        "soon_days": SOON_DAYS,
        "authorities": authorities,
        "chosen": chosen,
        "today": today(),
        "can_manage": request.access.can(Cap.EHCP_MANAGE),
    }
    return render(request, "ehcp/tracker.html", context)


@school_view(Cap.EHCP_TRACKER)
@audited("ehcp.transfers_viewed")
@require_safe
def transfers(request: HttpRequest) -> HttpResponse:
    """This year's phase transfers: which year groups move, by when, and the pupils with plans
    who move (regulation 18)."""
    page = selectors.transfers_page(access=request.access, today=today())
    audit_note(request).detail.update(rows=len(page.lines))
    return render(
        request,
        "ehcp/transfers.html",
        {"page": page, "today": today(), "can_manage": request.access.can(Cap.EHCP_MANAGE)},
    )


@school_view(Cap.EHCP_MANAGE)
@GET_POST
def transfer_settings(request: HttpRequest) -> HttpResponse:
    school = request.school
    shape = selectors.school_shape(school)
    form = TransferSettingsForm(
        form_data(request),
        instance=school,
        initial={"lowest_year": shape.lowest_year, "highest_year": shape.highest_year},
    )
    saved = save_form(
        request,
        form,
        lambda data: services.transfer_settings_save(access=request.access, **data),
        success="The school's age range is saved: phase transfers follow it.",
    )
    back = reverse("ehcp:transfers", args=[school.slug])
    if saved:
        return redirect(back)
    return pages.transfer_settings(request, form, back)
