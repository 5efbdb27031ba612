"""Reminders: one notification per person, deadline and threshold, kept in the database (never
scheduled weeks ahead in the broker), each person's digest choice, and their calendar feed.

A notification names no pupil: it keeps the pupil's public id (`subject_id`), and the
notification centre looks the name up for people who may still see that pupil.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from staff.models import School


class Notification(models.Model):
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=60)
    subject_id = models.CharField(max_length=64)
    due = models.DateField()
    # Days before the due date (56, 28, 14), 0 on the day, -1 overdue; ESCALATED for the head.
    threshold = models.SmallIntegerField()
    title = models.CharField(max_length=200)  # the deadline's title: never a pupil's name
    url = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    ESCALATED = -1000

    class Meta:
        ordering = ["-created_at", "due"]
        constraints = [
            # Exactly once: a rerun, a retried task or a second worker finds the row and stops.
            models.UniqueConstraint(
                fields=["user", "school", "kind", "subject_id", "due", "threshold"],
                name="notification_once",
            )
        ]
        indexes = [models.Index(fields=["user", "read_at"]), models.Index(fields=["emailed_at"])]

    def __str__(self) -> str:
        return f"{self.title} ({self.due:%d/%m/%Y})"

    @property
    def reference(self) -> str:
        """A short reference to the pupil, for emails and calendars (no name, no initials)."""
        return self.subject_id.replace("-", "")[:6].upper()


class ReminderSettings(models.Model):
    """A person's digest choice and calendar feed. The feed's secret is stored only as a hash."""

    class Digest(models.TextChoices):
        DAILY = "daily", "Every morning"
        WEEKLY = "weekly", "Monday mornings"
        OFF = "off", "Never: I'll look in sendco"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_settings"
    )
    digest = models.CharField(max_length=10, choices=Digest.choices, default=Digest.DAILY)
    feed_token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    feed_created_at = models.DateTimeField(null=True, blank=True)
    last_digest_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Reminder settings of {self.user_id}"


class DigestSent(models.Model):
    """One digest per person per day: claimed in the same transaction as the send."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    on = models.DateField()
    notifications = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "on"], name="digest_once_a_day")]

    def __str__(self) -> str:
        return f"Digest of {self.user_id} on {self.on:%d/%m/%Y}"


class ScanRun(models.Model):
    """One nightly scan: the schools it sent a scan task for, and when the digests were
    enqueued. The day is unique, so a second `daily_reminders` that day finds this row; the
    digests are claimed by one conditional UPDATE of `digests_at`, so only one task enqueues
    them however many finish last at once."""

    day = models.DateField(unique=True)
    schools = models.PositiveIntegerField()  # scan tasks expected
    # Schools done, counted as each one's SchoolScanned row is first inserted: the last scan
    # compares two numbers instead of counting every row of the night (24,000 times).
    done = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(auto_now_add=True)
    digests_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Reminder scan of {self.day:%d/%m/%Y}"


class SchoolScanned(models.Model):
    """A school's scan finished on a day: inserted with ON CONFLICT DO NOTHING in the scan's own
    transaction, so a retried or duplicated task counts once and a rolled-back scan not at all."""

    day = models.DateField()
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "school"], name="school_scanned_once_a_day")
        ]

    def __str__(self) -> str:
        return f"School {self.school_id} scanned on {self.day:%d/%m/%Y}"
