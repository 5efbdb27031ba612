"""Annual reviews: scheduling one, its page, moving its meeting and recording its steps."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from register.access import pupil_or_404
from staff.capabilities import Cap
from staff.http import audited, form_data, note_subject, save_form
from staff.tenancy import school_view

from .. import rules, selectors, services
from ..forms import AdviceRequestForm, MeetingForm, StepForm, long_date
from . import _pages as pages
from ._access import (
    FINISHED,
    GET_POST,
    closed_for_advice,
    finished,
    may_download,
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
    form = MeetingForm(form_data(request), latest=latest, initial={"meeting_on": latest})
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


def _actions(request: HttpRequest, page: selectors.ReviewPage) -> dict:
    """What this person may do on the review's page, and the forms for it."""
    review = page.review
    done = finished(review)
    can_manage = request.access.can(Cap.EHCP_MANAGE)
    open_for_advice = not done and review.held_on is None
    requested = sum(1 for a in page.advice if a.requested_on)
    offered = rules.offered_steps(services.facts(review, advice_requested=requested))
    manage_open = can_manage and open_for_advice
    meeting = {"meeting_on": review.meeting_on, "place": review.meeting_place}
    return {
        "finished": done,
        "can_manage": can_manage,
        "open_for_advice": open_for_advice,
        "can_advise": open_for_advice and request.access.can(Cap.EHCP_ADVICE),
        "can_pack": request.access.can(Cap.EHCP_PACK),
        "next_steps": [(s, rules.STEP_TITLES[s]) for s in offered] if can_manage else [],
        "reschedule_form": MeetingForm(initial=meeting, auto_id="reschedule_%s")
        if manage_open
        else None,
        "advice_form": AdviceRequestForm(initial={"requested_on": today()}, auto_id="advice_%s")
        if manage_open
        else None,
    }


@school_view(Cap.EHCP_VIEW)
@audited("ehcp.review_viewed")
@require_safe
def review_detail(request: HttpRequest, public_id) -> HttpResponse:
    review = review_or_404(request, public_id)
    page = selectors.review_page(review=review, today=today())
    pupil = review.plan.pupil
    note_subject(request, pupil, pupil_public_id=pupil.public_id, review=str(review.public_id))
    return render(
        request,
        "ehcp/review_detail.html",
        {
            "review": review,
            "plan": review.plan,
            "pupil": pupil,
            "page": page,
            "line": page.line,
            "steps": [selectors.StepRow(s, s.overdue(today())) for s in page.line.steps],
            "advice": [(a, bool(a.document) and may_download(request, a)) for a in page.advice],
            "outcomes": [(o, page.progress.get(o.pk)) for o in page.outcomes],
            "today": today(),
            "from_year_9": rules.from_year_9(pupil.year_group),
            **_actions(request, page),
        },
    )


@school_view(Cap.EHCP_MANAGE)
@GET_POST
def review_reschedule(request: HttpRequest, public_id) -> HttpResponse:
    review = review_or_404(request, public_id)
    closed = closed_for_advice(review)
    if closed:
        return to_review(request, review, closed)
    meeting = {"meeting_on": review.meeting_on, "place": review.meeting_place}
    form = MeetingForm(form_data(request), initial=meeting)
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
def review_step(request: HttpRequest, public_id, step: str) -> HttpResponse:
    if step not in rules.STEP_TITLES:
        raise Http404("No such step.")
    review = review_or_404(request, public_id)
    if finished(review):
        return to_review(request, review, FINISHED)
    lead = rules.LeadTimes.of(review.plan.authority)
    outcomes = selectors.outcomes_of(review.version) if step == rules.HELD else []
    form = StepForm(form_data(request), step=step, outcomes=outcomes, initial={"on": today()})
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
