"""A pupil's Early Help (DOMAIN.md 6.3): the Early Help assessment and plan, with the family's
consent, the lead practitioner and the Team Around the Family reviews; and each school's review
interval (its local authority's, 6 to 12 weeks).

When the next review is due is worked out by `agencies.early_help_rules`, never stored: a review
keeps only the date its meeting agreed for the next one, if it agreed one.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from register.models import Pupil
from staff.models import School

from .early_help_rules import REVIEW_WEEKS_MAX, REVIEW_WEEKS_MIN, Stage

__all__ = ["EarlyHelp", "EarlyHelpSettings", "TafReview"]


class EarlyHelpSettings(models.Model):
    """A school's Early Help settings: how often its local authority has the Team Around the
    Family review a plan. A school without a row uses EARLY_HELP_REVIEW_WEEKS."""

    school = models.OneToOneField(School, on_delete=models.PROTECT, related_name="+")
    review_weeks = models.PositiveSmallIntegerField("review every (weeks)")

    class Meta:
        verbose_name_plural = "Early Help settings"
        constraints = [
            models.CheckConstraint(
                condition=Q(review_weeks__gte=REVIEW_WEEKS_MIN)
                & Q(review_weeks__lte=REVIEW_WEEKS_MAX),
                name="early_help_review_weeks_6_to_12",
                violation_error_message="Early Help is reviewed every 6 to 12 weeks.",
            ),
        ]

    def __str__(self) -> str:
        return f"Early Help reviews every {self.review_weeks} weeks"


class EarlyHelp(models.Model):
    """One episode of Early Help for a pupil: the assessment, then the plan (or stepped up to
    children's social care), until it closes. At most one open per pupil."""

    Stage = Stage

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="early_help")
    stage = models.CharField(max_length=12, choices=Stage.choices, default=Stage.ASSESSMENT)
    started_on = models.DateField("started on")
    consent_given_by = models.CharField(
        "consent given by",
        max_length=120,
        help_text="Who in the family agreed, for example “Mother (Jo Smith)”.",
    )
    consent_on = models.DateField("consent given on")
    lead_name = models.CharField("lead practitioner", max_length=120)
    lead_role = models.CharField("their role", max_length=120, blank=True)
    lead_organisation = models.CharField("their organisation", max_length=120, blank=True)
    lead_contact = models.CharField(
        "how to reach them", max_length=200, blank=True, help_text="An email or a phone number."
    )
    closed_on = models.DateField("closed on", null=True, blank=True)
    close_reason = models.TextField("why it closed", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["school", "-started_on"]
        verbose_name = "Early Help"
        verbose_name_plural = "Early Help"
        indexes = [
            models.Index(fields=["school", "closed_on"], name="early_help_school_open"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["pupil"],
                condition=Q(closed_on__isnull=True),
                name="early_help_one_open_per_pupil",
                violation_error_message="This pupil already has Early Help open.",
            ),
            models.CheckConstraint(
                condition=Q(consent_on__lte=F("started_on")),
                name="early_help_consent_first",
                violation_error_message="The family's consent comes before Early Help starts.",
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("started_on")),
                name="early_help_closes_after_start",
                violation_error_message="Early Help cannot close before it started.",
            ),
            models.CheckConstraint(
                condition=(Q(stage=Stage.CLOSED) & Q(closed_on__isnull=False))
                | (~Q(stage=Stage.CLOSED) & Q(closed_on__isnull=True)),
                name="early_help_closed_with_date",
                violation_error_message="Closed Early Help has a closing date, and only it.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} from {self.started_on:%d/%m/%Y}"

    @property
    def is_open(self) -> bool:
        return self.closed_on is None


class TafReview(models.Model):
    """A Team Around the Family meeting reviewing the Early Help plan."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    early_help = models.ForeignKey(EarlyHelp, on_delete=models.PROTECT, related_name="reviews")
    held_on = models.DateField("held on")
    attended = models.TextField("who attended")
    summary = models.TextField("what was agreed")
    next_review_on = models.DateField("next review", null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["early_help", "-held_on"]
        verbose_name = "Team Around the Family review"
        constraints = [
            models.UniqueConstraint(
                fields=["early_help", "held_on"], name="taf_review_one_per_day"
            ),
            models.CheckConstraint(
                condition=Q(next_review_on__isnull=True) | Q(next_review_on__gt=F("held_on")),
                name="taf_review_next_after_held",
                violation_error_message="The next review must be after this one.",
            ),
        ]

    def __str__(self) -> str:
        return f"Team Around the Family review held {self.held_on:%d/%m/%Y}"
