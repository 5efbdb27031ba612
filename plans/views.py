"""Support plans: the graduated approach (Assess, Plan, Do, Review) page by page.

Views: access -> form -> service -> redirect or render. A pupil, cycle or target the person cannot
see is a 404 (like a missing one); a page their role may not open is a 403 (`school_view`). Every
write goes through `plans.services`, which refuses a reviewed (frozen) cycle; the edit pages say so
and go back to the plan instead of failing.
"""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from provision import selectors as provision_selectors
from register.access import pupil_or_404
from register.models import Pupil
from staff.capabilities import Cap, sees_own_classes_only
from staff.http import audit_note, audited, form_data, note_subject, save_form
from staff.tenancy import school_view

from . import rules, selectors, services
from .forms import (
    AssessForm,
    ContributionForm,
    LeadForm,
    MeetingForm,
    PlanSectionForm,
    ReviewForm,
    TargetForm,
)
from .models import Contribution, Cycle, SupportPlan, Target

GET_POST = require_http_methods(["GET", "POST"])
# Stages read on the list first: the reviews that have come, the most overdue at the top.
URGENT = {"Review overdue": 0, "Review due": 1}


def _long(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


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
    return cycle


def _target_or_404(request: HttpRequest, public_id) -> Target:
    target = selectors.target_for(
        access=request.access, public_id=public_id, today=timezone.localdate()
    )
    if target is None:
        raise Http404("No such target.")
    return target


def _plan_url(request: HttpRequest, pupil: Pupil, cycle: Cycle | None = None) -> str:
    url = reverse("plans:plan", args=[request.school.slug, pupil.public_id])
    return f"{url}?cycle={cycle.number}" if cycle is not None else url


def _back_to_plan(request: HttpRequest, pupil: Pupil, message: str = "") -> HttpResponse:
    if message:
        messages.success(request, message)
    return redirect(_plan_url(request, pupil))


def _frozen(request: HttpRequest, cycle: Cycle) -> HttpResponse:
    """A reviewed cycle cannot change: say so and show it, read only."""
    messages.warning(
        request,
        f"Cycle {cycle.number} was reviewed on {_long(cycle.reviewed_on)} and can no longer be "
        "changed.",
    )
    return redirect(_plan_url(request, cycle.plan.pupil, cycle))


def _errors(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


# --------------------------------------------------------------------------------------------------
# Every plan the person sees
# --------------------------------------------------------------------------------------------------


def _urgency(row: selectors.PlanRow) -> tuple[int, date]:
    rank = URGENT.get(row.stage_label, len(URGENT))
    due = row.cycle.review_due if rank < len(URGENT) and row.cycle else None
    return rank, due or date.max


@school_view(Cap.PLAN_VIEW)
@audited("provision.plan.list_viewed")
@require_safe
def plan_list(request: HttpRequest) -> HttpResponse:
    """Pupils on SEN support or with an EHC plan, overdue and due reviews first, then by name."""
    today = timezone.localdate()
    rows = sorted(selectors.plan_rows(access=request.access, today=today), key=_urgency)
    audit_note(request).detail["rows"] = len(rows)
    return render(
        request,
        "plans/list.html",
        {
            "rows": rows,
            "today": today,
            "counts": {
                "no_plan": sum(1 for r in rows if r.plan is None),
                "overdue": sum(1 for r in rows if r.stage_label == "Review overdue"),
                "warnings": sum(1 for r in rows if r.warnings),
            },
            # A teaching assistant sees the strategies of a plan, not how well it is written.
            "show_quality": request.access.can(Cap.PLAN_FULL),
            "own_classes": sees_own_classes_only(request.access.role),
        },
    )


# --------------------------------------------------------------------------------------------------
# One plan
# --------------------------------------------------------------------------------------------------


def _ta_page(request: HttpRequest, pupil: Pupil, plan: SupportPlan | None, today: date):
    """What a teaching assistant sees: the pupil's current needs and the strategies for class
    teachers of the latest cycle, and nothing else of the plan."""
    page = selectors.strategies_page(pupil=pupil, plan=plan, today=today)
    note_subject(request, pupil, part="strategies")
    return render(
        request,
        "plans/detail_ta.html",
        {
            "pupil": pupil,
            "needs": page.needs,
            "has_plan": page.has_plan,
            "strategies": page.strategies,
        },
    )


def _shown(page: selectors.PlanPage, wanted: str | None) -> selectors.CycleView | None:
    if wanted and wanted.isdigit():
        for view in page.cycles:
            if view.cycle.number == int(wanted):
                return view
    return page.current


def _meeting_note(page: selectors.PlanPage, today: date) -> str:
    """'2 of 3 held this year; next due by 18 December 2026' and the like."""
    schedule = page.schedule
    if schedule is None:
        return ""
    if schedule.required == 0:
        return f"{schedule.held} held this year."
    held = f"{schedule.held} of {schedule.required} held this year"
    if schedule.held >= schedule.required:
        return f"{held}: all this year's meetings have been held."
    if schedule.due is None:
        return f"{held}; on track."
    if schedule.due < today:
        return f"{held}; one was due by {_long(schedule.due)}: overdue."
    return f"{held}; next due by {_long(schedule.due)}."


@school_view(Cap.PLAN_VIEW)
@audited("provision.plan.viewed")
@require_safe
def plan_detail(request: HttpRequest, public_id) -> HttpResponse:
    today = timezone.localdate()
    pupil = pupil_or_404(request, public_id)
    plan = selectors.plan_of(pupil=pupil)
    # staff/capabilities.py: a TA holds PLAN_VIEW but sees only the strategies for class teachers.
    if not request.access.can(Cap.PLAN_FULL):
        return _ta_page(request, pupil, plan, today)
    if plan is None:
        return render(
            request,
            "plans/none.html",
            {"pupil": pupil, "provision": selectors.sen_provision_on(pupil=pupil, on=today)},
        )
    plan.pupil, plan.school = pupil, request.school
    page = selectors.plan_page(plan=plan, today=today)
    shown = _shown(page, request.GET.get("cycle"))
    note_subject(request, pupil, cycle=shown.cycle.number if shown else None)
    cycle = shown.cycle if shown else None
    is_current = shown is page.current
    can_manage = request.access.can(Cap.PLAN_MANAGE)
    can_contribute = request.access.can(Cap.PLAN_CONTRIBUTE)
    editable = cycle is not None and not cycle.frozen
    contributions = shown.contributions if shown else []
    return render(
        request,
        "plans/detail.html",
        {
            "pupil": pupil,
            "plan": plan,
            "page": page,
            "shown": shown,
            "cycle": cycle,
            "is_current": is_current,
            "today": today,
            "window": selectors.cycle_window(cycle, today) if cycle else None,
            "targets": [(t, shown.delivery.get(t.pk, [])) for t in shown.targets] if shown else [],
            "assess_contributions": [
                c for c in contributions if c.stage == Contribution.Stage.ASSESS
            ],
            "review_contributions": [
                c for c in contributions if c.stage == Contribution.Stage.REVIEW
            ],
            "history": [
                (v, sum(1 for t in v.targets if t.outcome == Target.Outcome.ACHIEVED))
                for v in page.cycles
                if v.cycle.frozen
            ],
            "meeting_note": _meeting_note(page, today),
            "can_manage": can_manage and editable,
            "can_contribute": can_contribute and editable,
            "can_start_next": can_manage
            and is_current
            and cycle is not None
            and cycle.frozen
            and cycle.number == page.cycles[-1].cycle.number,
            "can_change_lead": can_manage,
            "can_record_meeting": can_contribute,
            "can_print": request.access.can(Cap.PLAN_PRINT),
            "can_evidence": request.access.can(Cap.PLAN_EVIDENCE),
        },
    )


@school_view(Cap.PLAN_MANAGE)
@require_POST
def plan_start(request: HttpRequest, public_id) -> HttpResponse:
    pupil = pupil_or_404(request, public_id)
    try:
        services.plan_start(access=request.access, pupil=pupil, today=timezone.localdate())
    except ValidationError as error:
        _errors(request, error)
        return _back_to_plan(request, pupil)
    return _back_to_plan(
        request,
        pupil,
        f"Support plan started for {pupil.name}. Cycle 1 is at Assess, with the needs on the "
        "register copied into its summary.",
    )


@school_view(Cap.PLAN_MANAGE)
@GET_POST
def plan_lead(request: HttpRequest, public_id) -> HttpResponse:
    pupil = pupil_or_404(request, public_id)
    plan = _plan_or_404(pupil)
    form = LeadForm(form_data(request), school=request.school, current=plan.lead)
    saved = save_form(
        request,
        form,
        lambda data: services.plan_set_lead(access=request.access, plan=plan, lead=data["lead"]),
        success=lambda changed: (
            f"{changed.lead.full_name} now leads the plan."
            if changed.lead
            else "The plan has no lead teacher."
        ),
    )
    if saved:
        return redirect(_plan_url(request, pupil))
    return render(
        request,
        "plans/form.html",
        {
            "pupil": pupil,
            "form": form,
            "title": "Lead teacher",
            "submit_label": "Save the lead teacher",
        },
    )


@school_view(Cap.PLAN_MANAGE)
@require_POST
def cycle_next(request: HttpRequest, public_id) -> HttpResponse:
    pupil = pupil_or_404(request, public_id)
    plan = _plan_or_404(pupil)
    plan.school = request.school
    try:
        cycle = services.cycle_next(access=request.access, plan=plan, today=timezone.localdate())
    except ValidationError as error:
        _errors(request, error)
        return _back_to_plan(request, pupil)
    carried = cycle.targets.count()
    carried_text = (
        f"{carried} target{'s' if carried != 1 else ''} not yet achieved carried over"
        if carried
        else "no targets carried over: every target was achieved"
    )
    return _back_to_plan(
        request,
        pupil,
        f"Cycle {cycle.number} started at Assess; {carried_text}. Agree a new date for each "
        "carried target.",
    )


@school_view(Cap.PLAN_CONTRIBUTE)
@GET_POST
def meeting_new(request: HttpRequest, public_id) -> HttpResponse:
    pupil = pupil_or_404(request, public_id)
    plan = _plan_or_404(pupil)
    today = timezone.localdate()
    form = MeetingForm(form_data(request), initial={"held_on": today})
    saved = save_form(
        request,
        form,
        lambda data: services.meeting_record(
            access=request.access,
            plan=plan,
            today=today,
            held_on=data["held_on"],
            kind=data["kind"],
            attended_by=data["attended_by"],
            notes=data["notes"],
        ),
        success=lambda meeting: f"Parent meeting of {_long(meeting.held_on)} recorded.",
    )
    if saved:
        return redirect(_plan_url(request, pupil))
    return render(
        request,
        "plans/form.html",
        {
            "pupil": pupil,
            "form": form,
            "title": "Record a parent meeting",
            "intro": "Pupils on SEN support should meet their parents at least three times a "
            "year; planning and review meetings count.",
            "submit_label": "Record the meeting",
        },
    )


# --------------------------------------------------------------------------------------------------
# The sections of the open cycle
# --------------------------------------------------------------------------------------------------


def _section(request: HttpRequest, public_id, form_class, *, title: str, intro: str = ""):
    cycle = _cycle_or_404(request, public_id)
    pupil = cycle.plan.pupil
    if cycle.frozen:
        return _frozen(request, cycle)
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
    return render(
        request,
        "plans/form.html",
        {
            "pupil": pupil,
            "cycle": cycle,
            "form": form,
            "title": title,
            "intro": intro,
            "submit_label": "Save",
        },
    )


@school_view(Cap.PLAN_MANAGE)
@GET_POST
def cycle_assess(request: HttpRequest, public_id) -> HttpResponse:
    return _section(
        request,
        public_id,
        AssessForm,
        title="Assess",
        intro="What we know about the pupil's needs, from the register, assessments, the pupil "
        "and the parents.",
    )


@school_view(Cap.PLAN_MANAGE)
@GET_POST
def cycle_plan(request: HttpRequest, public_id) -> HttpResponse:
    return _section(
        request,
        public_id,
        PlanSectionForm,
        title="Plan",
        intro="The strategies every adult uses, and the dates agreed with the parents. Targets "
        "are added on the plan page.",
    )


@school_view(Cap.PLAN_MANAGE)
@require_POST
def cycle_advance(request: HttpRequest, public_id) -> HttpResponse:
    cycle = _cycle_or_404(request, public_id)
    pupil = cycle.plan.pupil
    try:
        cycle = services.cycle_advance(
            access=request.access, cycle=cycle, today=timezone.localdate()
        )
    except ValidationError as error:
        _errors(request, error)
        return _back_to_plan(request, pupil)
    if cycle.stage == rules.DO:
        message = (
            f"The plan has started (Do). Its review is due on {_long(cycle.review_due)}; the "
            "agreement with the parents is recorded as a planning meeting."
        )
    else:
        message = "The assessment is done: the plan is at Plan. Add the targets and agree them."
    return _back_to_plan(request, pupil, message)


# --------------------------------------------------------------------------------------------------
# Targets
# --------------------------------------------------------------------------------------------------


def _target_page(request: HttpRequest, cycle: Cycle, target: Target | None) -> HttpResponse:
    pupil = cycle.plan.pupil
    if cycle.frozen:
        return _frozen(request, cycle)
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
    return render(
        request,
        "plans/form.html",
        {
            "pupil": pupil,
            "cycle": cycle,
            "form": form,
            "title": f"Target {target.position}" if target else "Add a target",
            "intro": "A SMART target: what the pupil will be able to do, how it is measured, "
            "from what starting point to what, by when; the need it answers and the provision "
            "that delivers it.",
            "submit_label": "Save the target",
        },
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
    pupil = target.cycle.plan.pupil
    position = target.position
    try:
        services.target_remove(access=request.access, target=target)
    except ValidationError as error:
        _errors(request, error)
        return _back_to_plan(request, pupil)
    return _back_to_plan(
        request, pupil, f"Target {position} removed; the targets after it are renumbered."
    )


# --------------------------------------------------------------------------------------------------
# Contributions and the review
# --------------------------------------------------------------------------------------------------


@school_view(Cap.PLAN_CONTRIBUTE)
@GET_POST
def contribute(request: HttpRequest, public_id) -> HttpResponse:
    cycle = _cycle_or_404(request, public_id)
    pupil = cycle.plan.pupil
    if cycle.frozen:
        return _frozen(request, cycle)
    stage = Contribution.Stage.REVIEW if cycle.stage == rules.DO else Contribution.Stage.ASSESS
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
        return redirect(_plan_url(request, pupil))
    if stage == Contribution.Stage.REVIEW:
        intro = (
            "For the review: what progress have you seen towards the targets, what has helped "
            "and what has not? The SENDCo reads it when completing the review."
        )
    else:
        intro = (
            "For the assessment: what do you see in class? Strengths, difficulties, what helps, "
            "and any work or scores that show it."
        )
    return render(
        request,
        "plans/form.html",
        {
            "pupil": pupil,
            "cycle": cycle,
            "form": form,
            "title": f"Your contribution to the {stage.label.lower()}",
            "intro": intro,
            "submit_label": "Save my contribution",
        },
    )


@school_view(Cap.PLAN_MANAGE)
@GET_POST
def review(request: HttpRequest, public_id) -> HttpResponse:
    cycle = _cycle_or_404(request, public_id)
    pupil = cycle.plan.pupil
    if cycle.frozen:
        return _frozen(request, cycle)
    if cycle.stage != rules.DO:
        messages.warning(
            request, "Only a plan that is under way (Do) can be reviewed: agree the plan first."
        )
        return _back_to_plan(request, pupil)
    today = timezone.localdate()
    targets = selectors.review_targets(cycle=cycle)
    form = ReviewForm(form_data(request), targets=targets, initial={"reviewed_on": today})

    def reviewed(done: Cycle) -> str:
        achieved = sum(1 for t in done.targets.all() if t.outcome == Target.Outcome.ACHIEVED)
        return (
            f"Cycle {done.number} is reviewed ({achieved} of {len(targets)} target"
            f"{'s' if len(targets) != 1 else ''} achieved) and is now read only. Start the "
            "next cycle when you are ready."
        )

    saved = save_form(
        request,
        form,
        lambda data: services.review_complete(
            access=request.access,
            cycle=cycle,
            today=today,
            reviewed_on=data["reviewed_on"],
            outcomes=form.outcomes(),
            parents_attended=data["parents_attended"],
            **form.review_fields(),
        ),
        success=reviewed,
    )
    if saved:
        return redirect(_plan_url(request, pupil))
    contributions = selectors.review_contributions(cycle=cycle)
    return render(
        request,
        "plans/review_form.html",
        {"pupil": pupil, "cycle": cycle, "form": form, "contributions": contributions},
    )
