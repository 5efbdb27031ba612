"""The designated teacher's annual report to governors (DOMAIN.md 5.1): figures about the
school's looked-after and previously looked-after children this academic year, never a name,
every small count suppressed (`staff.suppression`). One version for everyone who reads it, so
what the head sees is what governors see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, Sum

from register.models import LookedAfterPeriod, Pupil, PupilPremiumPeriod, SenStatus
from register.selectors import covering
from staff import deadline_cache, suppression
from staff.calendar import academic_year_start_for, school_year_name
from staff.models import School
from staff.suppression import Shown, share, shown, shown_within

from .deadlines import owed
from .models import Pep, PlusRelease


@dataclass(frozen=True)
class Figure:
    label: str
    count: Shown
    share: str = ""  # of the looked-after children, when it is one


def figures(*, school: School, today: date) -> dict:
    """The report's figures for the academic year to `today`, kept for the school until a
    write changes them (staff.deadline_cache); a handful of queries when worked out."""
    return deadline_cache.kept(
        school_id=school.pk,
        today=today,
        weeks=0,
        name="lac-report",
        work_out=lambda: _figures(school, today),
    )


def _figures(school: School, today: date) -> dict:
    start = date(academic_year_start_for(today), 9, 1)
    care_now = LookedAfterPeriod.objects.filter(
        covering(today), school=school, pupil=OuterRef("pk")
    )
    care_this_year = LookedAfterPeriod.objects.filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=start),
        school=school,
        pupil=OuterRef("pk"),
        starts_on__lte=today,
    )
    plac_now = PupilPremiumPeriod.objects.filter(
        covering(today), school=school, pupil=OuterRef("pk"), kind="plac"
    )
    sen_now = SenStatus.objects.filter(
        covering(today), school=school, pupil=OuterRef("pk"), category__in=["K", "E"]
    )
    ehc_now = sen_now.filter(category="E")
    here = (Q(admission_date__isnull=True) | Q(admission_date__lte=today)) & (
        Q(leaving_date__isnull=True) | Q(leaving_date__gte=today)
    )  # on roll today (PupilQuerySet.on_roll, as a condition)
    counted = (
        Pupil.objects.for_school(school)
        .filter(Q(leaving_date__isnull=True) | Q(leaving_date__gte=start))
        .annotate(
            is_lac=Exists(care_now),
            is_lac_year=Exists(care_this_year),
            is_plac=Exists(plac_now),
            is_sen=Exists(sen_now),
            is_ehc=Exists(ehc_now),
        )
        .aggregate(
            lac=Count("pk", filter=here & Q(is_lac=True)),
            lac_year=Count("pk", filter=Q(is_lac_year=True)),
            plac=Count("pk", filter=here & Q(is_plac=True)),
            sen=Count("pk", filter=here & Q(is_lac=True, is_sen=True)),
            ehc=Count("pk", filter=here & Q(is_lac=True, is_ehc=True)),
        )
    )
    peps = Pep.objects.filter(school=school, held_on__gte=start, held_on__lte=today).aggregate(
        held=Count("pk")
    )
    peps["pp_plus"] = PlusRelease.objects.filter(
        school=school, received_on__gte=start, received_on__lte=today
    ).aggregate(total=Sum("amount"))["total"]
    children = owed(school=school, pupils=Pupil.objects.for_school(school), today=today)
    up_to_date = sum(1 for c in children if c.due is not None and not c.due.overdue)
    lac = counted["lac"]
    found = [
        Figure("Looked-after children on roll today", shown(lac)),
        Figure("Looked-after children on roll at any time this year", shown(counted["lac_year"])),
        Figure("Previously looked-after children on roll today", shown(counted["plac"])),
        Figure(
            "Looked-after children on the SEN register",
            shown_within(counted["sen"], lac),
            share(counted["sen"], lac),
        ),
        Figure(
            "Looked-after children with an EHC plan",
            shown_within(counted["ehc"], lac),
            share(counted["ehc"], lac),
        ),
        Figure(
            "Looked-after children whose PEP is up to date",
            shown_within(up_to_date, lac),
            share(up_to_date, lac),
        ),
        Figure("PEP meetings held this year", shown(peps["held"])),
    ]
    pp_plus = peps["pp_plus"] or Decimal(0)
    return {
        "figures": found,
        "year_name": school_year_name(start.year),
        "today": today,
        "threshold": suppression.threshold(),
        # Pupil Premium Plus in total, only when it is not one or two children's money.
        "pp_plus": None if Shown(counted["lac_year"]).suppressed else pp_plus,
    }
