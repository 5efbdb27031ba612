"""Writes of statutory plans. Each checks the rules of `ehcp.rules`, keeps history (versions;
a finished review is read-only) and audits with the pupil's id.

`review_step` is the one service that moves an annual review on; it asks `rules.step_problems`
whether the step may follow and refuses with its messages.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max

from agencies.models import Report
from agencies.services import report_file
from provision.models import Group
from register.models import Pupil
from register.services import pupil_audit
from staff.files import attached
from staff.models import School
from staff.services import audit
from staff.tenancy import Access

from . import rules
from .models import (
    Advice,
    AnnualReview,
    AssessmentRequest,
    EhcPlan,
    LaContact,
    LocalAuthority,
    OutcomeProgress,
    PlanOutcome,
    PlanVersion,
    ProvisionItem,
    SchoolConsultation,
)
from .selectors import plan_transfer

VERSION_FIELDS = (
    "section_a",
    "section_b",
    "section_c",
    "section_d",
    "section_g",
    "section_h1",
    "section_h2",
    "section_i",
    "section_j",
    "section_k",
    "preparing_for_adulthood",
    "top_up_per_year",
    "personal_budget_per_year",
)
REQUEST_FIELDS = (
    "authority",
    "kind",
    "requested_by",
    "received_on",
    "advice_requested_on",
    "advice_sent_on",
    "decision",
    "decision_on",
    "draft_sent_on",
    "outcome",
    "outcome_on",
    "mediation_certificate_on",
    "exemption",
    "notes",
)
CONSULTATION_FIELDS = (
    "authority",
    "child_name",
    "date_of_birth",
    "year_group",
    "current_setting",
    "received_on",
    "responded_on",
    "response",
    "notes",
)
MEETING_FIELDS = (
    "attendees",
    "pupil_views",
    "parent_views",
    "recommendation",
    "amendments",
    "disagreement",
)


def _same_school(access: Access, *rows) -> None:
    for row in rows:
        if row is not None and row.school_id != access.school.pk:
            raise ValidationError("That record belongs to another school.")


def _set(row, fields: Mapping, allowed) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ValueError(f"Unknown fields for {type(row).__name__}: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(row, name, value.strip() if isinstance(value, str) else value)


# --------------------------------------------------------------------------------------------------
# Local authorities
# --------------------------------------------------------------------------------------------------

AUTHORITY_FIELDS = (
    "name",
    "code",
    "email",
    "phone",
    "advice_request_weeks",
    "invitation_weeks",
    "circulate_weeks",
    "report_days",
    "decision_weeks",
    "amended_plan_weeks",
    "under_five_months",
    "notes",
)


@transaction.atomic
def authority_save(
    *, access: Access, authority: LocalAuthority | None = None, **fields
) -> LocalAuthority:
    authority = authority or LocalAuthority(school=access.school)
    _same_school(access, authority)
    _set(authority, fields, AUTHORITY_FIELDS)
    authority.full_clean()
    authority.save()
    audit(
        action="ehcp.authority_saved",
        actor=access.user,
        school=access.school,
        role=access.role,
        obj=authority,
    )
    return authority


@transaction.atomic
def contact_save(
    *, access: Access, authority: LocalAuthority, contact: LaContact | None = None, **fields
) -> LaContact:
    _same_school(access, authority)
    contact = contact or LaContact(authority=authority)
    if contact.authority_id != authority.pk:
        raise ValidationError("That contact belongs to another authority.")
    _set(contact, fields, ("name", "role", "email", "phone"))
    contact.full_clean()
    contact.save()
    return contact


# --------------------------------------------------------------------------------------------------
# Needs-assessment requests
# --------------------------------------------------------------------------------------------------


def _request_problems(request: AssessmentRequest, today: date) -> dict[str, str]:
    problems: dict[str, str] = {}
    for name in (
        "received_on",
        "advice_requested_on",
        "advice_sent_on",
        "decision_on",
        "draft_sent_on",
        "outcome_on",
        "mediation_certificate_on",
    ):
        value = getattr(request, name)
        if value and value > today:
            problems[name] = "This date is still to come."
    if request.received_on:
        for name in ("advice_requested_on", "decision_on", "draft_sent_on", "outcome_on"):
            value = getattr(request, name)
            if value and value < request.received_on:
                problems[name] = "This cannot be before the LA received the request."
    if request.advice_sent_on and not request.advice_requested_on:
        problems["advice_requested_on"] = "Say when the LA asked for the school's advice."
    elif request.advice_sent_on and request.advice_sent_on < request.advice_requested_on:
        problems["advice_sent_on"] = "The advice cannot be sent before the LA asked for it."
    pending = AssessmentRequest.Decision.PENDING
    if (request.decision != pending) != bool(request.decision_on):
        problems["decision_on"] = "Give the decision and the date of the LA's letter together."
    if request.outcome != AssessmentRequest.Outcome.PENDING:
        if not request.outcome_on:
            problems["outcome_on"] = "Give the date of the outcome."
        if (
            request.outcome in (AssessmentRequest.Outcome.PLAN, AssessmentRequest.Outcome.NO_PLAN)
            and request.decision != AssessmentRequest.Decision.ASSESS
        ):
            problems["outcome"] = "A plan or a no-plan notice follows only a decision to assess."
    problems.update(_request_sequence_problems(request))
    return problems


def _request_sequence_problems(request: AssessmentRequest) -> dict[str, str]:
    """The draft plan, the LA's own re-assessment and the mediation certificate, in order."""
    problems: dict[str, str] = {}
    Decision, Outcome = AssessmentRequest.Decision, AssessmentRequest.Outcome
    la_initiative = request.requested_by == AssessmentRequest.RequestedBy.LA
    if la_initiative and request.kind != AssessmentRequest.Kind.REASSESSMENT:
        problems["requested_by"] = (
            "The LA starting on its own is recorded for a re-assessment; for a first assessment, "
            "record who brought the child to the LA's attention."
        )
    if request.draft_sent_on and request.decision != Decision.ASSESS and not la_initiative:
        problems["draft_sent_on"] = "A draft plan follows only a decision to assess."
    elif request.draft_sent_on and request.outcome == Outcome.NO_PLAN:
        problems["draft_sent_on"] = "A draft plan and a no-plan notice cannot both be recorded."
    elif request.draft_sent_on and request.draft_sent_on < (request.decision_on or date.min):
        problems["draft_sent_on"] = "The draft cannot be before the LA's decision."
    decided_against = request.decision == Decision.REFUSED or request.outcome == Outcome.NO_PLAN
    certificate = request.mediation_certificate_on
    if certificate and not decided_against:
        problems["mediation_certificate_on"] = (
            "A mediation certificate follows a decision not to assess, or not to issue a plan."
        )
    elif certificate and certificate < (request.outcome_on or request.decision_on or date.min):
        problems["mediation_certificate_on"] = "The certificate cannot be before the decision."
    return problems


