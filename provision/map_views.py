"""The provision map (by term, year group and class; on screen, printed and as a PDF) and one
pupil's costed provision. The reads are in `map_selectors`, the costs in `costing`. Every page
names pupils, so every page is audited (`staff.http.audited`).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_http_methods, require_safe

from register.access import pupil_or_404
from staff.capabilities import Cap
from staff.http import audit_note, audited, form_data, save_form
from staff.models import School
from staff.pdf import pdf_response
from staff.tenancy import school_view

from . import manage_services as services
from .map_forms import CostedItemForm
from .map_selectors import ProvisionMap, costed_item_for, provision_map, pupil_provision_data
from .rules import notional_sen_threshold


def _note_map(request: HttpRequest, found: ProvisionMap, **extra) -> None:
    """One event per page: which term and filter, and how many groups and pupils it showed."""
    audit_note(request).detail.update(
        {
            "term": found.term.season if found.term else "",
            "academic_year": found.academic_year.name if found.academic_year else "",
            "year_group": found.year_group,
            "class": found.class_name,
            "groups": found.groups,
            "pupils": found.pupils_reached,
            **extra,
        }
    )


def _map_context(request: HttpRequest, *, paginate: bool = False) -> dict:
    """The map asked for: one page of its groups on screen, every group printed."""
    today = timezone.localdate()
    found = provision_map(school=request.school, on=today, params=request.GET, paginate=paginate)
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "map": found,
        "today": today,
        "query": query.urlencode(),
        "threshold": notional_sen_threshold(),
    }


@school_view(Cap.PROVISION_MAP)
@audited("provision.map.viewed")
@require_safe
def map_page(request: HttpRequest) -> HttpResponse:
    context = _map_context(request, paginate=True)
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
    can_manage = request.access.can(Cap.PROVISION_MANAGE)
    context = {"pupil": pupil, "today": today, "can_manage": can_manage, **data}
    return render(request, "provision/map/pupil.html", context)


# --------------------------------------------------------------------------------------------------
# A pupil's costed provision besides groups: the SENDCo adds, changes and removes items
# --------------------------------------------------------------------------------------------------


def _back(request: HttpRequest, pupil) -> str:
    return reverse("provision_map:pupil_provision", args=[request.school.slug, pupil.public_id])


def _item_page(request: HttpRequest, pupil, form, item=None) -> HttpResponse:
    context = {"pupil": pupil, "form": form, "item": item, "back_url": _back(request, pupil)}
    status = 400 if form.errors else 200
    return render(request, "provision/map/item_form.html", context, status=status)


@school_view(Cap.PROVISION_MANAGE)
@audited("provision.costed_item.form_viewed")
@require_http_methods(["GET", "POST"])
def item_new(request: HttpRequest, public_id) -> HttpResponse:
    pupil = pupil_or_404(request, public_id)
    form = CostedItemForm(form_data(request), school=request.school)
    saved = save_form(
        request,
        form,
        lambda data: services.costed_item_create(
            access=request.access, pupil=pupil, fields=form.model_fields()
        ),
        success=lambda item: f"{item.get_kind_display()} added to {pupil.name}'s provision.",
    )
    if saved:
        return redirect(_back(request, pupil))
    return _item_page(request, pupil, form)


@school_view(Cap.PROVISION_MANAGE)
@audited("provision.costed_item.form_viewed")
@require_http_methods(["GET", "POST"])
def item_edit(request: HttpRequest, public_id, item_id) -> HttpResponse:
    pupil = pupil_or_404(request, public_id)
    item = costed_item_for(school=request.school, pupil=pupil, public_id=item_id)
    if item is None:
        raise Http404("No such item.")
    if request.method == "POST" and "remove" in request.POST:
        services.costed_item_remove(access=request.access, item=item)
        messages.success(request, f"{item.description} removed from {pupil.name}'s provision.")
        return redirect(_back(request, pupil))
    form = CostedItemForm(form_data(request), school=request.school, instance=item)
    fields = form.model_fields
    saved = save_form(
        request,
        form,
        lambda data: services.costed_item_update(access=request.access, item=item, fields=fields()),
        success=f"{pupil.name}'s provision saved.",
    )
    return redirect(_back(request, pupil)) if saved else _item_page(request, pupil, form, item)
