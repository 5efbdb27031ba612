"""What the school does about SEN: the intervention catalogue, staff costs, running groups with
their pupils and measures, and the log of sessions delivered and attended."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q

from register.models import BroadArea, Pupil
from staff.models import School
from staff.parsing import ids_between


class StaffRate(models.Model):
    """What an hour of a grade of staff costs the school (salary plus on-costs)."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="staff_rates")
    name = models.CharField(max_length=80, help_text="For example: TA level 3, Teacher M3.")
    hourly_cost = models.DecimalField(
        max_digits=7, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )

    class Meta:
        ordering = ["school", "name"]
        constraints = [models.UniqueConstraint(fields=["school", "name"], name="rate_name_unique")]

    def __str__(self) -> str:
        return f"{self.name} (£{self.hourly_cost}/h)"


class StaffContract(models.Model):
    """A member of staff's grade and contracted hours, for costs and TA deployment."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="contracts"
    )
    rate = models.ForeignKey(StaffRate, on_delete=models.PROTECT, related_name="contracts")
    hours_per_week = models.DecimalField(
        max_digits=5, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["school", "user"], name="contract_one_per_school")
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.hours_per_week}h"


class Measure(models.Model):
    """How progress in an intervention is measured, and which way is better."""

    class Kind(models.TextChoices):
        STANDARDISED = "standardised", "Standardised score"
        READING_AGE = "reading_age", "Reading age (months)"
        SPELLING_AGE = "spelling_age", "Spelling age (months)"
        BOXALL = "boxall", "Boxall profile"
        SDQ = "sdq", "SDQ total difficulties"
        SCALE = "scale", "School scale"

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="measures")
    name = models.CharField(max_length=80)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    higher_is_better = models.BooleanField(
        default=True, help_text="Untick for measures where a lower score is better, like SDQ."
    )

    class Meta:
        ordering = ["school", "name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="measure_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Intervention(models.Model):
    """An entry of the school's catalogue: what can be run, how often, how it is measured."""

    class Kind(models.TextChoices):
        GROUP = "group", "Small group"
        ONE_TO_ONE = "one_to_one", "One to one"
        IN_CLASS = "in_class", "In-class adaptation"

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="interventions")
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    broad_area = models.CharField(max_length=5, choices=BroadArea.choices, blank=True)
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.GROUP)
    default_rate = models.ForeignKey(
        StaffRate,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The grade of staff who usually runs it.",
    )
    default_sessions_per_week = models.PositiveSmallIntegerField(default=3)
    default_session_minutes = models.PositiveSmallIntegerField(default=30)
    measure = models.ForeignKey(
        Measure, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resource_cost_one_off = models.DecimalField(
        max_digits=8, decimal_places=2, default=Decimal("0")
    )
    resource_cost_per_pupil = models.DecimalField(
        max_digits=8, decimal_places=2, default=Decimal("0")
    )
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["school", "name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="intervention_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Group(models.Model):
    """A running group of an intervention: who, when, where, how often, funded how."""

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        RUNNING = "running", "Running"
        ENDED = "ended", "Ended"

    class Funding(models.TextChoices):
        NOTIONAL_SEN = "notional_sen", "Notional SEN budget"
        PUPIL_PREMIUM = "pupil_premium", "Pupil Premium"
        TOP_UP = "top_up", "High-needs top-up"

    class Weekday(models.IntegerChoices):
        MONDAY = 0, "Monday"
        TUESDAY = 1, "Tuesday"
        WEDNESDAY = 2, "Wednesday"
        THURSDAY = 3, "Thursday"
        FRIDAY = 4, "Friday"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="groups")
    intervention = models.ForeignKey(Intervention, on_delete=models.PROTECT, related_name="groups")
    name = models.CharField(max_length=120)
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="led_groups", help_text="Who runs the sessions."
    )
    starts_on = models.DateField()
    ends_on = models.DateField()
    sessions_per_week = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    session_minutes = models.PositiveSmallIntegerField(validators=[MinValueValidator(5)])
    days = models.CharField(
        max_length=20, blank=True, help_text="Weekdays it runs, e.g. '0,2,4' for Mon, Wed, Fri."
    )
    time = models.TimeField(null=True, blank=True)
    room = models.CharField(max_length=60, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNED)
    funding = models.CharField(max_length=15, choices=Funding.choices, default=Funding.NOTIONAL_SEN)
    rate = models.ForeignKey(
        StaffRate,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The grade of staff who runs it.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["school", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="group_dates_in_order"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def weekdays(self) -> list[int]:
        """Monday 0 to Sunday 6; anything else in `days` is ignored."""
        return sorted(ids_between(self.days.split(","), least=0, most=6))


class GroupPupil(models.Model):
    """A pupil's place in a group, with their entry measure, target and exit measure."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="places")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="group_places")
    joined_on = models.DateField()
    left_on = models.DateField(null=True, blank=True)
    entry_score = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    target_score = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    exit_score = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["group", "pupil__legal_last_name"]
        constraints = [
            models.UniqueConstraint(fields=["group", "pupil"], name="group_pupil_unique"),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=F("joined_on")),
                name="group_pupil_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pupil} in {self.group}"


class Session(models.Model):
    """One planned session of a group: run (with attendance) or not run (with the reason)."""

    class NotRun(models.TextChoices):
        STAFF_ABSENCE = "staff_absence", "Staff absence"
        TRIP = "trip", "Trip or event"
        ASSESSMENT = "assessment", "Assessment week"
        OTHER = "other", "Other"

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="sessions")
    on = models.DateField()
    ran = models.BooleanField(default=True)
    not_run_reason = models.CharField(max_length=15, choices=NotRun.choices, blank=True)
    note = models.TextField(blank=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    logged_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["group", "-on"]
        constraints = [
            models.UniqueConstraint(fields=["group", "on"], name="session_one_per_day"),
            models.CheckConstraint(
                condition=Q(ran=True) | ~Q(not_run_reason=""), name="session_not_run_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.group} {self.on:%d/%m/%Y}"


class Attendance(models.Model):
    class Absence(models.TextChoices):
        ABSENT = "absent", "Absent from school"
        REFUSED = "refused", "Did not want to come"
        CLASS = "class", "Kept in class"
        OTHER = "other", "Other"

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendance")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="attendance")
    present = models.BooleanField(default=True)
    absence_reason = models.CharField(max_length=10, choices=Absence.choices, blank=True)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "pupil"], name="attendance_once"),
        ]

    def __str__(self) -> str:
        return f"{self.pupil} {'present' if self.present else 'absent'}"


class SenBudget(models.Model):
    """The notional SEN budget the SENDCo enters for an academic year."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    academic_year = models.ForeignKey(
        "staff.AcademicYear", on_delete=models.PROTECT, related_name="+"
    )
    amount = models.DecimalField(
        max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["school", "academic_year"], name="budget_one_a_year")
        ]

    def __str__(self) -> str:
        return f"£{self.amount}"