@transaction.atomic
def request_save(
    *,
    access: Access,
    today: date,
    pupil: Pupil | None = None,
    request: AssessmentRequest | None = None,
    **fields,
) -> AssessmentRequest:
    """Record a needs-assessment request, or update its clock as the LA answers."""
    if request is None:
        if pupil is None:
            raise ValueError("A new request needs a pupil.")
        request = AssessmentRequest(school=access.school, pupil=pupil, created_by=access.user)
    _same_school(access, request, request.pupil, fields.get("authority"))
    _set(request, fields, REQUEST_FIELDS)
    problems = _request_problems(request, today)
    if problems:
        raise ValidationError(problems)
    request.full_clean()
    request.save()
    pupil_audit(
        access,
        request.pupil,
        "ehcp.request_saved",
        decision=request.decision,
        outcome=request.outcome,
    )
    return request


@transaction.atomic
def consultation_save(
    *, access: Access, today: date, consultation: SchoolConsultation | None = None, **fields
) -> SchoolConsultation:
    """Record the LA's consultation about naming the school in a child's plan, or the school's
    answer to it (15 days, `rules.consultation_due`)."""
    if consultation is None:
        consultation = SchoolConsultation(school=access.school, created_by=access.user)
    else:
        consultation = SchoolConsultation.objects.select_for_update().get(pk=consultation.pk)
    _same_school(access, consultation, fields.get("authority"))
    _set(consultation, fields, CONSULTATION_FIELDS)
    problems = {}
    for name in ("received_on", "responded_on", "date_of_birth"):
        value = getattr(consultation, name)
        if value and value > today:
            problems[name] = "This date is still to come."
    if consultation.responded_on and consultation.responded_on < consultation.received_on:
        problems["responded_on"] = "The answer cannot be before the consultation arrived."
    answered = consultation.response != SchoolConsultation.Response.PENDING
    if answered != bool(consultation.responded_on):
        problems["responded_on"] = "Give the school's answer and the date it was sent together."
    if problems:
        raise ValidationError(problems)
    consultation.full_clean()
    consultation.save()
    audit(
        action="ehcp.consultation_saved",
        actor=access.user,
        school=access.school,
        role=access.role,
        obj=consultation,
        detail={"response": consultation.response},
    )
    return consultation


