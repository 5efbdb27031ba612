"""The Pupil Premium's own tables: the per-pupil rates of each financial year.

Who is eligible is recorded on the register (`register.PupilPremiumPeriod`, dated periods); what
that is worth is here. Rates are national, not a school's: an administrator enters a new year's
when the DfE publishes them (DOMAIN.md 4.2 has 2024-25 and 2025-26; later years are never
guessed).
"""

from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

NOT_NEGATIVE = MinValueValidator(0, "Enter an amount of £0 or more.")


class Category(models.TextChoices):
    """What a pupil attracts, each at its own rate (DOMAIN.md 4.1 and 4.2)."""

    FSM_PRIMARY = "fsm_primary", "FSM Ever 6, primary (Reception to Year 6)"
    FSM_SECONDARY = "fsm_secondary", "FSM Ever 6, secondary (Years 7 to 11)"
    PLAC = "plac", "Previously looked after"
    LAC = "lac", "Looked after (Pupil Premium Plus, paid to the virtual school)"
    SERVICE = "service", "Service pupil premium"


class FundingRate(models.Model):
    """The amount per pupil of one category in one financial year (1 April to 31 March)."""

    financial_year = models.PositiveSmallIntegerField(
        help_text="The year the financial year starts in: 2025 for April 2025 to March 2026."
    )
    category = models.CharField(max_length=16, choices=Category.choices)
    amount = models.DecimalField(max_digits=8, decimal_places=2)
    source = models.CharField(max_length=200, blank=True, help_text="Where the rate was published.")

    class Meta:
        ordering = ["-financial_year", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["financial_year", "category"], name="funding_rate_one_per_category"
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="funding_rate_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.financial_year}: {self.get_category_display()} £{self.amount}"


class Statement(models.Model):
    """The school's Pupil Premium strategy statement for one academic year, in the DfE
    template's structure (DOMAIN.md 4.3): the overview and funding, Part A (intent, challenges,
    intended outcomes, activities in three tiers) and Part B (last year's outcomes, externally
    provided programmes, the service pupil premium). Published on the website by 31 December."""

    school = models.ForeignKey("staff.School", on_delete=models.PROTECT, related_name="+")
    academic_year = models.PositiveSmallIntegerField(
        help_text="The year the academic year starts in: 2026 for 2026 to 2027."
    )
    years_covered = models.CharField(
        "academic years the strategy covers", max_length=60, blank=True
    )
    published_on = models.DateField("date published", null=True, blank=True)
    review_on = models.DateField("date it will be reviewed", null=True, blank=True)
    authorised_by = models.CharField("statement authorised by", max_length=120, blank=True)
    lead = models.CharField("Pupil Premium lead", max_length=120, blank=True)
    governor_lead = models.CharField("governor or trustee lead", max_length=120, blank=True)
    allocation = models.DecimalField(
        "Pupil Premium allocation this academic year",
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[NOT_NEGATIVE],
        help_text="As the DfE published it. Empty: sendco's estimate is shown.",
    )
    recovery = models.DecimalField(
        "recovery premium or other income",
        max_digits=10,
        decimal_places=2,
        default=0,
        validators=[NOT_NEGATIVE],
    )
    carried_forward = models.DecimalField(
        "carried forward from previous years",
        max_digits=10,
        decimal_places=2,
        default=0,
        validators=[NOT_NEGATIVE],
    )
    intent = models.TextField("statement of intent", blank=True)
    last_year_outcomes = models.TextField("outcomes for disadvantaged pupils last year", blank=True)
    service_spend = models.TextField("how the service pupil premium was spent", blank=True)
    service_impact = models.TextField("the effect of that spending", blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        "staff.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["school", "academic_year"], name="statement_one_per_year"
            ),
            models.CheckConstraint(
                condition=Q(recovery__gte=0) & Q(carried_forward__gte=0),
                name="statement_money_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"Pupil Premium strategy {self.academic_year}"


class StatementPart(models.Model):
    """A numbered line of a statement (a challenge, an outcome, an activity, a programme)."""

    school = models.ForeignKey("staff.School", on_delete=models.PROTECT, related_name="+")
    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name.capitalize()} {self.position}"


class Challenge(StatementPart):
    detail = models.TextField("the challenge", help_text="What holds disadvantaged pupils back.")


class Outcome(StatementPart):
    outcome = models.TextField("intended outcome")
    success_criteria = models.TextField("success criteria")


class Activity(StatementPart):
    """Something the funding pays for, in one of the DfE's three tiers; an intervention links
    to its provision-map groups, whose logs show what was delivered (never typed twice)."""

    class Tier(models.TextChoices):
        TEACHING = "teaching", "Teaching (for example, professional development)"
        TARGETED = "targeted", "Targeted academic support (for example, tutoring)"
        WIDER = "wider", "Wider strategies (for example, attendance, behaviour, wellbeing)"

    tier = models.CharField(max_length=10, choices=Tier.choices)
    activity = models.TextField()
    evidence = models.TextField("evidence that supports this approach")
    challenges = models.CharField(
        "challenge numbers addressed", max_length=60, blank=True, help_text="For example: 1, 3"
    )
    budgeted_cost = models.DecimalField(
        max_digits=10, decimal_places=2, default=0, validators=[NOT_NEGATIVE]
    )
    actual_cost = models.DecimalField(
        max_digits=10, decimal_places=2, null=True, blank=True, validators=[NOT_NEGATIVE]
    )
    groups = models.ManyToManyField(
        "provision.Group", blank=True, related_name="+", verbose_name="intervention groups"
    )

    class Meta(StatementPart.Meta):
        verbose_name_plural = "activities"
        constraints = [
            models.CheckConstraint(
                condition=Q(budgeted_cost__gte=0)
                & (Q(actual_cost__isnull=True) | Q(actual_cost__gte=0)),
                name="activity_cost_not_negative",
            )
        ]


class Programme(StatementPart):
    """An externally provided (non-DfE) programme bought last year (Part B)."""

    name = models.CharField("programme", max_length=200)
    provider = models.CharField(max_length=200)
