"""The Pupil Premium gap analysis: disadvantaged pupils against the others, on what sendco
knows (SEN status and need, provision this term, measured impact, support-plan targets). On the
top floor because it reads the register, the provision map and the support plans.

Every figure is an aggregate the database counts, school first; no pupil is listed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Avg, Count, Exists, F, Max, OuterRef, Q

from plans.models import Target
from provision.models import GroupPupil
from register.models import BroadArea, Pupil, TermFigures
from register.rules import PERSISTENT_ABSENCE_BELOW, E, K
from register.selectors import pupil_premium_on, with_category_and_need
from staff import deadline_cache
from staff.calendar import academic_year_start_for
from staff.deadlines import percent_of
from staff.models import School


@dataclass(frozen=True)
class Line:
    """One measure for both groups: counts out of a base each."""

    label: str
    disadvantaged: tuple[int, int]  # (count, out of)
    others: tuple[int, int]

    @property
    def cells(self) -> list[tuple[int, int, int | None]]:
        return [(n, base, percent_of(n, base)) for n, base in (self.disadvantaged, self.others)]

    @property
    def gap(self) -> int | None:
        """Percentage points, disadvantaged minus others (None when either base is empty)."""
        a, b = (percent_of(*self.disadvantaged), percent_of(*self.others))
        return None if a is None or b is None else a - b

    @property
    def gap_words(self) -> str:
        """ "+3 points", "-1 point", "–" when there is nothing to compare."""
        gap = self.gap
        if gap is None:
            return "–"
        return f"{'+' if gap > 0 else ''}{gap} point{'' if abs(gap) == 1 else 's'}"


def _pupils(school: School, today: date):
    pupils = with_category_and_need(Pupil.objects.for_school(school).on_roll(today), school, today)
    return pupils.annotate(pp=pupil_premium_on(today, school=school))


def analysis(*, school: School, today: date) -> dict:
    """Every line of the gap analysis, kept for the school until a write changes what it is
    worked out from (staff.deadline_cache); four queries when worked out."""
    return deadline_cache.kept(
        school_id=school.pk,
        today=today,
        weeks=0,
        name="premium-gaps",
        work_out=lambda: _analysis(school, today),
    )


@dataclass(frozen=True)
class Figures:
    """Attendance, suspensions and attainment from the MIS, each pupil's latest this year."""

    recorded_on: date  # the latest import they come from
    average_attendance: tuple[float | None, float | None]  # disadvantaged, others
    lines: list[Line]

    @property
    def attendance_gap(self) -> float | None:
        a, b = self.average_attendance
        return None if a is None or b is None else round(a - b, 1)


def _analysis(school: School, today: date) -> dict:
    year_start = date(academic_year_start_for(today), 9, 1)
    pupils = _pupils(school, today)
    sen = Q(sen_category__in=[K, E])
    placed = GroupPupil.objects.filter(
        school=school,
        pupil=OuterRef("pk"),
        joined_on__lte=today,
        group__starts_on__lte=today,
        group__ends_on__gte=year_start,
    ).filter(Q(left_on__isnull=True) | Q(left_on__gte=year_start))
    roll = pupils.annotate(placed=Exists(placed)).aggregate(
        **{
            f"{key}_{side}": Count("pk", filter=cond & Q(pp=(side == "pp")))
            for key, cond in (
                ("all", Q()),
                ("k", Q(sen_category=K)),
                ("e", Q(sen_category=E)),
                ("sen", sen),
                ("placed", sen & Q(placed=True)),
            )
            for side in ("pp", "other")
        }
    )
    lines = []
    for label, key, base in (
        ("On SEN support (K)", "k", "all"),
        ("With an EHC plan (E)", "e", "all"),
        ("SEN pupils with provision this year", "placed", "sen"),
    ):
        lines.append(
            Line(
                label,
                (roll[f"{key}_pp"], roll[f"{base}_pp"]),
                (roll[f"{key}_other"], roll[f"{base}_other"]),
            )
        )
    return {
        "on_roll": (roll["all_pp"], roll["all_other"]),
        "lines": lines,
        "areas": _need_areas(pupils.filter(sen), roll),
        "impact": _impact(school, year_start, today),
        "targets": _targets(school, year_start, today),
        "figures": _figures(school, today),
    }


