"""School-scoped reads of the register. Every list of pupils starts from `pupils_visible_to`."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from staff.capabilities import Reach, pupil_reach
from staff.tenancy import Access

from .models import (
    Concern,
    LookedAfterPeriod,
    Need,
    PassportVersion,
    Pupil,
    PupilPremiumPeriod,
    SenStatus,
    TeachingGroup,
)


def groups_of(*, access: Access, on: date) -> QuerySet[TeachingGroup]:
    """The classes of the academic year containing `on` that this person teaches or supports."""
    groups = TeachingGroup.objects.filter(
        school=access.school,
        academic_year__starts_on__lte=on,
        academic_year__ends_on__gte=on,
    )
    reach = pupil_reach(access.role)
    if reach == Reach.CLASSES_TAUGHT:
        return groups.filter(teachers=access.user)
    if reach == Reach.CLASSES_SUPPORTED:
        return groups.filter(assistants=access.user)
    if reach == Reach.SCHOOL:
        return groups
    return groups.none()


def pupils_visible_to(*, access: Access, on: date) -> QuerySet[Pupil]:
    """Whole school for the SENDCo, trust lead and head; a teacher's or TA's own classes;
    nobody for a governor."""
    pupils = Pupil.objects.for_school(access.school)
    reach = pupil_reach(access.role)
    if reach == Reach.SCHOOL:
        return pupils
    if reach in (Reach.CLASSES_TAUGHT, Reach.CLASSES_SUPPORTED):
        mine = groups_of(access=access, on=on).filter(pupils=OuterRef("pk"))
        return pupils.filter(Exists(mine))
    return pupils.none()


def _covering(on: date) -> Q:
    return Q(starts_on__lte=on) & (Q(ends_on__isnull=True) | Q(ends_on__gte=on))


def register_rows(*, access: Access, on: date) -> QuerySet[Pupil]:
    """Pupils on roll on `on` with the status, needs, Pupil Premium and looked-after periods that
    covered that date prefetched (a constant number of queries, whatever the size)."""
    covering = _covering(on)
    return (
        pupils_visible_to(access=access, on=on)
        .on_roll(on)
        .prefetch_related(
            Prefetch("sen_statuses", SenStatus.objects.filter(covering), to_attr="statuses_on"),
            Prefetch(
                "needs",
                Need.objects.filter(covering).select_related("need_type").order_by("rank"),
                to_attr="needs_on",
            ),
            Prefetch("pp_periods", PupilPremiumPeriod.objects.all(), to_attr="pp_all"),
            Prefetch("lac_periods", LookedAfterPeriod.objects.filter(covering), to_attr="lac_on"),
            Prefetch(
                "teaching_groups",
                TeachingGroup.objects.filter(
                    academic_year__starts_on__lte=on, academic_year__ends_on__gte=on
                ),
                to_attr="groups_on",
            ),
        )
        .order_by("legal_last_name", "legal_first_name")
    )


def pupil_for(*, access: Access, public_id, on: date) -> Pupil | None:
    """One pupil this person may see, or None (the view answers 404)."""
    return pupils_visible_to(access=access, on=on).filter(public_id=public_id).first()


def pupil_record(*, pupil: Pupil) -> dict:
    """Everything the pupil page shows, in a fixed number of queries."""
    return {
        "statuses": list(
            SenStatus.objects.filter(pupil=pupil)
            .select_related("decided_by")
            .order_by("-starts_on")
        ),
        "needs": list(
            Need.objects.filter(pupil=pupil)
            .select_related("need_type")
            .order_by("ends_on", "rank", "-starts_on")
        ),
        "concerns": list(
            Concern.objects.filter(pupil=pupil).select_related("raised_by", "decided_by")
        ),
        "passports": list(
            PassportVersion.objects.filter(pupil=pupil)
            .select_related("created_by")
            .only("pk", "version", "created_at", "created_by__full_name", "pupil_id")
        ),
        "contacts": list(pupil.contacts.all()),
        "pp_periods": list(pupil.pp_periods.all()),
        "lac_periods": list(pupil.lac_periods.all()),
        "groups": list(pupil.teaching_groups.select_related("academic_year")),
    }


def latest_passport(*, pupil: Pupil) -> PassportVersion | None:
    return (
        PassportVersion.objects.filter(pupil=pupil)
        .select_related("created_by")
        .order_by("-version")
        .first()
    )


def home_summary(*, access: Access, on: date) -> dict:
    """What the home page shows about the register, in a constant number of queries: counts for
    the whole school; for a teacher or TA, their classes and the SEN pupils in them."""
    from django.db.models import Count

    from .rules import E, K, provision_on

    visible = pupils_visible_to(access=access, on=on).on_roll(on)
    counts = dict(
        SenStatus.objects.filter(_covering(on), pupil__in=visible)
        .values_list("provision")
        .annotate(n=Count("pk"))
    )
    summary: dict = {"k": counts.get(K, 0), "e": counts.get(E, 0)}
    if pupil_reach(access.role) == Reach.SCHOOL:
        concerns = Concern.objects.filter(school=access.school)
        summary["open_concerns"] = concerns.filter(status=Concern.Status.OPEN).count()
        summary["reviews_due"] = concerns.filter(
            status=Concern.Status.MONITORING, review_on__lte=on + timedelta(days=14)
        ).count()
    else:
        summary["classes"] = list(
            groups_of(access=access, on=on).annotate(size=Count("pupils")).order_by("name")
        )
        rows = register_rows(access=access, on=on)
        summary["sen_pupils"] = [p for p in rows if provision_on(p.statuses_on, on) in (K, E)]
        for pupil in summary["sen_pupils"]:
            pupil.provision = provision_on(pupil.statuses_on, on)
    return summary
