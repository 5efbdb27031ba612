"""The annual review pack: one pupil's EHC plan review on paper, as a print view in the browser
and a PDF of the same template (`pdf=True`), like the provision map (`provision.map_views`).

What goes in it follows DOMAIN.md 2.6: the cover (pupil, plan, meeting, phase transfer), the
pupil's details and one-page profile, the outcomes of section E with the progress recorded at the
meeting, section F delivered against planned (from the session logs), attendance at provision,
the contributions received, the parents' and the pupil's views, the recommendations and the
review's steps with their dates. Every print and PDF is audited with the pupil's id.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.text import slugify
from django.views.decorators.http import require_safe

from register.models import Need, Pupil
from register.selectors import latest_passport
from register.services import pupil_audit
from staff import calendar as school_calendar
from staff.capabilities import Cap
from staff.pdf import render_pdf
from staff.tenancy import school_view

from . import rules
from .models import Advice, AnnualReview, OutcomeProgress, PlanOutcome, ProvisionItem
from .selectors import ItemDelivery, ReviewPage, review_for, review_page

TEMPLATE = "ehcp/pack.html"


# --------------------------------------------------------------------------------------------------
# What the pack shows, worked out here so the template only lays it out
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PackStep:
    """One step of the review: when it was due and when it was done."""

    label: str
    due: date
    done_on: date | None
    status: str  # in words: colour is never the only signal

    @property
    def done(self) -> bool:
        return self.done_on is not None


def step_status(*, due: date, done_on: date | None, today: date) -> str:
    if done_on is not None:
        return "Done on time" if done_on <= due else f"Done {(done_on - due).days} days late"
    if due < today:
        return "Overdue"
    return "To do"


def review_steps(
    *, review: AnnualReview, advice: list[Advice], lead: rules.LeadTimes, today: date
) -> list[PackStep]:
    """The review's steps in the order they happen, with the dates `rules.review_dates` gives
    them and the dates they were done (advice: the first request)."""
    dates = rules.review_dates(
        meeting_on=review.meeting_on,
        lead=lead,
        held_on=review.held_on,
        la_decision=review.la_decision,
        la_decision_on=review.la_decision_on,
    )
    requested = [a.requested_on for a in advice if a.requested_on]
    rows = [
        ("Request advice", dates.request_advice_by, min(requested) if requested else None),
        ("Send the invitations", dates.invite_by, review.invitations_sent_on),
        ("Circulate the advice", dates.circulate_by, review.advice_circulated_on),
        ("Hold the review meeting", review.meeting_on, review.held_on),
        ("Send the report to the LA", dates.report_by, review.report_sent_on),
        ("The LA's decision", dates.decision_by, review.la_decision_on),
    ]
    if dates.amended_plan_by:
        rows.append(("The final amended plan", dates.amended_plan_by, review.amended_issued_on))
    return [
        PackStep(label, due, done_on, step_status(due=due, done_on=done_on, today=today))
        for label, due, done_on in rows
    ]


@dataclass
class OutcomeRow:
    outcome: PlanOutcome
    progress: OutcomeProgress | None
    provision: list[ProvisionItem] = field(default_factory=list)  # section F items towards it


def outcome_rows(page: ReviewPage) -> list[OutcomeRow]:
    items: dict[int, list[ProvisionItem]] = {}
    for row in page.delivery:
        if row.item.outcome_id:
            items.setdefault(row.item.outcome_id, []).append(row.item)
    return [
        OutcomeRow(outcome=o, progress=page.progress.get(o.pk), provision=items.get(o.pk, []))
        for o in page.outcomes
    ]


@dataclass(frozen=True)
class Transfer:
    label: str  # "from primary to secondary school"
    deadline: date | None  # the amended plan naming the next setting must be issued by


def transfer_of(review: AnnualReview, pupil: Pupil) -> Transfer | None:
    """The phase transfer this review prepares, when it is one (reg. 18). The deadline comes from
    the pupil's year group in the meeting's academic year; a review of an earlier year, when the
    pupil was in another year group, keeps its flag but has no deadline to show."""
    if not review.phase_transfer:
        return None
    found = rules.phase_transfer(
        year_group=pupil.year_group,
        academic_year_start=school_calendar.academic_year_start_for(review.meeting_on),
    )
    if found is None:
        return Transfer(label="to the next phase", deadline=None)
    return Transfer(label=found.label, deadline=found.deadline)


@dataclass(frozen=True)
class AttendanceRow:
    """The pupil's attendance at one group that delivers section F, over the review period."""

    group_name: str
    run: int
    attended: int

    @property
    def missed(self) -> int:
        return self.run - self.attended

    @property
    def rate(self) -> int | None:
        return round(100 * self.attended / self.run) if self.run else None


