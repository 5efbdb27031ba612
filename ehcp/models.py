"""Statutory plans: the local authorities a school works with, EHC needs-assessment requests,
EHC plans (sections A-K, in versions) and their annual reviews (DOMAIN.md section 2).

Dates that follow from other dates (a review's deadlines, a request's clock) are computed by
`ehcp/rules.py`, never stored; what is stored is what happened and when.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.files.storage import storages
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from provision.models import Group
from register.models import BroadArea, Pupil, YearGroup
from staff import documents
from staff.models import School


class LocalAuthority(models.Model):
    """A council the school works with, and its own lead times for annual reviews.

    The defaults are the statutory minimums (SEND Regulations 2014, reg. 20-22, Code 9.166-9.185);
    the advice request lead time has no statutory value, so its default is practice and editable.
    """

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="local_authorities")
    name = models.CharField(max_length=120)
    code = models.CharField("LA code", max_length=3, blank=True, help_text="The DfE 3-digit code.")
    email = models.EmailField("SEN team email", blank=True)
    phone = models.CharField(max_length=40, blank=True)
    advice_request_weeks = models.PositiveSmallIntegerField(
        "request advice (weeks before the meeting)",
        default=6,
        validators=[MinValueValidator(2), MaxValueValidator(26)],
        help_text="Practice, not statute: advice must be circulated 2 weeks before the meeting.",
    )
    invitation_weeks = models.PositiveSmallIntegerField(
        "send invitations (weeks before the meeting)",
        default=2,
        validators=[MinValueValidator(2), MaxValueValidator(26)],
        help_text="At least 2 weeks' notice (reg. 20).",
    )
    circulate_weeks = models.PositiveSmallIntegerField(
        "circulate advice (weeks before the meeting)",
        default=2,
        validators=[MinValueValidator(2), MaxValueValidator(12)],
        help_text="At least 2 weeks before the meeting (reg. 20).",
    )
    report_days = models.PositiveSmallIntegerField(
        "send the report (days after the meeting)",
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(14)],
        help_text="Within 2 weeks (reg. 20); some authorities ask for 10 days.",
    )
    decision_weeks = models.PositiveSmallIntegerField(
        "LA decision (weeks after the meeting)",
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(4)],
        help_text="Within 4 weeks of the meeting (reg. 21).",
    )
    amended_plan_weeks = models.PositiveSmallIntegerField(
        "final amended plan (weeks after the LA's notice)",
        default=8,
        validators=[MinValueValidator(1), MaxValueValidator(8)],
        help_text="Within 8 weeks of the notice of proposed amendments (reg. 22).",
    )
    under_five_months = models.PositiveSmallIntegerField(
        "review under-5s every (months)",
        default=6,
        validators=[MinValueValidator(3), MaxValueValidator(6)],
        help_text="The Code asks authorities to consider every 3 to 6 months (9.178).",
    )
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["school", "name"]
        verbose_name_plural = "local authorities"
        constraints = [models.UniqueConstraint(fields=["school", "name"], name="la_name_unique")]

    def __str__(self) -> str:
        return self.name


class LaContact(models.Model):
    authority = models.ForeignKey(LocalAuthority, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=120)
    role = models.CharField(max_length=120, blank=True, help_text="For example: SEN caseworker.")
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["authority", "name"]

    def __str__(self) -> str:
        return self.name


class AssessmentRequest(models.Model):
    """A request for an EHC needs assessment, or for a re-assessment of a pupil's plan, and the
    LA's statutory clock (DOMAIN.md 2.1; SEND Regulations 2014 reg. 4-13 and 24-27)."""

    class Kind(models.TextChoices):
        ASSESSMENT = "assessment", "EHC needs assessment"
        REASSESSMENT = "reassessment", "Re-assessment of the pupil's EHC plan"

    class RequestedBy(models.TextChoices):
        SCHOOL = "school", "The school"
        PARENT = "parent", "Parents"
        YOUNG_PERSON = "young_person", "The young person"
        LA = "la", "The LA, on its own initiative"
        OTHER = "other", "Someone else"

    class Decision(models.TextChoices):
        PENDING = "pending", "Waiting for the LA's decision"
        ASSESS = "assess", "The LA will assess"
        REFUSED = "refused", "The LA will not assess"

    class Outcome(models.TextChoices):
        PENDING = "pending", "Assessment under way"
        PLAN = "plan", "EHC plan issued"
        NO_PLAN = "no_plan", "No plan: the LA will not issue one"
        WITHDRAWN = "withdrawn", "Withdrawn"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="assessment_requests")
    authority = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.ASSESSMENT)
    requested_by = models.CharField(max_length=15, choices=RequestedBy.choices)
    received_on = models.DateField("date the LA received it")
    advice_requested_on = models.DateField(
        "date the LA asked the school for advice", null=True, blank=True
    )
    advice_sent_on = models.DateField("date the school sent its advice", null=True, blank=True)
    decision = models.CharField(max_length=10, choices=Decision.choices, default=Decision.PENDING)
    decision_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.PENDING)
    outcome_on = models.DateField(null=True, blank=True)
    # Parents' 15 days to comment on the draft plan and ask for a school (reg. 13).
    draft_sent_on = models.DateField("date parents received the draft plan", null=True, blank=True)
    mediation_certificate_on = models.DateField(
        "date of the mediation certificate",
        null=True,
        blank=True,
        help_text="After a decision not to assess or not to issue a plan: it can move the "
        "appeal window.",
    )
    exemption = models.TextField(
        "why time limits do not apply",
        blank=True,
        help_text="For example the school was closed for 4 weeks or more (reg. 10).",
    )
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["school", "-received_on"]

    def __str__(self) -> str:
        return f"Needs assessment request {self.received_on:%d/%m/%Y}"


