"""The demo's looked-after children: the school's local authority's virtual school (termly PEPs
due in the first half of each term), the SENDCo as designated teacher, a social worker and the
PEPs held for each looked-after child, the last child's autumn PEP not yet held (so it shows
overdue). Idempotent: a school with a virtual school is left alone."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from register.models import LookedAfterPeriod
from staff.calendar import term_containing
from staff.capabilities import Duty
from staff.models import Membership, School, Term, User

from . import rules
from .models import LacContact, Pep, PlusRelease, VirtualSchool

SOCIAL_WORKERS = ["Sam Okoro", "Jo Whitfield", "Priya Nair", "Tom Hallam"]


def _first_half_day(school: School, today: date) -> date | None:
    """A school day in this term's first half, before today: when the demo's PEPs were held."""
    now = term_containing(school=school, on=today)
    if now is None:
        return None
    first = Term.objects.filter(
        school=school, academic_year=now.academic_year, season=now.season, half=1
    ).first()
    day = _weekday((first or now).starts_on + timedelta(days=21))
    return day if day < today else None


def _weekday(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def seed_lac(*, school: School, today: date, sendco: User) -> int:
    if VirtualSchool.objects.filter(school=school).exists():
        return 0
    VirtualSchool.objects.create(
        school=school,
        la_name=school.local_authority,
        head_name="Alex Morgan",
        email="virtual.school@example.org",
        pep_timing=rules.PepTiming.FIRST_HALF,
    )
    membership = Membership.objects.filter(school=school, user=sendco).first()
    if membership is not None and Duty.DESIGNATED_TEACHER not in membership.duties:
        membership.duties = [*membership.duties, Duty.DESIGNATED_TEACHER.value]
        membership.save(update_fields=["duties"])
    held_on = _first_half_day(school, today)
    periods = (
        LookedAfterPeriod.objects.filter(school=school, starts_on__lte=today, ends_on__isnull=True)
        .select_related("pupil")
        .order_by("pupil__legal_last_name", "pupil__pk")
    )
    children = [p for p in periods if p.pupil.leaving_date is None]
    made = 1
    for n, period in enumerate(children):
        pupil = period.pupil
        LacContact.objects.create(
            school=school, pupil=pupil, social_worker_name=SOCIAL_WORKERS[n % 4]
        )
        made += 1
        if held_on is None:
            continue
        # The last child's PEP was held last summer, so this autumn's is overdue.
        when = held_on if n < len(children) - 1 else _weekday(held_on - timedelta(days=112))
        started = max(period.starts_on, pupil.admission_date or period.starts_on)
        if started > when:
            continue
        Pep.objects.create(
            school=school,
            pupil=pupil,
            kind=rules.PepKind.TERMLY,
            held_on=when,
            child_views="Likes art club; finds reading aloud hard.",
            targets="Read daily with a trusted adult; join a lunchtime club.",
            pp_plus_requested=Decimal("600"),
        )
        # The virtual school released it after the PEP; the first child's is not planned yet.
        PlusRelease.objects.create(
            school=school,
            pupil=pupil,
            received_on=_weekday(when + timedelta(days=14)),
            amount=Decimal("600"),
            spent_on="" if n == 0 else "Reading tuition and a place at the lunchtime club",
        )
        made += 2
    return made
