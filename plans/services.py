"""Writes of support plans. Each checks the rules of `plans.rules`, refuses to touch a reviewed
(frozen) cycle, and audits with the pupil's id.

A plan is a chain of cycles; exactly one cycle is open (Assess, Plan or Do) until it is reviewed,
and the next cycle starts from the reviewed one, carrying its unfinished targets over.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from agencies.models import Report
from provision.models import Group
from register.models import Need, Pupil, SenStatus
from register.rules import E, K
from register.services import pupil_audit
from staff import calendar as school_calendar
from staff.models import User
from staff.tenancy import Access

from . import rules
from .models import Contribution, Cycle, ParentMeeting, SupportPlan, Target

ASSESS_FIELDS = ("needs_summary", "assessment", "pupil_views", "parent_views")
PLAN_FIELDS = ("strategies", "agreed_on", "review_due")
TARGET_FIELDS = (
    "outcome_sought",
    "description",
    "measure",
    "baseline",
    "expected",
    "by_when",
    "need_type",
    "other_provision",
)
REVIEW_FIELDS = (
    "review_summary",
    "review_pupil_views",
    "review_parent_views",
    "participants",
    "next_steps",
)


def _open(cycle: Cycle) -> None:
    if cycle.frozen:
        raise ValidationError(
            f"Cycle {cycle.number} was reviewed on {cycle.reviewed_on:%d/%m/%Y} and can no longer "
            "be changed."
        )


def _locked(cycle: Cycle) -> Cycle:
    """Re-read the cycle under a row lock, so two people cannot review or move it at once."""
    return Cycle.objects.select_for_update().select_related("plan__pupil").get(pk=cycle.pk)


def needs_summary(*, pupil: Pupil, on: date) -> str:
    """The pupil's needs on the register, in words, to start a cycle's Assess section."""
    needs = (
        Need.objects.filter(pupil=pupil, starts_on__lte=on)
        .exclude(ends_on__lt=on)
        .select_related("need_type")
        .order_by("rank")
    )
    lines = []
    for need in needs:
        rank = "Primary need" if need.rank == 1 else "Secondary need"
        line = f"{rank}: {need.need_type.name}"
        if need.description:
            line += f". {need.description}"
        lines.append(line)
    return "\n".join(lines)


def review_due_for(*, school, agreed_on: date) -> date:
    """The default review date of a plan agreed on `agreed_on`, from the school's terms, on a
    school day (the last one before it when the rule lands on a day the school is closed)."""
    # Two years on, by days: `replace(year=…)` fails on 29 February.
    until = agreed_on + timedelta(days=731)
    terms = school_calendar.season_terms(school=school, start=agreed_on, end=until)
    due = rules.default_review_due(agreed_on=agreed_on, term_ends=[t.ends_on for t in terms])
    calendar = school_calendar.SchoolCalendar.load(school=school)
    moved = calendar.on_or_before(due)
    if moved > agreed_on:
        return moved
    # Moving back would reach the day the plan was agreed: the first school day after instead.
    return calendar.school_day_after(due) or due


@transaction.atomic
def plan_start(
    *, access: Access, pupil: Pupil, today: date, lead: User | None = None
) -> SupportPlan:
    """Start a pupil's support plan with its first cycle, at Assess."""
    if pupil.school_id != access.school.pk or (
        lead is not None and not lead.memberships.filter(school=access.school).exists()
    ):
        raise ValidationError("That pupil or teacher is not in your school.")
    Pupil.objects.select_for_update().filter(pk=pupil.pk).first()
    if SupportPlan.objects.filter(pupil=pupil).exists():
        raise ValidationError(f"{pupil.name} already has a support plan.")
    status = (
        SenStatus.objects.filter(pupil=pupil, starts_on__lte=today)
        .exclude(ends_on__lt=today)
        .values_list("category", flat=True)
        .first()
    )
    if status not in (K, E):
        raise ValidationError(
            f"{pupil.name} is not on SEN support: record the SEN status on the register first."
        )
    plan = SupportPlan.objects.create(
        school=pupil.school,
        pupil=pupil,
        kind=SupportPlan.Kind.EHCP_INTERIM if status == E else SupportPlan.Kind.SEN_SUPPORT,
        lead=lead,
        created_by=access.user,
    )
    cycle = Cycle.objects.create(
        school=pupil.school,
        plan=plan,
        number=1,
        starts_on=today,
        needs_summary=needs_summary(pupil=pupil, on=today),
    )
    pupil_audit(access, pupil, "provision.plan.started", cycle=cycle.number)
    return plan


