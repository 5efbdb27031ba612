"""Reads of exam access arrangements, school first, and the pages assembled from them: a fixed
number of queries each, whatever the number of candidates (tests/exams/test_pages.py)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from register import selectors as register_selectors
from register.models import Pupil
from register.selectors import pupils_visible_to
from staff.models import School
from staff.selectors import unique_row
from staff.tenancy import Access

from . import rules
from .models import (
    Arrangement,
    ArrangementKind,
    Assessment,
    Assessor,
    ExamSeries,
    NormalWayEvidence,
)

PER_PAGE = 25
OFFICE_PER_PAGE = 50


# --------------------------------------------------------------------------------------------------
# Series, kinds, assessors
# --------------------------------------------------------------------------------------------------


def series_of(*, school: School) -> QuerySet[ExamSeries]:
    return ExamSeries.objects.filter(school=school).order_by("-first_exam_on", "name")


def series_for(*, school: School, public_id) -> ExamSeries | None:
    return unique_row(ExamSeries.objects.filter(school=school, public_id=public_id))


def next_series(*, school: School, today: date) -> ExamSeries | None:
    """The series coming up soonest (else the latest one), for the exams office's first view."""
    found = ExamSeries.objects.filter(school=school, first_exam_on__gte=today)
    return found.order_by("first_exam_on").first() or series_of(school=school).first()


def active_kinds() -> QuerySet[ArrangementKind]:
    return ArrangementKind.objects.filter(active=True).order_by("order", "name")


def assessors_of(*, school: School) -> QuerySet[Assessor]:
    return Assessor.objects.filter(school=school).order_by("name")


def qualified_assessors(*, school: School) -> QuerySet[Assessor]:
    """The assessors who may be entered on an assessment (exams.rules.qualified)."""
    return (
        assessors_of(school=school)
        .exclude(qualification="")
        .filter(qualification_checked_on__isnull=False)
    )


def assessor_for(*, school: School, public_id) -> Assessor | None:
    return Assessor.objects.filter(school=school, public_id=public_id).first()


def arrangement_for(*, school: School, public_id) -> Arrangement | None:
    return (
        Arrangement.objects.filter(school=school, public_id=public_id)
        .select_related("pupil", "series", "kind")
        .first()
    )


def pupils_to_enter(*, school: School, today: date) -> QuerySet[Pupil]:
    """The pupils on roll who may be candidates: Year 9 and above (assessments start in Year 9;
    arrangements are for the exams of the years after)."""
    years = [str(n) for n in range(rules.EARLIEST_ASSESSMENT_YEAR, 15)]
    return (
        Pupil.objects.for_school(school)
        .on_roll(today)
        .filter(year_group__in=years)
        .order_by("legal_last_name", "legal_first_name")
    )


FOUND_AT_MOST = 25


def pupils_found(pupils: QuerySet[Pupil], find: str) -> list[Pupil]:
    """The pupils a name or UPN search matches, the first FOUND_AT_MOST in name order."""
    return list(register_selectors.searched(pupils, find)[:FOUND_AT_MOST])


# --------------------------------------------------------------------------------------------------
# Flags
# --------------------------------------------------------------------------------------------------


@dataclass
class ArrangementRow:
    arrangement: Arrangement
    flags: list[str] = field(default_factory=list)


def _evidence_kinds(*, school: School, series: ExamSeries | None, pupil_ids) -> dict:
    """{(pupil id, series id): [kind ids of each answered normal-way-of-working request]} (one
    query)."""
    through = NormalWayEvidence.arrangements.through
    rows = through.objects.filter(
        normalwayevidence__school=school,
        normalwayevidence__pupil_id__in=pupil_ids,
        normalwayevidence__answered_on__isnull=False,
    )
    if series is not None:
        rows = rows.filter(normalwayevidence__series=series)
    found: dict = defaultdict(lambda: defaultdict(list))
    for pupil_id, series_id, evidence_id, kind_id in rows.values_list(
        "normalwayevidence__pupil_id",
        "normalwayevidence__series_id",
        "normalwayevidence_id",
        "arrangementkind_id",
    ):
        found[(pupil_id, series_id)][evidence_id].append(kind_id)
    return {key: list(answers.values()) for key, answers in found.items()}


def _assessed(*, school: School, pupil_ids) -> set[int]:
    """The pupils with an assessment by a qualified assessor (one query)."""
    return set(
        Assessment.objects.filter(school=school, pupil_id__in=pupil_ids)
        .exclude(assessor__qualification="")
        .filter(assessor__qualification_checked_on__isnull=False)
        .values_list("pupil_id", flat=True)
    )