# --------------------------------------------------------------------------------------------------
# EHC plans and their versions
# --------------------------------------------------------------------------------------------------


def latest_version(plan: EhcPlan) -> PlanVersion | None:
    return plan.versions.order_by("-number").first()


@transaction.atomic
def plan_create(
    *,
    access: Access,
    pupil: Pupil,
    authority: LocalAuthority,
    issued_on: date,
    today: date,
    **sections,
) -> EhcPlan:
    """Record a pupil's EHC plan as issued by `authority`: the plan and its first version."""
    _same_school(access, pupil, authority)
    Pupil.objects.select_for_update().filter(pk=pupil.pk).first()
    if EhcPlan.objects.filter(pupil=pupil, status=EhcPlan.Status.ACTIVE).exists():
        raise ValidationError(
            f"{pupil.name} already has an active EHC plan: record an amended version instead."
        )
    if issued_on > today:
        raise ValidationError({"issued_on": "A plan cannot be recorded before it is issued."})
    plan = EhcPlan.objects.create(school=access.school, pupil=pupil, authority=authority)
    version = PlanVersion(plan=plan, number=1, issued_on=issued_on, created_by=access.user)
    _set(version, sections, VERSION_FIELDS)
    version.full_clean()
    version.save()
    pupil_audit(access, pupil, "ehcp.plan_recorded", version=1)
    return plan


def version_locked_reason(version: PlanVersion) -> str:
    """Why the plan's content cannot change now ("" when it can): the plan has ended, or a
    later version has replaced this one (earlier versions are kept as they were)."""
    if version.plan.status != EhcPlan.Status.ACTIVE:
        return "This plan has ended and can no longer be changed."
    newest = version.plan.versions.aggregate(n=Max("number"))["n"]
    if version.number != newest:
        return (
            f"Version {version.number} has been replaced by version {newest}: earlier versions "
            "are kept as they were."
        )
    return ""


def _editable(version: PlanVersion) -> None:
    reason = version_locked_reason(version)
    if reason:
        raise ValidationError(reason)


@transaction.atomic
def version_update(*, access: Access, version: PlanVersion, **sections) -> PlanVersion:
    """Correct the sections of the plan's current version (as the LA issued it)."""
    version = (
        PlanVersion.objects.select_for_update().select_related("plan__pupil").get(pk=version.pk)
    )
    _same_school(access, version.plan)
    _editable(version)
    _set(version, sections, VERSION_FIELDS + ("issued_on",))
    version.full_clean()
    version.save()
    pupil_audit(
        access,
        version.plan.pupil,
        "ehcp.plan_changed",
        version=version.number,
        fields=sorted(sections),
    )
    return version


