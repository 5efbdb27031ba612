"""What the EHC form pages say: titles, introductions, back links and the messages after a save,
one small helper a page, so each view reads access → form → service → redirect or page. Texts
in an LA's own timescales come from `ehcp.rules`."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from agencies.selectors import reports_for_pupil
from register.models import Pupil
from register.selectors import layer_now, views_given_for
from staff.capabilities import Cap

from .. import rules, selectors, services
from ..forms import AdviceRequestForm, MeetingForm, long_date
from ..models import Advice, AnnualReview, AssessmentRequest, EhcPlan, PlanVersion
from ._access import finished, form_page, may_download, plan_url, review_url, today

# --------------------------------------------------------------------------------------------------
# The plan, its versions, outcomes and provision
# --------------------------------------------------------------------------------------------------


def _on_plan(request: HttpRequest, form, pupil: Pupil, **context) -> HttpResponse:
    """A form page that goes back to the pupil's plan."""
    return form_page(
        request,
        form,
        back_url=plan_url(request, pupil),
        back_label=f"Back to {pupil.name}'s EHC plan",
        **context,
    )


def already_active(pupil: Pupil) -> str:
    return f"{pupil.name} already has an active EHC plan: record an amended version instead."


def plan_recorded(pupil: Pupil) -> str:
    return (
        f"EHC plan recorded for {pupil.name}. Add the outcomes (section E) and the provision "
        "(section F)."
    )


def plan_new(request: HttpRequest, form, pupil: Pupil) -> HttpResponse:
    return _on_plan(
        request,
        form,
        pupil,
        title=f"Record an EHC plan: {pupil.name}",
        intro="The plan as the local authority issued it. Outcomes (section E) and provision "
        "(section F) are added one by one on the plan's page.",
        no_authorities=not selectors.has_authorities(school=request.school),
        submit_label="Record the plan",
    )


def version_edit(request: HttpRequest, form, pupil: Pupil, version: PlanVersion) -> HttpResponse:
    return _on_plan(
        request,
        form,
        pupil,
        title=f"Sections of version {version.number}: {pupil.name}",
        intro="Correct the sections so they match the plan the LA issued. When the LA issues an "
        "amended plan, record it as a new version instead: this one is then kept as it was.",
        submit_label="Save the sections",
    )


def amended(new: PlanVersion) -> str:
    return (
        f"Version {new.number} recorded as a copy of version {new.number - 1}: change its "
        "sections, outcomes and provision to match the plan the LA issued. Version "
        f"{new.number - 1} is kept as it was."
    )


def version_amend(request: HttpRequest, form, pupil: Pupil) -> HttpResponse:
    return _on_plan(
        request,
        form,
        pupil,
        title=f"Record an amended plan: {pupil.name}",
        intro="The new version starts as a copy of the current one (sections, outcomes and "
        "provision); the current version stays readable as it was.",
        submit_label="Record the new version",
    )


def ended(plan: EhcPlan) -> str:
    return (
        f"The plan is recorded as {plan.get_status_display().lower()} on "
        f"{long_date(plan.ended_on)}. It stays readable."
    )


def plan_end(request: HttpRequest, form, pupil: Pupil) -> HttpResponse:
    return _on_plan(
        request,
        form,
        pupil,
        title=f"End the EHC plan: {pupil.name}",
        intro="When the LA ceases the plan, or it moves to another authority. The plan and its "
        "reviews stay readable.",
        submit_label="End the plan",
    )


def transfer_settings(request: HttpRequest, form, back: str) -> HttpResponse:
    return form_page(
        request,
        form,
        title="The school's age range",
        intro="The year groups the school teaches decide who moves to another phase at the end "
        "of the year (regulation 18): the oldest year group moves on, and the final nursery "
        "year moves into Reception.",
        submit_label="Save",
        back_url=back,
        back_label="Back to phase transfers",
    )


def post_16_move(request: HttpRequest, form, pupil: Pupil) -> HttpResponse:
    return _on_plan(
        request,
        form,
        pupil,
        title=f"Planned move to another post-16 setting: {pupil.name}",
        intro="When a young person moves from one post-16 institution to another, the LA must "
        "review the plan and amend it to name the next one at least 5 months before the move "
        "(regulation 18(2)): by 31 March for a move on 1 September.",
        submit_label="Save the planned move",
    )


def post_16_move_saved(plan: EhcPlan) -> str:
    if plan.post_16_move_on is None:
        return "The planned post-16 move was removed."
    return (
        f"Planned move on {long_date(plan.post_16_move_on)} saved: the amended plan is due "
        "5 months before it."
    )


def outcome(request: HttpRequest, form, pupil: Pupil, position: int | None) -> HttpResponse:
    """A section E outcome: the one at `position`, or a new one (None)."""
    return _on_plan(
        request,
        form,
        pupil,
        title=f"Outcome {position}" if position else "Add an outcome (section E)",
        subtitle=pupil.name,
        intro="An outcome the plan seeks, with the shorter-term interim targets towards it.",
        submit_label="Save the outcome",
    )


