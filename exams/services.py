"""Writes for exam access arrangements: series, a candidate's arrangements and their stages,
assessors and assessments. Each checks the school, applies exams.rules and audits."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from register.models import Pupil
from staff.services import audit_by
from staff.tenancy import Access

from . import rules
from .models import Arrangement, ArrangementKind, Assessment, Assessor, ExamSeries


def _here(access: Access, *records) -> None:
    for record in records:
        if record is not None and record.school_id != access.school.pk:
            raise ValidationError("This record is not in your school.")


def _exam_school(access: Access) -> None:
    if not rules.sits_exams(access.school.phase):
        raise ValidationError(rules.NOT_HERE.format(phase=access.school.get_phase_display()))


# --------------------------------------------------------------------------------------------------
# Series
# --------------------------------------------------------------------------------------------------


def _series_checked(access: Access, series: ExamSeries) -> ExamSeries:
    problems = rules.series_problems(
        first_exam_on=series.first_exam_on, application_deadline=series.application_deadline
    )
    if problems:
        raise ValidationError({"application_deadline": problems})
    clash = ExamSeries.objects.filter(school=access.school, name__iexact=series.name)
    if clash.exclude(pk=series.pk).exists():
        raise ValidationError({"name": "This school already has a series of that name."})
    series.full_clean()
    series.save()
    return series


@transaction.atomic
def series_add(
    *, access: Access, name: str, first_exam_on: date, application_deadline: date | None = None
) -> ExamSeries:
    """A series; without an application deadline it takes the usual one before its first exam
    (exams.rules.default_application_deadline, EXAMS_APPLICATION_DEADLINE)."""
    _exam_school(access)
    if application_deadline is None:
        application_deadline = rules.default_application_deadline(first_exam_on)
    series = ExamSeries(
        school=access.school,
        name=name.strip(),
        first_exam_on=first_exam_on,
        application_deadline=application_deadline,
    )
    _series_checked(access, series)
    audit_by(access, "exams.series_added", series)
    return series


@transaction.atomic
def series_save(
    *,
    access: Access,
    series: ExamSeries,
    name: str,
    first_exam_on: date,
    application_deadline: date,
) -> ExamSeries:
    _here(access, series)
    series.name = name.strip()
    series.first_exam_on = first_exam_on
    series.application_deadline = application_deadline
    _series_checked(access, series)
    audit_by(access, "exams.series_changed", series)
    return series


# --------------------------------------------------------------------------------------------------
# Arrangements
# --------------------------------------------------------------------------------------------------


@transaction.atomic
def arrangements_add(
    *,
    access: Access,
    series: ExamSeries,
    pupil: Pupil,
    kinds: list[ArrangementKind],
    subjects: str = "",
    note: str = "",
) -> list[Arrangement]:
    """Propose arrangements for a candidate in a series (one per kind; a kind the candidate
    already has in the series is refused, nothing is saved)."""
    _exam_school(access)
    _here(access, series, pupil)
    if not kinds:
        raise ValidationError({"kinds": "Choose at least one arrangement."})
    inactive = [k.name for k in kinds if not k.active]
    if inactive:
        raise ValidationError({"kinds": f"No longer on the JCQ list: {', '.join(inactive)}."})
    already = set(
        Arrangement.objects.filter(
            school=access.school, series=series, pupil=pupil, kind__in=kinds
        ).values_list("kind__name", flat=True)
    )
    if already:
        raise ValidationError(
            {"kinds": f"Already recorded for this candidate: {', '.join(sorted(already))}."}
        )
    made = []
    for kind in kinds:
        arrangement = Arrangement(
            school=access.school,
            pupil=pupil,
            series=series,
            kind=kind,
            subjects=subjects.strip(),
            note=note.strip(),
            created_by=access.user,
        )
        arrangement.full_clean()
        made.append(arrangement)
    try:
        with transaction.atomic():
            for arrangement in made:
                arrangement.save()
    except IntegrityError as error:  # two people adding the same at once
        raise ValidationError({"kinds": "Already recorded for this candidate."}) from error
    audit_by(
        access,
        "exams.arrangements_added",
        series,
        pupil_public_id=pupil.public_id,
        kinds=[k.code for k in kinds],
    )
    return made


@transaction.atomic
def arrangement_save(
    *,
    access: Access,
    arrangement: Arrangement,
    today: date,
    stage: str,
    approved_on: date | None,
    applied_on: date | None,
    aao_reference: str,
    subjects: str,
    note: str,
    reviewed_on: date | None = None,
) -> Arrangement:
    """Move an arrangement to a stage, with its dates and AAO reference (exams.rules
    .stage_problems says what stands in the way)."""
    _here(access, arrangement)
    aao_reference = aao_reference.strip()
    problems = rules.stage_problems(
        delegated=arrangement.kind.delegated,
        current=arrangement.stage,
        new=stage,
        approved_on=approved_on,
        aao_reference=aao_reference,
        applied_on=applied_on,
        today=today,
        reviewed_on=reviewed_on,
    )
    if problems:
        raise ValidationError(problems)
    was = arrangement.stage
    arrangement.stage = stage
    arrangement.approved_on = approved_on
    arrangement.applied_on = applied_on
    arrangement.reviewed_on = reviewed_on
    arrangement.aao_reference = aao_reference
    arrangement.subjects = subjects.strip()
    arrangement.note = note.strip()
    arrangement.full_clean(exclude=["created_by"])  # who proposed it may have left
    arrangement.save()
    audit_by(
        access,
        "exams.arrangement_changed",
        arrangement,
        pupil_public_id=arrangement.pupil.public_id,
        stage_from=was,
        stage_to=stage,
    )
    return arrangement


# --------------------------------------------------------------------------------------------------
# Assessors and assessments
# --------------------------------------------------------------------------------------------------


def _assessor_checked(assessor: Assessor, today: date) -> Assessor:
    checked = assessor.qualification_checked_on
    if checked is not None and checked > today:
        raise ValidationError(
            {"qualification_checked_on": "The day the evidence was seen cannot be in the future."}
        )
    if checked is not None and not assessor.qualification.strip():
        raise ValidationError({"qualification": "Name the qualification whose evidence was seen."})
    assessor.full_clean()
    assessor.save()
    return assessor


@transaction.atomic
def assessor_add(*, access: Access, today: date, **fields) -> Assessor:
    _exam_school(access)
    assessor = Assessor(school=access.school)
    for name, value in fields.items():
        setattr(assessor, name, value.strip() if isinstance(value, str) else value)
    _assessor_checked(assessor, today)
    audit_by(access, "exams.assessor_added", assessor)
    return assessor


@transaction.atomic
def assessor_save(*, access: Access, assessor: Assessor, today: date, **fields) -> Assessor:
    _here(access, assessor)
    for name, value in fields.items():
        setattr(assessor, name, value.strip() if isinstance(value, str) else value)
    _assessor_checked(assessor, today)
    audit_by(access, "exams.assessor_changed", assessor, fields=sorted(fields))
    return assessor


@transaction.atomic
def assessment_add(
    *,
    access: Access,
    pupil: Pupil,
    assessor: Assessor,
    assessed_on: date,
    year_group: str,
    results: str,
    today: date,
) -> Assessment:
    """A candidate's assessment (Form 8 part 2): by a qualified assessor, no earlier than Year
    9, not in the future."""
    _exam_school(access)
    _here(access, pupil, assessor)
    problems: dict[str, list[str]] = {}
    if problem := rules.assessor_problem(
        qualification=assessor.qualification, checked_on=assessor.qualification_checked_on
    ):
        problems["assessor"] = [problem]
    if problem := rules.assessment_date_problem(assessed_on=assessed_on, today=today):
        problems["assessed_on"] = [problem]
    if problem := rules.assessment_year_problem(year_group):
        problems["year_group"] = [problem]
    if problems:
        raise ValidationError(problems)
    assessment = Assessment(
        school=access.school,
        pupil=pupil,
        assessor=assessor,
        assessed_on=assessed_on,
        year_group=year_group,
        results=results.strip(),
        created_by=access.user,
    )
    assessment.full_clean()
    assessment.save()
    audit_by(access, "exams.assessment_added", assessment, pupil_public_id=pupil.public_id)
    return assessment
