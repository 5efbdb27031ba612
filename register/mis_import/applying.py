"""MIS import, applying the dry run: write it all, or nothing. A plan with any bad row or
problem is refused; leavers get a leaving date, never deletion. One audit event, with counts and
no names."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from staff import deadline_cache
from staff.models import School
from staff.services import audit
from staff.tenancy import Access

from ..models import (
    YEAR_ORDER,
    LookedAfterPeriod,
    Pupil,
    PupilPremiumPeriod,
    TeachingGroup,
    TermFigures,
)
from .planning import ImportPlan

AUDIT_ACTION = "register.mis_import"


@dataclass(frozen=True)
class ImportSummary:
    new: int
    changed: int
    unchanged: int
    leaving: int
    new_classes: int = 0
    grounds: int = 0  # free school meals, service child and care periods opened or closed
    figures: int = 0  # pupils whose attendance, suspensions or attainment were recorded
    figures_label: str = ""  # the term they were recorded for

    def __str__(self) -> str:
        text = (
            f"{self.new} new, {self.changed} changed, {self.unchanged} unchanged, "
            f"{self.leaving} marked as left"
        )
        if self.new_classes:
            plural = "es" if self.new_classes != 1 else ""
            text += (
                f", {self.new_classes} new class{plural} (choose their teachers on the Classes "
                "page)"
            )
        if self.grounds:
            plural = "s" if self.grounds != 1 else ""
            text += (
                f", {self.grounds} free school meals, service child or looked-after record{plural}"
            )
        if self.figures:
            plural = "s" if self.figures != 1 else ""
            text += (
                f", attendance, suspensions or attainment for {self.figures:,} pupil{plural} "
                f"({self.figures_label})"
            )
        return text


# --- apply -------------------------------------------------------------------------------------


def apply(*, school: School, plan: ImportPlan, access: Access) -> ImportSummary:
    """Write the plan, all or nothing, and audit it. ValidationError if it cannot be applied."""
    if plan.school_id != school.pk or access.school.pk != school.pk:
        raise ValidationError("This import was prepared for another school.")
    if plan.bad_rows:
        count = len(plan.bad_rows)
        raise ValidationError(
            f"Nothing was imported: {count} line{'s' if count != 1 else ''} of the file "
            f"{'have' if count != 1 else 'has'} problems. Fix them in the MIS, export the file "
            "again and upload it."
        )
    if plan.problems:
        raise ValidationError(
            " ".join(["Nothing was imported.", *(problem.message for problem in plan.problems)])
        )
    try:
        with transaction.atomic():
            return _apply(school=school, plan=plan, access=access)
    except IntegrityError:
        raise ValidationError(
            "The register changed while this import ran, so nothing was imported. Upload the "
            "file again to see a fresh dry run."
        ) from None


def _apply(*, school: School, plan: ImportPlan, access: Access) -> ImportSummary:
    School.objects.select_for_update().filter(pk=school.pk).first()  # one import at a time
    # Bulk writes send no signals: the school's kept deadlines go here, and again at the commit.
    deadline_cache.changed(school.pk)
    stale = ValidationError(
        "The register changed after the dry run, so nothing was imported. Upload the file again "
        "to see a fresh dry run."
    )
    updates = plan.changed + plan.leaving
    pupils = {
        p.pk: p
        for p in Pupil.objects.select_for_update().filter(
            school=school, pk__in=[item.pupil_id for item in updates]
        )
    }
    if (
        plan.new
        and Pupil.objects.filter(school=school, upn__in=[item.upn for item in plan.new]).exists()
    ):
        raise stale
    now = timezone.now()
    # Grouped by the fields that change: a new school year is one bulk update of year_group.
    groups: dict[tuple[str, ...], list[Pupil]] = {}
    for item in updates:
        pupil = pupils.get(item.pupil_id)
        if pupil is None or pupil.updated_at != item.seen_updated_at:
            raise stale
        if not item.values:  # only the class changes: that is not a field of the pupil
            continue
        for name, value in item.values.items():
            setattr(pupil, name, value)
        pupil.updated_at = now
        groups.setdefault(tuple(sorted(item.values)), []).append(pupil)
    for names, group in groups.items():
        Pupil.objects.bulk_update(group, [*names, "updated_at"], batch_size=500)

    created = []
    for item in plan.new:
        pupil = Pupil(school=school, upn=item.upn, **item.values)
        pupil.clean_fields(exclude=["school"])  # no query per pupil
        created.append(pupil)
    Pupil.objects.bulk_create(created, batch_size=500)
    if plan.academic_year_id is not None:
        _place_in_classes(school=school, plan=plan, created=created, stale=stale)
    grounds = _record_grounds(school=school, plan=plan, created=created, stale=stale)
    figures = _record_figures(school=school, plan=plan, created=created)

    _age_range_from_roll(school)

    summary = ImportSummary(
        new=len(plan.new),
        changed=len(plan.changed),
        unchanged=len(plan.unchanged),
        leaving=len(plan.leaving),
        new_classes=len(plan.new_classes),
        grounds=grounds,
        figures=figures,
        figures_label=plan.figures_label,
    )
    audit(
        action=AUDIT_ACTION,
        actor=access.user,
        school=school,
        role=access.role,
        detail={
            "new": summary.new,
            "changed": summary.changed,
            "unchanged": summary.unchanged,
            "leaving": summary.leaving,
            "new_classes": summary.new_classes,
            "grounds": summary.grounds,
            "figures": summary.figures,
            "sha256": plan.sha256,
        },
    )
    return summary


def _age_range_from_roll(school: School) -> None:
    """The school's age range as the year groups on roll, unless someone set it in the school's
    settings: it decides which year groups move phase (ehcp.rules `phase_transfer`). One query
    for the year groups (distinct, at most 18 rows) and one update."""
    if school.age_range_source == "settings":
        return
    today = timezone.localdate()
    years = set(
        Pupil.objects.filter(school=school)
        .on_roll(today)
        .order_by()
        .values_list("year_group", flat=True)
        .distinct()
    )
    known = sorted((y for y in years if y in YEAR_ORDER), key=YEAR_ORDER.__getitem__)
    if not known:
        return
    lowest, highest = known[0], known[-1]
    # Always one update (a constant count whatever changed); it touches no row when nothing did.
    School.objects.filter(pk=school.pk).exclude(
        lowest_year=lowest, highest_year=highest, age_range_source="mis"
    ).update(lowest_year=lowest, highest_year=highest, age_range_source="mis")
    school.lowest_year, school.highest_year, school.age_range_source = lowest, highest, "mis"


def _created_ids(school: School, created: list[Pupil]) -> dict[str, int]:
    """UPN -> id of the pupils the import created (one query on a database that returns no ids
    from a bulk insert)."""
    ids_by_upn = {pupil.upn: pupil.pk for pupil in created}
    if any(pk is None for pk in ids_by_upn.values()):
        ids_by_upn = dict(
            Pupil.objects.filter(school=school, upn__in=list(ids_by_upn)).values_list("upn", "pk")
        )
    return ids_by_upn


def _record_grounds(
    *, school: School, plan: ImportPlan, created: list[Pupil], stale: ValidationError
) -> int:
    """Close the free school meals, service child and looked-after periods the file ends (on the
    day before the import; on their first day when they began today) and open those it starts
    (from the import's day). A read and two bulk writes a model, whatever the size; a period
    closed since the dry run means the register changed."""
    items = [i for i in plan.new + plan.changed + plan.leaving if i.grounds]
    if not items:
        return 0
    ids_by_upn = _created_ids(school, created)
    count = 0
    for model in (PupilPremiumPeriod, LookedAfterPeriod):
        care = model is LookedAfterPeriod
        mine = [(i, g) for i in items for g in i.grounds if (g.kind == "lac") == care]
        closing = [g.period_id for _, g in mine if not g.opens]
        found = list(
            model.objects.select_for_update().filter(
                school=school, pk__in=closing, ends_on__isnull=True
            )
        )
        if len(found) != len(closing):
            raise stale
        day_before = plan.today - timedelta(days=1)
        for period in found:
            period.ends_on = max(period.starts_on, day_before)
        model.objects.bulk_update(found, ["ends_on"], batch_size=500)
        opening = [
            model(
                school=school,
                pupil_id=item.pupil_id or ids_by_upn[item.upn],
                starts_on=plan.today,
                **(
                    {"responsible_la": ground.authority}
                    if care
                    else {"kind": ground.kind, "evidence": "MIS import"}
                ),
            )
            for item, ground in mine
            if ground.opens
        ]
        model.objects.bulk_create(opening, batch_size=500)
        count += len(found) + len(opening)
    return count


def _record_figures(*, school: School, plan: ImportPlan, created: list[Pupil]) -> int:
    """Write this term's attendance, suspensions and attainment: one row per pupil and term,
    inserted or replaced in one statement per 500 pupils. Only the columns the file has are
    replaced, so a file without attainment keeps the attainment an earlier one gave."""
    if plan.figures_term is None:
        return 0
    items = [
        item
        for kind in ("new", "changed", "unchanged", "leaving")
        for item in getattr(plan, kind)
        if item.figures
    ]
    ids_by_upn = _created_ids(school, created)
    start, season = plan.figures_term
    TermFigures.objects.bulk_create(
        [
            TermFigures(
                school=school,
                pupil_id=item.pupil_id or ids_by_upn[item.upn],
                academic_year_start=start,
                season=season,
                recorded_on=plan.today,
                **item.figures,
            )
            for item in items
        ],
        batch_size=500,
        update_conflicts=True,
        unique_fields=["pupil", "academic_year_start", "season"],
        update_fields=["recorded_on", *plan.figure_columns],
    )
    return len(items)


def _place_in_classes(
    *, school: School, plan: ImportPlan, created: list[Pupil], stale: ValidationError
) -> None:
    """Create the new classes and move each pupil the plan places into their class, out of every
    other class of the year. A few bulk queries, whatever the size; teachers are not touched."""
    ids_by_upn = _created_ids(school, created)
    placing = {ids_by_upn[item.upn]: item.class_name for item in plan.new if item.class_name}
    moving = {
        item.pupil_id: item.class_name
        for item in plan.changed + plan.leaving
        if item.class_name and item.pupil_id
    }
    placing |= moving
    if not placing:
        return
    year_id, kind = plan.academic_year_id, TeachingGroup.Kind.CLASS
    TeachingGroup.objects.bulk_create(
        [
            TeachingGroup(school=school, academic_year_id=year_id, name=name, kind=kind)
            for name in plan.new_classes
        ]
    )  # one named meanwhile is an IntegrityError: apply() says the register changed
    group_ids = dict(
        TeachingGroup.objects.filter(
            school=school, academic_year_id=year_id, kind=kind, name__in=set(placing.values())
        ).values_list("name", "pk")
    )
    if set(placing.values()) - set(group_ids):  # a class renamed or removed since the dry run
        raise stale
    membership = TeachingGroup.pupils.through
    if moving:
        membership.objects.filter(
            pupil_id__in=list(moving),
            teachinggroup__school=school,
            teachinggroup__academic_year_id=year_id,
            teachinggroup__kind=kind,
        ).delete()
    membership.objects.bulk_create(
        [
            membership(teachinggroup_id=group_ids[name], pupil_id=pupil_id)
            for pupil_id, name in placing.items()
        ],
        batch_size=1000,
    )
