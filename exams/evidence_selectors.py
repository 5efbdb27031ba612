"""Reads of teachers' normal-way-of-working evidence and the evidence trail of a candidate:
every query names the school first; a teacher reads only the requests sent to them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from register import selectors as register_selectors
from register.models import Pupil, TeachingGroup
from staff import deadline_cache
from staff.models import AuditEvent, Membership, School, User
from staff.selectors import unique_row

from . import evidence_rules as rules
from . import history as history_module
from .models import Arrangement, ArrangementKind, Assessment, ExamSeries, NormalWayEvidence

FORM8_PRINTED = "exams.form8_printed"


def series_of(*, school: School) -> QuerySet[ExamSeries]:
    return ExamSeries.objects.filter(school=school).order_by("-first_exam_on", "name")


def series_for(*, school: School, public_id) -> ExamSeries | None:
    return unique_row(ExamSeries.objects.filter(school=school, public_id=public_id))


def active_kinds() -> QuerySet[ArrangementKind]:
    return ArrangementKind.objects.filter(active=True).order_by("order", "name")


def teacher_role(*, school: School, user: User | None) -> str | None:
    """The role this person holds at the school today (None when they hold none)."""
    if user is None or not user.pk:
        return None
    return (
        Membership.objects.active()
        .filter(school=school, user=user)
        .values_list("role", flat=True)
        .first()
    )


def _count(model, series: ExamSeries, **extra) -> Coalesce:
    rows = (
        model.objects.filter(school=series.school_id, series=series, pupil=OuterRef("pk"), **extra)
        .values("pupil")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def candidates(*, school: School, series: ExamSeries) -> QuerySet[Pupil]:
    """The pupils with arrangements or evidence requests in the series, each with how many
    arrangements, requests and answered requests they have; by name."""
    in_series = Q(
        pk__in=Arrangement.objects.filter(school=school, series=series).values("pupil")
    ) | Q(pk__in=NormalWayEvidence.objects.filter(school=school, series=series).values("pupil"))
    return (
        Pupil.objects.filter(school=school)
        .filter(in_series)
        .annotate(
            arrangement_count=_count(Arrangement, series),
            request_count=_count(NormalWayEvidence, series),
            answered_count=_count(NormalWayEvidence, series, answered_on__isnull=False),
        )
        .order_by("legal_last_name", "legal_first_name", "pk")
    )


def request_exists(*, series: ExamSeries, pupil: Pupil, subject: str) -> bool:
    return NormalWayEvidence.objects.filter(
        school=series.school_id, series=series, pupil=pupil, subject__iexact=subject
    ).exists()


def open_requests_for(*, school: School, user: User) -> QuerySet[NormalWayEvidence]:
    """The requests waiting for this teacher's answer, oldest first."""
    return (
        NormalWayEvidence.objects.filter(school=school, teacher=user, answered_on__isnull=True)
        .select_related("pupil", "series", "requested_by")
        .order_by("requested_on", "pk")
    )


def answered_count_for(*, school: School, user: User) -> int:
    return NormalWayEvidence.objects.filter(
        school=school, teacher=user, answered_on__isnull=False
    ).count()


def request_for_teacher(*, school: School, user: User, public_id) -> NormalWayEvidence | None:
    """A request sent to this teacher (anyone else's is None: a 404, like a missing one)."""
    return (
        NormalWayEvidence.objects.filter(school=school, teacher=user, public_id=public_id)
        .select_related("pupil", "series", "requested_by")
        .prefetch_related("arrangements")
        .first()
    )


def request_for(*, school: School, public_id) -> NormalWayEvidence | None:
    return (
        NormalWayEvidence.objects.filter(school=school, public_id=public_id)
        .select_related("pupil", "series")
        .first()
    )


def evidence_of(*, school: School, pupil: Pupil, series: ExamSeries) -> list[NormalWayEvidence]:
    return list(
        NormalWayEvidence.objects.filter(school=school, series=series, pupil=pupil)
        .select_related("teacher", "requested_by")
        .prefetch_related("arrangements")
        .order_by("subject", "pk")
    )


def arrangements_of(*, school: School, pupil: Pupil, series: ExamSeries) -> list[Arrangement]:
    return list(
        Arrangement.objects.filter(school=school, series=series, pupil=pupil)
        .select_related("kind")
        .order_by("kind__order", "kind__name")
    )


def assessments_of(*, school: School, pupil: Pupil) -> list[Assessment]:
    return list(
        Assessment.objects.filter(school=school, pupil=pupil)
        .select_related("assessor")
        .order_by("assessed_on", "pk")
    )