@transaction.atomic
def version_amend(
    *,
    access: Access,
    plan: EhcPlan,
    issued_on: date,
    kind: str = PlanVersion.Kind.AMENDED,
) -> PlanVersion:
    """A new version of the plan, starting as a copy of the current one (sections, outcomes and
    provision), to be edited to match what the LA issued. The old version stays as it was."""
    EhcPlan.objects.select_for_update().filter(pk=plan.pk).first()
    _same_school(access, plan)
    if plan.status != EhcPlan.Status.ACTIVE:
        raise ValidationError("This plan has ended and can no longer be changed.")
    current = latest_version(plan)
    if current is None:
        raise ValidationError("This plan has no version to amend.")
    if issued_on < current.issued_on:
        raise ValidationError(
            {
                "issued_on": f"The amended plan cannot predate version {current.number} "
                f"({current.issued_on:%d/%m/%Y})."
            }
        )
    new = PlanVersion.objects.create(
        plan=plan,
        number=current.number + 1,
        kind=kind,
        issued_on=issued_on,
        created_by=access.user,
        **{name: getattr(current, name) for name in VERSION_FIELDS},
    )
    outcomes = {}
    for outcome in current.outcomes.all():
        old_pk = outcome.pk
        outcome.pk = None
        outcome.version = new
        outcome.save()
        outcomes[old_pk] = outcome
    for item in current.provision.all():
        item.pk = None
        item.version = new
        item.outcome = outcomes.get(item.outcome_id)
        item.save()
    pupil_audit(access, plan.pupil, "ehcp.plan_amended", version=new.number)
    return new


@transaction.atomic
def outcome_save(
    *, access: Access, version: PlanVersion, row: PlanOutcome | None = None, **fields
) -> PlanOutcome:
    """Section E: add an outcome, or change `row`. The outcome's words are the field `outcome`,
    so the row to change is passed as `row`."""
    _same_school(access, version.plan)
    _editable(version)
    if row is None:
        last = version.outcomes.aggregate(p=Max("position"))["p"] or 0
        row = PlanOutcome(version=version, position=last + 1)
    elif row.version_id != version.pk:
        raise ValidationError("That outcome belongs to another version.")
    _set(row, fields, ("outcome", "interim_targets", "area"))
    row.full_clean()
    row.save()
    pupil_audit(access, version.plan.pupil, "ehcp.outcome_saved", version=version.number)
    return row


@transaction.atomic
def provision_save(
    *, access: Access, version: PlanVersion, item: ProvisionItem | None = None, **fields
) -> ProvisionItem:
    """Section F: one specific, quantified item, optionally delivered by a group of the map."""
    _same_school(access, version.plan)
    _editable(version)
    group: Group | None = fields.get("group")
    if group is not None and group.school_id != access.school.pk:
        raise ValidationError("A group of another school cannot deliver this provision.")
    outcome: PlanOutcome | None = fields.get("outcome")
    if outcome is not None and outcome.version_id != version.pk:
        raise ValidationError("Link the provision to an outcome of the same version.")
    if item is None:
        last = version.provision.aggregate(p=Max("position"))["p"] or 0
        item = ProvisionItem(version=version, position=last + 1)
    elif item.version_id != version.pk:
        raise ValidationError("That item belongs to another version.")
    _set(item, fields, ("description", "hours_per_week", "provider", "outcome", "group"))
    item.full_clean()
    item.save()
    pupil_audit(access, version.plan.pupil, "ehcp.provision_saved", version=version.number)
    return item


