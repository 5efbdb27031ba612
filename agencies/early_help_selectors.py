"""Reads for a pupil's Early Help, school first. When each review is due is
`early_help_rules.review_due` over the last review held, never a stored date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.paginator import Page, Paginator
from django.db.models import DateField, OuterRef, QuerySet, Subquery, Value
from django.urls import reverse

from register.chronology import Entry
from register.models import Pupil
from staff.capabilities import Cap, Duty
from staff.models import Membership, School
from staff.selectors import unique_row
from staff.tenancy import Access

from . import early_help_rules as rules
from .early_help_models import EarlyHelp, EarlyHelpSettings, TafReview

PER_PAGE = 25


def review_weeks(*, school: School) -> int:
    """How often the school's local authority reviews Early Help, in weeks (one query)."""
    rows = EarlyHelpSettings.objects.filter(school=school)
    found = rows.values_list("review_weeks", flat=True).first()
    return found if found is not None else rules.default_review_weeks()


def settings_of(*, school: School) -> EarlyHelpSettings | None:
    return EarlyHelpSettings.objects.filter(school=school).first()


@dataclass(frozen=True)
class Contact:
    name: str
    email: str


def safeguarding_leads(*, school: School) -> list[Contact]:
    """The school's designated safeguarding leads (the DSL duty), by name (one query)."""
    members = (
        Membership.objects.filter(school=school, ended_at__isnull=True, user__is_active=True)
        .select_related("user")
        .order_by("user__full_name", "pk")
    )
    return [
        Contact(m.user.full_name, m.user.email) for m in members if Duty.DSL in (m.duties or [])
    ]


def safeguarding_lead_ids(*, school: School) -> list[int]:
    """The user ids of the school's designated safeguarding leads (one query)."""
    members = Membership.objects.filter(school=school, ended_at__isnull=True, user__is_active=True)
    return [
        user_id
        for user_id, duties in members.values_list("user_id", "duties").order_by("pk")
        if Duty.DSL in (duties or [])
    ]


def with_last_review(records: QuerySet[EarlyHelp]) -> QuerySet[EarlyHelp]:
    """Each record with the date of its last review held and the next date that review agreed."""
    last = TafReview.objects.filter(early_help=OuterRef("pk")).order_by("-held_on")
    return records.annotate(
        last_held_on=Subquery(last.values("held_on")[:1]),
        agreed_on=Subquery(last.values("next_review_on")[:1]),
    )


@dataclass(frozen=True)
class Row:
    """An Early Help record with when its next review is due."""

    early_help: EarlyHelp
    due: rules.ReviewDue

    @property
    def pupil(self) -> Pupil:
        return self.early_help.pupil


def rows_of(records, *, weeks: int, today: date) -> list[Row]:
    return [
        Row(
            record,
            rules.review_due(
                stage=record.stage,
                started_on=record.started_on,
                weeks=weeks,
                today=today,
                last_held_on=record.last_held_on,
                agreed_on=record.agreed_on,
            ),
        )
        for record in records
    ]


def _sort_key(row: Row):
    # Overdue first, then the next review due soonest; those owing no review (stepped up) last.
    due = row.due.due
    return (not row.due.overdue, due is None, due or date.max, row.pupil.name)


def school_list(
    *, school: School, today: date, closed: bool, page: str | None, weeks: int | None = None
) -> Page:
    """The school's open Early Help (overdue and next due first) or its closed Early Help
    (latest closed first), a page at a time. Every record of the kind is read with its pupil
    and last review in one query (a school has a few dozen open at most), ordered by the rules,
    then cut to the page: two queries in all (one when given the school's interval, `weeks`),
    whatever the number."""
    records = (
        EarlyHelp.objects.filter(school=school, closed_on__isnull=not closed)
        .select_related("pupil")
        .order_by("-closed_on", "pk")
    )
    weeks = review_weeks(school=school) if weeks is None else weeks
    rows = rows_of(with_last_review(records), weeks=weeks, today=today)
    if not closed:
        rows.sort(key=_sort_key)
    return Paginator(rows, PER_PAGE).get_page(page)


def counts(*, school: School) -> dict[str, int]:
    """How many open and closed (one query)."""
    found = {"open": 0, "closed": 0}
    for closed_on in EarlyHelp.objects.filter(school=school).values_list("closed_on", flat=True):
        found["closed" if closed_on else "open"] += 1
    return found


def pupil_for(*, school: School, public_id) -> Pupil | None:
    """A pupil of the school (any: whoever opens Early Help sees the whole school), or None."""
    return unique_row(Pupil.objects.for_school(school).filter(public_id=public_id))


def early_help_for(*, school: School, public_id) -> EarlyHelp | None:
    return unique_row(
        EarlyHelp.objects.filter(school=school, public_id=public_id).select_related("pupil")
    )


def open_for(*, school: School, pupil: Pupil) -> EarlyHelp | None:
    return EarlyHelp.objects.filter(school=school, pupil=pupil, closed_on__isnull=True).first()


def pupil_record(*, school: School, pupil: Pupil, today: date) -> dict:
    """A pupil's Early Help, newest first, each with its reviews (newest first) and when the
    next is due: four queries, whatever the number of records and reviews."""
    weeks = review_weeks(school=school)
    records = with_last_review(
        EarlyHelp.objects.filter(school=school, pupil=pupil).order_by("-started_on", "-pk")
    )
    rows = rows_of(records, weeks=weeks, today=today)
    reviews: dict[int, list[TafReview]] = {row.early_help.pk: [] for row in rows}
    for review in TafReview.objects.filter(school=school, early_help__pupil=pupil).order_by(
        "-held_on"
    ):
        reviews[review.early_help_id].append(review)
    current = next((row for row in rows if row.early_help.is_open), None)
    return {
        "weeks": weeks,
        "current": current,
        "current_reviews": reviews[current.early_help.pk] if current else [],
        "past": [(row, reviews[row.early_help.pk]) for row in rows if row is not current],
    }


def chronology_entries(*, pupil: Pupil, access: Access) -> list[Entry]:
    """The pupil page's chronology lines from Early Help (`register.chronology`): each started,
    each Team Around the Family review and each closed (one query). No family detail: the
    dates and what happened, in words. Nothing for someone without Cap.EARLY_HELP_VIEW (a
    teacher, a TA, a governor): even that Early Help began is not theirs to read."""
    if not access.can(Cap.EARLY_HELP_VIEW):
        return []
    url = reverse("early_help:pupil", args=[access.school.slug, pupil.public_id])
    records = (
        EarlyHelp.objects.filter(school_id=pupil.school_id, pupil=pupil)
        .annotate(review=Value(False))
        .order_by()  # no ORDER BY inside a UNION (SQLite, the demo's database, refuses one)
        .values_list("review", "started_on", "closed_on")
    )
    reviews = (
        TafReview.objects.filter(school_id=pupil.school_id, early_help__pupil=pupil)
        .annotate(review=Value(True), none=Value(None, output_field=DateField()))
        .order_by()
        .values_list("review", "held_on", "none")
    )
    found = []
    for review, on, closed_on in records.union(reviews, all=True):  # one query
        if review:
            found.append(Entry(on, "Early Help", "Team Around the Family review", url))
            continue
        found.append(Entry(on, "Early Help", "Early Help started", url))
        if closed_on is not None:
            found.append(Entry(closed_on, "Early Help", "Early Help closed", url))
    return sorted(found, key=lambda entry: entry.on)