class CostedItem(models.Model):
    """A pupil's costed provision that is not a place in a group: one-to-one support, equipment,
    an external specialist, anything else the school pays for them. Its cost is a year's (for
    support that runs, pro rata to the part of the academic year it covers) or one-off (in the
    academic year of its date); see `rules.item_cost_in_year`."""

    class Kind(models.TextChoices):
        ONE_TO_ONE = "one_to_one", "One-to-one support"
        EQUIPMENT = "equipment", "Equipment"
        SPECIALIST = "specialist", "External specialist"
        OTHER = "other", "Other provision"

    class Basis(models.TextChoices):
        ANNUAL = "annual", "A year"
        ONE_OFF = "one_off", "One-off"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="costed_items")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    description = models.CharField(max_length=200)
    provided_by = models.CharField(
        "who provides it",
        max_length=120,
        blank=True,
        help_text="A member of staff, a service or a supplier.",
    )
    cost = models.DecimalField(
        max_digits=9, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    basis = models.CharField("the cost is", max_length=8, choices=Basis.choices)
    starts_on = models.DateField(
        "from", help_text="For a one-off cost, the day it was bought or paid."
    )
    ends_on = models.DateField("to", null=True, blank=True, help_text="Leave empty if ongoing.")
    funding = models.CharField(
        max_length=15, choices=Group.Funding.choices, default=Group.Funding.NOTIONAL_SEN
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pupil", "starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="costed_item_dates_in_order",
            ),
            models.CheckConstraint(condition=Q(cost__gte=0), name="costed_item_cost_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.description}"
