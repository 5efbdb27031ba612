"""The annual review pack: what one pupil's EHC plan review holds on paper, worked out here so
the template (`ehcp/pack.html`, the print view and the PDF) only lays it out.

What goes in it follows DOMAIN.md 2.6: the cover (pupil, plan, meeting, phase transfer), the
pupil's details and one-page profile, the outcomes of section E with the progress recorded at the
meeting, section F delivered against planned (from the session logs), attendance at provision,
the contributions received, the parents' and the pupil's views, the recommendations and the
review's steps with their dates. The views (`ehcp.views.pack`) audit every print and PDF.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.utils.text import slugify

from register.models import Pupil
from register.selectors import latest_passport
from staff.tenancy import Access

from . import rules, services
from .models import Advice, AnnualReview, OutcomeProgress, PlanOutcome, ProvisionItem
from .selectors import ItemDelivery, ReviewPage, needs_on, review_for, review_page

TEMPLATE = "ehcp/pack.html"


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
        PackStep(label, due, done_on, rules.step_status(due=due, done_on=done_on, today=today))
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


def transfer_of(review: AnnualReview, line) -> Transfer | None:
    """The phase transfer this review prepares, when it is one (reg. 18): the deadline is that of
    the pupil's move this year (`selectors.plan_transfer`); a review of an earlier year keeps its
    flag but has no deadline to show."""
    if not review.phase_transfer:
        return None
    if line.transfer is None:
        return Transfer(label="to the next phase", deadline=None)
    return Transfer(label=line.transfer.label, deadline=line.transfer.deadline)


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


def pack_context(*, access: Access, public_id, today: date) -> dict | None:
    """Everything the pack shows, in a constant number of queries whatever the number of
    outcomes, items of provision and contributions. None for a review the person cannot see."""
    review = review_for(access=access, public_id=public_id, today=today)
    if review is None:
        return None
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
        "transfer": transfer_of(review, page.line),
        "needs": needs_on(pupil=pupil, on=today),
        "passport": latest_passport(pupil=pupil),
        "outcomes": outcome_rows(page),
        "delivery": delivery,
        "attendance": attendance_rows(delivery),
        "advice": page.advice,
        "received": [a for a in page.advice if a.received_on],
        "steps": review_steps(
            review=review, advice=page.advice, lead=rules.LeadTimes.of(plan.authority), today=today
        ),
        "finished": rules.finished(services.facts(review, advice_requested=0)),
        "adulthood": bool(version.preparing_for_adulthood) or rules.from_year_9(pupil.year_group),
        "today": today,
    }


def pdf_filename(*, pupil: Pupil, review: AnnualReview) -> str:
    """annual-review-lovelace-ada-2026-11-05.pdf (the meeting's date: held, or planned)."""
    meeting = review.held_on or review.meeting_on
    return (
        slugify(f"annual-review-{pupil.last_name}-{pupil.first_name}-{meeting:%Y-%m-%d}") + ".pdf"
    )
