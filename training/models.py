"""Staff training: the people a school lists (with or without a login), the courses it uses, who
completed what, whole-staff sessions, and ELSA supervision. The rules (expiry, supervision, the
SENCO qualification) are in `training.rules`; the dates they give reach people through
`training.deadlines`."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.files.storage import storages
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from staff import documents
from staff.models import School


class StaffMember(models.Model):
    """A member of the school's staff whose training is recorded: everyone with a login there
    (linked by `user`: the same person who leads groups and teaches classes) and those without
    one (midday supervisors, visiting staff, TAs who never sign in)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Their sendco login, if they have one.",
    )
    name = models.CharField(max_length=150)
    job_title = models.CharField(
        max_length=80, blank=True, help_text="For example: Teaching assistant, Midday supervisor."
    )
    email = models.EmailField(
        blank=True,
        help_text="Optional. If they are given a sendco login later with this email, their "
        "training records follow them.",
    )
    senco_appointed_on = models.DateField(
        "started as SENCO on",
        null=True,
        blank=True,
        help_text="Only for the school's SENCO: the day they took the role here.",
    )
    senco_months_before = models.PositiveSmallIntegerField(
        "months as a SENCO before",
        default=0,
        validators=[MaxValueValidator(600)],
        help_text="Months spent as a SENCO at other schools before this appointment.",
    )
    left_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "user"],
                condition=models.Q(user__isnull=False),
                name="staff_member_one_per_user",
            )
        ]
        indexes = [models.Index(fields=["school", "name"], name="staff_member_school_name")]

    def __str__(self) -> str:
        return self.name


class Course(models.Model):
    """A course in the school's catalogue: the need areas it covers (census SEN type codes),
    whether its certificate expires, whether it needs supervision, and whether it is one of the
    SENCO's qualifications (DOMAIN.md 1.5)."""

    class Qualification(models.TextChoices):
        NONE = "", "Not a SENCO qualification"
        NPQ = "npq", "NPQ for SENCOs"
        NASENCO = "nasenco", "National Award for SEN Coordination"

    class Supervision(models.TextChoices):
        NONE = "", "No supervision"
        HALF_TERMLY = "half_termly", "Every half-term"

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=120)
    description = models.CharField(max_length=300, blank=True)
    covers = models.JSONField(
        "need areas covered",
        default=list,
        blank=True,
        help_text="Census SEN type codes (SLCN, ASD, SEMH, SPLD, …).",
    )
    whole_school = models.BooleanField(
        default=False, help_text="General SEND training for every adult, whatever the need."
    )
    expires_after_months = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text="Leave empty if it does not expire.",
    )
    supervision = models.CharField(
        max_length=12, choices=Supervision.choices, blank=True, default=Supervision.NONE
    )
    qualification = models.CharField(
        max_length=8, choices=Qualification.choices, blank=True, default=Qualification.NONE
    )
    usual_hours = models.DecimalField(
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.5"))],
    )
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="course_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Session(models.Model):
    """Training planned or held: a whole-staff INSET session, or a course booked for some people.
    Once held, attendance taken in one step records a completion for everyone present."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="sessions")
    on = models.DateField("date")
    hours = models.DecimalField(
        max_digits=5, decimal_places=1, validators=[MinValueValidator(Decimal("0.5"))]
    )
    provider = models.CharField(max_length=120, blank=True)
    whole_staff = models.BooleanField(
        "whole-staff INSET", default=False, help_text="Everyone is expected."
    )
    invited = models.ManyToManyField(StaffMember, blank=True, related_name="+")
    attendance_taken_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-on"]
        indexes = [models.Index(fields=["school", "on"], name="training_session_school_on")]

    def __str__(self) -> str:
        return f"{self.course} {self.on:%d/%m/%Y}"


def documents_storage():
    """Certificates live outside the web root and are served only by a permission-checked view."""
    return storages["documents"]


def certificate_upload_to(instance: Completion, filename: str) -> str:
    # Never the uploader's file name (it may hold a person's name); the extension comes from
    # what the bytes are (staff/documents.py).
    suffix = documents.stored_suffix(instance.certificate_type)
    return f"certificates/{instance.school_id}/{uuid.uuid4().hex}.{suffix}"


class Completion(models.Model):
    """A person completed a course (or, for a qualification, started it and is still studying:
    `completed_on` empty)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="completions")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="completions")
    started_on = models.DateField(
        null=True, blank=True, help_text="For a qualification: when they began it."
    )
    completed_on = models.DateField(
        null=True, blank=True, help_text="Leave empty while a qualification is under way."
    )
    provider = models.CharField(max_length=120, blank=True)
    hours = models.DecimalField(
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("999"))],
    )
    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, null=True, blank=True, related_name="completions"
    )
    certificate = models.FileField(
        upload_to=certificate_upload_to, storage=documents_storage, blank=True
    )
    certificate_name = models.CharField(max_length=200, blank=True)
    certificate_type = models.CharField(max_length=100, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-completed_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "person"],
                condition=models.Q(session__isnull=False),
                name="completion_once_per_session",
            ),
            models.CheckConstraint(
                condition=models.Q(started_on__isnull=True)
                | models.Q(completed_on__isnull=True)
                | models.Q(started_on__lte=models.F("completed_on")),
                name="completion_started_before_completed",
            ),
        ]
        indexes = [
            models.Index(fields=["school", "completed_on"], name="completion_school_on"),
        ]

    def __str__(self) -> str:
        return f"{self.course}: {self.person}"


class Supervision(models.Model):
    """A supervision session a person attended for a course that needs it (ELSA: half-termly)."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="supervisions")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="+")
    on = models.DateField("date")
    supervisor = models.CharField(max_length=120, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-on"]
        indexes = [models.Index(fields=["school", "person", "on"], name="supervision_person_on")]

    def __str__(self) -> str:
        return f"{self.course} supervision {self.on:%d/%m/%Y}"