@transaction.atomic
def plan_set_lead(*, access: Access, plan: SupportPlan, lead: User | None) -> SupportPlan:
    plan.lead = lead
    plan.save(update_fields=["lead"])
    pupil_audit(access, plan.pupil, "provision.plan.lead_changed")
    return plan


@transaction.atomic
def cycle_update(*, access: Access, cycle: Cycle, **fields) -> Cycle:
    """Change the Assess or Plan sections of an open cycle. Unknown fields are refused."""
    unknown = set(fields) - set(ASSESS_FIELDS) - set(PLAN_FIELDS)
    if unknown:
        raise ValueError(f"Not a field of a cycle's Assess or Plan sections: {sorted(unknown)}")
    cycle = _locked(cycle)
    _open(cycle)
    for name, value in fields.items():
        setattr(cycle, name, value.strip() if isinstance(value, str) else value)
    if cycle.review_due and cycle.agreed_on and cycle.review_due <= cycle.agreed_on:
        raise ValidationError(
            {"review_due": "The review date must be after the date the plan was agreed."}
        )
    if cycle.stage == rules.DO:
        # A plan under way keeps the dates it was agreed with: without them its review would
        # silently drop off every deadline list.
        if cycle.agreed_on is None:
            raise ValidationError(
                {"agreed_on": "The plan is under way: the date it was agreed cannot be removed."}
            )
        if cycle.review_due is None:
            raise ValidationError(
                {"review_due": "The plan is under way: change its review date, do not remove it."}
            )
    cycle.full_clean()
    cycle.save()
    pupil_audit(
        access,
        cycle.plan.pupil,
        "provision.plan.changed",
        cycle=cycle.number,
        fields=sorted(fields),
    )
    return cycle


VIEWS_FIELDS = ("pupil_views", "parent_views", "review_pupil_views", "review_parent_views")


def appended(existing: str, text: str) -> str:
    """`text` after what is already written, a blank line between: never over it."""
    existing, text = (existing or "").rstrip(), text.strip()
    return f"{existing}\n\n{text}" if existing else text


@transaction.atomic
def cycle_views_append(*, access: Access, cycle: Cycle, field: str, text: str) -> Cycle:
    """Add views given by parents or the pupil to one of the open cycle's views (Assess, or
    the review's), after what is there. A reviewed cycle is refused."""
    if field not in VIEWS_FIELDS:
        raise ValueError(f"Not a field of a cycle's views: {field}")
    cycle = _locked(cycle)
    if cycle.school_id != access.school.pk:
        raise ValidationError("This plan belongs to another school.")
    _open(cycle)
    setattr(cycle, field, appended(getattr(cycle, field), text))
    cycle.full_clean()
    cycle.save(update_fields=[field, "updated_at"])
    pupil_audit(
        access, cycle.plan.pupil, "provision.plan.changed", cycle=cycle.number, fields=[field]
    )
    return cycle


@transaction.atomic
def cycle_evidence_from_report(*, access: Access, cycle: Cycle, report: Report) -> Cycle:
    """An outside agency's report in the open cycle's assessment evidence, in one step: its
    service, date and summary after what is written. Refused for another pupil's report, a
    reviewed cycle, or a report already there."""
    cycle = _locked(cycle)
    if access.school.pk != cycle.school_id or access.school.pk != report.school_id:
        raise ValidationError("That record belongs to another school.")
    _open(cycle)
    referral = report.referral
    if referral.pupil_id != cycle.plan.pupil_id:
        raise ValidationError("That report is about another pupil.")
    line = rules.report_evidence_line(
        service=referral.service.name, received_on=report.received_on, summary=report.summary
    )
    if rules.report_in_evidence(cycle.assessment, line):
        raise ValidationError("This report is already in the assessment evidence.")
    cycle.assessment = appended(cycle.assessment, line)
    cycle.full_clean()
    cycle.save(update_fields=["assessment", "updated_at"])
    pupil_audit(
        access,
        cycle.plan.pupil,
        "plans.evidence_from_report",
        cycle=cycle.number,
        report=str(report.public_id),
    )
    return cycle