def flagged(
    arrangements: list[Arrangement], *, school: School, today: date, series: ExamSeries | None
) -> list[ArrangementRow]:
    """Each arrangement with its flags (exams.rules.flags), in two queries whatever their
    number. The arrangements come with their kind and series."""
    pupil_ids = {a.pupil_id for a in arrangements}
    if not pupil_ids:
        return []
    evidence = _evidence_kinds(school=school, series=series, pupil_ids=pupil_ids)
    assessed = _assessed(school=school, pupil_ids=pupil_ids)
    rows = []
    for a in arrangements:
        missing = rules.without_normal_way_evidence(
            [a.kind_id], evidence.get((a.pupil_id, a.series_id), [])
        )
        facts = rules.ArrangementFacts(
            kind_id=a.kind_id,
            delegated=a.kind.delegated,
            needs_form8=a.kind.needs_form8,
            stage=a.stage,
            applied_on=a.applied_on,
        )
        found = rules.flags(
            facts,
            evidenced=not missing,
            assessed=a.pupil_id in assessed,
            deadline=a.series.application_deadline,
            today=today,
        )
        rows.append(ArrangementRow(a, found))
    return rows


# --------------------------------------------------------------------------------------------------
# The series page: its candidates
# --------------------------------------------------------------------------------------------------


@dataclass
class Candidate:
    pupil: Pupil
    rows: list[ArrangementRow]

    @property
    def flag_count(self) -> int:
        return sum(len(row.flags) for row in self.rows)


def _arrangements(*, school: School, series: ExamSeries, stage: str = "") -> QuerySet:
    found = Arrangement.objects.filter(school=school, series=series)
    return found.filter(stage=stage) if stage else found


def candidates_page(
    *, school: School, series: ExamSeries, stage: str, today: date, page: str | None
) -> tuple[Page, list[Candidate]]:
    """The series' candidates (pupils with an arrangement in it, at `stage` when given), a page
    of them, each with their arrangements (at that stage) and flags. Five queries."""
    chosen = _arrangements(school=school, series=series, stage=stage)
    pupils = (
        Pupil.objects.for_school(school)
        .filter(Exists(chosen.filter(pupil=OuterRef("pk"))))
        .order_by("legal_last_name", "legal_first_name", "pk")
    )
    shown = Paginator(pupils, PER_PAGE).get_page(page)
    on_page = list(shown.object_list)
    arrangements = list(
        chosen.filter(pupil__in=on_page)
        .select_related("kind", "series")
        .order_by("pupil_id", "kind__order", "kind__name")
    )
    rows_of: dict[int, list[ArrangementRow]] = defaultdict(list)
    for row in flagged(arrangements, school=school, today=today, series=series):
        rows_of[row.arrangement.pupil_id].append(row)
    return shown, [Candidate(pupil, rows_of[pupil.pk]) for pupil in on_page]


def stage_counts(*, school: School, series: ExamSeries) -> dict[str, int]:
    """How many arrangements stand at each stage (one query)."""
    counted = (
        _arrangements(school=school, series=series)
        .values("stage")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["stage"]: row["n"] for row in counted}


# --------------------------------------------------------------------------------------------------
# A candidate's page
# --------------------------------------------------------------------------------------------------


def candidate(*, school: School, series: ExamSeries, pupil: Pupil, today: date) -> dict:
    """A candidate's arrangements in a series with their flags, their assessments with the
    assessor, and the normal-way-of-working evidence answered (five queries)."""
    arrangements = list(
        Arrangement.objects.filter(school=school, series=series, pupil=pupil)
        .select_related("kind", "series")
        .order_by("kind__order", "kind__name")
    )
    rows = flagged(arrangements, school=school, today=today, series=series)
    assessments = list(
        Assessment.objects.filter(school=school, pupil=pupil)
        .select_related("assessor")
        .order_by("-assessed_on")
    )
    return {
        "rows": rows,
        "flag_count": sum(len(r.flags) for r in rows),
        "assessments": assessments,
        "already": {a.kind_id for a in arrangements},
    }


# --------------------------------------------------------------------------------------------------
# The exams office: no health details
# --------------------------------------------------------------------------------------------------

# What the exams office sees of each arrangement, and the CSV's columns: nothing about needs,
# SEN status, notes, flags or assessments (DOMAIN.md 6.1; issue 20).
OFFICE_FIELDS = (
    "pupil__legal_last_name",
    "pupil__legal_first_name",
    "pupil__upn",
    "pupil__year_group",
    "kind__name",
    "subjects",
    "stage",
    "approved_on",
    "aao_reference",
)
OFFICE_HEADER = [
    "Surname",
    "First name",
    "UPN",
    "Year",
    "Arrangement",
    "Subjects",
    "Stage",
    "Date approved",
    "AAO reference",
]
OFFICE_STAGES = frozenset({rules.PROPOSED, rules.EVIDENCE, rules.APPLIED, rules.APPROVED})


def office_rows(*, school: School, series: ExamSeries) -> QuerySet:
    """The arrangements in place and pending in a series, as plain values (one query)."""
    return (
        Arrangement.objects.filter(school=school, series=series, stage__in=OFFICE_STAGES)
        .order_by("pupil__legal_last_name", "pupil__legal_first_name", "pupil_id", "kind__order")
        .values_list(*OFFICE_FIELDS)
    )


