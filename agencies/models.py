"""Outside agencies: the services a school refers pupils to (educational psychology, speech and
language therapy, CAMHS, advisory teachers, social care, health), the referrals it makes, the
appointments and the reports it receives. A floor below plans and ehcp, so a report received can
be added to a support plan's evidence or an annual review's advice in one step.

The rules (which status may follow which, waiting times, chasing dates) are in `agencies.rules`;
the dates they give reach people through `agencies.deadlines`."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.files.storage import storages
from django.db import models

from register.models import Pupil
from staff import documents
from staff.models import School


class Service(models.Model):
    """A service in the school's directory; `shared_with_trust` lists it for every school of the
    trust (only its own school changes it)."""

    class Kind(models.TextChoices):
        EP = "ep", "Educational psychology"
        SALT = "salt", "Speech and language therapy"
        OT = "ot", "Occupational therapy"
        PHYSIO = "physio", "Physiotherapy"
        CAMHS = "camhs", "CAMHS / mental health"
        ADVISORY = "advisory", "Advisory teacher / specialist teaching service"
        SENSORY = "sensory", "Sensory (hearing / vision)"
        SOCIAL_CARE = "social_care", "Social care"
        NURSING = "nursing", "School nursing / health"
        PAEDIATRICS = "paediatrics", "Paediatrics"
        EARLY_HELP = "early_help", "Early Help team"
        OTHER = "other", "Other"

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    shared_with_trust = models.BooleanField(
        "shared with every school of the trust",
        default=False,
        help_text="Every school of the trust sees it in its directory and can refer to it; only "
        "this school changes it.",
    )
    kind = models.CharField("kind of service", max_length=15, choices=Kind.choices)
    name = models.CharField(
        max_length=120, help_text="As staff know it, for example: Speech and language therapy."
    )
    provider = models.CharField(
        "local authority or provider",
        max_length=120,
        help_text="For example: Northshire County Council, or Northshire NHS Foundation Trust.",
    )
    team = models.CharField(max_length=120, blank=True)
    contact_name = models.CharField("contact name", max_length=120, blank=True)
    contact_phone = models.CharField("contact phone", max_length=40, blank=True)
    contact_email = models.EmailField("contact email", blank=True)
    how_to_refer = models.TextField(
        "how to refer",
        blank=True,
        help_text="The form, portal or address; what to send with it; who must sign.",
    )
    stated_wait_weeks = models.PositiveSmallIntegerField(
        "typical waiting time (weeks)",
        null=True,
        blank=True,
        help_text="What the service says it takes to respond; leave empty if it does not say.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "pk"]
        indexes = [models.Index(fields=["school", "name"], name="agencies_service_school")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(stated_wait_weeks__isnull=True)
                | models.Q(stated_wait_weeks__lte=260),
                name="agencies_service_wait_bounded",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Referral(models.Model):
    """A pupil referred to a service: when, by whom, with whose consent, asking what; its status
    now (`rules.NEXT` says which may follow) and every change with its date (`StatusChange`)."""

    class Status(models.TextChoices):
        WAITING = "waiting", "Waiting"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        SEEN = "seen", "Seen"
        REPORT = "report", "Report received"
        CLOSED = "closed", "Closed"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="referrals")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="referrals")
    referred_on = models.DateField("date referred")
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    consent_given_by = models.CharField(
        "consent given by", max_length=120, help_text="For example: Mum (Ms Jones), or the pupil."
    )
    consent_on = models.DateField("date consent given")
    question = models.TextField(
        "the question asked", help_text="What the school wants the service to help with."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.WAITING)
    expected_report_on = models.DateField("report expected by", null=True, blank=True)
    # The last time the school chased the service: the next chase is due from here.
    chased_on = models.DateField("last chased", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-referred_on", "-pk"]
        indexes = [
            models.Index(fields=["school", "status", "referred_on"], name="agencies_ref_status"),
            models.Index(fields=["school", "pupil"], name="agencies_ref_pupil"),
            models.Index(fields=["school", "service"], name="agencies_ref_service"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(consent_on__lte=models.F("referred_on")),
                name="agencies_consent_before_referral",
            )
        ]

    def __str__(self) -> str:
        return f"Referral to {self.service} {self.referred_on:%d/%m/%Y}"


class StatusChange(models.Model):
    """One step of a referral's status, with the date it happened (the first, "waiting", is the
    date referred)."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="changes")
    status = models.CharField(max_length=10, choices=Referral.Status.choices)
    on = models.DateField()
    note = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["on", "pk"]
        indexes = [models.Index(fields=["school", "referral"], name="agencies_change_referral")]
        constraints = [
            models.UniqueConstraint(fields=["referral", "status"], name="agencies_status_once")
        ]

    def __str__(self) -> str:
        return f"{self.get_status_display()} {self.on:%d/%m/%Y}"


class Appointment(models.Model):
    """An appointment of the service with the pupil (or the family, or the school)."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="appointments")
    on = models.DateField("date")
    with_whom = models.CharField(
        "with whom", max_length=120, help_text="For example: Ms Patel, speech therapist."
    )
    attended = models.BooleanField(null=True, blank=True)
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["on", "pk"]
        indexes = [models.Index(fields=["school", "referral"], name="agencies_appt_referral")]

    def __str__(self) -> str:
        return f"Appointment {self.on:%d/%m/%Y}"


def documents_storage():
    """Reports live outside the web root (DOCUMENTS_ROOT) and are served only by a
    permission-checked view."""
    return storages["documents"]


def report_upload_to(instance: Report, filename: str) -> str:
    # The stored name never carries the uploader's file name (it may hold a pupil's name), and
    # its extension comes from what the bytes are (staff/documents.py), not from that name.
    suffix = documents.stored_suffix(instance.document_type)
    return f"agency-reports/{instance.school_id}/{uuid.uuid4().hex}.{suffix}"


class Report(models.Model):
    """A report the service sent, with its document (checked as review advice is:
    `staff.documents.check_upload`)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="reports")
    received_on = models.DateField("date received")
    summary = models.TextField(blank=True)
    document = models.FileField(upload_to=report_upload_to, storage=documents_storage, blank=True)
    document_name = models.CharField(max_length=200, blank=True)
    document_type = models.CharField(max_length=100, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_on", "-pk"]
        indexes = [models.Index(fields=["school", "referral"], name="agencies_report_referral")]

    def __str__(self) -> str:
        return f"Report {self.received_on:%d/%m/%Y}"


# Early Help (agencies/early_help_models.py), kept in its own module.
from .early_help_models import EarlyHelp, EarlyHelpSettings, TafReview  # noqa: E402, F401
