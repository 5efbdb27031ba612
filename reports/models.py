"""The termly SEND report to the head and the governing board (issue 18, DOMAIN.md 1.10).

The SENDCo drafts a report for one term of the school's calendar, writing a commentary and the
next priorities; the head reviews it; the SENDCo publishes it, and the figures are frozen in
`snapshot`, so what governors were shown never changes when the data does.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from staff.models import School


class TermReport(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        REVIEWED = "reviewed", "Reviewed by the head"
        PUBLISHED = "published", "Published to governors"

    # The allowed steps: a draft is reviewed, a reviewed report is published (or edited again,
    # back to a draft); a published report is never changed.
    STEPS = {
        Status.DRAFT: {Status.REVIEWED},
        Status.REVIEWED: {Status.PUBLISHED, Status.DRAFT},
        Status.PUBLISHED: set(),
    }

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    period = models.CharField(max_length=60)  # "Autumn term 2026/27"
    starts_on = models.DateField()
    ends_on = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    commentary = models.TextField(
        blank=True, help_text="What the figures show this term. Name no pupil: governors read it."
    )
    priorities = models.TextField(
        "next priorities", blank=True, help_text="What the school will do next term."
    )
    snapshot = models.JSONField(null=True, blank=True)  # the figures, frozen at publication
    published_on = models.DateField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "starts_on", "ends_on"], name="term_report_one_a_term"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="term_report_dates_in_order"
            ),
            models.CheckConstraint(
                condition=~Q(status="published")
                | Q(snapshot__isnull=False, published_on__isnull=False),
                name="term_report_published_is_frozen",
            ),
        ]

    def __str__(self) -> str:
        return f"SEND report, {self.period}"

    @property
    def published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    def move_to(self, status: str) -> None:
        """The one way the status changes; a step the pipeline does not allow is refused."""
        if status not in self.STEPS[self.Status(self.status)]:
            raise ValidationError(
                f"A report that is {self.get_status_display().lower()} cannot become "
                f"{self.Status(status).label.lower()}."
            )
        self.status = status


class GovernorEmail(models.Model):
    """One governor emailed about one published report: the row is the claim that makes it
    once (inserted in the transaction that sends the email, so a retried or a second task finds
    it and sends nothing), and the record of who was told, at which address, and when."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    report = models.ForeignKey(TermReport, on_delete=models.PROTECT, related_name="emails")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    to = models.EmailField()  # the address it went to, whatever the person's is now
    sent_at = models.DateTimeField()

    class Meta:
        ordering = ["sent_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["report", "user"], name="governor_email_once"),
        ]

    def __str__(self) -> str:
        return f"{self.report} emailed to {self.to}"