def provision(request: HttpRequest, form, pupil: Pupil, position: int | None) -> HttpResponse:
    """A section F provision item: the one at `position`, or a new one (None)."""
    return _on_plan(
        request,
        form,
        pupil,
        title=f"Provision item {position}" if position else "Add provision (section F)",
        subtitle=pupil.name,
        intro="Special educational provision must be specific and quantified. Link the group "
        "of the provision map that delivers it to compare the hours planned with the sessions "
        "attended.",
        submit_label="Save the provision",
    )


# --------------------------------------------------------------------------------------------------
# Annual reviews
# --------------------------------------------------------------------------------------------------


def _on_review(request: HttpRequest, form, review: AnnualReview, **context) -> HttpResponse:
    """A form page that goes back to the review."""
    return form_page(
        request,
        form,
        back_url=review_url(request, review),
        back_label="Back to the review",
        **context,
    )


def _schedule_intro(line: selectors.ReviewLine) -> str:
    intro = f"The {line.window_label} ends on {long_date(line.due_by)}."
    if line.window and line.window.suggested_by:
        intro += f" A review is suggested by {long_date(line.window.suggested_by)} (3 months)."
    if line.transfer:
        intro += f" Phase transfer ({line.transfer.label})."
    if line.overdue(today()):  # no review yet: its next step is to meet by latest_meeting
        intro += (
            f" The latest date to meet was {long_date(line.latest_meeting)}: the review is "
            "overdue, so hold it as soon as you can."
        )
    return intro


def scheduled(review: AnnualReview) -> str:
    return (
        f"Annual review scheduled for {long_date(review.meeting_on)}. Request advice and send "
        "the invitations."
    )


def review_new(
    request: HttpRequest, form, pupil: Pupil, line: selectors.ReviewLine
) -> HttpResponse:
    return _on_plan(
        request,
        form,
        pupil,
        title=f"Schedule the annual review: {pupil.name}",
        intro=_schedule_intro(line),
        submit_label="Schedule the review",
    )


def moved(request: HttpRequest, warnings: list[str], meeting_on) -> None:
    """The messages after a meeting is moved: any warnings about notice, then the new date."""
    for warning in warnings:
        messages.warning(request, warning)
    messages.success(request, f"The meeting is now on {long_date(meeting_on)}.")


def review_reschedule(request: HttpRequest, form, review: AnnualReview) -> HttpResponse:
    return _on_review(
        request,
        form,
        review,
        title=f"Move the review meeting: {review.plan.pupil.name}",
        intro=f"The meeting is on {long_date(review.meeting_on)}. Everyone invited must have at "
        "least 2 weeks' notice of the new date.",
        submit_label="Move the meeting",
    )


def mediation(request: HttpRequest, form, review: AnnualReview) -> HttpResponse:
    return _on_review(
        request,
        form,
        review,
        title=f"Mediation certificate: {review.plan.pupil.name}",
        intro="Parents (or the young person) must contact a mediation adviser before they appeal, "
        "unless the appeal is only about the school named. A certificate can move the last day "
        "to appeal to 1 month from its date, when that is later than 2 months from the LA's "
        "decision.",
        submit_label="Save the date",
    )


def review_step(
    request: HttpRequest, form, review: AnnualReview, step: str, lead: rules.LeadTimes
) -> HttpResponse:
    """The form of one review step, with what the law and the LA's timescales ask of it."""
    pupil = review.plan.pupil
    return render(
        request,
        "ehcp/step_form.html",
        {
            "form": form,
            "review": review,
            "pupil": pupil,
            "step": step,
            "title": rules.STEP_TITLES[step],
            "intro": rules.step_intro(step, lead),
            "from_year_9": rules.from_year_9(pupil.year_group),
        },
    )


# --------------------------------------------------------------------------------------------------
# Advice
# --------------------------------------------------------------------------------------------------


def who(advice: Advice) -> str:
    return advice.name or advice.get_contributor_display()


def advice_request(request: HttpRequest, form, review: AnnualReview) -> HttpResponse:
    return _on_review(
        request,
        form,
        review,
        title=f"Request advice: {review.plan.pupil.name}",
        intro=rules.advice_request_intro(rules.LeadTimes.of(review.plan.authority)),
        submit_label="Record the request",
    )


def advice_receive(request: HttpRequest, form, advice: Advice) -> HttpResponse:
    return _on_review(
        request,
        form,
        advice.review,
        title=f"Advice received from {who(advice)}",
        subtitle=advice.review.plan.pupil.name,
        intro=f"Requested on {long_date(advice.requested_on)}." if advice.requested_on else "",
        multipart=True,
        submit_label="Save the advice",
        current_document=advice.document_name,
    )