@transaction.atomic
def plan_end(*, access: Access, plan: EhcPlan, status: str, on: date, today: date) -> EhcPlan:
    """Cease the plan or record its transfer to another authority."""
    _same_school(access, plan)
    if status not in (EhcPlan.Status.CEASED, EhcPlan.Status.TRANSFERRED):
        raise ValidationError("A plan ends by ceasing or by transfer.")
    if plan.status != EhcPlan.Status.ACTIVE:
        raise ValidationError("This plan has already ended.")
    if on > today:
        raise ValidationError({"on": "This date is still to come."})
    plan.status, plan.ended_on = status, on
    plan.save(update_fields=["status", "ended_on"])
    pupil_audit(access, plan.pupil, "ehcp.plan_ended", status=status)
    return plan


@transaction.atomic
def post_16_move_save(
    *, access: Access, plan: EhcPlan, today: date, post_16_move_on, post_16_move_to: str = ""
) -> EhcPlan:
    """Record (or remove, with no date) a young person's planned move between post-16 settings:
    the amended plan naming the next one is due 5 months before it (reg. 18(2))."""
    plan = EhcPlan.objects.select_for_update().select_related("pupil").get(pk=plan.pk)
    _same_school(access, plan)
    if plan.status != EhcPlan.Status.ACTIVE:
        raise ValidationError("This plan has ended and can no longer be changed.")
    if post_16_move_on is not None and post_16_move_on <= today:
        raise ValidationError({"post_16_move_on": "Give a date still to come."})
    plan.post_16_move_on = post_16_move_on
    plan.post_16_move_to = (post_16_move_to or "").strip() if post_16_move_on else ""
    plan.full_clean()
    plan.save(update_fields=["post_16_move_on", "post_16_move_to"])
    pupil_audit(
        access,
        plan.pupil,
        "ehcp.post_16_move_saved",
        move_on=post_16_move_on.isoformat() if post_16_move_on else "",
    )
    return plan


@transaction.atomic
def transfer_settings_save(
    *, access: Access, lowest_year: str, highest_year: str, year_11_transfer: bool
) -> School:
    """The school's age range as year groups, set by a person (the MIS import no longer
    overrides it), and whether every Year 11 review is a transfer to post-16."""
    school = School.objects.select_for_update().get(pk=access.school.pk)
    school.lowest_year, school.highest_year = lowest_year, highest_year
    school.year_11_transfer = year_11_transfer
    school.age_range_source = "settings"
    school.full_clean()
    school.save(
        update_fields=["lowest_year", "highest_year", "year_11_transfer", "age_range_source"]
    )
    audit(
        action="ehcp.transfer_settings_saved",
        actor=access.user,
        school=school,
        role=access.role,
        obj=school,
        detail={"lowest": lowest_year, "highest": highest_year, "year_11": year_11_transfer},
    )
    return school


# --------------------------------------------------------------------------------------------------
# Annual reviews
# --------------------------------------------------------------------------------------------------


def facts(review: AnnualReview, advice_requested: int | None = None) -> rules.ReviewFacts:
    if advice_requested is None:
        advice_requested = review.advice.filter(requested_on__isnull=False).count()
    return rules.ReviewFacts(
        meeting_on=review.meeting_on,
        invitations_sent_on=review.invitations_sent_on,
        advice_requested=advice_requested,
        advice_circulated_on=review.advice_circulated_on,
        held_on=review.held_on,
        report_sent_on=review.report_sent_on,
        la_decision=review.la_decision,
        la_decision_on=review.la_decision_on,
        amended_issued_on=review.amended_issued_on,
    )


def open_review(plan: EhcPlan) -> AnnualReview | None:
    for review in plan.reviews.order_by("-meeting_on"):
        if not rules.finished(facts(review)):
            return review
    return None


