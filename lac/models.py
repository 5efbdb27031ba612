"""Looked-after and previously looked-after children: the virtual schools the school works with,
each child's social worker, and the Personal Education Plans (PEPs) held (DOMAIN.md section 5).

Who is looked after, when and by which local authority is on the register
(`register.LookedAfterPeriod`). When each PEP is due is worked out by `lac.rules`, never stored.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower

from register.models import Pupil
from staff.models import School

from .rules import INITIAL_WORKING_DAYS, MOST_WORKING_DAYS, MOVE_WORKING_DAYS, PepKind, PepTiming


class VirtualSchool(models.Model):
    """A local authority's virtual school, as this school works with it, and the LA's PEP
    timescales (DOMAIN.md 5.2 and 5.3). One per local authority name in a school; a looked-after
    period's responsible LA finds it by name (any case)."""

    Timing = PepTiming

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    la_name = models.CharField("local authority", max_length=100)
    head_name = models.CharField("virtual school head", max_length=120, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    pep_timing = models.CharField(
        "termly PEP due", max_length=12, choices=PepTiming.choices, default=PepTiming.TERM
    )
    initial_pep_working_days = models.PositiveSmallIntegerField(
        "initial PEP within (working days of entering care)", default=INITIAL_WORKING_DAYS
    )
    move_pep_working_days = models.PositiveSmallIntegerField(
        "PEP after a change of school within (working days of admission)",
        default=MOVE_WORKING_DAYS,
    )

    class Meta:
        ordering = ["la_name"]
        constraints = [
            models.UniqueConstraint(
                F("school"), Lower("la_name"), name="virtual_school_one_per_la"
            ),
            models.CheckConstraint(
                condition=Q(initial_pep_working_days__gte=1)
                & Q(initial_pep_working_days__lte=MOST_WORKING_DAYS)
                & Q(move_pep_working_days__gte=1)
                & Q(move_pep_working_days__lte=MOST_WORKING_DAYS),
                name="virtual_school_working_days_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.la_name} virtual school"


class FixedPepDate(models.Model):
    """A date the LA set for a term's PEP (`VirtualSchool.Timing.FIXED`), e.g. 28 November 2025."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    virtual_school = models.ForeignKey(
        VirtualSchool, on_delete=models.CASCADE, related_name="fixed_dates"
    )
    due_on = models.DateField()

    class Meta:
        ordering = ["virtual_school", "due_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["virtual_school", "due_on"], name="fixed_pep_date_once"
            ),
        ]

    def __str__(self) -> str:
        return f"PEPs due {self.due_on:%d/%m/%Y}"


class LacContact(models.Model):
    """A looked-after child's social worker (DOMAIN.md 5.2 "Meeting")."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="lac_contacts")
    social_worker_name = models.CharField("social worker", max_length=120)
    social_worker_email = models.EmailField("social worker's email", blank=True)
    social_worker_phone = models.CharField("social worker's phone", max_length=40, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["pupil"], name="lac_contact_one_per_pupil"),
        ]

    def __str__(self) -> str:
        return f"Social worker {self.social_worker_name}"


class Pep(models.Model):
    """A Personal Education Plan meeting held (DOMAIN.md 5.2). Its due date is not stored:
    `lac.rules.next_pep` works it out."""

    Kind = PepKind

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="peps")
    virtual_school = models.ForeignKey(
        VirtualSchool, on_delete=models.PROTECT, null=True, blank=True, related_name="peps"
    )
    kind = models.CharField(max_length=10, choices=PepKind.choices)
    held_on = models.DateField("held on")
    child_views = models.TextField("the child's views", blank=True)
    targets = models.TextField(blank=True)
    pp_plus_requested = models.DecimalField(
        "PP+ requested", max_digits=8, decimal_places=2, null=True, blank=True
    )
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pupil", "-held_on"]
        constraints = [
            models.UniqueConstraint(fields=["pupil", "held_on"], name="pep_one_per_pupil_per_day"),
            models.CheckConstraint(
                condition=Q(pp_plus_requested__isnull=True) | Q(pp_plus_requested__gte=0),
                name="pep_pp_plus_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} held {self.held_on:%d/%m/%Y}"


class PlusRelease(models.Model):
    """Pupil Premium Plus the virtual school released to the school for a child (DOMAIN.md 5.4:
    typically termly, against the PEP), and what it pays for: words, and the provision-map
    groups it funds, so what was delivered comes from their logs."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="plus_releases")
    received_on = models.DateField("received on")
    amount = models.DecimalField(max_digits=8, decimal_places=2)
    spent_on = models.TextField("what it pays for", blank=True)
    groups = models.ManyToManyField(
        "provision.Group", blank=True, related_name="+", verbose_name="intervention groups"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pupil", "-received_on"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="plus_release_positive"),
        ]

    def __str__(self) -> str:
        return f"PP+ £{self.amount} received {self.received_on:%d/%m/%Y}"

    @property
    def planned(self) -> bool:
        """Whether the school has said what it pays for."""
        return bool(self.spent_on.strip())
