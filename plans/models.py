"""Support plans: the graduated approach (Assess, Plan, Do, Review), DOMAIN.md 1.3.

The tables were made when plans were part of the provision app and keep their names
(`provision_supportplan` ...): the models moved, the data did not (migrations/0001_initial.py)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from provision.models import Group
from register.models import Pupil
from staff.models import School


class SupportPlan(models.Model):
    """A pupil's SEN support plan: a chain of Assess-Plan-Do-Review cycles. One per pupil."""

    class Kind(models.TextChoices):
        SEN_SUPPORT = "sen_support", "SEN support plan"
        EHCP_INTERIM = "ehcp_interim", "Interim targets (EHC plan)"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.OneToOneField(Pupil, on_delete=models.PROTECT, related_name="support_plan")
    kind = models.CharField(max_length=15, choices=Kind.choices, default=Kind.SEN_SUPPORT)
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The class teacher who leads the plan day to day, and is reminded of reviews.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "provision_supportplan"

    def __str__(self) -> str:
        return f"Support plan {self.public_id}"


class Cycle(models.Model):
    """One Assess-Plan-Do-Review cycle. A reviewed cycle is frozen (read-only)."""

    class Stage(models.TextChoices):
        ASSESS = "assess", "Assess"
        PLAN = "plan", "Plan"
        DO = "do", "Do"
        REVIEWED = "reviewed", "Reviewed"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="cycles")
    number = models.PositiveSmallIntegerField()
    stage = models.CharField(max_length=10, choices=Stage.choices, default=Stage.ASSESS)
    starts_on = models.DateField()
    # Assess
    needs_summary = models.TextField("summary of needs", blank=True)
    assessment = models.TextField("assessment evidence", blank=True)
    pupil_views = models.TextField("the pupil's views", blank=True)
    parent_views = models.TextField("the parents' views", blank=True)
    # Plan
    strategies = models.TextField("strategies for class teachers", blank=True)
    agreed_on = models.DateField("plan agreed with parents on", null=True, blank=True)
    review_due = models.DateField("review date", null=True, blank=True)
    # Review
    reviewed_on = models.DateField(null=True, blank=True)
    review_summary = models.TextField("overall progress", blank=True)
    review_pupil_views = models.TextField("the pupil's views at review", blank=True)
    review_parent_views = models.TextField("the parents' views at review", blank=True)
    participants = models.TextField("who took part", blank=True)
    next_steps = models.TextField(blank=True)
    annual_review = models.BooleanField(
        "the plan's annual review",
        default=False,
        help_text="The plan reviewed as a whole with the parents and the pupil: needs, outcomes "
        "and the layer of support. At least once a year (plans.rules.annual_review_due).",
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "provision_cycle"
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="cycle_number_unique"),
            models.UniqueConstraint(
                fields=["plan"],
                condition=~Q(stage="reviewed"),
                name="cycle_one_open_per_plan",
            ),
            models.CheckConstraint(
                condition=~Q(stage="reviewed") | Q(reviewed_on__isnull=False),
                name="cycle_reviewed_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"Cycle {self.number}"

    @property
    def frozen(self) -> bool:
        return self.stage == self.Stage.REVIEWED


# The cycle's words: what its page shows (and the portable plan carries) and no deadline reads.
CYCLE_TEXTS = (
    "needs_summary",
    "assessment",
    "pupil_views",
    "parent_views",
    "strategies",
    "review_summary",
    "review_pupil_views",
    "review_parent_views",
    "participants",
    "next_steps",
)


class Target(models.Model):
    """A SMART target of a cycle: what, how measured, from what baseline to what, by when; the
    need it answers and the groups of the provision map that deliver it."""

    class Outcome(models.TextChoices):
        ACHIEVED = "achieved", "Achieved"
        PARTLY = "partly", "Partly achieved"
        NOT_ACHIEVED = "not_achieved", "Not achieved"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="targets")
    position = models.PositiveSmallIntegerField(default=1)
    outcome_sought = models.CharField(
        "longer-term outcome", max_length=300, blank=True, help_text="What we are working towards."
    )
    description = models.TextField("target", help_text="What the pupil will be able to do.")
    measure = models.CharField("how it is measured", max_length=200, blank=True)
    baseline = models.CharField("starting point", max_length=200, blank=True)
    expected = models.CharField("success looks like", max_length=200, blank=True)
    by_when = models.DateField("by when", null=True, blank=True)
    need_type = models.ForeignKey(
        "register.NeedType",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="need it addresses",
    )
    groups = models.ManyToManyField(
        Group, blank=True, related_name="targets", verbose_name="provision"
    )
    other_provision = models.CharField(
        "other provision", max_length=300, blank=True, help_text="In-class support, equipment …"
    )
    carried_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="carried_to"
    )
    # Review
    outcome = models.CharField(max_length=15, choices=Outcome.choices, blank=True)
    evidence = models.TextField("evidence of progress", blank=True)
    next_step = models.TextField("next step", blank=True)

    class Meta:
        db_table = "provision_target"
        ordering = ["cycle", "position", "pk"]

    def __str__(self) -> str:
        return f"Target {self.position}"


class Contribution(models.Model):
    """A class teacher's (or other adult's) contribution to a cycle's assessment or review."""

    class Stage(models.TextChoices):
        ASSESS = "assess", "Assessment"
        REVIEW = "review", "Review"

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="contributions")
    stage = models.CharField(max_length=10, choices=Stage.choices, default=Stage.REVIEW)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField("contribution")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "provision_contribution"
        ordering = ["cycle", "created_at"]

    def __str__(self) -> str:
        return f"Contribution by {self.author_id}"


class ParentMeeting(models.Model):
    """A meeting with the parents of a pupil on SEN support (at least three a year, 6.65)."""

    class Kind(models.TextChoices):
        PLANNING = "planning", "Planning meeting"
        REVIEW = "review", "Review meeting"
        OTHER = "other", "Other meeting"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="meetings")
    cycle = models.ForeignKey(
        Cycle, on_delete=models.SET_NULL, null=True, blank=True, related_name="meetings"
    )
    held_on = models.DateField()
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.OTHER)
    attended_by = models.CharField("who came", max_length=300, blank=True)
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "provision_parentmeeting"
        ordering = ["plan", "-held_on"]

    def __str__(self) -> str:
        return f"Parent meeting {self.held_on:%d/%m/%Y}"
