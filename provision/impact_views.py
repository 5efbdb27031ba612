"""Impact per group and per intervention, "what works here", and TA deployment.

The views only gather and render: the figures come from `provision.impact` (which calls
`rules.impact` and `costing.costed_groups`), the charts from `provision.charts`, and the pages
are put together in `provision.pages`.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from staff.capabilities import Cap
from staff.http import audited, note_subject
from staff.tenancy import school_view

from . import impact as reads
from . import pages


@school_view(Cap.PROVISION_MAP)
@require_safe
def impact(request: HttpRequest) -> HttpResponse:
    day, page = timezone.localdate(), request.GET.get("page")
    page = pages.impact(school=request.school, today=day, page=page)
    return render(request, "provision/impact/impact.html", page)


@school_view(Cap.PROVISION_MAP)
@audited("provision.group_impact.viewed")
@require_safe
def group_impact(request: HttpRequest, public_id) -> HttpResponse:
    day = timezone.localdate()
    found = reads.group_impact(school=request.school, public_id=public_id, on=day)
    if found is None:
        raise Http404("No such group.")
    # One event for the page (it lists the pupils' measures), with the pupils it showed.
    note_subject(request, found.group, pupils=[str(r.place.pupil.public_id) for r in found.pupils])
    return render(
        request,
        "provision/impact/group_impact.html",
        {"found": found, "group": found.group, "today": day},
    )


@school_view(Cap.PROVISION_MAP)
@require_safe
def deployment(request: HttpRequest) -> HttpResponse:
    page = pages.deployment(school=request.school, today=timezone.localdate())
    return render(request, "provision/impact/deployment.html", page)
