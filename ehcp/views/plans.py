"""A pupil's EHC plan: its versions, section E outcomes and section F provision, and its end."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from register.access import pupil_or_404
from register.models import Pupil
from staff.capabilities import Cap
from staff.http import audited, form_data, note_subject, save_form
from staff.tenancy import school_view

from .. import selectors, services
from ..forms import (
    AmendForm,
    OutcomeForm,
    PlanEndForm,
    Post16MoveForm,
    ProvisionForm,
    VersionForm,
)
from ..models import PlanOutcome, PlanVersion, ProvisionItem
from . import _pages as pages
from ._access import (
    ENDED,
    GET_POST,
    current_version,
    outcome_or_404,
    plan_or_404,
    plan_url,
    provision_item_or_404,
    to_plan,
    today,
)


def _no_plan(request: HttpRequest, pupil: Pupil) -> HttpResponse:
    note_subject(request, pupil, plan=None)
    can_track = request.access.can(Cap.EHCP_TRACKER)
    return render(
        request,
        "ehcp/plan_none.html",
        {
            "pupil": pupil,
            "requests": selectors.requests_of(pupil=pupil) if can_track else [],
            "can_manage": request.access.can(Cap.EHCP_MANAGE),
        },
    )


@school_view(Cap.EHCP_VIEW)
@audited("ehcp.plan_viewed")
@require_safe
def plan_detail(request: HttpRequest, public_id) -> HttpResponse:
    pupil = pupil_or_404(request, public_id)
    found = selectors.plan_of(pupil=pupil)
    if found is None:
        return _no_plan(request, pupil)
    page = selectors.plan_page(
        school=request.school, plan=found, today=today(), version=request.GET.get("version")
    )
    note_subject(request, pupil, version=page.shown.number)
    return pages.plan_detail(request, pupil, page)


@school_view(Cap.EHCP_MANAGE)
@GET_POST
def plan_new(request: HttpRequest, public_id) -> HttpResponse:
    pupil = pupil_or_404(request, public_id)
    if selectors.has_active_plan(pupil=pupil):
        messages.info(request, pages.already_active(pupil))
        return redirect(plan_url(request, pupil))
    form = VersionForm(form_data(request), school=request.school)
    saved = save_form(
        request,
        form,
        lambda data: services.plan_create(
            access=request.access,
            pupil=pupil,
            authority=data["authority"],
            issued_on=data["issued_on"],
            today=today(),
            **form.sections(),
        ),
        success=pages.plan_recorded(pupil),
    )
    if saved:
        return to_plan(request, pupil)
    return pages.plan_new(request, form, pupil)


@school_view(Cap.EHCP_MANAGE)
@GET_POST
def version_edit(request: HttpRequest, public_id) -> HttpResponse:
    pupil, version = current_version(request, public_id)
    if version is None:
        return to_plan(request, pupil, ENDED)
    form = VersionForm(form_data(request), instance=version)
    saved = save_form(
        request,
        form,
        lambda data: services.version_update(
            access=request.access, version=version, issued_on=data["issued_on"], **form.sections()
        ),
        success=f"Version {version.number} of the plan saved.",
    )
    if saved:
        return to_plan(request, pupil)
    return pages.version_edit(request, form, pupil, version)


@school_view(Cap.EHCP_MANAGE)
@GET_POST
def version_amend(request: HttpRequest, public_id) -> HttpResponse:
    pupil = pupil_or_404(request, public_id)
    plan = plan_or_404(pupil)
    if not plan.is_active:
        return to_plan(request, pupil, ENDED)
    form = AmendForm(form_data(request), initial={"issued_on": today()})
    saved = save_form(
        request,
        form,
        lambda data: services.version_amend(
            access=request.access, plan=plan, issued_on=data["issued_on"], kind=data["kind"]
        ),
        success=pages.amended,
    )
    if saved:
        return to_plan(request, pupil)
    return pages.version_amend(request, form, pupil)


@school_view(Cap.EHCP_MANAGE)
@GET_POST
def plan_end(request: HttpRequest, public_id) -> HttpResponse:
    pupil = pupil_or_404(request, public_id)
    plan = plan_or_404(pupil)
    if not plan.is_active:
        return to_plan(request, pupil, "This plan has already ended.")
    form = PlanEndForm(form_data(request), initial={"on": today()})
    saved = save_form(
        request,
        form,
        lambda data: services.plan_end(
            access=request.access, plan=plan, status=data["status"], on=data["on"], today=today()
        ),
        success=pages.ended,
    )
    if saved:
        return to_plan(request, pupil)
    return pages.plan_end(request, form, pupil)


@school_view(Cap.EHCP_MANAGE)
@GET_POST
def post_16_move(request: HttpRequest, public_id) -> HttpResponse:
    pupil = pupil_or_404(request, public_id)
    plan = plan_or_404(pupil)
    if not plan.is_active:
        return to_plan(request, pupil, ENDED)
    form = Post16MoveForm(form_data(request), instance=plan)
    saved = save_form(
        request,
        form,
        lambda data: services.post_16_move_save(
            access=request.access, plan=plan, today=today(), **data
        ),
        success=pages.post_16_move_saved,
    )
    if saved:
        return to_plan(request, pupil)
    return pages.post_16_move(request, form, pupil)


# --------------------------------------------------------------------------------------------------
# Section E outcomes and section F provision of the current version
# --------------------------------------------------------------------------------------------------


def _outcome_page(request, pupil: Pupil, version: PlanVersion, outcome: PlanOutcome | None):
    locked = services.version_locked_reason(version)
    if locked:
        return to_plan(request, pupil, locked)
    form = OutcomeForm(form_data(request), instance=outcome)
    saved = save_form(
        request,
        form,
        lambda _: services.outcome_save(
            access=request.access, version=version, row=outcome, **form.model_fields()
        ),
        success=lambda saved: f"Outcome {saved.position} saved.",
    )
    if saved:
        return to_plan(request, pupil)
    return pages.outcome(request, form, pupil, outcome.position if outcome else None)


@school_view(Cap.EHCP_MANAGE)
@GET_POST
def outcome_new(request: HttpRequest, public_id) -> HttpResponse:
    pupil, version = current_version(request, public_id)
    if version is None:
        return to_plan(request, pupil, ENDED)
    return _outcome_page(request, pupil, version, None)


@school_view(Cap.EHCP_MANAGE)
@GET_POST
def outcome_edit(request: HttpRequest, pk: int) -> HttpResponse:
    outcome = outcome_or_404(request, pk)
    return _outcome_page(request, outcome.version.plan.pupil, outcome.version, outcome)


def _provision_page(request, pupil: Pupil, version: PlanVersion, item: ProvisionItem | None):
    locked = services.version_locked_reason(version)
    if locked:
        return to_plan(request, pupil, locked)
    form = ProvisionForm(
        form_data(request), instance=item, version=version, school=request.school, pupil=pupil
    )
    saved = save_form(
        request,
        form,
        lambda _: services.provision_save(
            access=request.access, version=version, item=item, **form.model_fields()
        ),
        success=lambda saved: f"Provision item {saved.position} saved.",
    )
    if saved:
        return to_plan(request, pupil)
    return pages.provision(request, form, pupil, item.position if item else None)


@school_view(Cap.EHCP_MANAGE)
@GET_POST
def provision_new(request: HttpRequest, public_id) -> HttpResponse:
    pupil, version = current_version(request, public_id)
    if version is None:
        return to_plan(request, pupil, ENDED)
    return _provision_page(request, pupil, version, None)


@school_view(Cap.EHCP_MANAGE)
@GET_POST
def provision_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = provision_item_or_404(request, pk)
    return _provision_page(request, item.version.plan.pupil, item.version, item)
