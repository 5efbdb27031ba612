"""Reads for outside agencies, each scoped to the school first and, for referrals, to the pupils
the person may see (`register.selectors.pupils_visible_to`)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import FilteredRelation, Min, Q, QuerySet
from django.urls import reverse

from register.chronology import Entry
from register.models import Pupil
from register.selectors import pupils_visible_to
from staff.capabilities import Cap, Reach, pupil_reach
from staff.models import School
from staff.selectors import unique_row
from staff.tenancy import Access

from . import rules
from .models import Referral, Report, Service, StatusChange


def services_for(*, school: School) -> QuerySet[Service]:
    """The school's directory: its own services and those another school of its trust shares."""
    seen = Q(school=school)
    if school.trust_id is not None:
        seen |= Q(shared_with_trust=True, school__trust_id=school.trust_id)
    return Service.objects.filter(seen).select_related("school").order_by("name", "pk")


def service_of(*, school: School, pk: int) -> Service | None:
    """One of the school's own services (to change), or None."""
    return Service.objects.filter(school=school, pk=pk).first()


def referrals_seen_by(*, access: Access, on: date) -> QuerySet[Referral]:
    """The school's referrals of pupils this person may see."""
    referrals = Referral.objects.filter(school=access.school)
    if pupil_reach(access.role) != Reach.SCHOOL:  # a teacher: the pupils of their classes
        referrals = referrals.filter(pupil__in=pupils_visible_to(access=access, on=on))
    return referrals


def referral_for(*, access: Access, public_id, on: date) -> Referral | None:
    return unique_row(
        referrals_seen_by(access=access, on=on)
        .filter(public_id=public_id)
        .select_related("pupil", "service", "referred_by")
    )


def report_for(*, school: School, public_id) -> Report | None:
    return unique_row(
        Report.objects.filter(school=school, public_id=public_id).select_related(
            "referral__pupil", "referral__service"
        )
    )


def referral_list(
    *, access: Access, on: date, service: Service | None = None, status: str = ""
) -> QuerySet[Referral]:
    """The school's referrals (a teacher's: their pupils'), filtered in SQL, newest first."""
    found = referrals_seen_by(access=access, on=on)
    if service is not None:
        found = found.filter(service=service)
    if status:
        found = found.filter(status=status)
    return found.select_related("pupil", "service").order_by("-referred_on", "-pk")


def pupil_referrals(*, school: School, pupil: Pupil) -> list[Referral]:
    return list(
        Referral.objects.filter(school=school, pupil=pupil)
        .select_related("service", "referred_by")
        .order_by("-referred_on", "-pk")
    )


def referral_record(*, referral: Referral) -> dict:
    """A referral's steps, appointments and reports (three queries)."""
    return {
        "changes": list(
            StatusChange.objects.filter(school_id=referral.school_id, referral=referral)
            .select_related("recorded_by")
            .order_by("on", "pk")
        ),
        "appointments": list(
            referral.appointments.filter(school_id=referral.school_id).order_by("on", "pk")
        ),
        "reports": list(
            referral.reports.filter(school_id=referral.school_id)
            .select_related("recorded_by")
            .order_by("-received_on", "-pk")
        ),
    }


def waits(*, school: School, today: date, services: list[Service]) -> dict[int, rules.ServiceWaits]:
    """The waiting time measured at this school for each of `services`, by service id: one
    query over the school's referrals waiting now or made in the last two years, with each one's
    first answer (`rules.service_waits` does the arithmetic)."""
    since = rules.measured_since(today)
    rows = (
        Referral.objects.filter(Q(status=rules.WAITING) | Q(referred_on__gte=since), school=school)
        # The school's status changes only: joined to every school's, PostgreSQL read them all.
        .annotate(school_changes=FilteredRelation("changes", condition=Q(changes__school=school)))
        .values("service_id", "referred_on", "status")
        .annotate(
            responded_on=Min(
                "school_changes__on", filter=Q(school_changes__status__in=rules.RESPONSES)
            )
        )
        .order_by()
    )
    by_service: dict[int, list[rules.Wait]] = defaultdict(list)
    for row in rows:
        by_service[row["service_id"]].append(rules.Wait(**row))
    return {
        s.pk: rules.service_waits(
            name=s.name, stated_weeks=s.stated_wait_weeks, waits=by_service[s.pk], today=today
        )
        for s in services
    }


@dataclass(frozen=True)
class ReceivedReport:
    """A report received, as a plan or a review copies it."""

    report: Report
    service_name: str
    received_on: date
    summary: str
    document_name: str
    document_type: str


def reports_for_pupil(*, school: School, pupil: Pupil) -> list[ReceivedReport]:
    """The pupil's reports received from outside agencies, newest first (one query), for
    ehcp or plans to offer as review advice or plan evidence (`services.report_file` opens
    one's bytes)."""
    found = (
        Report.objects.filter(school=school, referral__pupil=pupil)
        .select_related("referral__service")
        .order_by("-received_on", "-pk")
    )
    return [
        ReceivedReport(
            report=r,
            service_name=r.referral.service.name,
            received_on=r.received_on,
            summary=r.summary,
            document_name=r.document_name,
            document_type=r.document_type,
        )
        for r in found
    ]


CHRONOLOGY_STEPS = {
    rules.WAITING: "Referred to",
    rules.SEEN: "Seen by",
    rules.REPORT: "Report received from",
}


def chronology_entries(*, pupil: Pupil, access: Access) -> list[Entry]:
    """The pupil page's chronology lines from referrals (`register.chronology`): each referral
    made, the pupil seen, a report received; one query, none for someone who cannot open a
    referral."""
    if not access.can(Cap.AGENCY_VIEW):
        return []
    steps = (
        StatusChange.objects.filter(
            school=access.school, referral__pupil=pupil, status__in=CHRONOLOGY_STEPS
        )
        .values_list("on", "status", "referral__public_id", "referral__service__name")
        .order_by("-on", "-pk")
    )
    slug = access.school.slug
    return [
        Entry(
            on=on,
            kind="Outside agency",
            label=f"{CHRONOLOGY_STEPS[status]} {service}",
            url=reverse("agencies:referral", args=[slug, public_id]),
        )
        for on, status, public_id, service in steps
    ]