@transaction.atomic
def cycle_advance(*, access: Access, cycle: Cycle, today: date) -> Cycle:
    """Move an open cycle on: Assess -> Plan -> Do."""
    cycle = _locked(cycle)
    problems = rules.advance_problems(
        stage=cycle.stage,
        targets=cycle.targets.count(),
        agreed_on=cycle.agreed_on,
        review_due=cycle.review_due,
        today=today,
    )
    if problems:
        raise ValidationError(problems)
    before = cycle.stage
    cycle.stage = rules.NEXT_STAGE[cycle.stage]
    cycle.save(update_fields=["stage", "updated_at"])
    if cycle.stage == rules.DO and cycle.agreed_on:
        # Agreeing the plan is a meeting with the parents (Code 6.48, 6.65).
        ParentMeeting.objects.get_or_create(
            plan=cycle.plan,
            cycle=cycle,
            kind=ParentMeeting.Kind.PLANNING,
            defaults={
                "school": cycle.school,
                "held_on": cycle.agreed_on,
                "recorded_by": access.user,
                "attended_by": "",
            },
        )
    pupil_audit(
        access,
        cycle.plan.pupil,
        "provision.plan.advanced",
        cycle=cycle.number,
        stage_from=before,
        stage_to=cycle.stage,
    )
    return cycle


def _groups(school, groups: Iterable[Group] | None) -> list[Group]:
    groups = list(groups or [])
    if any(g.school_id != school.pk for g in groups):
        raise ValidationError("A group of another school cannot deliver this target.")
    return groups


@transaction.atomic
def target_save(
    *,
    access: Access,
    cycle: Cycle,
    target: Target | None = None,
    groups: Iterable[Group] | None = None,
    **fields,
) -> Target:
    """Add a target to an open cycle, or change one. `groups` None leaves a target's groups as
    they are (a new target has none); a list, even empty, replaces them."""
    unknown = set(fields) - set(TARGET_FIELDS)
    if unknown:
        raise ValueError(f"Not a field of a target: {sorted(unknown)}")
    cycle = _locked(cycle)
    _open(cycle)
    chosen = None if groups is None else _groups(cycle.school, groups)
    if target is None:
        last = cycle.targets.aggregate(p=Max("position"))["p"] or 0
        target = Target(school=cycle.school, cycle=cycle, position=last + 1)
    elif target.cycle_id != cycle.pk:
        raise ValidationError("This target belongs to another cycle.")
    for name, value in fields.items():
        setattr(target, name, value.strip() if isinstance(value, str) else value)
    target.full_clean()
    target.save()
    if chosen is not None:
        target.groups.set(chosen)
    pupil_audit(
        access,
        cycle.plan.pupil,
        "provision.plan.target_saved",
        cycle=cycle.number,
        target=target.position,
    )
    return target


@transaction.atomic
def target_remove(*, access: Access, target: Target) -> None:
    cycle = _locked(target.cycle)
    _open(cycle)
    position = target.position
    target.delete()
    for number, later in enumerate(cycle.targets.order_by("position", "pk"), start=1):
        if later.position != number:
            later.position = number
            later.save(update_fields=["position"])
    pupil_audit(
        access,
        cycle.plan.pupil,
        "provision.plan.target_removed",
        cycle=cycle.number,
        target=position,
    )


@transaction.atomic
def contribution_add(*, access: Access, cycle: Cycle, body: str, stage: str) -> Contribution:
    """A teacher's (or the SENDCo's) contribution to the assessment or the review."""
    cycle = _locked(cycle)
    _open(cycle)
    body = body.strip()
    if not body:
        raise ValidationError({"body": "Write your contribution."})
    contribution = Contribution(
        school=cycle.school, cycle=cycle, stage=stage, author=access.user, body=body
    )
    contribution.full_clean()
    contribution.save()
    pupil_audit(
        access,
        cycle.plan.pupil,
        "provision.plan.contribution_added",
        cycle=cycle.number,
        stage=stage,
    )
    return contribution


