"""Reads of the transfer: this year's leavers on the SEN register, a pupil's packs and the
history from their previous school, a pack for download. School-scoped; constant queries."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery

from register.models import Pupil, SenStatus
from staff import calendar as school_calendar
from staff.models import School

from .models import PreviousSchoolRecord, TransferPack

SEN = (SenStatus.Category.SEN_SUPPORT, SenStatus.Category.EHC_PLAN)


def school_year(on: date) -> tuple[date, date]:
    """The academic year (1 September to 31 August) containing `on`."""
    start = school_calendar.academic_year_start_for(on)
    return date(start, 9, 1), date(start + 1, 8, 31)


def leavers(*, school: School, today: date) -> QuerySet[Pupil]:
    """Pupils leaving (or who left) this academic year who were on the SEN register (K or E)
    at some time this year, with their last category, their packs and the newest pack's school."""
    starts, ends = school_year(today)
    on_register = SenStatus.objects.filter(
        pupil=OuterRef("pk"), category__in=SEN, starts_on__lte=OuterRef("leaving_date")
    ).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=starts))
    last_category = SenStatus.objects.filter(pupil=OuterRef("pk")).order_by("-starts_on")
    newest_pack = TransferPack.objects.filter(pupil=OuterRef("pk")).order_by("-made_at")
    return (
        Pupil.objects.for_school(school)
        .filter(leaving_date__gte=starts, leaving_date__lte=ends)
        .filter(Exists(on_register))
        .annotate(
            packs=Count("transfer_packs"),
            category=Subquery(last_category.values("category")[:1]),
            pack_to=Subquery(newest_pack.values("to_school")[:1]),
        )
        .order_by("leaving_date", "legal_last_name", "legal_first_name")
    )


def packs_of(*, pupil: Pupil) -> list[TransferPack]:
    return list(
        TransferPack.objects.filter(pupil=pupil)
        .select_related("made_by")
        .defer("document")
        .order_by("-made_at")
    )


def history_of(*, pupil: Pupil) -> list[PreviousSchoolRecord]:
    return list(PreviousSchoolRecord.objects.filter(pupil=pupil).order_by("imported_at"))


def pack_for(*, school: School, public_id) -> TransferPack | None:
    """A pack of this school; another school's answers like a missing one."""
    return (
        TransferPack.objects.filter(school=school, public_id=public_id)
        .select_related("pupil", "made_by")
        .first()
    )
