"""The review tracker: every active plan's clock, overdue first, by month."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from staff.capabilities import Cap
from staff.deadlines import SOON_DAYS
from staff.http import audit_note, audited
from staff.tenancy import school_view

from .. import selectors
from ._access import today


@school_view(Cap.EHCP_TRACKER)
@audited("ehcp.tracker_viewed")
@require_safe
def tracker(request: HttpRequest) -> HttpResponse:
    authorities = selectors.authorities_of(school=request.school)
    wanted = request.GET.get("la", "")
    chosen = next((a for a in authorities if str(a.pk) == wanted), None)
    page = selectors.tracker_page(
        access=request.access, today=today(), authority_id=chosen.pk if chosen else None
    )
    audit_note(request).detail.update(rows=len(page.rows), authority=chosen.pk if chosen else None)
    context = {"sections": page.sections, "counts": page.counts, "soon_days": SOON_DAYS}
    return render(
        request,
        "ehcp/tracker.html",
        {
            **context,
            "authorities": authorities,
            "chosen": chosen,
            "today": today(),
            "can_manage": request.access.can(Cap.EHCP_MANAGE),
        },
    )
