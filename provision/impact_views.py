"""Impact per group and per intervention, "what works here", and TA deployment.

The views only gather and render: the figures come from `provision.impact` (which calls
`rules.impact` and `costing.costed_groups`) and the charts from `provision.charts`.
"""

from __future__ import annotations

from decimal import Decimal

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from staff.capabilities import Cap
from staff.http import audited, note_subject
from staff.tenancy import school_view

from . import impact as reads
from .charts import bar_chart, with_note


@school_view(Cap.PROVISION_MAP)
@require_safe
def impact(request: HttpRequest) -> HttpResponse:
    day = timezone.localdate()
    starts_on, ends_on = reads.school_year(school=request.school, on=day)
    items = reads.intervention_impacts(school=request.school, on=day, year=(starts_on, ends_on))
    groups = sorted(
        (g for i in items for g in i.groups), key=lambda g: (g.group.name.casefold(), g.group.pk)
    )
    chart = bar_chart(
        [(i.intervention.name, i.impact.met_target_rate if i.measured else None) for i in items],
        title="Share of pupils meeting their target, by intervention",
        unit="%",
        max_value=Decimal(100),
    )
    return render(
        request,
        "provision/impact/impact.html",
        {
            "items": items,
            "groups": groups,
            "chart": chart,
            "starts_on": starts_on,
            "ends_on": ends_on,
            "today": day,
            "not_enough_data": reads.NOT_ENOUGH_DATA,
        },
    )


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
    day = timezone.localdate()
    people = reads.deployment(school=request.school, on=day)
    top = max(
        [p.group_hours for p in people] + [p.contracted_hours or Decimal(0) for p in people],
        default=Decimal(0),
    )
    chart = bar_chart(
        [
            (
                with_note(p.user.full_name or p.user.email, "(over contract)")
                if p.over_contract
                else p.user.full_name or p.user.email,
                p.group_hours,
            )
            for p in people
        ],
        title="Hours a week in running groups, by member of staff",
        unit="h",
        max_value=top or None,
    )
    return render(
        request,
        "provision/impact/deployment.html",
        {
            "people": people,
            "chart": chart,
            "today": day,
            "over": sum(1 for p in people if p.over_contract),
        },
    )
