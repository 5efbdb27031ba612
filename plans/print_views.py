"""A pupil's support plan on paper: "My support plan" in plain English for the parents (the
current cycle), and the graduated approach evidence (every cycle) for an EHC needs-assessment
request. Each is a print view in the browser and a PDF of the same template (`pdf=True`), like
the provision map (`provision.map_views.map_print` and `map_pdf`). Every print and PDF is audited.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import dateformat, timezone
from django.utils.text import slugify
from django.views.decorators.http import require_safe

from provision.delivery import Delivery
from provision.models import Group
from register.access import pupil_or_404
from register.models import Pupil
from staff.capabilities import Cap
from staff.http import audit_note, audited
from staff.pdf import pdf_response
from staff.tenancy import school_view

from . import rules
from .models import SupportPlan, Target
from .selectors import (
    CycleView,
    PlanPage,
    class_of,
    cycle_window,
    plan_of,
    plan_page,
    staff_of_groups,
)

PARENT_TEMPLATE = "plans/print.html"
EVIDENCE_TEMPLATE = "plans/evidence.html"

# Outcomes as the parents' plan says them: "not achieved" reads as a verdict, "not yet" does not.
PARENT_OUTCOMES = {
    Target.Outcome.ACHIEVED: "Achieved",
    Target.Outcome.PARTLY: "Partly achieved",
    Target.Outcome.NOT_ACHIEVED: "Not achieved yet",
}


# --------------------------------------------------------------------------------------------------
# What the documents show, worked out here so the templates only lay it out
# --------------------------------------------------------------------------------------------------


def how_often(sessions_per_week: int, minutes: int) -> str:
    """ "3 times a week, 30 minutes each time"."""
    times = {1: "Once", 2: "Twice"}.get(sessions_per_week, f"{sessions_per_week} times")
    return f"{times} a week, {minutes} minutes each time"


@dataclass
class Support:
    """A group that delivers some of the current cycle's targets, as the parents read it."""

    group: Group
    how_often: str
    staff: list[str]
    targets: list[int] = field(default_factory=list)  # positions of the targets it serves


def support_of(view: CycleView | None, staff: dict[int, list[str]]) -> list[Support]:
    """The groups linked to the cycle's targets, each once, in the order the targets name them."""
    found: dict[int, Support] = {}
    for target in view.targets if view else []:
        for group in target.groups.all():
            item = found.get(group.pk)
            if item is None:
                item = found[group.pk] = Support(
                    group=group,
                    how_often=how_often(group.sessions_per_week, group.session_minutes),
                    staff=staff.get(group.pk, []),
                )
            item.targets.append(target.position)
    return list(found.values())


def evidence_summary(page: PlanPage, today: date) -> str:
    """ "3 cycles, 2 reviewed, from 1 September 2025 to 10 November 2026; 5 of 9 targets
    achieved, 3 partly." The end is the last review, or today while a cycle is open; targets
    count those of reviewed cycles (a carried-over target counts once in each cycle)."""
    cycles = [v.cycle for v in page.cycles]
    if not cycles:
        return "No cycles yet."
    reviewed = [c for c in cycles if c.frozen]
    ends_on = today if not cycles[-1].frozen else cycles[-1].reviewed_on
    outcomes = [t.outcome for v in page.cycles if v.cycle.frozen for t in v.targets]
    parts = [
        f"{len(cycles)} cycle{'s' if len(cycles) != 1 else ''}",
        f"{len(reviewed)} reviewed" if reviewed else "none reviewed yet",
    ]
    text = (
        ", ".join(parts)
        + f", from {dateformat.format(cycles[0].starts_on, 'j F Y')}"
        + f" to {dateformat.format(ends_on, 'j F Y')}"
    )
    if outcomes:
        achieved = outcomes.count(Target.Outcome.ACHIEVED)
        partly = outcomes.count(Target.Outcome.PARTLY)
        text += f"; {achieved} of {len(outcomes)} target{'s' if len(outcomes) != 1 else ''}"
        text += " achieved"
        if partly:
            text += f", {partly} partly"
    return text + "."


def _plan(request: HttpRequest, public_id) -> tuple[Pupil, SupportPlan, date]:
    """The pupil (404 when the person cannot see them) and their plan (404 when there is none)."""
    today = timezone.localdate()
    pupil = pupil_or_404(request, public_id)
    plan = plan_of(pupil=pupil)
    if plan is None:
        raise Http404("This pupil has no support plan.")
    plan.pupil, plan.school = pupil, request.school  # already loaded: no query for either
    return pupil, plan, today


