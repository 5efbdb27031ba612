"""Exam access arrangements (JCQ): the arrangements a school can put in place (reference data,
editable: JCQ revises its list each year), the exam series a school enters candidates for, and
each candidate's arrangements in a series with the stage they have reached. The evidence behind
them (the assessor and their qualification, the assessment, teachers' normal-way-of-working
evidence) and the rules (`exams.rules`) build on these. DOMAIN.md 6.1."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from register.models import Pupil
from staff.models import School


class ArrangementKind(models.Model):
    """One access arrangement of the JCQ list (25% extra time, reader, scribe, word processor,
    supervised rest breaks, separate invigilation, ...): reference data shared by every school,
    edited in the admin when JCQ's rules change (the count of delegated arrangements is
    unconfirmed: 19 or 21, DOMAIN.md 9.4)."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120)
    # Delegated to the centre: the school decides and keeps the evidence, no online application.
    # Otherwise an application through Access Arrangements Online (or to the awarding body).
    delegated = models.BooleanField(default=False)
    # Needs Form 8 (learning difficulties): history of need and teacher evidence (part 1), and an
    # assessor's standardised results (part 2).
    needs_form8 = models.BooleanField("needs Form 8", default=False)
    description = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class ExamSeries(models.Model):
    """An exam series a school enters candidates for (Summer 2027, November 2026 resits), with
    the date its first exam sits and the school's deadline for online applications."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=60)
    first_exam_on = models.DateField("first exam")
    application_deadline = models.DateField(
        "application deadline",
        help_text="The last day to apply online for arrangements that need approval.",
    )

    class Meta:
        ordering = ["school", "first_exam_on"]
        verbose_name_plural = "exam series"
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="exam_series_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Arrangement(models.Model):
    """One arrangement for one candidate in one series, and the stage it has reached."""

    class Stage(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        EVIDENCE = "evidence", "Gathering evidence"
        APPLIED = "applied", "Applied online"
        APPROVED = "approved", "In place"
        DECLINED = "declined", "Not approved"
        WITHDRAWN = "withdrawn", "Withdrawn"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="+")
    series = models.ForeignKey(ExamSeries, on_delete=models.PROTECT, related_name="arrangements")
    kind = models.ForeignKey(ArrangementKind, on_delete=models.PROTECT, related_name="+")
    stage = models.CharField(max_length=10, choices=Stage.choices, default=Stage.PROPOSED)
    # Subject by subject (JCQ): empty means every subject the candidate sits.
    subjects = models.CharField(max_length=300, blank=True)
    # The date the school (delegated) or the awarding body (online) approved it.
    approved_on = models.DateField("date approved", null=True, blank=True)
    aao_reference = models.CharField("online application reference", max_length=40, blank=True)
    # The day it was applied for through Access Arrangements Online (not for a delegated one):
    # an application after the series' deadline is flagged (exams.rules.flags).
    applied_on = models.DateField("date applied online", null=True, blank=True)
    # The day the SENDCo last reviewed it (still the normal way of working, still needed):
    # arrangements in place are reviewed before each series (exams.deadlines).
    reviewed_on = models.DateField("last reviewed on", null=True, blank=True)
    note = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["series", "pupil", "kind__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "pupil", "kind"], name="exam_arrangement_once_per_series"
            ),
        ]
        indexes = [
            models.Index(fields=["school", "series", "stage"], name="exam_arr_school_series"),
            models.Index(fields=["school", "pupil"], name="exam_arr_school_pupil"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} ({self.get_stage_display()})"


class Assessor(models.Model):
    """Someone who assesses candidates for arrangements (Form 8 part 2): a specialist teacher on
    the staff or an external assessor. JCQ asks for a valid Level 7 (or equivalent)
    qualification with the evidence kept on file; `exams.rules` keeps one without it from being
    entered on an assessment."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=120)
    organisation = models.CharField(max_length=120, blank=True)
    external = models.BooleanField("external to the school", default=False)
    qualification = models.CharField(max_length=200, blank=True)
    # The day someone at the school saw the certificate (or its record) and filed it.
    qualification_checked_on = models.DateField(
        "qualification evidence seen on", null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["school", "name"]

    def __str__(self) -> str:
        return self.name


class Assessment(models.Model):
    """A candidate's assessment by an assessor (Form 8 part 2): the standardised results. Never
    earlier than Year 9 (`exams.rules`)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="+")
    assessor = models.ForeignKey(Assessor, on_delete=models.PROTECT, related_name="assessments")
    assessed_on = models.DateField("date of assessment")
    # The candidate's year group on that day, as the rule reads it.
    year_group = models.CharField("year group when assessed", max_length=2)
    results = models.TextField("standardised results", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["school", "pupil", "-assessed_on"]
        indexes = [models.Index(fields=["school", "pupil"], name="exam_assess_school_pupil")]

    def __str__(self) -> str:
        return f"Assessment on {self.assessed_on:%d/%m/%Y}"


class NormalWayEvidence(models.Model):
    """Evidence that an arrangement is the candidate's normal way of working in one subject: a
    request to the subject teacher, answered in the app (what the candidate uses in lessons and
    tests, and what difference it makes)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="+")
    series = models.ForeignKey(ExamSeries, on_delete=models.PROTECT, related_name="evidence")
    subject = models.CharField(max_length=60)
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    requested_on = models.DateField()
    # The arrangements the teacher says the candidate normally uses in this subject.
    arrangements = models.ManyToManyField(ArrangementKind, blank=True, related_name="+")
    answer = models.TextField(blank=True)
    answered_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["series", "pupil", "subject"]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "pupil", "subject"], name="exam_evidence_once_per_subject"
            ),
        ]
        indexes = [
            models.Index(
                fields=["school", "teacher", "answered_on"], name="exam_ev_school_teacher"
            ),
            models.Index(fields=["school", "pupil"], name="exam_ev_school_pupil"),
        ]

    def __str__(self) -> str:
        return self.subject