@transaction.atomic
def review_schedule(
    *, access: Access, plan: EhcPlan, meeting_on: date, today: date, place: str = ""
) -> AnnualReview:
    """Schedule the plan's next annual review. One review at a time."""
    EhcPlan.objects.select_for_update().filter(pk=plan.pk).first()
    _same_school(access, plan)
    if plan.status != EhcPlan.Status.ACTIVE:
        raise ValidationError("This plan has ended: it has no more reviews.")
    if open_review(plan) is not None:
        raise ValidationError("This plan already has a review under way: finish it first.")
    version = latest_version(plan)
    first = plan.versions.order_by("number").values_list("issued_on", flat=True).first()
    transfer = plan_transfer(plan, today=today, first_issued=first)
    review = AnnualReview.objects.create(
        school=plan.school,
        plan=plan,
        version=version,
        meeting_on=meeting_on,
        meeting_place=place.strip(),
        phase_transfer=transfer is not None,
        created_by=access.user,
    )
    pupil_audit(access, plan.pupil, "ehcp.review_scheduled", meeting_on=meeting_on.isoformat())
    return review


def _locked(review: AnnualReview) -> AnnualReview:
    return (
        AnnualReview.objects.select_for_update()
        .select_related("plan__pupil", "plan__authority", "version")
        .get(pk=review.pk)
    )


@transaction.atomic
def review_reschedule(
    *, access: Access, review: AnnualReview, meeting_on: date, place: str | None = None
) -> list[str]:
    """Move the meeting (before it is held). Returns warnings, e.g. notice now too short."""
    review = _locked(review)
    _same_school(access, review)
    if review.held_on:
        raise ValidationError("The meeting has been held: its date can no longer move.")
    if review.invitations_sent_on and meeting_on < review.invitations_sent_on:
        raise ValidationError(
            {"meeting_on": "The meeting cannot be before the invitations were sent."}
        )
    before = review.meeting_on
    review.meeting_on = meeting_on
    if place is not None:
        review.meeting_place = place.strip()
    review.save(update_fields=["meeting_on", "meeting_place", "updated_at"])
    pupil_audit(
        access,
        review.plan.pupil,
        "ehcp.review_rescheduled",
        was=before.isoformat(),
        now=meeting_on.isoformat(),
    )
    return rules.notice_problems(
        meeting_on=meeting_on, invitations_sent_on=review.invitations_sent_on
    )


@transaction.atomic
def review_step(
    *,
    access: Access,
    review: AnnualReview,
    step: str,
    on: date | None,
    today: date,
    decision: str = "",
    progress: Mapping[int, tuple[str, str]] | None = None,
    **meeting,
) -> AnnualReview:
    """Record one step of a review as done on `on`. The step table is `rules.step_problems`.

    `held` takes the meeting's record (MEETING_FIELDS, and `progress`: outcome id -> (rating,
    evidence)); `decided` takes the LA's `decision`. A decision to cease ends the plan; the final
    amended plan becomes a new version of the plan.
    """
    review = _locked(review)
    _same_school(access, review)
    if step == rules.ADVICE_REQUESTED:
        # The step may come from a URL: a refusal with its message, never a server error.
        raise ValidationError("Advice is requested per contributor: use advice_request.")
    problems = rules.step_problems(
        facts=facts(review),
        step=step,
        on=on,
        today=today,
        recommendation=meeting.get("recommendation", ""),
        decision=decision,
    )
    if problems:
        raise ValidationError(problems)
    if step == rules.INVITED:
        review.invitations_sent_on = on
    elif step == rules.CIRCULATED:
        review.advice_circulated_on = on
    elif step == rules.HELD:
        _set(review, meeting, MEETING_FIELDS)
        review.held_on = on
        outcomes = {o.pk: o for o in review.version.outcomes.all()}
        for outcome_id, (rating, evidence) in (progress or {}).items():
            if outcome_id not in outcomes:
                raise ValidationError("Progress was given for an outcome not in this plan.")
            if rating not in OutcomeProgress.Rating.values:
                raise ValidationError("Choose the progress towards each outcome from the list.")
            OutcomeProgress.objects.update_or_create(
                review=review,
                outcome_id=outcome_id,
                defaults={"rating": rating, "evidence": (evidence or "").strip()},
            )
    elif step == rules.REPORTED:
        review.report_sent_on = on
    elif step == rules.DECIDED:
        review.la_decision, review.la_decision_on = decision, on
        if decision == rules.CEASE:
            plan_end(
                access=access, plan=review.plan, status=EhcPlan.Status.CEASED, on=on, today=today
            )
    elif step == rules.AMENDED:
        review.amended_issued_on = on
        version_amend(access=access, plan=review.plan, issued_on=on)
    review.stage = rules.stage_of(facts(review))
    review.full_clean()
    review.save()
    pupil_audit(access, review.plan.pupil, "ehcp.review_step", step=step, on=on.isoformat())
    return review