def parent_context(request: HttpRequest, public_id) -> dict:
    pupil, plan, today = _plan(request, public_id)
    page = plan_page(plan=plan, today=today)
    current = page.current
    reviewed = [v for v in page.cycles if v.cycle.frozen]
    last_review = reviewed[-1] if reviewed else None
    groups = [g for t in (current.targets if current else []) for g in t.groups.all()]
    other = [t for t in (current.targets if current else []) if t.other_provision]
    return {
        "pupil": pupil,
        "plan": plan,
        "current": current,
        "last_review": last_review,
        "last_outcomes": [
            (t, PARENT_OUTCOMES.get(t.outcome, ""))
            for t in (last_review.targets if last_review else [])
        ],
        "support": support_of(current, staff_of_groups(groups)),
        "other_support": other,
        "teaching_group": class_of(pupil=pupil, today=today),
        "today": today,
        "ehcp": plan.kind == SupportPlan.Kind.EHCP_INTERIM,
        "stage": current.cycle.stage if current else "",
    }


@dataclass
class Provided:
    """A group delivering a target, and what the pupil had of it during the cycle."""

    group: Group
    how_often: str
    staff: list[str]
    delivery: Delivery


@dataclass
class TargetRow:
    target: Target
    provided: list[Provided]


@dataclass
class CycleSection:
    view: CycleView
    targets: list[TargetRow]
    started: bool  # in Do or reviewed: there is delivery to show
    delivered_from: date  # the window of dates the delivery counts
    delivered_to: date


def cycle_sections(page: PlanPage, staff: dict[int, list[str]], today: date) -> list[CycleSection]:
    sections = []
    for view in page.cycles:
        rows = []
        for target in view.targets:
            # `delivery[target]` follows `target.groups.all()`, one item a group.
            provided = [
                Provided(
                    group=d.group,
                    how_often=how_often(d.group.sessions_per_week, d.group.session_minutes),
                    staff=staff.get(d.group.pk, []),
                    delivery=d,
                )
                for d in view.delivery.get(target.pk, [])
            ]
            rows.append(TargetRow(target=target, provided=provided))
        delivered_from, delivered_to = cycle_window(view.cycle, today)
        sections.append(
            CycleSection(
                view=view,
                targets=rows,
                started=view.cycle.stage in (rules.DO, rules.REVIEWED),
                delivered_from=delivered_from,
                delivered_to=delivered_to,
            )
        )
    return sections


def evidence_context(request: HttpRequest, public_id) -> dict:
    pupil, plan, today = _plan(request, public_id)
    page = plan_page(plan=plan, today=today)
    groups = [g for v in page.cycles for t in v.targets for g in t.groups.all()]
    numbers = {v.cycle.pk: v.cycle.number for v in page.cycles}
    return {
        "pupil": pupil,
        "plan": plan,
        "page": page,
        "summary": evidence_summary(page, today),
        "statuses": page.statuses,
        "teaching_group": class_of(pupil=pupil, today=today),
        "today": today,
        "sections": cycle_sections(page, staff_of_groups(groups), today),
        # Oldest first, each with its cycle's number (the page's cycles are already loaded).
        "meetings": [
            (m, numbers.get(m.cycle_id)) for m in sorted(page.meetings, key=lambda m: m.held_on)
        ],
    }


def _note(request: HttpRequest, document: str, format_: str) -> None:
    """Which document was printed, and how; the pupil is noted by `pupil_or_404`."""
    audit_note(request).detail.update({"document": document, "format": format_})


def pdf_filename(prefix: str, pupil: Pupil, today: date) -> str:
    """support-plan-lovelace-ada-2026-11-10.pdf"""
    return slugify(f"{prefix}-{pupil.last_name}-{pupil.first_name}-{today:%Y-%m-%d}") + ".pdf"


# --------------------------------------------------------------------------------------------------
# The pages
# --------------------------------------------------------------------------------------------------


@school_view(Cap.PLAN_PRINT)
@audited("provision.plan.printed")
@require_safe
def parent_print(request: HttpRequest, public_id) -> HttpResponse:
    context = parent_context(request, public_id)
    _note(request, "parent", "html")
    return render(request, PARENT_TEMPLATE, context)


@school_view(Cap.PLAN_PRINT)
@audited("provision.plan.printed")
@require_safe
def parent_pdf(request: HttpRequest, public_id) -> HttpResponse:
    context = parent_context(request, public_id)
    filename = pdf_filename("support-plan", context["pupil"], context["today"])
    response = pdf_response(request, PARENT_TEMPLATE, context, filename=filename)
    _note(request, "parent", "pdf")
    return response


@school_view(Cap.PLAN_EVIDENCE)
@audited("provision.plan.printed")
@require_safe
def evidence_print(request: HttpRequest, public_id) -> HttpResponse:
    context = evidence_context(request, public_id)
    _note(request, "evidence", "html")
    return render(request, EVIDENCE_TEMPLATE, context)


@school_view(Cap.PLAN_EVIDENCE)
@audited("provision.plan.printed")
@require_safe
def evidence_pdf(request: HttpRequest, public_id) -> HttpResponse:
    context = evidence_context(request, public_id)
    filename = pdf_filename("graduated-approach", context["pupil"], context["today"])
    response = pdf_response(request, EVIDENCE_TEMPLATE, context, filename=filename)
    _note(request, "evidence", "pdf")
    return response
