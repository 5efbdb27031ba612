"""Annual reviews: scheduling one, its page, moving its meeting and recording its steps."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from register.access import pupil_or_404
from staff.capabilities import Cap
from staff.http import audited, form_data, note_subject, save_form
from staff.tenancy import school_view

from .. import rules, selectors, services
from ..forms import MediationForm, MeetingForm, StepForm, long_date
from . import _pages as pages
from ._access import (
    FINISHED,
    GET_POST,
    closed_for_advice,
    finished,
    plan_or_404,
    review_or_404,
    to_plan,
    to_review,
    today,
)


@school_view(Cap.EHCP_MANAGE)
@GET_POST
def review_new(request: HttpRequest, public_id) -> HttpResponse:
    pupil = pupil_or_404(request, public_id)
    found = plan_or_404(pupil)
    if not found.is_active:
        return to_plan(request, pupil, "This plan has ended: it has no more reviews.")
    plan, line = selectors.plan_with_line(found, today=today())
    if line.review is not None:
        messages.info(request, "This plan already has a review under way: finish it first.")
        return to_review(request, line.review)
    latest = line.latest_meeting
    initial = {"meeting_on": latest}
    form = MeetingForm(form_data(request), latest=latest, window=line.window_label, initial=initial)
    saved = save_form(
        request,
        form,
        lambda data: services.review_schedule(
            access=request.access, plan=plan, today=today(), **data
        ),
        success=pages.scheduled,
    )
    if saved:
        return to_review(request, saved.result)
    return pages.review_new(request, form, pupil, line)


@school_view(Cap.EHCP_VIEW)
@audited("ehcp.review_viewed")
@require_safe
def review_detail(request: HttpRequest, public_id) -> HttpResponse:
    review = review_or_404(request, public_id)
    page = selectors.review_page(review=review, today=today())
    pupil = review.plan.pupil
    note_subject(request, pupil, pupil_public_id=pupil.public_id, review=str(review.public_id))
    return pages.review_detail(request, review, page)


@school_view(Cap.EHCP_MANAGE)
@GET_POST
def review_reschedule(request: HttpRequest, public_id) -> HttpResponse:
    review = review_or_404(request, public_id)
    closed = closed_for_advice(review)
    if closed:
        return to_review(request, review, closed)
    meeting = {"meeting_on": review.meeting_on, "place": review.meeting_place}
    form = MeetingForm(form_data(request), initial=meeting, edits=review)
    saved = save_form(
        request,
        form,
        lambda data: services.review_reschedule(access=request.access, review=review, **data),
    )
    if saved:
        pages.moved(request, saved.result, form.cleaned_data["meeting_on"])
        return to_review(request, review)
    return pages.review_reschedule(request, form, review)


@school_view(Cap.EHCP_MANAGE)
@GET_POST
def review_mediation(request: HttpRequest, public_id) -> HttpResponse:
    review = review_or_404(request, public_id)
    if review.la_decision not in (rules.MAINTAIN, rules.CEASE) or not review.la_decision_on:
        return to_review(
            request,
            review,
            "A mediation certificate follows an LA decision not to amend the plan, or to cease it.",
        )
    form = MediationForm(form_data(request), instance=review)
    saved = save_form(
        request,
        form,
        lambda data: services.mediation_save(
            access=request.access, review=review, today=today(), **data
        ),
        success="The mediation certificate's date is saved: the appeal window follows it.",
    )
    if saved:
        return to_review(request, review)
    return pages.mediation(request, form, review)


@school_view(Cap.EHCP_MANAGE)
@GET_POST
def review_step(request: HttpRequest, public_id, step: str) -> HttpResponse:
    if step not in rules.STEP_TITLES:
        raise Http404("No such step.")
    review = review_or_404(request, public_id)
    if finished(review):
        return to_review(request, review, FINISHED)
    lead = rules.LeadTimes.of(review.plan.authority)
    outcomes = selectors.outcomes_of(review.version) if step == rules.HELD else []
    initial = pages.step_initial(review)
    form = StepForm(form_data(request), step=step, outcomes=outcomes, initial=initial)
    saved = save_form(
        request,
        form,
        lambda _: services.review_step(
            access=request.access, review=review, step=step, today=today(), **form.service_kwargs()
        ),
        success=lambda done: rules.step_done_message(
            step, when=long_date(form.cleaned_data["on"]), decision=done.la_decision, lead=lead
        ),
    )
    if saved and step == rules.AMENDED:
        return to_plan(request, review.plan.pupil)
    if saved:
        return to_review(request, saved.result)
    return pages.review_step(request, form, review, step, lead)
