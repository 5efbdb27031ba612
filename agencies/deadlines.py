"""Deadlines of referrals to outside agencies, for whoever made the referral: a referral with no
answer after AGENCY_CHASE_WEEKS is to be chased, and a report expected (by the date the referral
gives, or AGENCY_REPORT_WEEKS after the pupil was seen) and not received is to be chased too.
Dates come from `agencies.rules`; nothing here is stored."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from django.db.models import Min, Q, QuerySet

from register.models import Pupil
from staff.calendar import SchoolCalendar
from staff.deadlines import Deadline, link_to, severity
from staff.models import School

from . import rules
from .models import Referral

CHASE = "agencies.chase"
REPORT = "agencies.report"


def deadlines(
    *,
    school: School,
    pupils: QuerySet[Pupil],
    today: date,
    until: date,
    calendar: SchoolCalendar | None = None,
) -> Iterator[Deadline]:
    """The referrals of `pupils` to chase, due up to `until` (overdue ones whatever their date),
    each on a school day (the school's own dates: `SchoolCalendar.on_or_before`). One query, and
    two for the calendar when the engine has not passed it in."""
    calendar = calendar or SchoolCalendar.load(school=school)
    open_referrals = (
        Referral.objects.filter(
            school=school,
            pupil__in=pupils,
            status__in=[rules.WAITING, rules.ACCEPTED, rules.SEEN],
        )
        .annotate(seen_on=Min("changes__on", filter=Q(changes__status=rules.SEEN)))
        .select_related("pupil", "service")
    )
    referral_url = link_to("agencies:referral", school.slug)
    for referral in open_referrals:
        if referral.status == rules.WAITING:
            due = rules.chase_on(referred_on=referral.referred_on, chased_on=referral.chased_on)
            kind, title = CHASE, f"Chase the referral to {referral.service.name}"
        else:
            due = rules.report_due(
                seen_on=referral.seen_on,
                expected_on=referral.expected_report_on,
                chased_on=referral.chased_on,
            )
            kind, title = REPORT, f"Chase the report from {referral.service.name}"
        if due is None:
            continue
        due = calendar.on_or_before(due)
        if due > until:
            continue
        yield Deadline(
            kind=kind,
            title=title,
            due=due,
            subject=referral.pupil.name,
            subject_id=str(referral.pupil.public_id),
            owner_id=referral.referred_by_id,
            url=referral_url(referral.public_id),
            severity=severity(due=due, today=today),
            year_group=referral.pupil.year_group,
        )