@transaction.atomic
def review_complete(
    *,
    access: Access,
    cycle: Cycle,
    today: date,
    reviewed_on: date | None,
    outcomes: dict[int, dict[str, str]],
    parents_attended: bool = False,
    annual_review: bool = False,
    **fields: str,
) -> Cycle:
    """Record the review of a cycle and freeze it.

    `outcomes` maps each target's id to its `outcome`, `evidence` and `next_step`. A review
    attended by the parents counts as one of the year's parent meetings.
    """
    unknown = set(fields) - set(REVIEW_FIELDS)
    if unknown:
        raise ValueError(f"Not a field of a review: {sorted(unknown)}")
    cycle = _locked(cycle)
    targets = list(cycle.targets.all())
    given = [outcomes.get(t.pk, {}).get("outcome", "") for t in targets]
    problems = rules.review_problems(
        stage=cycle.stage,
        starts_on=cycle.starts_on,
        agreed_on=cycle.agreed_on,
        reviewed_on=reviewed_on,
        today=today,
        outcomes=given,
    )
    valid = set(Target.Outcome.values)
    if any(o and o not in valid for o in given):
        problems.append("An outcome is not one of achieved, partly achieved or not achieved.")
    if problems:
        raise ValidationError(problems)
    for target in targets:
        found = outcomes[target.pk]
        target.outcome = found["outcome"]
        target.evidence = (found.get("evidence") or "").strip()
        target.next_step = (found.get("next_step") or "").strip()
        target.save(update_fields=["outcome", "evidence", "next_step"])
    for name, value in fields.items():
        setattr(cycle, name, (value or "").strip())
    cycle.reviewed_on = reviewed_on
    cycle.annual_review = annual_review
    cycle.reviewed_by = access.user
    cycle.stage = rules.REVIEWED
    cycle.full_clean()
    cycle.save()
    if parents_attended:
        ParentMeeting.objects.create(
            school=cycle.school,
            plan=cycle.plan,
            cycle=cycle,
            kind=ParentMeeting.Kind.REVIEW,
            held_on=reviewed_on,
            attended_by=cycle.participants[:300],
            recorded_by=access.user,
        )
    pupil_audit(
        access,
        cycle.plan.pupil,
        "provision.plan.reviewed",
        cycle=cycle.number,
        achieved=given.count(rules.ACHIEVED),
        targets=len(targets),
    )
    return cycle


@transaction.atomic
def cycle_next(*, access: Access, plan: SupportPlan, today: date) -> Cycle:
    """Start the next cycle from the last reviewed one: needs from the register, the strategies
    kept, and every target not achieved carried over (without its date, to be agreed again)."""
    SupportPlan.objects.select_for_update().filter(pk=plan.pk).first()
    last = plan.cycles.order_by("-number").first()
    if last is None or not last.frozen:
        raise ValidationError("Review the current cycle before starting the next one.")
    assessment = ""
    if last.next_steps:
        assessment = f"Next steps agreed at the review of cycle {last.number}:\n{last.next_steps}"
    cycle = Cycle.objects.create(
        school=plan.school,
        plan=plan,
        number=last.number + 1,
        starts_on=today,
        needs_summary=needs_summary(pupil=plan.pupil, on=today),
        assessment=assessment,
        strategies=last.strategies,
    )
    carried = 0
    for old in last.targets.prefetch_related("groups").order_by("position", "pk"):
        if not rules.carries_over(old.outcome):
            continue
        carried += 1
        new = Target.objects.create(
            school=plan.school,
            cycle=cycle,
            position=carried,
            outcome_sought=old.outcome_sought,
            description=old.description,
            measure=old.measure,
            baseline=old.baseline,
            expected=old.expected,
            by_when=None,
            need_type_id=old.need_type_id,
            other_provision=old.other_provision,
            carried_from=old,
        )
        new.groups.set([g for g in old.groups.all() if g.status != Group.Status.ENDED])
    pupil_audit(
        access, plan.pupil, "provision.plan.cycle_started", cycle=cycle.number, carried=carried
    )
    return cycle


@transaction.atomic
def meeting_record(
    *,
    access: Access,
    plan: SupportPlan,
    held_on: date,
    today: date,
    kind: str = ParentMeeting.Kind.OTHER,
    attended_by: str = "",
    notes: str = "",
) -> ParentMeeting:
    if held_on > today:
        raise ValidationError({"held_on": "A meeting cannot be recorded before it happens."})
    cycle = plan.cycles.exclude(stage=rules.REVIEWED).first()
    meeting = ParentMeeting(
        school=plan.school,
        plan=plan,
        cycle=cycle,
        held_on=held_on,
        kind=kind,
        attended_by=attended_by.strip(),
        notes=notes.strip(),
        recorded_by=access.user,
    )
    meeting.full_clean()
    meeting.save()
    pupil_audit(access, plan.pupil, "provision.plan.meeting_recorded", on=held_on.isoformat())
    return meeting
