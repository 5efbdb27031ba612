"""Support plans: the graduated approach (Assess, Plan, Do, Review) page by page.

Views: access -> form -> service -> redirect or render. A pupil, cycle or target the person cannot
see is a 404 (like a missing one); a page their role may not open is a 403 (`school_view`). Every
write goes through `plans.services`, which refuses a reviewed (frozen) cycle; the edit pages say so
and go back to the plan instead of failing.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from agencies.access import report_or_404
from provision import selectors as provision_selectors
from register.access import pupil_or_404
from register.models import Pupil
from staff.capabilities import Cap
from staff.http import audit_note, audited, form_data, note_subject, run_action, save_form
from staff.tenancy import school_view

from . import pages, rules, selectors, services
from .forms import (
    AssessForm,
    ContributionForm,
    LeadForm,
    MeetingForm,
    PlanSectionForm,
    ReviewForm,
    TargetForm,
)
from .models import Cycle, SupportPlan, Target

GET_POST = require_http_methods(["GET", "POST"])
REVIEW_VIEWS = ("review_pupil_views", "review_parent_views")


# --------------------------------------------------------------------------------------------------
# Access: the object and the person's right to see it, in one step (404 otherwise)
# --------------------------------------------------------------------------------------------------


def _plan_or_404(pupil: Pupil) -> SupportPlan:
    plan = selectors.plan_of(pupil=pupil)
    if plan is None:
        raise Http404("This pupil has no support plan.")
    plan.pupil = pupil
    return plan


def _cycle_or_404(request: HttpRequest, public_id) -> Cycle:
    cycle = selectors.cycle_for(
        access=request.access, public_id=public_id, today=timezone.localdate()
    )
    if cycle is None:
        raise Http404("No such cycle.")
    note_subject(request, cycle.plan.pupil, pupil_public_id=cycle.plan.pupil.public_id)
    return cycle


def _target_or_404(request: HttpRequest, public_id) -> Target:
    target = selectors.target_for(
        access=request.access, public_id=public_id, today=timezone.localdate()
    )
    if target is None:
        raise Http404("No such target.")
    pupil = target.cycle.plan.pupil
    note_subject(request, pupil, pupil_public_id=pupil.public_id)
    return target


def _plan_url(request: HttpRequest, pupil: Pupil, cycle: Cycle | None = None) -> str:
    url = reverse("plans:plan", args=[request.school.slug, pupil.public_id])
    return f"{url}?cycle={cycle.number}" if cycle is not None else url


def _frozen(request: HttpRequest, cycle: Cycle) -> HttpResponse:
    """A reviewed cycle cannot change: say so and show it, read only."""
    messages.warning(request, pages.frozen(cycle))
    return redirect(_plan_url(request, cycle.plan.pupil, cycle))


def _closed(request: HttpRequest, cycle: Cycle, *, under_way: bool = False):
    """Where to go instead when the cycle cannot take the change: it was reviewed (frozen), or a
    review is asked of a plan not yet under way (Do). None when the change may go ahead. A form
    sent to a cycle reviewed since it was opened is refused by the service instead, so the form
    comes back with the reason and what the person typed is not lost."""
    if cycle.frozen:
        return None if request.method == "POST" else _frozen(request, cycle)
    if under_way and cycle.stage != rules.DO:
        messages.warning(request, pages.NOT_UNDER_WAY)
        return redirect(_plan_url(request, cycle.plan.pupil))
    return None


def _form(request: HttpRequest, pupil: Pupil, form, title: str, submit_label: str, **extra):
    """The plain form page of a plan: a section, a target, the lead, a meeting, a contribution."""
    context = {"pupil": pupil, "form": form, "title": title, "submit_label": submit_label}
    return render(request, "plans/form.html", context | extra)


# --------------------------------------------------------------------------------------------------
# Every plan the person sees
# --------------------------------------------------------------------------------------------------


@school_view(Cap.PLAN_VIEW)
@audited("provision.plan.list_viewed")
@require_safe
def plan_list(request: HttpRequest) -> HttpResponse:
    """Pupils on SEN support or with an EHC plan, overdue and due reviews first, then by name."""
    page = pages.plan_list(
        access=request.access, today=timezone.localdate(), page=request.GET.get("page")
    )
    audit_note(request).detail["rows"] = len(page["rows"])
    return render(request, "plans/list.html", page)


# --------------------------------------------------------------------------------------------------
# One plan
# --------------------------------------------------------------------------------------------------


@school_view(Cap.PLAN_VIEW)
@audited("provision.plan.viewed")
@require_safe
def plan_detail(request: HttpRequest, public_id) -> HttpResponse:
    today = timezone.localdate()
    pupil = pupil_or_404(request, public_id)
    plan = selectors.plan_of(pupil=pupil)
    # staff/capabilities.py: a TA holds PLAN_VIEW but sees only the strategies for class teachers.
    if not request.access.can(Cap.PLAN_FULL):
        note_subject(request, pupil, part="strategies")
        page = pages.strategies(pupil=pupil, plan=plan, today=today)
        return render(request, "plans/detail_ta.html", page)
    if plan is None:
        category = selectors.sen_category_on(pupil=pupil, on=today)
        return render(request, "plans/none.html", {"pupil": pupil, "category": category})
    plan.pupil, plan.school = pupil, request.school
    wanted = request.GET.get("cycle")
    page = pages.plan_detail(access=request.access, plan=plan, wanted=wanted, today=today)
    note_subject(request, pupil, cycle=page["cycle"].number if page["cycle"] else None)
    return render(request, "plans/detail.html", page)


@school_view(Cap.PLAN_MANAGE)
@require_POST
def plan_start(request: HttpRequest, public_id) -> HttpResponse:
    pupil = pupil_or_404(request, public_id)
    run_action(
        request,
        lambda: services.plan_start(access=request.access, pupil=pupil, today=timezone.localdate()),
        success=pages.plan_started(pupil),
    )
    return redirect(_plan_url(request, pupil))


@school_view(Cap.PLAN_MANAGE)
@GET_POST
def plan_lead(request: HttpRequest, public_id) -> HttpResponse:
    pupil = pupil_or_404(request, public_id)
    plan = _plan_or_404(pupil)
    form = LeadForm(form_data(request), school=request.school, current=plan.lead, edits=plan)
    saved = save_form(
        request,
        form,
        lambda data: services.plan_set_lead(access=request.access, plan=plan, lead=data["lead"]),
        success=pages.lead_set,
    )
    if saved:
        return redirect(_plan_url(request, pupil))
    return _form(request, pupil, form, "Lead teacher", "Save the lead teacher")


@school_view(Cap.PLAN_MANAGE)
@require_POST
def cycle_next(request: HttpRequest, public_id) -> HttpResponse:
    pupil = pupil_or_404(request, public_id)
    plan = _plan_or_404(pupil)
    plan.school = request.school
    run_action(
        request,
        lambda: services.cycle_next(access=request.access, plan=plan, today=timezone.localdate()),
        success=pages.cycle_started,
    )
    return redirect(_plan_url(request, pupil))


@school_view(Cap.PLAN_MANAGE)
@require_POST
def evidence_from_report(request: HttpRequest, public_id, report_id) -> HttpResponse:
    """An outside agency's report added to the open cycle's assessment evidence in one step."""
    cycle = _cycle_or_404(request, public_id)
    report = report_or_404(request, report_id)
    run_action(
        request,
        lambda: services.cycle_evidence_from_report(
            access=request.access, cycle=cycle, report=report
        ),
        success=f"The report from {report.referral.service.name} is in the assessment evidence.",
    )
    return redirect(_plan_url(request, cycle.plan.pupil))


@school_view(Cap.PLAN_CONTRIBUTE)
@GET_POST
def meeting_new(request: HttpRequest, public_id) -> HttpResponse:
    pupil = pupil_or_404(request, public_id)
    plan = _plan_or_404(pupil)
    today = timezone.localdate()
    form = MeetingForm(form_data(request))  # the date is typed: never one nobody entered
    saved = save_form(
        request,
        form,
        lambda data: services.meeting_record(access=request.access, plan=plan, today=today, **data),
        success=lambda meeting: f"Parent meeting of {pages.long_date(meeting.held_on)} recorded.",
    )
    if saved:
        return redirect(_plan_url(request, pupil))
    title, submit = "Record a parent meeting", "Record the meeting"
    return _form(request, pupil, form, title, submit, intro=pages.MEETING_INTRO)


# --------------------------------------------------------------------------------------------------
# The sections of the open cycle
# --------------------------------------------------------------------------------------------------


def _section(request: HttpRequest, public_id, form_class, *, title: str, intro: str = ""):
    cycle = _cycle_or_404(request, public_id)
    pupil = cycle.plan.pupil
    if closed := _closed(request, cycle):
        return closed
    extra = {}
    if form_class is PlanSectionForm and cycle.review_due is None:
        suggested = services.review_due_for(
            school=request.school, agreed_on=cycle.agreed_on or timezone.localdate()
        )
        extra = {"initial": {"review_due": suggested}, "suggested_review": suggested}
    form = form_class(form_data(request), instance=cycle, **extra)
    saved = save_form(
        request,
        form,
        lambda data: services.cycle_update(
            access=request.access, cycle=cycle, **form.fields_changed()
        ),
        success=f"{title} saved.",
    )
    if saved:
        return redirect(_plan_url(request, pupil))
    return _form(request, pupil, form, title, "Save", cycle=cycle, intro=intro)


@school_view(Cap.PLAN_MANAGE)
@GET_POST
def cycle_assess(request: HttpRequest, public_id) -> HttpResponse:
    return _section(request, public_id, AssessForm, title="Assess", intro=pages.ASSESS_INTRO)


@school_view(Cap.PLAN_MANAGE)
@GET_POST
def cycle_plan(request: HttpRequest, public_id) -> HttpResponse:
    return _section(request, public_id, PlanSectionForm, title="Plan", intro=pages.PLAN_INTRO)


@school_view(Cap.PLAN_MANAGE)
@require_POST
def cycle_advance(request: HttpRequest, public_id) -> HttpResponse:
    cycle = _cycle_or_404(request, public_id)
    run_action(
        request,
        lambda: services.cycle_advance(
            access=request.access, cycle=cycle, today=timezone.localdate()
        ),
        success=pages.cycle_advanced,
    )
    return redirect(_plan_url(request, cycle.plan.pupil))


# --------------------------------------------------------------------------------------------------
# Targets
# --------------------------------------------------------------------------------------------------


def _target_page(request: HttpRequest, cycle: Cycle, target: Target | None) -> HttpResponse:
    pupil = cycle.plan.pupil
    if closed := _closed(request, cycle):
        return closed
    today = timezone.localdate()
    keep = selectors.linked_group_ids(target=target)
    groups = provision_selectors.target_group_choices(school=request.school, pupil=pupil, keep=keep)
    form = TargetForm(form_data(request), instance=target, pupil=pupil, today=today, groups=groups)
    saved = save_form(
        request,
        form,
        lambda data: services.target_save(
            access=request.access,
            cycle=cycle,
            target=target,
            groups=data["groups"],
            **form.fields_changed(),
        ),
        success=lambda saved: f"Target {saved.position} saved.",
    )
    if saved:
        return redirect(_plan_url(request, pupil))
    title = f"Target {target.position}" if target else "Add a target"
    return _form(
        request, pupil, form, title, "Save the target", cycle=cycle, intro=pages.TARGET_INTRO
    )


@school_view(Cap.PLAN_MANAGE)
@GET_POST
def target_new(request: HttpRequest, public_id) -> HttpResponse:
    return _target_page(request, _cycle_or_404(request, public_id), None)


@school_view(Cap.PLAN_MANAGE)
@GET_POST
def target_edit(request: HttpRequest, public_id) -> HttpResponse:
    target = _target_or_404(request, public_id)
    return _target_page(request, target.cycle, target)


@school_view(Cap.PLAN_MANAGE)
@require_POST
def target_remove(request: HttpRequest, public_id) -> HttpResponse:
    target = _target_or_404(request, public_id)
    position = target.position
    run_action(
        request,
        lambda: services.target_remove(access=request.access, target=target),
        success=f"Target {position} removed; the targets after it are renumbered.",
    )
    return redirect(_plan_url(request, target.cycle.plan.pupil))


# --------------------------------------------------------------------------------------------------
# Contributions and the review
# --------------------------------------------------------------------------------------------------


@school_view(Cap.PLAN_CONTRIBUTE)
@GET_POST
def contribute(request: HttpRequest, public_id) -> HttpResponse:
    cycle = _cycle_or_404(request, public_id)
    if closed := _closed(request, cycle):
        return closed
    stage = pages.contribution_stage(cycle)
    form = ContributionForm(form_data(request))
    saved = save_form(
        request,
        form,
        lambda data: services.contribution_add(
            access=request.access, cycle=cycle, body=data["body"], stage=stage
        ),
        success="Thank you: your contribution is saved.",
    )
    if saved:
        return redirect(_plan_url(request, cycle.plan.pupil))
    return _form(request, cycle.plan.pupil, form, **pages.contribution_form(stage), cycle=cycle)


@school_view(Cap.PLAN_MANAGE)
@GET_POST
def review(request: HttpRequest, public_id) -> HttpResponse:
    cycle = _cycle_or_404(request, public_id)
    if closed := _closed(request, cycle, under_way=True):
        return closed
    today, targets = timezone.localdate(), selectors.review_targets(cycle=cycle)
    # Views accepted into the review beforehand (families) are there to keep, not to retype.
    initial = {"reviewed_on": today} | {f: getattr(cycle, f) for f in REVIEW_VIEWS}
    form = ReviewForm(form_data(request), targets=targets, initial=initial, edits=cycle)
    saved = save_form(
        request,
        form,
        lambda data: services.review_complete(
            access=request.access,
            cycle=cycle,
            today=today,
            outcomes=form.outcomes(),
            **form.review_fields(),
        ),
        success=lambda done: pages.reviewed(done, of=len(targets)),
    )
    if saved:
        return redirect(_plan_url(request, cycle.plan.pupil))
    contributions = selectors.review_contributions(cycle=cycle)
    context = {"pupil": cycle.plan.pupil, "cycle": cycle, "form": form}
    return render(request, "plans/review_form.html", context | {"contributions": contributions})