VIEWS_FIELDS = ("pupil_views", "parent_views")


def views_closed_reason(review: AnnualReview) -> str:
    """Why the review's record of views can no longer change ("" when it can): once its report
    has gone to the local authority, the views are those it was sent with."""
    if review.report_sent_on:
        return (
            f"The review's report went to the local authority on "
            f"{review.report_sent_on.day} {review.report_sent_on:%B %Y}: the views recorded "
            "for it can no longer change."
        )
    if rules.finished(facts(review, advice_requested=0)):
        return "This review is finished: nothing more can be recorded."
    return ""


@transaction.atomic
def review_views_append(
    *, access: Access, review: AnnualReview, field: str, text: str
) -> AnnualReview:
    """Add views given by parents or the pupil to the review's record of their views, after
    what is there. Refused once the report has gone to the local authority."""
    if field not in VIEWS_FIELDS:
        raise ValueError(f"Not a field of a review's views: {field}")
    review = _locked(review)
    _same_school(access, review)
    if reason := views_closed_reason(review):
        raise ValidationError(reason)
    existing = getattr(review, field).rstrip()
    setattr(review, field, f"{existing}\n\n{text.strip()}" if existing else text.strip())
    review.save(update_fields=[field, "updated_at"])
    pupil_audit(access, review.plan.pupil, "ehcp.review_views_added", field=field)
    return review


@transaction.atomic
def mediation_save(
    *, access: Access, review: AnnualReview, mediation_certificate_on, today: date
) -> AnnualReview:
    """The date of the mediation certificate after the LA decided not to amend, or to cease: it
    can move the appeal window (1 month from the certificate, if later than 2 months from the
    decision)."""
    review = _locked(review)
    _same_school(access, review)
    if review.la_decision not in (rules.MAINTAIN, rules.CEASE) or not review.la_decision_on:
        raise ValidationError(
            "A mediation certificate follows an LA decision not to amend the plan, or to cease it."
        )
    if mediation_certificate_on is not None:
        if mediation_certificate_on > today:
            raise ValidationError({"mediation_certificate_on": "This date is still to come."})
        if mediation_certificate_on < review.la_decision_on:
            raise ValidationError(
                {
                    "mediation_certificate_on": "The certificate cannot be before the LA's "
                    f"decision ({review.la_decision_on:%d/%m/%Y})."
                }
            )
    review.mediation_certificate_on = mediation_certificate_on
    review.save(update_fields=["mediation_certificate_on", "updated_at"])
    pupil_audit(access, review.plan.pupil, "ehcp.mediation_recorded")
    return review


def _open_for_advice(review: AnnualReview) -> None:
    if rules.finished(facts(review)):
        raise ValidationError("This review is finished: nothing more can be recorded.")


@transaction.atomic
def advice_request(
    *,
    access: Access,
    review: AnnualReview,
    contributor: str,
    requested_on: date,
    today: date,
    name: str = "",
) -> Advice:
    """Ask one contributor for advice for the review."""
    review = _locked(review)
    _same_school(access, review)
    _open_for_advice(review)
    if review.held_on:
        raise ValidationError(
            f"The meeting was held on {review.held_on:%d/%m/%Y}: it is too late to request advice."
        )
    if requested_on > today:
        raise ValidationError({"requested_on": "This date is still to come."})
    if requested_on > review.meeting_on:
        raise ValidationError({"requested_on": "Advice must be requested before the meeting."})
    advice = Advice(
        school=review.school,
        review=review,
        contributor=contributor,
        name=name.strip(),
        requested_on=requested_on,
    )
    advice.full_clean()
    advice.save()
    review.stage = rules.stage_of(facts(review))
    review.save(update_fields=["stage", "updated_at"])
    pupil_audit(access, review.plan.pupil, "ehcp.advice_requested", contributor=contributor)
    return advice


