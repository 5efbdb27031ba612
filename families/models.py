"""Families and moves: parents' and pupils' voice by secure link, the portable plan and the
transfer pack for the next school (issue 19). Reads plans and ehcp; nothing below reads it."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from register.models import Pupil
from staff.models import School


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