def _need_areas(sen_pupils, roll: dict) -> list[Line]:
    """SEN pupils by the broad area of their primary need, as a share of each group's SEN."""
    counts = {
        (row["need_area"] or "", row["pp"]): row["n"]
        for row in sen_pupils.values("need_area", "pp").annotate(n=Count("pk")).order_by()
    }
    return [
        Line(
            label,
            (counts.get((code, True), 0), roll["sen_pp"]),
            (counts.get((code, False), 0), roll["sen_other"]),
        )
        for code, label in BroadArea.choices
        if code
    ]


def _impact(school: School, year_start: date, today: date) -> Line:
    """Places that ended this year with exit and target measures: how many reached the target."""
    found = (
        GroupPupil.objects.filter(
            school=school,
            left_on__gte=year_start,
            left_on__lte=today,
            exit_score__isnull=False,
            target_score__isnull=False,
        )
        .annotate(pp=pupil_premium_on(today, school=school, pupil="pupil_id"))
        .aggregate(**_met_and_all(Q(exit_score__gte=F("target_score"))))
    )
    return Line(
        "Intervention places ended this year that reached their target",
        (found["met_pp"], found["all_pp"]),
        (found["met_other"], found["all_other"]),
    )


def _met_and_all(met: Q) -> dict:
    return {
        "met_pp": Count("pk", filter=met & Q(pp=True)),
        "all_pp": Count("pk", filter=Q(pp=True)),
        "met_other": Count("pk", filter=met & Q(pp=False)),
        "all_other": Count("pk", filter=Q(pp=False)),
    }


def _targets(school: School, year_start: date, today: date) -> Line:
    """Support-plan targets reviewed this year with an outcome: how many were achieved."""
    found = (
        Target.objects.filter(
            school=school,
            cycle__reviewed_on__gte=year_start,
            cycle__reviewed_on__lte=today,
            outcome__in=Target.Outcome.values,
        )
        .annotate(pp=pupil_premium_on(today, school=school, pupil="cycle__plan__pupil_id"))
        .aggregate(**_met_and_all(Q(outcome=Target.Outcome.ACHIEVED)))
    )
    return Line(
        "Support-plan targets reviewed this year that were achieved",
        (found["met_pp"], found["all_pp"]),
        (found["met_other"], found["all_other"]),
    )


def _figures(school: School, today: date) -> Figures | None:
    """Each pupil on roll's latest figures this academic year, both groups in one aggregate;
    None when the MIS import has brought none."""
    start = academic_year_start_for(today)
    later = TermFigures.objects.filter(
        school=school,
        academic_year_start=start,
        pupil=OuterRef("pupil"),
        recorded_on__gt=OuterRef("recorded_on"),
    )
    latest = (
        TermFigures.objects.filter(school=school, academic_year_start=start)
        .filter(pupil__in=Pupil.objects.for_school(school).on_roll(today).values("pk"))
        .exclude(Exists(later))
        .annotate(pp=pupil_premium_on(today, school=school, pupil="pupil_id"))
    )
    measures = {
        "absent": (Q(attendance__lt=PERSISTENT_ABSENCE_BELOW), Q(attendance__isnull=False)),
        "suspended": (Q(suspensions__gte=1), Q(suspensions__isnull=False)),
        "expected": (Q(attainment__in=["expected", "above"]), ~Q(attainment="")),
    }
    counts = {"recorded_on": Max("recorded_on")}
    for side, is_pp in (("pp", True), ("other", False)):
        counts[f"attendance_{side}"] = Avg("attendance", filter=Q(pp=is_pp))
        for key, (met, known) in measures.items():
            counts[f"{key}_{side}"] = Count("pk", filter=met & known & Q(pp=is_pp))
            counts[f"{key}_of_{side}"] = Count("pk", filter=known & Q(pp=is_pp))
    found = latest.aggregate(**counts)
    if found["recorded_on"] is None:
        return None
    labels = {
        "absent": f"Persistently absent (attendance below {PERSISTENT_ABSENCE_BELOW}%)",
        "suspended": "Suspended at least once this year",
        "expected": "At or above the expected standard",
    }
    return Figures(
        recorded_on=found["recorded_on"],
        average_attendance=tuple(
            None
            if found[f"attendance_{side}"] is None
            else round(float(found[f"attendance_{side}"]), 1)
            for side in ("pp", "other")
        ),
        lines=[
            Line(
                label,
                (found[f"{key}_pp"], found[f"{key}_of_pp"]),
                (found[f"{key}_other"], found[f"{key}_of_other"]),
            )
            for key, label in labels.items()
        ],
    )
