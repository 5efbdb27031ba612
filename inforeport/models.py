"""The school's SEN information report (DOMAIN.md 1.7): one draft per school, its words for each
required item (`inforeport.schedule.ITEMS`), the SEND policy's and accessibility plan's review
dates, and the versions published, each frozen when published.

The public page shows only the latest published version; what the draft says afterwards is not
shown until it is published again.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q

from staff.bounds import years_away
from staff.models import School

from .schedule import BY_CODE

REVIEW_YEARS = 1  # "update annually" (DOMAIN.md 1.7): next review due 12 months after publication


class InfoReport(models.Model):
    """The school's SEN information report as it is being written (the draft)."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    send_policy_review_on = models.DateField("SEND policy next review", null=True, blank=True)
    accessibility_plan_review_on = models.DateField(
        "accessibility plan next review", null=True, blank=True
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["school"], name="info_report_one_per_school"),
        ]

    def __str__(self) -> str:
        return "SEN information report"


class ItemText(models.Model):
    """The school's words for one required item of the draft."""

    class Source(models.TextChoices):
        DRAFTED = "drafted", "Drafted by sendco"  # accepted from the suggestion, not since edited
        WRITTEN = "written", "The school's own words"

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    report = models.ForeignKey(InfoReport, on_delete=models.CASCADE, related_name="items")
    code = models.CharField(max_length=12)
    text = models.TextField("the school's words", blank=True)
    source = models.CharField(max_length=10, choices=Source.choices, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["report", "code"]
        constraints = [
            models.UniqueConstraint(fields=["report", "code"], name="info_item_once_per_report"),
            models.CheckConstraint(
                condition=Q(text="", source="") | (~Q(text="") & ~Q(source="")),
                name="info_item_source_with_text",
            ),
        ]

    def __str__(self) -> str:
        item = BY_CODE.get(self.code)
        return item.heading if item else self.code


class PublishedReport(models.Model):
    """A version of the report as published: every item's heading and words, frozen."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    report = models.ForeignKey(InfoReport, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveSmallIntegerField()
    published_on = models.DateField("published on")
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    school_name = models.CharField(max_length=200)
    # [{"code": ..., "heading": ..., "text": ...}] in the schedule's order, as published.
    items = models.JSONField(default=list)
    send_policy_review_on = models.DateField(null=True, blank=True)
    accessibility_plan_review_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["report", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="info_version_number_once"),
            models.CheckConstraint(condition=Q(number__gte=1), name="info_version_number_positive"),
        ]
        indexes = [
            models.Index(fields=["school", "-number"], name="info_version_latest"),
        ]

    def __str__(self) -> str:
        return f"SEN information report version {self.number}"

    @property
    def review_due(self) -> date:
        return review_due(self.published_on)


def review_due(published_on: date) -> date:
    """The next review of a report published on `published_on`: 12 months later (28 February
    for 29 February)."""
    return years_away(published_on, REVIEW_YEARS)