def part1_first_printed(*, school: School, pupil: Pupil) -> date | None:
    """The day Form 8 part 1 of this pupil was first printed (from the audit log, where every
    print is written), or None."""
    first = (
        AuditEvent.objects.filter(
            school=school, action=FORM8_PRINTED, pupil_public_id=pupil.public_id
        )
        .order_by("created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    return timezone.localdate(first) if first else None


@dataclass(frozen=True)
class TeacherChoice:
    user: User
    groups: tuple[str, ...]  # the pupil's classes or sets this person teaches

    @property
    def label(self) -> str:
        name = self.user.full_name or self.user.email
        return f"{name} (teaches {', '.join(self.groups)})" if self.groups else name


def teacher_choices(*, school: School, pupil: Pupil, today: date) -> list[TeacherChoice]:
    """Everyone who teaches at the school, the teachers of the pupil's classes and sets this
    year first (each with those groups), then the others by name."""
    year = register_selectors.academic_year_on(school=school, on=today)
    groups = (
        TeachingGroup.objects.filter(school=school, academic_year=year, pupils=pupil)
        .prefetch_related("teachers")
        .order_by("name")
        if year
        else []
    )
    taught: dict[int, list[str]] = {}
    for group in groups:
        for teacher in group.teachers.all():
            taught.setdefault(teacher.pk, []).append(group.name)
    people = (
        User.objects.filter(
            memberships__school=school,
            memberships__role__in=rules.EVIDENCE_TEACHER_ROLES,
            memberships__ended_at__isnull=True,
            is_active=True,
        )
        .distinct()
        .order_by("full_name", "email")
    )
    found = [TeacherChoice(u, tuple(taught.get(u.pk, ()))) for u in people]
    return sorted(found, key=lambda c: (not c.groups, c.user.full_name, c.user.email))


def teachers_queryset(*, school: School) -> QuerySet[User]:
    """Those who may be asked, for the forms' validation (any other id fails)."""
    return User.objects.filter(
        memberships__school=school,
        memberships__role__in=rules.EVIDENCE_TEACHER_ROLES,
        memberships__ended_at__isnull=True,
        is_active=True,
    ).distinct()


@dataclass(frozen=True)
class EvidenceRow:
    evidence: NormalWayEvidence
    kinds: list[ArrangementKind]
    waiting_days: int
    chase: bool


@dataclass(frozen=True)
class ArrangementRow:
    arrangement: Arrangement
    subjects: list[str]  # the subjects whose answered evidence supports it


def kept_history(*, school: School, pupil: Pupil, today: date) -> history_module.History:
    """The pupil's history of need (eight reads of five apps' records), kept between writes
    under the school's stamp like the deadlines (`staff.deadline_cache`): every record it is
    read from feeds the deadlines, so any change to it gives the school a new stamp."""
    return deadline_cache.kept(
        school_id=school.pk,
        today=today,
        weeks=0,
        name=f"history-of-need-{pupil.pk}",
        work_out=lambda: history_module.history_of_need(pupil=pupil),
    )


def trail(*, school: School, pupil: Pupil, series: ExamSeries, today: date) -> dict:
    """Everything a JCQ inspector asks to see behind a candidate's arrangements in a series:
    the history of need, the teachers' evidence (answered and waiting), the assessments with
    their assessor's qualification, the arrangements with their stage, and whether part 1 of
    Form 8 came before the assessment."""
    evidence = evidence_of(school=school, pupil=pupil, series=series)
    assessments = assessments_of(school=school, pupil=pupil)
    part1_on = part1_first_printed(school=school, pupil=pupil)
    days = rules.chase_days()
    rows = [
        EvidenceRow(
            e,
            list(e.arrangements.all()),
            rules.waiting_days(requested_on=e.requested_on, today=today),
            rules.chase_due(
                requested_on=e.requested_on, answered_on=e.answered_on, today=today, days=days
            ),
        )
        for e in evidence
    ]
    arrangements = [
        ArrangementRow(a, rules.subjects_for_kind(evidence, a.kind_id))
        for a in arrangements_of(school=school, pupil=pupil, series=series)
    ]
    return {
        "history": kept_history(school=school, pupil=pupil, today=today),
        "evidence": rows,
        "answered": [r for r in rows if r.evidence.answered_on],
        "waiting": [r for r in rows if not r.evidence.answered_on],
        "arrangements": arrangements,
        "assessments": assessments,
        "part1_on": part1_on,
        "part1_warning": rules.part1_order(
            part1_on=part1_on, assessed_on=[a.assessed_on for a in assessments]
        ),
        "chase_days": days,
    }