def attendance_rows(delivery: list[ItemDelivery]) -> list[AttendanceRow]:
    """One row a group (two items delivered by the same group count its sessions once)."""
    rows: dict[int, AttendanceRow] = {}
    for d in delivery:
        group = d.item.group
        if group is not None and group.pk not in rows:
            rows[group.pk] = AttendanceRow(group.name, d.sessions_run, d.sessions_attended)
    return list(rows.values())


def needs_of(pupil: Pupil, on: date) -> list[Need]:
    """The pupil's needs on the register on `on`, primary first (one query)."""
    return list(
        Need.objects.filter(pupil=pupil, starts_on__lte=on)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on))
        .select_related("need_type")
        .order_by("rank")
    )


def pack_context(request: HttpRequest, public_id) -> dict:
    """Everything the pack shows, in a constant number of queries whatever the number of
    outcomes, items of provision and contributions. 404 for a review the person cannot see."""
    today = timezone.localdate()
    review = review_for(access=request.access, public_id=public_id, today=today)
    if review is None:
        raise Http404("No such review.")
    page = review_page(review=review, today=today)
    plan, pupil, version = review.plan, review.plan.pupil, review.version
    versions = list(page.line.plan.versions.all())  # prefetched by review_page, oldest first
    delivery: list[ItemDelivery] = page.delivery
    meeting = review.held_on or review.meeting_on
    return {
        "review": review,
        "plan": plan,
        "pupil": pupil,
        "version": version,
        "first_issued_on": versions[0].issued_on if versions else version.issued_on,
        "authority": plan.authority,
        "page": page,
        "meeting": meeting,
        "age": rules.age_on(pupil.date_of_birth, meeting),
        "transfer": transfer_of(review, pupil),
        "needs": needs_of(pupil, today),
        "passport": latest_passport(pupil=pupil),
        "outcomes": outcome_rows(page),
        "delivery": delivery,
        "attendance": attendance_rows(delivery),
        "advice": page.advice,
        "received": [a for a in page.advice if a.received_on],
        "steps": review_steps(
            review=review, advice=page.advice, lead=rules.LeadTimes.of(plan.authority), today=today
        ),
        "finished": rules.finished(
            rules.ReviewFacts(
                meeting_on=review.meeting_on,
                amended_issued_on=review.amended_issued_on,
                la_decision=review.la_decision,
                la_decision_on=review.la_decision_on,
            )
        ),
        "adulthood": bool(version.preparing_for_adulthood)
        or (pupil.year_group.isdigit() and int(pupil.year_group) >= 9),
        "today": today,
    }


def pdf_filename(*, pupil: Pupil, review: AnnualReview) -> str:
    """annual-review-lovelace-ada-2026-11-05.pdf (the meeting's date: held, or planned)."""
    meeting = review.held_on or review.meeting_on
    return (
        slugify(f"annual-review-{pupil.last_name}-{pupil.first_name}-{meeting:%Y-%m-%d}") + ".pdf"
    )


def _audit(request: HttpRequest, context: dict, format_: str) -> None:
    pupil_audit(
        access=request.access,
        pupil=context["pupil"],
        action="ehcp.pack_generated",
        detail={"format": format_, "review": str(context["review"].public_id)},
    )


# --------------------------------------------------------------------------------------------------
# The pages
# --------------------------------------------------------------------------------------------------


@school_view(Cap.EHCP_PACK)
@require_safe
def pack_print(request: HttpRequest, public_id) -> HttpResponse:
    context = pack_context(request, public_id)
    _audit(request, context, "html")
    response = render(request, TEMPLATE, context)
    add_never_cache_headers(response)
    return response


@school_view(Cap.EHCP_PACK)
@require_safe
def pack_pdf(request: HttpRequest, public_id) -> HttpResponse:
    context = pack_context(request, public_id)
    html = render_to_string(TEMPLATE, {**context, "pdf": True}, request=request)
    pdf = render_pdf(html, base_url=request.build_absolute_uri("/"))
    _audit(request, context, "pdf")
    filename = pdf_filename(pupil=context["pupil"], review=context["review"])
    response = HttpResponse(
        pdf,
        content_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
    add_never_cache_headers(response)
    return response
