"""EHC plans: the review tracker, local authorities, needs-assessment requests, a pupil's plan and
its versions, annual reviews step by step, advice and its documents.

Views: access -> form -> service -> redirect or render. Which pupils (and so which plans, reviews
and advice) a person sees comes from `ehcp.selectors`; one outside it is a 404, like a missing
one. A page the role may not open is a 403 (`school_view`). Every write goes through
`ehcp.services`, whose ValidationErrors are shown on the form, with what was typed kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from itertools import groupby

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_http_methods, require_safe

from register.access import pupil_or_404
from register.models import YEAR_ORDER, Pupil
from register.services import pupil_audit
from staff.capabilities import Cap
from staff.deadlines import SOON_DAYS, is_due_soon
from staff.http import add_service_errors, form_data
from staff.models import Role
from staff.services import audit
from staff.tenancy import school_view

from . import rules, selectors, services
from .forms import (
    AdviceReceiveForm,
    AdviceRequestForm,
    AdviceSubmitForm,
    AmendForm,
    AuthorityForm,
    ContactForm,
    MeetingForm,
    OutcomeForm,
    PlanEndForm,
    ProvisionForm,
    RequestForm,
    StepForm,
    VersionForm,
    long_date,
)
from .models import (
    Advice,
    AnnualReview,
    AssessmentRequest,
    EhcPlan,
    LocalAuthority,
    PlanOutcome,
    PlanVersion,
    ProvisionItem,
)

GET_POST = require_http_methods(["GET", "POST"])

# The steps recorded through `review_step`, in order; advice is requested per contributor.
STEPS = (rules.INVITED, rules.CIRCULATED, rules.HELD, rules.REPORTED, rules.DECIDED, rules.AMENDED)
STEP_TITLES = {
    rules.INVITED: "Record the invitations sent",
    rules.CIRCULATED: "Record the advice circulated",
    rules.HELD: "Record the review meeting",
    rules.REPORTED: "Record the report sent to the LA",
    rules.DECIDED: "Record the LA's decision",
    rules.AMENDED: "Record the final amended plan",
}
STEP_INTROS = {
    rules.INVITED: "Parents, the head, the LA's SEN officer, health and social care must be "
    "invited with at least 2 weeks' notice of the meeting.",
    rules.CIRCULATED: "Every piece of advice must be circulated to those invited at least "
    "2 weeks before the meeting.",
    rules.HELD: "The meeting considers progress towards each outcome, whether the outcomes "
    "still fit and, from Year 9, preparing for adulthood. Record what it recommends.",
    rules.REPORTED: "The report, with the recommended amendments and any disagreement, goes to "
    "the LA and everyone invited within 2 weeks of the meeting.",
    rules.DECIDED: "The LA decides within 4 weeks of the meeting: maintain the plan, amend it or "
    "cease it.",
    rules.AMENDED: "The final amended plan is due within 8 weeks of the LA's notice of proposed "
    "amendments. Recording it adds a new version of the plan, starting as a copy of the "
    "current one; the current version stays as it was.",
}
YEAR_9 = YEAR_ORDER["9"]


def _today() -> date:
    return timezone.localdate()


# --------------------------------------------------------------------------------------------------
# Access: the object and the person's right to see it, in one step (404 otherwise)
# --------------------------------------------------------------------------------------------------


def _plan_or_404(pupil: Pupil) -> EhcPlan:
    plan = selectors.plan_of(pupil=pupil)
    if plan is None:
        raise Http404("This pupil has no EHC plan.")
    return plan


def _review_or_404(request: HttpRequest, public_id) -> AnnualReview:
    review = selectors.review_for(access=request.access, public_id=public_id, today=_today())
    if review is None:
        raise Http404("No such review.")
    return review


def _advice_or_404(request: HttpRequest, public_id) -> Advice:
    advice = selectors.advice_for(access=request.access, public_id=public_id, today=_today())
    if advice is None:
        raise Http404("No such advice.")
    return advice


def _request_or_404(request: HttpRequest, public_id) -> AssessmentRequest:
    found = selectors.request_for(access=request.access, public_id=public_id, today=_today())
    if found is None:
        raise Http404("No such request.")
    return found


def _authority_or_404(request: HttpRequest, pk: int) -> LocalAuthority:
    authority = LocalAuthority.objects.filter(school=request.school, pk=pk).first()
    if authority is None:
        raise Http404("No such local authority.")
    return authority


def _plan_url(request: HttpRequest, pupil: Pupil) -> str:
    return reverse("ehcp:plan", args=[request.school.slug, pupil.public_id])


def _review_url(request: HttpRequest, review: AnnualReview) -> str:
    return reverse("ehcp:review", args=[request.school.slug, review.public_id])


def _to_plan(request: HttpRequest, pupil: Pupil, message: str = "") -> HttpResponse:
    if message:
        messages.success(request, message)
    return redirect(_plan_url(request, pupil))


def _to_review(request: HttpRequest, review: AnnualReview, message: str = "") -> HttpResponse:
    if message:
        messages.success(request, message)
    return redirect(_review_url(request, review))


def _locked_message(version: PlanVersion) -> str:
    """Why the plan's content cannot change now ("" when it can)."""
    plan = version.plan
    if plan.status != EhcPlan.Status.ACTIVE:
        return "This plan has ended and can no longer be changed."
    latest = services.latest_version(plan)
    if latest is not None and latest.pk != version.pk:
        return (
            f"Version {version.number} has been replaced by version {latest.number}: earlier "
            "versions are kept as they were."
        )
    return ""


