"""What the support-plan pages show: their context, titles, introductions and messages.

The views in `plans/views.py` only route; the page a person sees (which cycle, which actions they
may take, the sentence about parent meetings) is put together here from `plans.selectors`.
"""

from __future__ import annotations

from datetime import date

from agencies.selectors import reports_for_pupil
from register.selectors import views_given_for
from staff.capabilities import Cap, sees_own_classes_only
from staff.parsing import whole_number
from staff.tenancy import Access

from . import rules, selectors
from .models import Contribution, Cycle, SupportPlan, Target

MEETING_INTRO = (
    "Pupils on SEN support should meet their parents at least three times a year; planning and "
    "review meetings count."
)
ASSESS_INTRO = (
    "What we know about the pupil's needs, from the register, assessments, the pupil and the "
    "parents."
)
PLAN_INTRO = (
    "The strategies every adult uses, and the dates agreed with the parents. Targets are added on "
    "the plan page."
)
TARGET_INTRO = (
    "A SMART target: what the pupil will be able to do, how it is measured, from what starting "
    "point to what, by when; the need it answers and the provision that delivers it."
)
CONTRIBUTION_INTRO = {
    Contribution.Stage.REVIEW: (
        "For the review: what progress have you seen towards the targets, what has helped and "
        "what has not? The SENDCo reads it when completing the review."
    ),
    Contribution.Stage.ASSESS: (
        "For the assessment: what do you see in class? Strengths, difficulties, what helps, and "
        "any work or scores that show it."
    ),
}
NOT_UNDER_WAY = "Only a plan that is under way (Do) can be reviewed: agree the plan first."


def long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


# --------------------------------------------------------------------------------------------------
# Every plan the person sees
# --------------------------------------------------------------------------------------------------


def plan_list(*, access: Access, today: date, page: str | None = None) -> dict:
    """Pupils on SEN support or with an EHC plan, overdue and due reviews first, then by name,
    50 a page."""
    # A teaching assistant sees the strategies of a plan, not how well it is written.
    show_quality = access.can(Cap.PLAN_FULL)
    listed = selectors.plan_rows(access=access, today=today, page=page, quality=show_quality)
    return {
        "rows": listed.rows,
        "page": listed.page,
        "today": today,
        "counts": listed.counts,
        "show_quality": show_quality,
        "own_classes": sees_own_classes_only(access.role),
    }


# --------------------------------------------------------------------------------------------------
# One plan
# --------------------------------------------------------------------------------------------------


def strategies(*, pupil, plan: SupportPlan | None, today: date) -> dict:
    """What a teaching assistant sees: the pupil's current needs and the strategies for class
    teachers of the latest cycle, and nothing else of the plan."""
    page = selectors.strategies_page(pupil=pupil, plan=plan, today=today)
    return {
        "pupil": pupil,
        "needs": page.needs,
        "has_plan": page.has_plan,
        "strategies": page.strategies,
    }


def _shown(page: selectors.PlanPage, wanted: str | None) -> selectors.CycleView | None:
    number = whole_number(wanted)
    for view in page.cycles:
        if number is not None and view.cycle.number == number:
            return view
    return page.current


def meeting_note(page: selectors.PlanPage, today: date) -> str:
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
        return f"{held}; one was due by {long_date(schedule.due)}: overdue."
    return f"{held}; next due by {long_date(schedule.due)}."


def _agency_reports(plan: SupportPlan, cycle: Cycle) -> list:
    """The pupil's reports from outside agencies not yet in this cycle's assessment evidence
    (one query), to add in one step."""
    return [
        row
        for row in reports_for_pupil(school=plan.school, pupil=plan.pupil)
        if not rules.report_in_evidence(
            cycle.assessment,
            rules.report_evidence_line(
                service=row.service_name, received_on=row.received_on, summary=row.summary
            ),
        )
    ]


