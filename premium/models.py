"""The Pupil Premium's own tables: the per-pupil rates of each financial year.

Who is eligible is recorded on the register (`register.PupilPremiumPeriod`, dated periods); what
that is worth is here. Rates are national, not a school's: an administrator enters a new year's
when the DfE publishes them (DOMAIN.md 4.2 has 2024-25 and 2025-26; later years are never
guessed).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q


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