def _form_page(request: HttpRequest, form, *, title: str, back_url: str, **context):
    """The plain form page shared by most writes."""
    return render(
        request,
        "ehcp/form.html",
        {"form": form, "title": title, "back_url": back_url, **context},
    )


def _finished(review: AnnualReview) -> bool:
    return rules.finished(services.facts(review, advice_requested=0))


# --------------------------------------------------------------------------------------------------
# The review tracker: every active plan's clock, overdue first, by month
# --------------------------------------------------------------------------------------------------


@dataclass
class TrackerRow:
    line: selectors.ReviewLine
    step: selectors.Step | None
    overdue: bool
    due_soon: bool


@school_view(Cap.EHCP_TRACKER)
@require_safe
def tracker(request: HttpRequest) -> HttpResponse:
    today = _today()
    authorities = list(LocalAuthority.objects.filter(school=request.school).order_by("name"))
    wanted = request.GET.get("la", "")
    chosen = next((a for a in authorities if str(a.pk) == wanted), None)
    lines = selectors.tracker(
        access=request.access, today=today, authority_id=chosen.pk if chosen else None
    )
    rows = []
    for line in lines:
        step = line.next_step
        overdue = line.overdue(today)
        rows.append(
            TrackerRow(
                line=line,
                step=step,
                overdue=overdue,
                due_soon=not overdue
                and step is not None
                and is_due_soon(due=step.due, today=today),
            )
        )
    sections: list[tuple[str, list[TrackerRow]]] = []
    late = [r for r in rows if r.overdue]
    if late:
        sections.append(("Overdue", late))
    for month, found in groupby(
        (r for r in rows if not r.overdue),
        key=lambda r: date(r.step.due.year, r.step.due.month, 1) if r.step else None,
    ):
        sections.append((f"Due in {month:%B %Y}" if month else "Nothing due", list(found)))
    audit(
        action="ehcp.tracker_viewed",
        actor=request.user,
        school=request.school,
        role=request.access.role,
        detail={"rows": len(rows), "authority": chosen.pk if chosen else None},
    )
    return render(
        request,
        "ehcp/tracker.html",
        {
            "sections": sections,
            "authorities": authorities,
            "chosen": chosen,
            "today": today,
            "counts": {
                "overdue": len(late),
                "due_soon": sum(1 for r in rows if r.due_soon),
                "under_way": sum(1 for r in rows if r.line.review is not None),
                "plans": len(rows),
            },
            "soon_days": SOON_DAYS,
            "can_manage": request.access.can(Cap.EHCP_MANAGE),
        },
    )


# --------------------------------------------------------------------------------------------------
# Local authorities and their contacts
# --------------------------------------------------------------------------------------------------


@school_view(Cap.EHCP_TRACKER)
@require_safe
def authority_list(request: HttpRequest) -> HttpResponse:
    authorities = (
        LocalAuthority.objects.filter(school=request.school)
        .annotate(active_plans=Count("plans", filter=Q(plans__status=EhcPlan.Status.ACTIVE)))
        .prefetch_related("contacts")
        .order_by("name")
    )
    return render(
        request,
        "ehcp/authorities.html",
        {"authorities": authorities, "can_manage": request.access.can(Cap.EHCP_MANAGE)},
    )