class SchoolConsultation(models.Model):
    """The LA consults the school about naming it in a child's EHC plan (Code 9.79, reg. 13(2)):
    the school has 15 days to answer. The child is usually not on the school's roll yet (a Year 6
    pupil at another school, a child moving in), so the child is named here, and linked to a
    pupil only when they are on roll."""

    class Response(models.TextChoices):
        PENDING = "pending", "Not answered yet"
        CAN_MEET = "can_meet", "The school can meet the child's needs"
        CANNOT_MEET = "cannot_meet", "The school says it cannot meet the child's needs"
        OTHER = "other", "Another answer (see the notes)"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    authority = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="+")
    child_name = models.CharField("child's name", max_length=200)
    date_of_birth = models.DateField(null=True, blank=True)
    year_group = models.CharField(
        "year group on joining", max_length=2, choices=YearGroup.choices, blank=True
    )
    current_setting = models.CharField("current school or setting", max_length=200, blank=True)
    pupil = models.ForeignKey(
        Pupil, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    received_on = models.DateField("date the school received the consultation")
    responded_on = models.DateField("date the school answered", null=True, blank=True)
    response = models.CharField(max_length=12, choices=Response.choices, default=Response.PENDING)
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["school", "-received_on"]
        indexes = [models.Index(fields=["school", "responded_on", "received_on"])]

    def __str__(self) -> str:
        return f"Consultation about naming the school {self.received_on:%d/%m/%Y}"


class EhcPlan(models.Model):
    """A pupil's EHC plan, maintained by one LA. Its content lives in versions."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        CEASED = "ceased", "Ceased"
        TRANSFERRED = "transferred", "Transferred to another authority"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="ehc_plans")
    authority = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="plans")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.ACTIVE)
    ended_on = models.DateField(null=True, blank=True)
    # A young person moving from one post-16 institution to another (reg. 18(2)): the amended plan
    # naming the next one is due 5 months before the move.
    post_16_move_on = models.DateField("date of the move", null=True, blank=True)
    post_16_move_to = models.CharField("moving to", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["school", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["pupil"], condition=Q(status="active"), name="ehcp_one_active_per_pupil"
            ),
        ]

    def __str__(self) -> str:
        return f"EHC plan {self.public_id}"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def is_ceased(self) -> bool:
        return self.status == self.Status.CEASED


class PlanVersion(models.Model):
    """One issued version of an EHC plan. An amended plan is a new version; earlier ones stay."""

    class Kind(models.TextChoices):
        ORIGINAL = "original", "Original plan"
        AMENDED = "amended", "Amended after review"
        REPLACEMENT = "replacement", "Replacement after re-assessment"

    plan = models.ForeignKey(EhcPlan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.ORIGINAL)
    issued_on = models.DateField("date issued")
    section_a = models.TextField("A: views, interests and aspirations", blank=True)
    section_b = models.TextField("B: special educational needs", blank=True)
    section_c = models.TextField("C: health needs", blank=True)
    section_d = models.TextField("D: social care needs", blank=True)
    section_g = models.TextField("G: health provision", blank=True)
    section_h1 = models.TextField("H1: social care provision (CSDPA 1970 s.2)", blank=True)
    section_h2 = models.TextField("H2: other social care provision", blank=True)
    section_i = models.CharField("I: school or setting named", max_length=200, blank=True)
    section_j = models.TextField("J: personal budget", blank=True)
    section_k = models.TextField("K: advice and information", blank=True)
    preparing_for_adulthood = models.TextField(
        "preparing for adulthood", blank=True, help_text="From Year 9."
    )
    top_up_per_year = models.DecimalField(
        "top-up funding per year (£)",
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    personal_budget_per_year = models.DecimalField(
        "personal budget per year (£)",
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["plan", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plan_version_unique")
        ]

    def __str__(self) -> str:
        return f"Version {self.number} ({self.issued_on:%d/%m/%Y})"


class PlanOutcome(models.Model):
    """Section E: an outcome sought, with its interim targets."""

    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="outcomes")
    position = models.PositiveSmallIntegerField(default=1)
    area = models.CharField(max_length=5, choices=BroadArea.choices, blank=True)
    outcome = models.TextField()
    interim_targets = models.TextField(
        "interim targets", blank=True, help_text="Shorter-term steps towards the outcome."
    )

    class Meta:
        ordering = ["version", "position", "pk"]

    def __str__(self) -> str:
        return f"Outcome {self.position}"


class ProvisionItem(models.Model):
    """Section F: one item of special educational provision, specific and quantified."""

    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="provision")
    position = models.PositiveSmallIntegerField(default=1)
    description = models.TextField(help_text="What is provided, by whom, how.")
    hours_per_week = models.DecimalField(
        max_digits=5, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    provider = models.CharField("delivered by", max_length=120, blank=True)
    outcome = models.ForeignKey(
        PlanOutcome, on_delete=models.SET_NULL, null=True, blank=True, related_name="provision"
    )
    group = models.ForeignKey(
        Group,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ehcp_items",
        help_text="The group of the provision map that delivers it, for delivered hours.",
    )

    class Meta:
        ordering = ["version", "position", "pk"]

    def __str__(self) -> str:
        return f"Provision {self.position}"


class AnnualReview(models.Model):
    """An annual review of an EHC plan, moving through the steps of `ehcp.rules.STAGES`
    (which step may follow which: `ehcp.rules.step_problems`)."""

    class Stage(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        INVITED = "invited", "Invitations sent"
        ADVICE_REQUESTED = "advice_requested", "Advice requested"
        CIRCULATED = "circulated", "Advice circulated"
        HELD = "held", "Meeting held"
        REPORTED = "reported", "Report sent to the LA"
        DECIDED = "decided", "LA decision received"
        AMENDED = "amended", "Amended plan issued"

    class Recommendation(models.TextChoices):
        MAINTAIN = "maintain", "Maintain the plan as it is"
        AMEND = "amend", "Amend the plan"
        CEASE = "cease", "Cease the plan"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    plan = models.ForeignKey(EhcPlan, on_delete=models.PROTECT, related_name="reviews")
    version = models.ForeignKey(PlanVersion, on_delete=models.PROTECT, related_name="reviews")
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.SCHEDULED)
    phase_transfer = models.BooleanField(
        default=False, help_text="The review before a move to the next phase (reg. 18)."
    )
    meeting_on = models.DateField("meeting date")
    meeting_place = models.CharField(max_length=200, blank=True)
    invitations_sent_on = models.DateField(null=True, blank=True)
    advice_circulated_on = models.DateField(null=True, blank=True)
    held_on = models.DateField("meeting held on", null=True, blank=True)
    attendees = models.TextField("who attended", blank=True)
    pupil_views = models.TextField("the pupil's views", blank=True)
    parent_views = models.TextField("the parents' views", blank=True)
    recommendation = models.CharField(max_length=10, choices=Recommendation.choices, blank=True)
    amendments = models.TextField("amendments recommended", blank=True)
    disagreement = models.TextField("any disagreement", blank=True)
    report_sent_on = models.DateField(null=True, blank=True)
    la_decision = models.CharField(
        "the LA's decision", max_length=10, choices=Recommendation.choices, blank=True
    )
    la_decision_on = models.DateField("date of the LA's notice", null=True, blank=True)
    amended_issued_on = models.DateField("final amended plan issued on", null=True, blank=True)
    mediation_certificate_on = models.DateField(
        "date of the mediation certificate",
        null=True,
        blank=True,
        help_text="After a decision not to amend, or to cease: it can move the appeal window.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["school", "meeting_on"]

    def __str__(self) -> str:
        return f"Annual review {self.meeting_on:%d/%m/%Y}"


def documents_storage():
    """Uploaded documents live outside the web root (DOCUMENTS_ROOT) and are served only by a
    permission-checked view."""
    return storages["documents"]


def advice_upload_to(instance: Advice, filename: str) -> str:
    # The stored name never carries the uploader's file name (it may hold a pupil's name), and
    # its extension comes from what the bytes are (staff/documents.py), not from that name.
    suffix = documents.stored_suffix(instance.document_type)
    return f"advice/{instance.review.school_id}/{uuid.uuid4().hex}.{suffix}"


class Advice(models.Model):
    """Advice for a review from one contributor: requested, received, with its document."""

    class Contributor(models.TextChoices):
        PARENTS = "parents", "Parents or carers"
        PUPIL = "pupil", "The pupil"
        CLASS_TEACHER = "class_teacher", "Class teacher"
        SENDCO = "sendco", "SENDCo"
        EP = "ep", "Educational psychologist"
        SALT = "salt", "Speech and language therapist"
        OT = "ot", "Occupational therapist"
        PHYSIO = "physio", "Physiotherapist"
        HEALTH = "health", "Health (school nurse, paediatrician)"
        SOCIAL_CARE = "social_care", "Social care"
        OTHER = "other", "Other"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    review = models.ForeignKey(AnnualReview, on_delete=models.CASCADE, related_name="advice")
    contributor = models.CharField(max_length=15, choices=Contributor.choices)
    name = models.CharField("name or service", max_length=120, blank=True)
    requested_on = models.DateField(null=True, blank=True)
    received_on = models.DateField(null=True, blank=True)
    summary = models.TextField(blank=True)
    document = models.FileField(upload_to=advice_upload_to, storage=documents_storage, blank=True)
    document_name = models.CharField(max_length=200, blank=True)
    document_type = models.CharField(max_length=100, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Advice that is an outside agency's report the school already received (agencies): added
    # in one step from the review's page, its document copied, never twice to one review.
    agency_report = models.ForeignKey(
        "agencies.Report", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["review", "contributor", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "agency_report"],
                condition=Q(agency_report__isnull=False),
                name="advice_agency_report_once_per_review",
                violation_error_message="This report is already advice for this review.",
            ),
        ]

    def __str__(self) -> str:
        return self.get_contributor_display()


class OutcomeProgress(models.Model):
    """Progress towards one section E outcome, recorded at the review meeting."""

    class Rating(models.TextChoices):
        ACHIEVED = "achieved", "Achieved"
        ON_TRACK = "on_track", "On track"
        SOME = "some", "Some progress"
        NOT_YET = "not_yet", "Not yet"

    review = models.ForeignKey(AnnualReview, on_delete=models.CASCADE, related_name="progress")
    outcome = models.ForeignKey(PlanOutcome, on_delete=models.CASCADE, related_name="progress")
    rating = models.CharField(max_length=10, choices=Rating.choices)
    evidence = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["review", "outcome"], name="progress_once")]

    def __str__(self) -> str:
        return self.get_rating_display()