def plan_detail(*, access: Access, plan: SupportPlan, wanted: str | None, today: date) -> dict:
    """The plan page: the cycle asked for (`?cycle=N`, else the current one), its targets and
    their delivery, the contributions, the past cycles, and what the person may do."""
    page = selectors.plan_page(plan=plan, today=today)
    shown = _shown(page, wanted)
    cycle = shown.cycle if shown else None
    is_current = shown is page.current
    can_manage = access.can(Cap.PLAN_MANAGE)
    can_contribute = access.can(Cap.PLAN_CONTRIBUTE)
    editable = cycle is not None and not cycle.frozen
    contributions = shown.contributions if shown else []
    return {
        "pupil": plan.pupil,
        "plan": plan,
        "page": page,
        "shown": shown,
        "cycle": cycle,
        "is_current": is_current,
        "today": today,
        "window": selectors.cycle_window(cycle, today) if cycle else None,
        "targets": [(t, shown.delivery.get(t.pk, [])) for t in shown.targets] if shown else [],
        "assess_contributions": [c for c in contributions if c.stage == Contribution.Stage.ASSESS],
        "review_contributions": [c for c in contributions if c.stage == Contribution.Stage.REVIEW],
        "history": [
            (v, sum(1 for t in v.targets if t.outcome == Target.Outcome.ACHIEVED))
            for v in page.cycles
            if v.cycle.frozen
        ],
        "meeting_note": meeting_note(page, today),
        "can_manage": can_manage and editable,
        "can_contribute": can_contribute and editable,
        "can_start_next": can_manage
        and is_current
        and cycle is not None
        and cycle.frozen
        and cycle.number == page.cycles[-1].cycle.number,
        "agency_reports": _agency_reports(plan, cycle)
        if can_manage and editable and is_current
        else [],
        "can_change_lead": can_manage,
        "can_change_layer": access.can(Cap.REGISTER_MANAGE),
        "can_record_meeting": can_contribute,
        "can_print": access.can(Cap.PLAN_PRINT),
        "can_evidence": access.can(Cap.PLAN_EVIDENCE),
        # Views given by parents and the pupil (issue 19): the newest few, one query.
        "views_given": views_given_for(school=plan.school, pupil=plan.pupil),
        "can_accept_views": access.can(Cap.VOICE_ACCEPT),
        "can_record_voice": access.can(Cap.VOICE_RECORD),
    }


# --------------------------------------------------------------------------------------------------
# Messages after an action
# --------------------------------------------------------------------------------------------------


def plan_started(pupil) -> str:
    return (
        f"Support plan started for {pupil.name}. Cycle 1 is at Assess, with the needs on the "
        "register copied into its summary."
    )


def lead_set(plan: SupportPlan) -> str:
    return (
        f"{plan.lead.full_name} now leads the plan."
        if plan.lead
        else "The plan has no lead teacher."
    )


def cycle_started(cycle: Cycle) -> str:
    carried = cycle.targets.count()
    carried_text = (
        f"{carried} target{'s' if carried != 1 else ''} not yet achieved carried over"
        if carried
        else "no targets carried over: every target was achieved"
    )
    return (
        f"Cycle {cycle.number} started at Assess; {carried_text}. Agree a new date for each "
        "carried target."
    )


def cycle_advanced(cycle: Cycle) -> str:
    if cycle.stage == rules.DO:
        return (
            f"The plan has started (Do). Its review is due on {long_date(cycle.review_due)}; the "
            "agreement with the parents is recorded as a planning meeting."
        )
    return "The assessment is done: the plan is at Plan. Add the targets and agree them."


def frozen(cycle: Cycle) -> str:
    return (
        f"Cycle {cycle.number} was reviewed on {long_date(cycle.reviewed_on)} and can no longer "
        "be changed."
    )


def reviewed(cycle: Cycle, *, of: int) -> str:
    """After the review of a cycle of `of` targets."""
    achieved = sum(1 for t in cycle.targets.all() if t.outcome == Target.Outcome.ACHIEVED)
    return (
        f"Cycle {cycle.number} is reviewed ({achieved} of {of} target"
        f"{'s' if of != 1 else ''} achieved) and is now read only. Start the next cycle when you "
        "are ready."
    )


def contribution_form(stage: str) -> dict:
    """The title, introduction and button of the contribution page for `stage`."""
    return {
        "title": f"Your contribution to the {Contribution.Stage(stage).label.lower()}",
        "intro": CONTRIBUTION_INTRO[stage],
        "submit_label": "Save my contribution",
    }


def contribution_stage(cycle: Cycle) -> str:
    """A contribution to a plan under way is for its review; before that, for its assessment."""
    return Contribution.Stage.REVIEW if cycle.stage == rules.DO else Contribution.Stage.ASSESS
