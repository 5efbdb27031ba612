"""Writes of teachers' normal-way-of-working evidence: the SENDCo asks a teacher for one subject
(`evidence_request`), asks again (`evidence_ask_again`), and the teacher answers
(`evidence_answer`). Each checks the school, the person and the rules, and audits."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from register.models import Pupil
from staff.models import User
from staff.services import audit_by
from staff.tenancy import Access

from . import evidence_rules as rules
from . import evidence_selectors as selectors
from .models import ArrangementKind, ExamSeries, NormalWayEvidence


def _refuse(problems: list[str], field: str | None = None) -> None:
    if problems:
        raise ValidationError({field: problems} if field else problems)


def _teacher_checked(*, access: Access, teacher: User | None, subject: str) -> None:
    role = selectors.teacher_role(school=access.school, user=teacher) if teacher else None
    problems = rules.ask_problems(subject=subject, teacher_role=role)
    _refuse(problems)


@transaction.atomic
def evidence_request(
    *,
    access: Access,
    pupil: Pupil,
    series: ExamSeries,
    subject: str,
    teacher: User | None,
    today: date,
) -> NormalWayEvidence:
    """Ask `teacher` whether the arrangements are `pupil`'s normal way of working in `subject`
    for `series`. One request per subject: asking again goes through `evidence_ask_again`."""
    subject = subject.strip()
    if pupil.school_id != access.school.pk or series.school_id != access.school.pk:
        raise PermissionDenied("This pupil or series is not of your school.")
    _teacher_checked(access=access, teacher=teacher, subject=subject)
    if selectors.request_exists(series=series, pupil=pupil, subject=subject):
        raise ValidationError(
            {"subject": f"{subject} is already asked for: ask again from its row instead."}
        )
    evidence = NormalWayEvidence(
        school=access.school,
        pupil=pupil,
        series=series,
        subject=subject,
        teacher=teacher,
        requested_by=access.user,
        requested_on=today,
    )
    evidence.full_clean(exclude=["arrangements"])
    try:
        with transaction.atomic():
            evidence.save()
    except IntegrityError as error:  # two SENDCos asking for one subject at once
        raise ValidationError({"subject": f"{subject} is already asked for."}) from error
    audit_by(
        access,
        "exams.evidence_requested",
        evidence,
        pupil_public_id=pupil.public_id,
        series=str(series.public_id),
        subject=subject,
    )
    return evidence


@transaction.atomic
def evidence_ask_again(
    *, access: Access, evidence: NormalWayEvidence, teacher: User | None, today: date
) -> NormalWayEvidence:
    """Ask for this subject's evidence again (the same teacher or another): the request is
    waiting once more, dated today; the previous answer stays, for the teacher to keep or
    change."""
    if evidence.school_id != access.school.pk:
        raise PermissionDenied("This request is not of your school.")
    _teacher_checked(access=access, teacher=teacher, subject=evidence.subject)
    previous = evidence.answered_on
    evidence.teacher = teacher
    evidence.requested_by = access.user
    evidence.requested_on = today
    evidence.answered_on = None
    evidence.save(update_fields=["teacher", "requested_by", "requested_on", "answered_on"])
    audit_by(
        access,
        "exams.evidence_asked_again",
        evidence,
        pupil_public_id=evidence.pupil.public_id,
        subject=evidence.subject,
        previously_answered_on=previous.isoformat() if previous else None,
    )
    return evidence


@transaction.atomic
def evidence_answer(
    *,
    access: Access,
    evidence: NormalWayEvidence,
    kinds: list[ArrangementKind],
    how: str,
    today: date,
) -> NormalWayEvidence:
    """The teacher's answer: the arrangements the candidate normally uses in lessons and tests
    in this subject, and how. Only the teacher asked may answer; the answer is dated today."""
    if evidence.school_id != access.school.pk or evidence.teacher_id != access.user.pk:
        raise PermissionDenied("This request was not sent to you.")
    how = how.strip()
    _refuse(rules.answer_problems(kind_ids=[k.pk for k in kinds], how=how))
    evidence.answer = how
    evidence.answered_on = today
    # Who asked may be gone (null): only what the teacher wrote is checked here.
    evidence.full_clean(exclude=["arrangements", "requested_by"])
    evidence.save(update_fields=["answer", "answered_on"])
    evidence.arrangements.set(kinds)
    audit_by(
        access,
        "exams.evidence_answered",
        evidence,
        pupil_public_id=evidence.pupil.public_id,
        subject=evidence.subject,
        kinds=sorted(k.code for k in kinds),
    )
    return evidence
