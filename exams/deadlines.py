"""Deadlines of exam access arrangements, in the engine's family "exams" (one row on the home
page, "Exam arrangements"): for each arrangement that needs an online application and
is not yet applied for, its evidence to gather by the series' application deadline
(`exams.evidence`); for each candidate with arrangements in place, their review before the
series (`exams.review`, EXAMS_REVIEW_WEEKS_BEFORE weeks before the first exam). Only for a
series still ahead (its first exam today or later). Dates come from exams.rules; nothing here
is stored."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from django.db.models import QuerySet
from django.urls import reverse

from register.models import Pupil
from staff.calendar import SchoolCalendar
from staff.deadlines import Deadline, severity
from staff.models import School

from . import rules
from .models import Arrangement

EVIDENCE = "exams.evidence"
REVIEW = "exams.review"


_SERIES = "00000000-0000-0000-0000-000000000001"
_PUPIL = "00000000-0000-0000-0000-000000000002"


def _candidate_url(school: School):
    """The candidate page's URL for any series and pupil, reversed once."""
    url = reverse("exams:candidate", args=[school.slug, _SERIES, _PUPIL])
    return lambda series_id, pupil_id: url.replace(_SERIES, str(series_id)).replace(
        _PUPIL, str(pupil_id)
    )


def deadlines(
    *,
    school: School,
    pupils: QuerySet[Pupil],
    today: date,
    until: date,
    calendar: SchoolCalendar | None = None,
) -> Iterator[Deadline]:
    """One query (none for a school that enters no candidates): the arrangements of `pupils` on
    roll, in the series still ahead, that need evidence gathered or are in place."""
    if not rules.sits_exams(school.phase):
        return
    found = (
        Arrangement.objects.filter(
            school=school,
            series__first_exam_on__gte=today,
            pupil__in=pupils.on_roll(today),
            stage__in=(rules.PROPOSED, rules.EVIDENCE, rules.APPROVED),
        )
        .select_related("series", "kind", "pupil")
        .order_by("series__first_exam_on", "pupil_id", "kind__order")
    )
    url = _candidate_url(school)
    reviews: dict[tuple[int, int], list[Arrangement]] = {}
    for a in found:
        series, pupil = a.series, a.pupil
        if rules.gathers_evidence(delegated=a.kind.delegated, stage=a.stage):
            due = series.application_deadline
            if due <= until:
                yield Deadline(
                    kind=EVIDENCE,
                    title=f"Gather the evidence for {a.kind.name} and apply online ({series.name})",
                    due=due,
                    subject=pupil.name,
                    subject_id=str(pupil.public_id),
                    owner_id=a.created_by_id,
                    url=url(series.public_id, pupil.public_id),
                    severity=severity(due=due, today=today),
                    year_group=pupil.year_group,
                )
        elif a.stage == rules.APPROVED:
            reviews.setdefault((series.pk, pupil.pk), []).append(a)
    for arrangements in reviews.values():
        series, pupil = arrangements[0].series, arrangements[0].pupil
        due = rules.review_due(series.first_exam_on)
        if due > until or all(rules.reviewed(a.reviewed_on, due) for a in arrangements):
            continue
        yield Deadline(
            kind=REVIEW,
            title=f"Review the arrangements in place before {series.name}",
            due=due,
            subject=pupil.name,
            subject_id=str(pupil.public_id),
            owner_id=arrangements[0].created_by_id,
            url=url(series.public_id, pupil.public_id),
            severity=severity(due=due, today=today),
            year_group=pupil.year_group,
        )
