"""The provision map (by term, year group and class; on screen, printed and as a PDF) and one
pupil's costed provision. The reads are in `map_selectors`, the costs in `costing`. Every page
names pupils, so every page is audited (`staff.http.audited`).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_safe

from register.access import pupil_or_404
from staff.capabilities import Cap
from staff.http import audit_note, audited
from staff.models import School
from staff.pdf import pdf_response
from staff.tenancy import school_view

from .map_selectors import ProvisionMap, provision_map, pupil_provision_data
from .rules import notional_sen_threshold


def _note_map(request: HttpRequest, found: ProvisionMap, **extra) -> None:
    """One event per page: which term and filter, and how many groups and pupils it showed."""
    audit_note(request).detail.update(
        {
            "term": found.term.season if found.term else "",
            "academic_year": found.academic_year.name if found.academic_year else "",
            "year_group": found.year_group,
            "class": found.class_name,
            "groups": len(found.rows),
            "pupils": found.pupils_reached,
            **extra,
        }
    )


def _map_context(request: HttpRequest) -> dict:
    today = timezone.localdate()
    found = provision_map(school=request.school, on=today, params=request.GET)
    return {
        "map": found,
        "today": today,
        "query": request.GET.urlencode(),
        "threshold": notional_sen_threshold(),
    }


@school_view(Cap.PROVISION_MAP)
@audited("provision.map.viewed")
@require_safe
def map_page(request: HttpRequest) -> HttpResponse:
    context = _map_context(request)
    _note_map(request, context["map"])
    return render(request, "provision/map/map.html", context)


@school_view(Cap.PROVISION_MAP)
@audited("provision.map.printed")
@require_safe
def map_print(request: HttpRequest) -> HttpResponse:
    context = _map_context(request)
    _note_map(request, context["map"], format="html")
    return render(request, "provision/map/print.html", context)


def pdf_filename(*, school: School, found: ProvisionMap) -> str:
    """provision-map-acorn-autumn-2026-27[-year-3][-class-3b].pdf"""
    parts = ["provision-map", school.slug]
    if found.term and found.academic_year:
        start = found.academic_year.starts_on.year
        parts += [found.term.season, f"{start}-{(start + 1) % 100:02d}"]
    parts += [p for p in (found.year_label, found.class_name) if p]
    return slugify("-".join(parts)) + ".pdf"


@school_view(Cap.PROVISION_MAP)
@audited("provision.map.printed")
@require_safe
def map_pdf(request: HttpRequest) -> HttpResponse:
    context = _map_context(request)
    found = context["map"]
    response = pdf_response(
        request,
        "provision/map/print.html",
        context,
        filename=pdf_filename(school=request.school, found=found),
    )
    _note_map(request, found, format="pdf")
    return response


@school_view(Cap.PROVISION_MAP)
@audited("provision.pupil_costs_viewed")
@require_safe
def pupil_provision(request: HttpRequest, public_id) -> HttpResponse:
    today = timezone.localdate()
    pupil = pupil_or_404(request, public_id)
    data = pupil_provision_data(school=request.school, pupil=pupil, on=today)
    return render(
        request,
        "provision/map/pupil.html",
        {"pupil": pupil, "today": today, **data},
    )
