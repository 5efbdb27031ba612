"""Needs-assessment requests and the LA's clock (`rules.assessment_steps`)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from register.access import pupil_or_404
from staff.capabilities import Cap
from staff.http import audit_note, audited, form_data, note_subject, save_form
from staff.tenancy import school_view

from .. import rules, selectors, services
from ..forms import RequestForm, long_date
from ..models import AssessmentRequest
from . import _pages as pages
from ._access import GET_POST, request_or_404, today


@school_view(Cap.EHCP_TRACKER)
@audited("ehcp.requests_viewed")
@require_safe
def request_list(request: HttpRequest) -> HttpResponse:
    rows = selectors.requests_page(school=request.school, today=today())
    return render(
        request,
        "ehcp/requests.html",
        {
            "rows": rows,
            "today": today(),
            "overdue": sum(1 for row in rows if row.overdue),
            "can_manage": request.access.can(Cap.EHCP_MANAGE),
        },
    )


def _recorded(saved: AssessmentRequest) -> str:
    steps = rules.assessment_steps(selectors.assessment_facts(saved))
    reassess = saved.kind == AssessmentRequest.Kind.REASSESSMENT
    what = "Re-assessment" if reassess else "Needs assessment"
    if steps[0].key != "decision":  # the LA's own re-assessment: the final plan's date
        due = long_date(steps[-1].due)
        return f"{what} for {saved.pupil.name} recorded. The final plan is due by {due}."
    return (
        f"{what} request for {saved.pupil.name} recorded. The LA must answer by "
        f"{long_date(steps[0].due)}."
    )


@school_view(Cap.EHCP_MANAGE)
@GET_POST
def request_new(request: HttpRequest, public_id) -> HttpResponse:
    pupil = pupil_or_404(request, public_id)
    kind = AssessmentRequest.Kind
    initial = {
        "kind": kind.REASSESSMENT if selectors.has_active_plan(pupil=pupil) else kind.ASSESSMENT
    }
    form = RequestForm(form_data(request), school=request.school, answers=False, initial=initial)
    saved = save_form(
        request,
        form,
        lambda _: services.request_save(
            access=request.access, today=today(), pupil=pupil, **form.model_fields()
        ),
        success=_recorded,
    )
    if saved:
        return redirect("ehcp:request", request.school.slug, saved.result.public_id)
    return pages.request_new(request, form, pupil)


@school_view(Cap.EHCP_TRACKER)
@audited("ehcp.request_viewed")
@require_safe
def request_detail(request: HttpRequest, public_id) -> HttpResponse:
    found = request_or_404(request, public_id)
    pupil = found.pupil
    note_subject(request, pupil, pupil_public_id=pupil.public_id)
    audit_note(request).detail["request"] = str(found.public_id)  # not a keyword: `request`
    appeal = selectors.request_appeal(found)
    return render(
        request,
        "ehcp/request_detail.html",
        {
            "found": found,
            "pupil": pupil,
            "clock": selectors.request_clock(found, today()),
            "appeal": appeal,
            "appeal_note": rules.appeal_note(appeal) if appeal else "",
            "can_manage": request.access.can(Cap.EHCP_MANAGE),
        },
    )


@school_view(Cap.EHCP_MANAGE)
@GET_POST
def request_edit(request: HttpRequest, public_id) -> HttpResponse:
    found = request_or_404(request, public_id)
    form = RequestForm(form_data(request), school=request.school, answers=True, instance=found)
    saved = save_form(
        request,
        form,
        lambda _: services.request_save(
            access=request.access, today=today(), request=found, **form.model_fields()
        ),
        success="The request's clock is updated.",
    )
    if saved:
        return redirect("ehcp:request", request.school.slug, found.public_id)
    return pages.request_edit(request, form, found)