@dataclass(frozen=True)
class OfficeRow:
    surname: str
    first_name: str
    upn: str
    year: str
    arrangement: str
    subjects: str
    stage: str
    approved_on: date | None
    aao_reference: str

    @classmethod
    def of(cls, values: tuple) -> OfficeRow:
        *head, stage, approved_on, aao = values
        return cls(*head, rules.STAGE_WORDS.get(stage, stage).capitalize(), approved_on, aao)

    def cells(self) -> list[str]:
        approved = self.approved_on.strftime("%d/%m/%Y") if self.approved_on else ""
        return [
            self.surname,
            self.first_name,
            self.upn,
            self.year,
            self.arrangement,
            self.subjects or "All",
            self.stage,
            approved,
            self.aao_reference,
        ]


def office_page(*, school: School, series: ExamSeries, page: str | None) -> Page:
    shown = Paginator(office_rows(school=school, series=series), OFFICE_PER_PAGE).get_page(page)
    shown.object_list = [OfficeRow.of(values) for values in shown.object_list]
    return shown


def office_all(*, school: School, series: ExamSeries) -> list[OfficeRow]:
    return [OfficeRow.of(values) for values in office_rows(school=school, series=series)]


# --------------------------------------------------------------------------------------------------
# Class staff: the arrangements in place for their pupils
# --------------------------------------------------------------------------------------------------


def in_class_page(*, access: Access, today: date, page: str | None) -> Page:
    """The arrangements in place for the pupils this person sees (register.selectors), in the
    series that lie ahead or began at most SERIES_RUNS_DAYS ago; read-only. Two or three
    queries (one more for a teacher or TA: their pupils are a subquery)."""
    since = today - timedelta(days=rules.SERIES_RUNS_DAYS)
    pupils = pupils_visible_to(access=access, on=today)
    found = (
        Arrangement.objects.filter(
            Q(series__first_exam_on__gte=since),
            school=access.school,
            stage=rules.APPROVED,
            pupil__in=pupils,
        )
        .select_related("pupil", "kind", "series")
        .order_by("series__first_exam_on", "pupil__legal_last_name", "pupil_id", "kind__order")
    )
    return Paginator(found, OFFICE_PER_PAGE).get_page(page)


def csv_safe(cells: list[str]) -> list[str]:
    """A cell a spreadsheet would run as a formula (=, +, -, @ first) is given a leading quote."""
    return [f"'{c}" if c and c[0] in "=+-@\t\r" else c for c in cells]


# --------------------------------------------------------------------------------------------------
# Pages
# --------------------------------------------------------------------------------------------------


def series_list_page(*, school: School, today: date) -> dict:
    """The school's series with how many candidates and arrangements in place and pending
    (one query)."""
    found = series_of(school=school).annotate(
        candidates=Count("arrangements__pupil", distinct=True),
        in_place=Count("arrangements", filter=Q(arrangements__stage=rules.APPROVED)),
        pending=Count("arrangements", filter=Q(arrangements__stage__in=rules.PENDING)),
    )
    return {"series_list": list(found), "today": today}


def series_page(
    *, school: School, series: ExamSeries, stage: str, today: date, page: str | None
) -> dict:
    shown, candidates = candidates_page(
        school=school, series=series, stage=stage, today=today, page=page
    )
    return {
        "series": series,
        "page": shown,
        "candidates": candidates,
        "counts": _labelled(stage_counts(school=school, series=series)),
        "stage": stage,
        "stage_label": rules.STAGE_WORDS.get(stage, ""),
        "query": f"stage={stage}" if stage else "",
        "today": today,
        "late": series.application_deadline < today <= series.first_exam_on,
    }


def _labelled(counts: dict[str, int]) -> list[tuple[str, str, int]]:
    return [(value, label, counts.get(value, 0)) for value, label in Arrangement.Stage.choices]


def assessors_page(*, school: School) -> list[Assessor]:
    """The school's assessors, each with whether they may assess and how many assessments
    they did (one query)."""
    found = list(assessors_of(school=school).annotate(done=Count("assessments")))
    for assessor in found:
        assessor.may_assess = rules.qualified(
            qualification=assessor.qualification, checked_on=assessor.qualification_checked_on
        )
    return found


def assessment_fields(data: dict, *, pupil: Pupil, today: date) -> dict:
    """The assessment form's data for the service, the year group worked out from the pupil's
    today when it was left to work out (exams.rules.year_group_on)."""
    fields = dict(data)
    if not fields.get("year_group") and fields.get("assessed_on"):
        fields["year_group"] = (
            rules.year_group_on(current=pupil.year_group, today=today, on=fields["assessed_on"])
            or ""
        )
    return fields