def advice_submit(request: HttpRequest, form, review: AnnualReview) -> HttpResponse:
    return _on_review(
        request,
        form,
        review,
        title=f"Your advice for the annual review: {review.plan.pupil.name}",
        intro=f"The review meeting is on {long_date(review.meeting_on)}. Your advice is "
        "circulated to everyone invited before it.",
        multipart=True,
        submit_label="Add my advice",
    )


# --------------------------------------------------------------------------------------------------
# Needs-assessment requests
# --------------------------------------------------------------------------------------------------


def request_new(request: HttpRequest, form, pupil: Pupil) -> HttpResponse:
    return form_page(
        request,
        form,
        title=f"Needs assessment request: {pupil.name}",
        back_url=reverse("register:pupil", args=[request.school.slug, pupil.public_id]),
        back_label=f"Back to {pupil.name}",
        intro="A request for an EHC needs assessment. The LA's clock starts on the day it "
        "receives the request.",
        no_authorities=not selectors.has_authorities(school=request.school),
        submit_label="Record the request",
    )


def request_edit(request: HttpRequest, form, found: AssessmentRequest) -> HttpResponse:
    return form_page(
        request,
        form,
        title=f"The LA's answers: {found.pupil.name}",
        back_url=reverse("ehcp:request", args=[request.school.slug, found.public_id]),
        back_label="Back to the request",
        intro="Record what the LA has decided and when, as its letters arrive.",
        submit_label="Save",
    )


# --------------------------------------------------------------------------------------------------
# The plan's page and the review's page
# --------------------------------------------------------------------------------------------------


def _plan_context(request: HttpRequest, page: selectors.PlanPage) -> dict:
    can_manage, review = request.access.can(Cap.EHCP_MANAGE), page.line.review
    return {
        "can_manage": can_manage,
        "can_edit": can_manage and page.plan.is_active and page.is_current,
        "can_schedule": can_manage and page.plan.is_active and review is None,
        "can_advise": request.access.can(Cap.EHCP_ADVICE)
        and review is not None
        and not review.held_on,
        "can_track": request.access.can(Cap.EHCP_TRACKER),
        # A young person in a post-16 year may move between post-16 settings (reg. 18(2)).
        "post_16": rules.post_16_year(page.plan.pupil.year_group),
        "appeal_note": rules.appeal_note(page.line.appeal) if page.line.appeal else "",
    }


def plan_detail(request: HttpRequest, pupil: Pupil, page: selectors.PlanPage) -> HttpResponse:
    """The plan's page: the version shown, its outcomes and provision, and what the person may
    do."""
    return render(
        request,
        "ehcp/plan_detail.html",
        {
            **vars(page),
            "current": page.current,
            "is_current": page.is_current,
            "pupil": pupil,
            "today": today(),
            "from_year_9": rules.from_year_9(pupil.year_group),
            "layer": layer_now(pupil=pupil, on=today()),
            "can_change_layer": request.access.can(Cap.REGISTER_MANAGE),
            **_plan_context(request, page),
        },
    )


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
        "reschedule_form": MeetingForm(initial=meeting, auto_id="reschedule_%s", edits=review)
        if manage_open
        else None,
        "advice_form": AdviceRequestForm(initial={"requested_on": today()}, auto_id="advice_%s")
        if manage_open
        else None,
        "agency_reports": _agency_reports(request, page) if can_manage and not done else [],
    }


def _agency_reports(request: HttpRequest, page: selectors.ReviewPage) -> list:
    """The pupil's reports from outside agencies not yet advice for this review (one query), to
    add in one step; only for those who run the review (a teacher never reads them here)."""
    added = {a.agency_report_id for a in page.advice}
    found = reports_for_pupil(school=request.school, pupil=page.review.plan.pupil)
    return [row for row in found if row.report.pk not in added]


def step_initial(review: AnnualReview) -> dict:
    """A step's form starts from today; the meeting's record from the views already accepted
    into the review (families), which are there to keep, not to retype."""
    return {"on": today(), "pupil_views": review.pupil_views, "parent_views": review.parent_views}


def review_detail(
    request: HttpRequest, review: AnnualReview, page: selectors.ReviewPage
) -> HttpResponse:
    """The review's page: its steps, the advice asked and given, the progress towards each
    outcome, and what the person may do."""
    pupil = review.plan.pupil
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
            "appeal_note": rules.appeal_note(page.line.appeal) if page.line.appeal else "",
            "advice": [(a, bool(a.document) and may_download(request, a)) for a in page.advice],
            "outcomes": [(o, page.progress.get(o.pk)) for o in page.outcomes],
            "today": today(),
            "from_year_9": rules.from_year_9(pupil.year_group),
            # Views given by parents and the pupil (issue 19): the newest few, one query.
            "views_given": views_given_for(school=request.school, pupil=pupil),
            "can_accept_views": request.access.can(Cap.VOICE_ACCEPT),
            **_actions(request, page),
        },
    )
