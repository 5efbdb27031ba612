"""What every EHC view shares: the object and the person's right to see it, in one step (404
otherwise), where to go back to, and the plain form page."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from register.access import pupil_or_404
from register.models import Pupil
from staff.capabilities import Cap
from staff.http import note_subject

from .. import rules, selectors, services
from ..forms import long_date
from ..models import (
    Advice,
    AnnualReview,
    AssessmentRequest,
    EhcPlan,
    LocalAuthority,
    PlanOutcome,
    PlanVersion,
    ProvisionItem,
    SchoolConsultation,
)

GET_POST = require_http_methods(["GET", "POST"])
ENDED = "This plan has ended and can no longer be changed."
FINISHED = "This review is finished: nothing more can be recorded."


def today() -> date:
    return timezone.localdate()


def _found(found, what: str):
    if found is None:
        raise Http404(f"No such {what}.")
    return found


def plan_or_404(pupil: Pupil) -> EhcPlan:
    """The pupil's active plan, or the most recent ended one."""
    plan = selectors.plan_of(pupil=pupil)
    if plan is None:
        raise Http404("This pupil has no EHC plan.")
    return plan


def _about(request: HttpRequest, pupil: Pupil) -> None:
    """The pupil this page shows, for its audit (see `staff.http.audit_pupil_read`)."""
    note_subject(request, pupil, pupil_public_id=pupil.public_id)


def review_or_404(request: HttpRequest, public_id) -> AnnualReview:
    found = selectors.review_for(access=request.access, public_id=public_id, today=today())
    _about(request, _found(found, "review").plan.pupil)
    return found


def advice_or_404(request: HttpRequest, public_id) -> Advice:
    found = selectors.advice_for(access=request.access, public_id=public_id, today=today())
    _about(request, _found(found, "advice").review.plan.pupil)
    return found


def request_or_404(request: HttpRequest, public_id) -> AssessmentRequest:
    found = selectors.request_for(access=request.access, public_id=public_id, today=today())
    _about(request, _found(found, "request").pupil)
    return _found(found, "request")


def consultation_or_404(request: HttpRequest, public_id) -> SchoolConsultation:
    found = selectors.consultation_for(school=request.school, public_id=public_id)
    return _found(found, "consultation")


def authority_or_404(request: HttpRequest, pk: int) -> LocalAuthority:
    return _found(selectors.authority_for(school=request.school, pk=pk), "local authority")


def outcome_or_404(request: HttpRequest, pk: int) -> PlanOutcome:
    found = _found(selectors.outcome_for(school=request.school, pk=pk), "outcome")
    _about(request, found.version.plan.pupil)
    return found


def provision_item_or_404(request: HttpRequest, pk: int) -> ProvisionItem:
    found = _found(selectors.provision_item_for(school=request.school, pk=pk), "provision item")
    _about(request, found.version.plan.pupil)
    return found


def current_version(request: HttpRequest, public_id) -> tuple[Pupil, PlanVersion | None]:
    """The pupil and their plan's current version (None once the plan has ended)."""
    pupil = pupil_or_404(request, public_id)
    plan = plan_or_404(pupil)
    version = services.latest_version(plan)
    if not plan.is_active or version is None:
        return pupil, None
    version.plan = plan
    return pupil, version


def may_download(request: HttpRequest, advice: Advice) -> bool:
    """The advice's document: for those who run reviews, or the person who gave it."""
    return request.access.can(Cap.EHCP_TRACKER) or advice.submitted_by_id == request.user.pk


def finished(review: AnnualReview) -> bool:
    return rules.finished(services.facts(review, advice_requested=0))


def closed_for_advice(review: AnnualReview) -> str:
    """Why the review no longer takes advice or a new date ("" when it does)."""
    if finished(review):
        return FINISHED
    if review.held_on:
        return f"The meeting was held on {long_date(review.held_on)}: it is too late for that."
    return ""


# --------------------------------------------------------------------------------------------------
# Where to go next
# --------------------------------------------------------------------------------------------------


def plan_url(request: HttpRequest, pupil: Pupil) -> str:
    return reverse("ehcp:plan", args=[request.school.slug, pupil.public_id])


def review_url(request: HttpRequest, review: AnnualReview) -> str:
    return reverse("ehcp:review", args=[request.school.slug, review.public_id])


def to_plan(request: HttpRequest, pupil: Pupil, warning: str = "") -> HttpResponse:
    if warning:
        messages.warning(request, warning)
    return redirect(plan_url(request, pupil))


def to_review(request: HttpRequest, review: AnnualReview, warning: str = "") -> HttpResponse:
    if warning:
        messages.warning(request, warning)
    return redirect(review_url(request, review))


def form_page(request: HttpRequest, form, *, title: str, back_url: str, **context):
    """The plain form page shared by most writes."""
    return render(
        request,
        "ehcp/form.html",
        {"form": form, "title": title, "back_url": back_url, **context},
    )
