"""The LA's consultations about naming the school in a child's EHC plan: the school's 15 days
(Code 9.79, `rules.consultation_due`)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from staff.capabilities import Cap
from staff.http import audit_note, audited, form_data, save_form
from staff.tenancy import school_view

from .. import selectors, services
from ..forms import ConsultationForm, long_date
from ..models import SchoolConsultation
from ._access import GET_POST, consultation_or_404, form_page, today


@school_view(Cap.EHCP_TRACKER)
@audited("ehcp.consultations_viewed")
@require_safe
def consultation_list(request: HttpRequest) -> HttpResponse:
    page = selectors.consultations_page(school=request.school, today=today())
    context = {**page, "can_manage": request.access.can(Cap.EHCP_MANAGE)}
    return render(request, "ehcp/consultations.html", context)


@school_view(Cap.EHCP_TRACKER)
@audited("ehcp.consultation_viewed")
@require_safe
def consultation_detail(request: HttpRequest, public_id) -> HttpResponse:
    found = consultation_or_404(request, public_id)
    audit_note(request).detail["consultation"] = str(found.public_id)
    row = selectors.consultation_row(found, today())
    context = {"row": row, "found": found, "can_manage": request.access.can(Cap.EHCP_MANAGE)}
    return render(request, "ehcp/consultation_detail.html", context)


def _recorded(saved: SchoolConsultation) -> str:
    due = selectors.consultation_row(saved, today()).due
    if saved.responded_on:
        return "The school's answer is recorded."
    return f"Consultation recorded. The school's answer is due by {long_date(due)}."


@school_view(Cap.EHCP_MANAGE)
@GET_POST
def consultation_new(request: HttpRequest) -> HttpResponse:
    return _edit(request, None)


@school_view(Cap.EHCP_MANAGE)
@GET_POST
def consultation_edit(request: HttpRequest, public_id) -> HttpResponse:
    return _edit(request, consultation_or_404(request, public_id))


def _edit(request: HttpRequest, found: SchoolConsultation | None) -> HttpResponse:
    form = ConsultationForm(form_data(request), school=request.school, instance=found)
    fields = {"access": request.access, "today": today(), "consultation": found}
    saved = save_form(
        request,
        form,
        lambda _: services.consultation_save(**fields, **form.model_fields()),
        success=_recorded,
    )
    if saved:
        return redirect("ehcp:consultation", request.school.slug, saved.result.public_id)
    back = reverse("ehcp:consultations", args=[request.school.slug])
    return form_page(
        request,
        form,
        title="The LA's consultation about naming the school",
        back_url=back,
        back_label="Back to the consultations",
        intro="The LA asks the school whether it can meet a child's needs before naming it in an "
        "EHC plan. The school has 15 days to answer.",
        no_authorities=not selectors.has_authorities(school=request.school),
        submit_label="Save",
    )
