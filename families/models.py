"""Families and moves: parents' and pupils' voice by secure link, the portable plan and the
transfer pack for the next school (issue 19). Reads plans and ehcp; nothing below reads it.

A `ViewsLink` lets a parent give their views without an account: one pupil, one purpose, a short
code (the secret; only its hash is kept), an expiry, a lock after too many wrong dates of birth,
and one submission. A `TranslatedSummary` is the school's own summary of a plan in a family's
language, which the parent downloads through the link. A `TransferPack` records a pack made for
the next school; a `PreviousSchoolRecord` keeps what a portable plan brought that has no home
here."""

from __future__ import annotations

import uuid
from datetime import datetime

from django.conf import settings
from django.core.files.storage import storages
from django.db import models

from register.models import Contact, Pupil, ViewsGiven
from staff import documents
from staff.models import School


class ViewsLink(models.Model):
    """A secure link for a parent to read the plan and give their views, once."""

    class Status(models.TextChoices):
        WAITING = "waiting", "Waiting"
        OPENED = "opened", "Opened"
        GIVEN = "given", "Views given"
        EXPIRED = "expired", "Expired"
        REVOKED = "revoked", "Revoked"
        LOCKED = "locked", "Locked (wrong date of birth too often)"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="views_links")
    purpose = models.CharField(max_length=15, choices=ViewsGiven.Purpose.choices)
    # sha256 of the code; the code itself is shown once and never stored.
    code_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_to = models.ForeignKey(
        Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    emailed_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    failed_checks = models.PositiveSmallIntegerField(default=0)
    locked_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    views = models.OneToOneField(
        ViewsGiven, on_delete=models.SET_NULL, null=True, blank=True, related_name="link"
    )
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pupil", "-created_at"]
        indexes = [models.Index(fields=["school", "pupil", "-created_at"], name="views_link_pupil")]

    def __str__(self) -> str:
        return f"Link for {self.get_purpose_display().lower()}"

    def status(self, now: datetime) -> str:
        """Where the link stands: given, revoked, locked and expired end it."""
        if self.used_at is not None:
            return self.Status.GIVEN
        if self.revoked_at is not None:
            return self.Status.REVOKED
        if self.locked_at is not None:
            return self.Status.LOCKED
        if self.expires_at <= now:
            return self.Status.EXPIRED
        if self.opened_at is not None:
            return self.Status.OPENED
        return self.Status.WAITING

    def status_label(self, now: datetime) -> str:
        return self.Status(self.status(now)).label


def documents_storage():
    """Summaries live outside the web root and are served only by a checked view."""
    return storages["documents"]


def summary_upload_to(instance: TranslatedSummary, filename: str) -> str:
    # Never the uploader's file name; the extension comes from what the bytes are.
    suffix = documents.stored_suffix(instance.document_type)
    return f"family-summaries/{instance.school_id}/{uuid.uuid4().hex}.{suffix}"


class TranslatedSummary(models.Model):
    """The school's own summary of a pupil's plan in the language a family reads (a PDF)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="translated_summaries")
    language = models.CharField(max_length=60, help_text="For example: Polish, Urdu, Romanian.")
    document = models.FileField(upload_to=summary_upload_to, storage=documents_storage)
    document_name = models.CharField(max_length=200, blank=True)
    document_type = models.CharField(max_length=100, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pupil", "language", "-added_at"]
        verbose_name_plural = "translated summaries"

    def __str__(self) -> str:
        return f"Summary in {self.language}"


class TransferPack(models.Model):
    """A transfer pack made for the next school when a pupil left (who, when, to which school),
    with the portable plan as it stood then: the JSON download is this document, and the PDF is
    rendered from it, so both files say the same thing however the records change later."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="transfer_packs")
    to_school = models.CharField("receiving school", max_length=200)
    to_urn = models.CharField("receiving school's URN", max_length=6, blank=True)
    document = models.JSONField()
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    made_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pupil", "-made_at"]
        indexes = [models.Index(fields=["school", "pupil"], name="transfer_pack_pupil")]

    def __str__(self) -> str:
        return f"Transfer pack for {self.to_school}"


class PreviousSchoolRecord(models.Model):
    """What a portable plan brought from the previous school that has no home in this school's
    own records (provision received there with its attendance and impact, the EHC plan and its
    reviews as that school held them), kept read-only as that part of the JSON, with where it
    came from. The next export re-emits it, so nothing is lost in a move."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="previous_records")
    from_school = models.CharField("previous school", max_length=200)
    from_urn = models.CharField("previous school's URN", max_length=6, blank=True)
    exported_on = models.DateField()
    kept = models.JSONField()
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pupil", "imported_at"]

    def __str__(self) -> str:
        return f"History from {self.from_school}"