def _authority_page(request: HttpRequest, authority: LocalAuthority | None) -> HttpResponse:
    form = AuthorityForm(form_data(request), school=request.school, instance=authority)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.authority_save(
                access=request.access, authority=authority, **form.model_fields()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{saved.name} saved.")
            return redirect("ehcp:authorities", school_slug=request.school.slug)
    return render(
        request,
        "ehcp/authority_form.html",
        {
            "form": form,
            "authority": authority,
            "contacts": list(authority.contacts.all()) if authority else [],
        },
    )


@school_view(Cap.EHCP_MANAGE)
@GET_POST
def authority_new(request: HttpRequest) -> HttpResponse:
    return _authority_page(request, None)


@school_view(Cap.EHCP_MANAGE)
@GET_POST
def authority_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _authority_page(request, _authority_or_404(request, pk))


@school_view(Cap.EHCP_MANAGE)
@GET_POST
def contact_new(request: HttpRequest, pk: int) -> HttpResponse:
    authority = _authority_or_404(request, pk)
    form = ContactForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            contact = services.contact_save(
                access=request.access, authority=authority, **form.model_fields()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{contact.name} added to {authority.name}'s contacts.")
            return redirect("ehcp:authority_edit", school_slug=request.school.slug, pk=authority.pk)
    return _form_page(
        request,
        form,
        title=f"Add a contact at {authority.name}",
        back_url=reverse("ehcp:authority_edit", args=[request.school.slug, authority.pk]),
        back_label=f"Back to {authority.name}",
        submit_label="Add the contact",
    )


# --------------------------------------------------------------------------------------------------
# Needs-assessment requests and the LA's clock
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClockItem:
    label: str
    due: date | None
    done_on: date | None
    overdue: bool
    note: str = ""


def _clock(found: AssessmentRequest, today: date) -> list[ClockItem]:
    """The statutory clock of one request, with what has happened (`rules.assessment_clock`)."""
    clock = rules.assessment_clock(
        received_on=found.received_on, advice_requested_on=found.advice_requested_on
    )
    Decision, Outcome = AssessmentRequest.Decision, AssessmentRequest.Outcome
    running = found.outcome == Outcome.PENDING and found.decision != Decision.REFUSED
    timed = running and not found.exemption

    def late(due: date | None, done: bool) -> bool:
        return timed and due is not None and not done and due < today

    decided = found.decision != Decision.PENDING
    items = [
        ClockItem(
            "The LA decides whether to assess (6 weeks)",
            clock.decision_by,
            found.decision_on if decided else None,
            late(clock.decision_by, decided),
            found.get_decision_display() if decided else "",
        ),
        ClockItem(
            "The school's advice (6 weeks after the LA asks)",
            clock.advice_due,
            found.advice_sent_on,
            late(clock.advice_due, bool(found.advice_sent_on)),
            "" if found.advice_requested_on else "The LA has not asked for it yet.",
        ),
    ]
    if found.decision != Decision.REFUSED:
        no_plan = found.outcome == Outcome.NO_PLAN
        items.append(
            ClockItem(
                "Notice if the LA will not issue a plan (16 weeks)",
                clock.no_plan_notice_by,
                found.outcome_on if no_plan else None,
                False,
                found.get_outcome_display() if no_plan else "",
            )
        )
        issued = found.outcome == Outcome.PLAN
        items.append(
            ClockItem(
                "Final EHC plan (20 weeks)",
                clock.final_plan_by,
                found.outcome_on if issued else None,
                late(clock.final_plan_by, issued) and found.decision == Decision.ASSESS,
                found.get_outcome_display() if issued else "",
            )
        )
    return items


@school_view(Cap.EHCP_TRACKER)
@require_safe
def request_list(request: HttpRequest) -> HttpResponse:
    today = _today()
    found = (
        AssessmentRequest.objects.filter(school=request.school)
        .select_related("pupil", "authority")
        .order_by("-received_on", "-pk")
    )
    rows = [(r, _clock(r, today)) for r in found]
    rows = [(r, items, any(i.overdue for i in items)) for r, items in rows]
    rows.sort(key=lambda row: not row[2])  # overdue first, newest first within
    return render(
        request,
        "ehcp/requests.html",
        {
            "rows": rows,
            "today": today,
            "overdue": sum(1 for row in rows if row[2]),
            "can_manage": request.access.can(Cap.EHCP_MANAGE),
        },
    )


@school_view(Cap.EHCP_MANAGE)
@GET_POST
def request_new(request: HttpRequest, public_id) -> HttpResponse:
    pupil = pupil_or_404(request, public_id)
    form = RequestForm(form_data(request), school=request.school, answers=False)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.request_save(
                access=request.access, today=_today(), pupil=pupil, **form.model_fields()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"Needs assessment request for {pupil.name} recorded. The LA must decide "
                f"whether to assess by {long_date(saved.received_on + timedelta(weeks=6))}.",
            )
            return redirect(
                "ehcp:request", school_slug=request.school.slug, public_id=saved.public_id
            )
    return _form_page(
        request,
        form,
        title=f"Needs assessment request: {pupil.name}",
        back_url=reverse("register:pupil", args=[request.school.slug, pupil.public_id]),
        back_label=f"Back to {pupil.name}",
        intro="A request for an EHC needs assessment. The LA's clock starts on the day it "
        "receives the request.",
        no_authorities=not form.fields["authority"].queryset.exists(),
        submit_label="Record the request",
    )


@school_view(Cap.EHCP_TRACKER)
@require_safe
def request_detail(request: HttpRequest, public_id) -> HttpResponse:
    found = _request_or_404(request, public_id)
    pupil_audit(
        access=request.access,
        pupil=found.pupil,
        action="ehcp.request_viewed",
        detail={"request": str(found.public_id)},
    )
    return render(
        request,
        "ehcp/request_detail.html",
        {
            "found": found,
            "pupil": found.pupil,
            "clock": _clock(found, _today()),
            "can_manage": request.access.can(Cap.EHCP_MANAGE),
        },
    )


@school_view(Cap.EHCP_MANAGE)
@GET_POST
def request_edit(request: HttpRequest, public_id) -> HttpResponse:
    found = _request_or_404(request, public_id)
    form = RequestForm(form_data(request), school=request.school, answers=True, instance=found)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_save(
                access=request.access, today=_today(), request=found, **form.model_fields()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The request's clock is updated.")
            return redirect("ehcp:request", school_slug=request.school.slug, public_id=public_id)
    return _form_page(
        request,
        form,
        title=f"The LA's answers: {found.pupil.name}",
        back_url=reverse("ehcp:request", args=[request.school.slug, found.public_id]),
        back_label="Back to the request",
        intro="Record what the LA has decided and when, as its letters arrive.",
        submit_label="Save",
    )


# --------------------------------------------------------------------------------------------------
# A pupil's plan, its versions and reviews
# --------------------------------------------------------------------------------------------------


def _shown(versions: list[PlanVersion], wanted: str | None) -> PlanVersion:
    if wanted and wanted.isdigit():
        for version in versions:
            if version.number == int(wanted):
                return version
    return versions[0]


@school_view(Cap.EHCP_VIEW)
@require_safe
def plan_detail(request: HttpRequest, public_id) -> HttpResponse:
    today = _today()
    pupil = pupil_or_404(request, public_id)
    found = selectors.plan_of(pupil=pupil)
    can_manage = request.access.can(Cap.EHCP_MANAGE)
    if found is None:
        pupil_audit(
            access=request.access, pupil=pupil, action="ehcp.plan_viewed", detail={"plan": None}
        )
        requests = (
            list(AssessmentRequest.objects.filter(pupil=pupil).order_by("-received_on"))
            if request.access.can(Cap.EHCP_TRACKER)
            else []
        )
        return render(
            request,
            "ehcp/plan_none.html",
            {"pupil": pupil, "requests": requests, "can_manage": can_manage},
        )
    plan = selectors.with_review_data(EhcPlan.objects.filter(pk=found.pk)).get()
    plan.school = request.school
    line = selectors.review_line(plan, today=today)
    versions = list(
        PlanVersion.objects.filter(plan=plan).select_related("created_by").order_by("-number")
    )
    for version in versions:
        version.plan = plan
    current = versions[0]
    shown = _shown(versions, request.GET.get("version"))
    is_current = shown.pk == current.pk
    outcomes = list(shown.outcomes.order_by("position", "pk"))
    reviews = sorted(plan.reviews.all(), key=lambda r: r.meeting_on, reverse=True)
    held = [r.held_on for r in reviews if r.held_on and r.held_on <= today]
    period_start = min(max(held) if held else versions[-1].issued_on, today)
    if is_current:  # section F with the hours delivered since the last review
        delivery = selectors.section_f(version=current, pupil=pupil, start=period_start, end=today)
        items = [d.item for d in delivery]
    else:
        delivery = []
        items = list(shown.provision.select_related("group", "outcome").order_by("position", "pk"))
    pupil_audit(
        access=request.access,
        pupil=pupil,
        action="ehcp.plan_viewed",
        detail={"version": shown.number},
    )
    active = plan.status == EhcPlan.Status.ACTIVE
    return render(
        request,
        "ehcp/plan_detail.html",
        {
            "pupil": pupil,
            "plan": plan,
            "line": line,
            "versions": versions,
            "current": current,
            "shown": shown,
            "is_current": is_current,
            "outcomes": outcomes,
            "items": items,
            "delivery": delivery,
            "period": (period_start, today),
            "reviews": [(r, r.pk == getattr(line.review, "pk", None)) for r in reviews],
            "today": today,
            "from_year_9": pupil.year_order >= YEAR_9,
            "can_manage": can_manage,
            "can_edit": can_manage and active and is_current,
            "can_schedule": can_manage and active and line.review is None,
            "can_advise": request.access.can(Cap.EHCP_ADVICE)
            and line.review is not None
            and not line.review.held_on,
            "can_track": request.access.can(Cap.EHCP_TRACKER),
        },
    )


@school_view(Cap.EHCP_MANAGE)
@GET_POST
def plan_new(request: HttpRequest, public_id) -> HttpResponse:
    pupil = pupil_or_404(request, public_id)
    if EhcPlan.objects.filter(pupil=pupil, status=EhcPlan.Status.ACTIVE).exists():
        messages.info(
            request,
            f"{pupil.name} already has an active EHC plan: record an amended version instead.",
        )
        return redirect(_plan_url(request, pupil))
    form = VersionForm(form_data(request), school=request.school)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_create(
                access=request.access,
                pupil=pupil,
                authority=form.cleaned_data["authority"],
                issued_on=form.cleaned_data["issued_on"],
                today=_today(),
                **form.sections(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _to_plan(
                request,
                pupil,
                f"EHC plan recorded for {pupil.name}. Add the outcomes (section E) and the "
                "provision (section F).",
            )
    return _form_page(
        request,
        form,
        title=f"Record an EHC plan: {pupil.name}",
        back_url=_plan_url(request, pupil),
        back_label=f"Back to {pupil.name}'s EHC plan",
        intro="The plan as the local authority issued it. Outcomes (section E) and provision "
        "(section F) are added one by one on the plan's page.",
        no_authorities=not form.fields["authority"].queryset.exists(),
        submit_label="Record the plan",
    )


@school_view(Cap.EHCP_MANAGE)
@GET_POST
def version_edit(request: HttpRequest, public_id) -> HttpResponse:
    pupil = pupil_or_404(request, public_id)
    plan = _plan_or_404(pupil)
    version = services.latest_version(plan)
    if plan.status != EhcPlan.Status.ACTIVE or version is None:
        messages.warning(request, "This plan has ended and can no longer be changed.")
        return redirect(_plan_url(request, pupil))
    form = VersionForm(form_data(request), instance=version)
    if request.method == "POST" and form.is_valid():
        try:
            services.version_update(
                access=request.access,
                version=version,
                issued_on=form.cleaned_data["issued_on"],
                **form.sections(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _to_plan(request, pupil, f"Version {version.number} of the plan saved.")
    return _form_page(
        request,
        form,
        title=f"Sections of version {version.number}: {pupil.name}",
        back_url=_plan_url(request, pupil),
        back_label=f"Back to {pupil.name}'s EHC plan",
        intro="Correct the sections so they match the plan the LA issued. When the LA issues an "
        "amended plan, record it as a new version instead: this one is then kept as it was.",
        submit_label="Save the sections",
    )


@school_view(Cap.EHCP_MANAGE)
@GET_POST
def version_amend(request: HttpRequest, public_id) -> HttpResponse:
    pupil = pupil_or_404(request, public_id)
    plan = _plan_or_404(pupil)
    if plan.status != EhcPlan.Status.ACTIVE:
        messages.warning(request, "This plan has ended and can no longer be changed.")
        return redirect(_plan_url(request, pupil))
    form = AmendForm(form_data(request), initial={"issued_on": _today()})
    if request.method == "POST" and form.is_valid():
        try:
            new = services.version_amend(
                access=request.access,
                plan=plan,
                issued_on=form.cleaned_data["issued_on"],
                kind=form.cleaned_data["kind"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _to_plan(
                request,
                pupil,
                f"Version {new.number} recorded as a copy of version {new.number - 1}: change "
                "its sections, outcomes and provision to match the plan the LA issued. Version "
                f"{new.number - 1} is kept as it was.",
            )
    return _form_page(
        request,
        form,
        title=f"Record an amended plan: {pupil.name}",
        back_url=_plan_url(request, pupil),
        back_label=f"Back to {pupil.name}'s EHC plan",
        intro="The new version starts as a copy of the current one (sections, outcomes and "
        "provision); the current version stays readable as it was.",
        submit_label="Record the new version",
    )


@school_view(Cap.EHCP_MANAGE)
@GET_POST
def plan_end(request: HttpRequest, public_id) -> HttpResponse:
    pupil = pupil_or_404(request, public_id)
    plan = _plan_or_404(pupil)
    if plan.status != EhcPlan.Status.ACTIVE:
        messages.warning(request, "This plan has already ended.")
        return redirect(_plan_url(request, pupil))
    form = PlanEndForm(form_data(request), initial={"on": _today()})
    if request.method == "POST" and form.is_valid():
        try:
            ended = services.plan_end(
                access=request.access,
                plan=plan,
                status=form.cleaned_data["status"],
                on=form.cleaned_data["on"],
                today=_today(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _to_plan(
                request,
                pupil,
                f"The plan is recorded as {ended.get_status_display().lower()} on "
                f"{long_date(ended.ended_on)}. It stays readable.",
            )
    return _form_page(
        request,
        form,
        title=f"End the EHC plan: {pupil.name}",
        back_url=_plan_url(request, pupil),
        back_label=f"Back to {pupil.name}'s EHC plan",
        intro="When the LA ceases the plan, or it moves to another authority. The plan and its "
        "reviews stay readable.",
        submit_label="End the plan",
    )


# --------------------------------------------------------------------------------------------------
# Section E outcomes and section F provision of the current version
# --------------------------------------------------------------------------------------------------


def _current_version(request: HttpRequest, public_id) -> tuple[Pupil, PlanVersion | None]:
    pupil = pupil_or_404(request, public_id)
    plan = _plan_or_404(pupil)
    version = services.latest_version(plan)
    if plan.status != EhcPlan.Status.ACTIVE or version is None:
        return pupil, None
    version.plan = plan
    return pupil, version


def _outcome_page(request, pupil: Pupil, version: PlanVersion, outcome: PlanOutcome | None):
    locked = _locked_message(version)
    if locked:
        messages.warning(request, locked)
        return redirect(_plan_url(request, pupil))
    form = OutcomeForm(form_data(request), instance=outcome)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.outcome_save(
                access=request.access, version=version, row=outcome, **form.model_fields()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _to_plan(request, pupil, f"Outcome {saved.position} saved.")
    return _form_page(
        request,
        form,
        title=f"Outcome {outcome.position}" if outcome else "Add an outcome (section E)",
        back_url=_plan_url(request, pupil),
        back_label=f"Back to {pupil.name}'s EHC plan",
        subtitle=pupil.name,
        intro="An outcome the plan seeks, with the shorter-term interim targets towards it.",
        submit_label="Save the outcome",
    )


@school_view(Cap.EHCP_MANAGE)
@GET_POST
def outcome_new(request: HttpRequest, public_id) -> HttpResponse:
    pupil, version = _current_version(request, public_id)
    if version is None:
        messages.warning(request, "This plan has ended and can no longer be changed.")
        return redirect(_plan_url(request, pupil))
    return _outcome_page(request, pupil, version, None)


@school_view(Cap.EHCP_MANAGE)
@GET_POST
def outcome_edit(request: HttpRequest, pk: int) -> HttpResponse:
    outcome = (
        PlanOutcome.objects.filter(pk=pk, version__plan__school=request.school)
        .select_related("version__plan__pupil")
        .first()
    )
    if outcome is None:
        raise Http404("No such outcome.")
    return _outcome_page(request, outcome.version.plan.pupil, outcome.version, outcome)


def _provision_page(request, pupil: Pupil, version: PlanVersion, item: ProvisionItem | None):
    locked = _locked_message(version)
    if locked:
        messages.warning(request, locked)
        return redirect(_plan_url(request, pupil))
    form = ProvisionForm(
        form_data(request), instance=item, version=version, school=request.school, pupil=pupil
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.provision_save(
                access=request.access, version=version, item=item, **form.model_fields()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _to_plan(request, pupil, f"Provision item {saved.position} saved.")
    return _form_page(
        request,
        form,
        title=f"Provision item {item.position}" if item else "Add provision (section F)",
        back_url=_plan_url(request, pupil),
        back_label=f"Back to {pupil.name}'s EHC plan",
        subtitle=pupil.name,
        intro="Special educational provision must be specific and quantified. Link the group "
        "of the provision map that delivers it to compare the hours planned with the sessions "
        "attended.",
        submit_label="Save the provision",
    )


@school_view(Cap.EHCP_MANAGE)
@GET_POST
def provision_new(request: HttpRequest, public_id) -> HttpResponse:
    pupil, version = _current_version(request, public_id)
    if version is None:
        messages.warning(request, "This plan has ended and can no longer be changed.")
        return redirect(_plan_url(request, pupil))
    return _provision_page(request, pupil, version, None)


@school_view(Cap.EHCP_MANAGE)
@GET_POST
def provision_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = (
        ProvisionItem.objects.filter(pk=pk, version__plan__school=request.school)
        .select_related("version__plan__pupil")
        .first()
    )
    if item is None:
        raise Http404("No such provision item.")
    return _provision_page(request, item.version.plan.pupil, item.version, item)


# --------------------------------------------------------------------------------------------------
# Annual reviews
# --------------------------------------------------------------------------------------------------


@school_view(Cap.EHCP_MANAGE)
@GET_POST
def review_new(request: HttpRequest, public_id) -> HttpResponse:
    today = _today()
    pupil = pupil_or_404(request, public_id)
    found = _plan_or_404(pupil)
    if found.status != EhcPlan.Status.ACTIVE:
        messages.warning(request, "This plan has ended: it has no more reviews.")
        return redirect(_plan_url(request, pupil))
    plan = selectors.with_review_data(EhcPlan.objects.filter(pk=found.pk)).get()
    line = selectors.review_line(plan, today=today)
    if line.review is not None:
        messages.info(request, "This plan already has a review under way: finish it first.")
        return redirect(_review_url(request, line.review))
    form = MeetingForm(
        form_data(request), latest=line.latest_meeting, initial={"meeting_on": line.latest_meeting}
    )
    if request.method == "POST" and form.is_valid():
        try:
            review = services.review_schedule(
                access=request.access,
                plan=plan,
                meeting_on=form.cleaned_data["meeting_on"],
                place=form.cleaned_data["place"],
                today=today,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _to_review(
                request,
                review,
                f"Annual review scheduled for {long_date(review.meeting_on)}. Request advice "
                "and send the invitations.",
            )
    late = line.latest_meeting < today
    return _form_page(
        request,
        form,
        title=f"Schedule the annual review: {pupil.name}",
        back_url=_plan_url(request, pupil),
        back_label=f"Back to {pupil.name}'s EHC plan",
        intro=(
            f"The 12-month window ends on {long_date(line.due_by)}."
            + (f" Phase transfer ({line.transfer.label})." if line.transfer else "")
            + (
                f" The latest date to meet was {long_date(line.latest_meeting)}: the review is "
                "overdue, so hold it as soon as you can."
                if late
                else ""
            )
        ),
        submit_label="Schedule the review",
    )


@dataclass(frozen=True)
class StepRow:
    step: selectors.Step
    overdue: bool


def _next_steps(review: AnnualReview, advice: list[Advice]) -> list[str]:
    requested = sum(1 for a in advice if a.requested_on)
    return rules.offered_steps(services.facts(review, advice_requested=requested))


def _may_download(request: HttpRequest, advice: Advice) -> bool:
    return request.access.can(Cap.EHCP_TRACKER) or advice.submitted_by_id == request.user.pk


@school_view(Cap.EHCP_VIEW)
@require_safe
def review_detail(request: HttpRequest, public_id) -> HttpResponse:
    today = _today()
    review = _review_or_404(request, public_id)
    review.plan.school = request.school  # already loaded: section F reads them
    review.version.plan = review.plan
    page = selectors.review_page(review=review, today=today)
    line = page.line
    finished = rules.finished(services.facts(review, advice_requested=0))
    open_for_advice = not finished and review.held_on is None
    can_manage = request.access.can(Cap.EHCP_MANAGE)
    pupil = review.plan.pupil
    pupil_audit(
        access=request.access,
        pupil=pupil,
        action="ehcp.review_viewed",
        detail={"review": str(review.public_id)},
    )
    return render(
        request,
        "ehcp/review_detail.html",
        {
            "review": review,
            "plan": review.plan,
            "pupil": pupil,
            "page": page,
            "line": line,
            "steps": [StepRow(s, not s.done and s.due < today) for s in line.steps],
            "next_steps": [(s, STEP_TITLES[s]) for s in _next_steps(review, page.advice)]
            if can_manage and not finished
            else [],
            "advice": [(a, bool(a.document) and _may_download(request, a)) for a in page.advice],
            "outcomes": [(o, page.progress.get(o.pk)) for o in page.outcomes],
            "finished": finished,
            "today": today,
            "from_year_9": pupil.year_order >= YEAR_9,
            "can_manage": can_manage,
            "open_for_advice": open_for_advice,
            "can_advise": open_for_advice and request.access.can(Cap.EHCP_ADVICE),
            "can_pack": request.access.can(Cap.EHCP_PACK),
            "reschedule_form": MeetingForm(
                initial={"meeting_on": review.meeting_on, "place": review.meeting_place},
                auto_id="reschedule_%s",
            )
            if can_manage and open_for_advice
            else None,
            "advice_form": AdviceRequestForm(initial={"requested_on": today}, auto_id="advice_%s")
            if can_manage and open_for_advice
            else None,
        },
    )


def _open_review(request: HttpRequest, review: AnnualReview) -> HttpResponse | None:
    """Back to the review with a message when it no longer takes advice or a new date."""
    if _finished(review):
        messages.warning(request, "This review is finished: nothing more can be recorded.")
        return redirect(_review_url(request, review))
    if review.held_on:
        messages.warning(
            request,
            f"The meeting was held on {long_date(review.held_on)}: it is too late for that.",
        )
        return redirect(_review_url(request, review))
    return None


@school_view(Cap.EHCP_MANAGE)
@GET_POST
def review_reschedule(request: HttpRequest, public_id) -> HttpResponse:
    review = _review_or_404(request, public_id)
    closed = _open_review(request, review)
    if closed is not None:
        return closed
    form = MeetingForm(
        form_data(request),
        initial={"meeting_on": review.meeting_on, "place": review.meeting_place},
    )
    if request.method == "POST" and form.is_valid():
        try:
            warnings = services.review_reschedule(
                access=request.access,
                review=review,
                meeting_on=form.cleaned_data["meeting_on"],
                place=form.cleaned_data["place"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            for warning in warnings:
                messages.warning(request, warning)
            return _to_review(
                request,
                review,
                f"The meeting is now on {long_date(form.cleaned_data['meeting_on'])}.",
            )
    return _form_page(
        request,
        form,
        title=f"Move the review meeting: {review.plan.pupil.name}",
        back_url=_review_url(request, review),
        back_label="Back to the review",
        intro=f"The meeting is on {long_date(review.meeting_on)}. Everyone invited must have at "
        "least 2 weeks' notice of the new date.",
        submit_label="Move the meeting",
    )


@school_view(Cap.EHCP_MANAGE)
@GET_POST
def review_step(request: HttpRequest, public_id, step: str) -> HttpResponse:
    if step not in STEPS:
        raise Http404("No such step.")
    today = _today()
    review = _review_or_404(request, public_id)
    pupil = review.plan.pupil
    if _finished(review):
        messages.warning(request, "This review is finished: nothing more can be recorded.")
        return redirect(_review_url(request, review))
    outcomes = list(review.version.outcomes.order_by("position", "pk")) if step == "held" else []
    form = StepForm(form_data(request), step=step, outcomes=outcomes, initial={"on": today})
    if request.method == "POST" and form.is_valid():
        try:
            done = services.review_step(
                access=request.access,
                review=review,
                step=step,
                today=today,
                **form.service_kwargs(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            when = long_date(form.cleaned_data["on"])
            if step == rules.AMENDED:
                return _to_plan(
                    request,
                    pupil,
                    f"Final amended plan recorded on {when}: a new version of the plan starts as "
                    "a copy of the one reviewed. Change it to match what the LA issued; the "
                    "earlier version is kept as it was.",
                )
            if step == rules.DECIDED and done.la_decision == rules.CEASE:
                message = f"The LA decided on {when} to cease the plan: the plan has ended."
            elif step == rules.DECIDED and done.la_decision == rules.AMEND:
                message = (
                    f"The LA decided on {when} to amend the plan: the final amended plan is "
                    "due within 8 weeks of its notice."
                )
            else:
                message = f"{STEP_TITLES[step].replace('Record the ', '').capitalize()}: {when}."
            return _to_review(request, done, message)
    return render(
        request,
        "ehcp/step_form.html",
        {
            "form": form,
            "review": review,
            "pupil": pupil,
            "step": step,
            "title": STEP_TITLES[step],
            "intro": STEP_INTROS[step],
            "from_year_9": pupil.year_order >= YEAR_9,
        },
    )


# --------------------------------------------------------------------------------------------------
# Advice and its documents
# --------------------------------------------------------------------------------------------------


@school_view(Cap.EHCP_MANAGE)
@GET_POST
def advice_request(request: HttpRequest, public_id) -> HttpResponse:
    today = _today()
    review = _review_or_404(request, public_id)
    closed = _open_review(request, review)
    if closed is not None:
        return closed
    form = AdviceRequestForm(form_data(request), initial={"requested_on": today})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            advice = services.advice_request(
                access=request.access,
                review=review,
                contributor=data["contributor"],
                name=data["name"],
                requested_on=data["requested_on"],
                today=today,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            who = advice.name or advice.get_contributor_display()
            return _to_review(request, review, f"Advice requested from {who}.")
    return _form_page(
        request,
        form,
        title=f"Request advice: {review.plan.pupil.name}",
        back_url=_review_url(request, review),
        back_label="Back to the review",
        intro="Ask everyone invited for their advice: it must be circulated at least 2 weeks "
        "before the meeting.",
        submit_label="Record the request",
    )


@school_view(Cap.EHCP_MANAGE)
@GET_POST
def advice_receive(request: HttpRequest, public_id) -> HttpResponse:
    today = _today()
    advice = _advice_or_404(request, public_id)
    review = advice.review
    if _finished(review):
        messages.warning(request, "This review is finished: nothing more can be recorded.")
        return redirect(_review_url(request, review))
    form = AdviceReceiveForm(
        form_data(request),
        request.FILES if request.method == "POST" else None,
        initial={"received_on": advice.received_on or today, "summary": advice.summary},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.advice_receive(
                access=request.access,
                advice=advice,
                received_on=data["received_on"],
                today=today,
                summary=data["summary"],
                document=data["document"],
                document_type=form.document_type,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            who = advice.name or advice.get_contributor_display()
            return _to_review(request, review, f"Advice from {who} recorded as received.")
    who = advice.name or advice.get_contributor_display()
    return _form_page(
        request,
        form,
        title=f"Advice received from {who}",
        subtitle=review.plan.pupil.name,
        back_url=_review_url(request, review),
        back_label="Back to the review",
        intro=f"Requested on {long_date(advice.requested_on)}." if advice.requested_on else "",
        multipart=True,
        submit_label="Save the advice",
        current_document=advice.document_name,
    )


@school_view(Cap.EHCP_ADVICE)
@GET_POST
def advice_submit(request: HttpRequest, public_id) -> HttpResponse:
    today = _today()
    review = _review_or_404(request, public_id)
    closed = _open_review(request, review)
    if closed is not None:
        return closed
    form = AdviceSubmitForm(form_data(request), request.FILES if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        contributor = (
            Advice.Contributor.CLASS_TEACHER
            if request.access.role == Role.TEACHER
            else Advice.Contributor.SENDCO
        )
        try:
            services.advice_submit(
                access=request.access,
                review=review,
                summary=form.cleaned_data["summary"],
                today=today,
                contributor=contributor,
                document=form.cleaned_data["document"],
                document_type=form.document_type,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _to_review(request, review, "Thank you: your advice is added to the review.")
    return _form_page(
        request,
        form,
        title=f"Your advice for the annual review: {review.plan.pupil.name}",
        back_url=_review_url(request, review),
        back_label="Back to the review",
        intro=f"The review meeting is on {long_date(review.meeting_on)}. Your advice is "
        "circulated to everyone invited before it.",
        multipart=True,
        submit_label="Add my advice",
    )


@school_view(Cap.EHCP_VIEW)
def document(request: HttpRequest, public_id) -> HttpResponse:
    """The advice's document, for the SENDCo, trust lead and head, or the person who gave it.

    Who may read it is checked before the method, so only they are told a POST is not allowed.
    The file (at most DOCUMENT_MAX_BYTES) is read whole and closed before the response goes out,
    so nothing is left open when a client stops reading."""
    advice = _advice_or_404(request, public_id)
    if not _may_download(request, advice):
        raise PermissionDenied("Only the SENDCo or the person who gave the advice can open it.")
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    if not advice.document:
        raise Http404("This advice has no document.")
    try:
        with advice.document.storage.open(advice.document.name, "rb") as handle:
            content = handle.read()
    except OSError as error:
        raise Http404("The document is missing.") from error
    pupil_audit(
        access=request.access,
        pupil=advice.review.plan.pupil,
        action="ehcp.document_downloaded",
        detail={"advice": str(advice.public_id), "contributor": advice.contributor},
    )
    response = HttpResponse(
        content, content_type=advice.document_type or "application/octet-stream"
    )
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=advice.document_name or "advice"
    )
    response["X-Content-Type-Options"] = "nosniff"
    add_never_cache_headers(response)
    return response
