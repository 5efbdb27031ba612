"""What each Pupil Premium page shows, put together from the selectors and rules (the views
stay short)."""

from __future__ import annotations

from datetime import date

from register.models import Pupil
from staff.models import School

from . import rules, selectors


def overview(*, school: School, today: date) -> dict:
    found = selectors.allocations(school=school, today=today)
    return {
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