@transaction.atomic
def advice_receive(
    *,
    access: Access,
    advice: Advice,
    received_on: date,
    today: date,
    summary: str = "",
    document=None,
    document_type: str = "",
) -> Advice:
    """Record advice received, with a summary and the document (checked by the form)."""
    review = _locked(advice.review)
    _same_school(access, review)
    _open_for_advice(review)
    if received_on > today:
        raise ValidationError({"received_on": "This date is still to come."})
    if advice.requested_on and received_on < advice.requested_on:
        raise ValidationError({"received_on": "Advice cannot arrive before it was requested."})
    advice.received_on = received_on
    advice.summary = summary.strip()
    with attached(advice, document, document_type, field="document"):
        advice.full_clean()
        advice.save()
        pupil_audit(
            access,
            review.plan.pupil,
            "ehcp.advice_received",
            contributor=advice.contributor,
            document=bool(document),
        )
    return advice


@transaction.atomic
def advice_submit(
    *,
    access: Access,
    review: AnnualReview,
    summary: str,
    today: date,
    document=None,
    document_type: str = "",
) -> Advice:
    """A teacher adds their own advice to the review of a pupil they teach (the SENDCo or trust
    lead may too): written as the class teacher's or the SENDCo's (`rules.advice_contributor`)."""
    review = _locked(review)
    _same_school(access, review)
    _open_for_advice(review)
    if review.held_on:
        raise ValidationError(
            f"The meeting was held on {review.held_on:%d/%m/%Y}: advice can no longer be added."
        )
    if not summary.strip():
        raise ValidationError({"summary": "Write your advice."})
    advice = Advice(
        school=review.school,
        review=review,
        contributor=rules.advice_contributor(access.role),
        name=access.user.full_name,
        requested_on=None,
        submitted_by=access.user,
    )
    return advice_receive(
        access=access,
        advice=_saved(advice),
        received_on=today,
        today=today,
        summary=summary,
        document=document,
        document_type=document_type,
    )


@transaction.atomic
def advice_from_report(
    *, access: Access, review: AnnualReview, report: Report, today: date
) -> Advice:
    """An outside agency's report the school received, added to the review as that service's
    advice in one step: its date, summary and a copy of its document (the review's advice is
    kept, printed and retained with the review, whatever happens to the referral). Refused for
    another pupil's report, a review finished, or a report already added."""
    review = _locked(review)
    _same_school(access, review, report)
    _open_for_advice(review)
    referral = report.referral
    if referral.pupil_id != review.plan.pupil_id:
        raise ValidationError("That report is about another pupil.")
    if review.advice.filter(agency_report=report).exists():
        raise ValidationError("This report is already advice for this review.")
    advice = Advice(
        school=review.school,
        review=review,
        contributor=rules.advice_contributor_of_service(referral.service.kind),
        name=referral.service.name[:120],
        requested_on=min(referral.referred_on, report.received_on),
        received_on=report.received_on,
        summary=report.summary,
        submitted_by=access.user,
        agency_report=report,
    )
    found = report_file(report)
    upload = ContentFile(found.content, name=found.name) if found else None
    with attached(advice, upload, found.content_type if found else "", field="document"):
        advice.full_clean()
        advice.save()
        pupil_audit(
            access,
            review.plan.pupil,
            "ehcp.advice_from_report",
            contributor=advice.contributor,
            report=str(report.public_id),
            document=bool(found),
        )
    review.stage = rules.stage_of(facts(review))
    review.save(update_fields=["stage", "updated_at"])
    return advice


def _saved(advice: Advice) -> Advice:
    advice.full_clean()
    advice.save()
    return advice
