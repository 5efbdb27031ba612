"""What each Pupil Premium page shows, put together from the selectors and rules (the views
stay short)."""

from __future__ import annotations

from datetime import date

from register.models import Pupil
from staff.calendar import academic_year_start_for, school_year_name
from staff.capabilities import Cap
from staff.deadlines import percent_of
from staff.models import School

from . import rules, selectors
from .models import Activity


def overview(*, school: School, today: date) -> dict:
    found = selectors.allocations(school=school, today=today)
    year = academic_year_start_for(today)
    return {
        "statement": selectors.statement_for(school=school, academic_year=year),
        "year_name": school_year_name(year),
        "allocations": found,
        "today": today,
        "counts": selectors.today_counts(school=school, today=today),
        "must_publish": rules.must_publish_statement(found[0]),
        "uc_extension_starts": rules.UC_EXTENSION_STARTS,
    }


def _grounds(periods) -> list[rules.Ground]:
    return [
        rules.Ground(
            kind=p.kind,
            starts_on=p.starts_on,
            ends_on=p.ends_on,
            route=p.route,
            evidence_seen_on=p.evidence_seen_on,
        )
        for p in periods
    ]


def pupil(*, pupil: Pupil, today: date) -> dict:
    """A pupil's grounds, and what they mean today and at this year's allocation census."""
    record = selectors.pupil_grounds(pupil=pupil)
    grounds = _grounds(record["periods"])
    year = rules.financial_year_of(today)
    census = rules.allocation_census(year)
    looked_after = any(p.covers(census) for p in record["looked_after"])
    counted = rules.categories_at(
        year_group=pupil.year_group, grounds=grounds, looked_after=looked_after, census=census
    )
    return {
        **record,
        "free_meals": rules.free_meals_on(grounds, today),
        "counted": rules.funded(counted),
        "census": census,
        "year_name": rules.financial_year_name(year),
        "funded_year": pupil.year_group in rules.FUNDED_YEARS,
    }


def statement(*, access, academic_year: int, today: date) -> dict:
    """The statement of `academic_year` as the document lays it out."""
    school = access.school
    found = selectors.statement_page(school=school, academic_year=academic_year, today=today)
    statement = found.statement
    allocation = statement.allocation if statement and statement.allocation is not None else None
    estimated = found.estimate.school_total
    this_year = allocation if allocation is not None else estimated
    extra = (statement.recovery + statement.carried_forward) if statement else 0
    for activity in found.activities:  # what its groups delivered, from the session logs
        activity.delivered = [
            (g, found.delivered.get(g.pk, selectors.Delivered())) for g in activity.groups.all()
        ]
    totals = rules.tier_totals(found.activities)
    tiers = [
        (label, [a for a in found.activities if a.tier == tier], totals.get(tier))
        for tier, label in Activity.Tier.choices
    ]
    return {
        "page": found,
        "statement": statement,
        "year": academic_year,
        "year_name": school_year_name(academic_year),
        "allocation": this_year,
        "allocation_estimated": allocation is None,
        "total": None if this_year is None else this_year + extra,
        "proportion": percent_of(found.disadvantaged, found.on_roll) or 0,
        "tiers": tiers,
        "budgeted": sum((a.budgeted_cost for a in found.activities), 0),
        "due": rules.statement_due(academic_year),
        "years": selectors.statement_years(school=school),
        "can_manage": access.can(Cap.PREMIUM_MANAGE),
    }


def activity_form_choices(*, school: School, academic_year: int) -> dict:
    return {
        "groups": selectors.group_choices(school=school, academic_year=academic_year),
        "challenge_count": selectors.challenge_count(school=school, academic_year=academic_year),
    }
