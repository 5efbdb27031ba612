"""The demo's termly SEND report: this academic year's autumn term, reviewed by the head and
published, so the demo governor has a report to read, and recorded as emailed to the school's
governors that day (the demo sends no email); and, for `make bench`, a draft the head reads
with its live figures (`seed_draft`). Idempotent."""

from __future__ import annotations

from datetime import date, datetime, time

from django.utils import timezone

from staff import calendar as school_calendar
from staff.models import School, User

from .figures import figures
from .models import GovernorEmail, TermReport
from .selectors import governors_of, term_name, terms_to_report

COMMENTARY = (
    "The register has grown a little this term, mostly at SEN support in the younger year "
    "groups, where speech and language needs are the most common. Every annual review due was "
    "held, and the interventions ran as planned in most weeks."
)
PRIORITIES = (
    "Train two more teaching assistants in the reading intervention.\n"
    "Hold every support-plan review with parents by the end of the spring term."
)


def seed_reports(*, school: School, today: date, sendco: User, head: User) -> int:
    start = date(school_calendar.academic_year_start_for(today), 9, 1)
    terms = school_calendar.season_terms(school=school, start=start, end=date(start.year, 12, 31))
    autumn = next((t for t in terms if t.season == "autumn"), None)
    if (
        autumn is None
        or TermReport.objects.filter(
            school=school, starts_on=autumn.starts_on, ends_on=autumn.ends_on
        ).exists()
    ):
        return 0
    on = min(today, autumn.ends_on)
    report = TermReport.objects.create(
        school=school,
        period=term_name(autumn),
        starts_on=autumn.starts_on,
        ends_on=autumn.ends_on,
        status=TermReport.Status.PUBLISHED,
        commentary=COMMENTARY,
        priorities=PRIORITIES,
        snapshot=figures(
            school=school, starts_on=autumn.starts_on, ends_on=autumn.ends_on, today=on
        ),
        published_on=on,
        published_by=sendco,
        reviewed_by=head,
        created_by=sendco,
    )
    sent_at = min(timezone.now(), timezone.make_aware(datetime.combine(on, time(16, 5))))
    GovernorEmail.objects.bulk_create(
        GovernorEmail(school=school, report=report, user=m.user, to=m.user.email, sent_at=sent_at)
        for m in governors_of(school=school)
    )
    return 1


DRAFT_COMMENTARY = "Drafting: the figures are live until the head reviews the report."


def seed_draft(*, school: School, today: date, sendco: User) -> int:
    """A draft report (live figures, as the SENDCo and the head read it) for the latest term
    begun that has no report yet: the term running today, or, when its report is published
    already (the demo's autumn), the one before. Returns 1 when one was made, else 0."""
    if TermReport.objects.filter(school=school, status=TermReport.Status.DRAFT).exists():
        return 0
    terms, _ = terms_to_report(school=school, today=today)
    taken = set(TermReport.objects.filter(school=school).values_list("starts_on", "ends_on"))
    term = next((t for t in terms if (t.starts_on, t.ends_on) not in taken), None)
    if term is None:
        return 0
    TermReport.objects.create(
        school=school,
        period=term_name(term),
        starts_on=term.starts_on,
        ends_on=term.ends_on,
        commentary=DRAFT_COMMENTARY,
        created_by=sendco,
    )
    return 1
