"""What the provision pages show besides their forms: the session card after logging, the
reasons offered on it, the group list's filters, and the impact and deployment pages.

The views route; the page a person sees is put together here from the selectors, `impact` and
`charts`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.paginator import Paginator

from staff import deadline_cache
from staff.http import Done
from staff.models import School
from staff.tenancy import Access

from . import costing, manage_selectors, selectors
from . import impact as reads
from .charts import bar_chart, with_note
from .models import Group
from .rules import impact_min_pupils

# --------------------------------------------------------------------------------------------
# Logging a session
# --------------------------------------------------------------------------------------------


def session_message(group: Group, done: Done) -> str:
    """What the person reads after logging a session: saved (how many were present), recorded as
    not run, or not saved and why."""
    if not done:
        return f"{group.name}: not saved. {done.error}"
    session = done.result
    if not session.ran:
        return (
            f"{group.name}: recorded as not run ({session.get_not_run_reason_display().lower()})."
        )
    present = sum(1 for a in session.attendance.all() if a.present)
    return f"{group.name}: session saved, {present} of {session.attendance.count()} present."


def session_card(
    *, access: Access, group: Group, done: Done, today: date, posted: dict
) -> selectors.SessionCard:
    """The group's card drawn again after a save: as saved, or, when the save was refused, as
    the person left it (their ticks, reasons and notes), with the refusal."""
    groups = selectors.my_groups_today(access=access, today=today)
    found = next((g for g in groups if g.pk == group.pk), None)
    if found is None:  # not meeting today (a stale page): the card as far as it can be drawn
        group.places_today, group.sessions_today = [], []
        found = group
    card = selectors.session_card(found, posted=None if done else posted)
    card.message = session_message(group, done)
    card.error = done.error
    return card


def today_page(*, access: Access, today: date, failed: selectors.SessionCard | None = None):
    """ "My groups today": a card per group meeting today; `failed`, a card whose save was
    refused (without JavaScript), in place of its group's."""
    cards = selectors.session_cards_today(access=access, today=today)
    if failed is not None:
        cards = [failed if c.group.pk == failed.group.pk else c for c in cards]
    return {"cards": cards, "today": today}


# --------------------------------------------------------------------------------------------
# The catalogue and the SENDCo's group list
# --------------------------------------------------------------------------------------------


def archived(intervention) -> str:
    return (
        f"{intervention.name} archived: it is hidden from the catalogue and cannot be chosen for "
        "new groups. Its groups are unchanged."
    )


def group_list(*, school: School, status: str, today: date, page=None) -> dict:
    """A page of the groups of one status (any unknown status means all), with a filter per
    status."""
    if status not in Group.Status.values:
        status = ""
    rows, counts = manage_selectors.group_list(school=school, status=status, on=today, page=page)
    filters = [("", "All", sum(counts.values()))] + [
        (value, label, counts.get(value, 0)) for value, label in Group.Status.choices
    ]
    return {
        "section": "groups",
        "groups": rows,
        "query": f"status={status}" if status else "",
        "status": status,
        "status_label": Group.Status(status).label if status else "",
        "filters": filters,
        "today": today,
    }


# --------------------------------------------------------------------------------------------
# Impact and deployment
# --------------------------------------------------------------------------------------------


IMPACT_GROUPS_PAGE_SIZE = 50


def impact(*, school: School, today: date, page=None) -> dict:
    """Impact per intervention this school year: the ranked ones (measured on enough pupils)
    charted by the share meeting their target, the others listed below saying why not, and
    a page of the groups (every group counts in the interventions' figures)."""
    starts_on, ends_on = reads.school_year(school=school, on=today)
    items = kept_impacts(school=school, today=today, year=(starts_on, ends_on))
    groups = sorted(
        (g for i in items for g in i.groups), key=lambda g: (g.group.name.casefold(), g.group.pk)
    )
    ranked = [i for i in items if i.rank is not None]
    chart = bar_chart(
        [(i.intervention.name, i.impact.met_target_rate) for i in ranked],
        title="Share of pupils meeting their target, by intervention ranked",
        unit="%",
        max_value=Decimal(100),
    )
    return {
        "items": items,
        "ranked": ranked,
        "not_ranked": [i for i in items if i.rank is None],
        "min_pupils": impact_min_pupils(),
        "groups": Paginator(groups, IMPACT_GROUPS_PAGE_SIZE).get_page(page),
        "chart": chart,
        "starts_on": starts_on,
        "ends_on": ends_on,
        "today": today,
        "not_enough_data": reads.NOT_ENOUGH_DATA,
    }


def kept_impacts(
    *, school: School, today: date, year: tuple[date, date]
) -> list[reads.InterventionImpact]:
    """Every intervention's impact this school year (`impact.intervention_impacts`), worked out
    from every group and place of the year: kept for the school until a write changes what it
    is worked out from (staff.deadline_cache)."""
    return deadline_cache.kept(
        school_id=school.pk,
        today=today,
        weeks=0,
        name="impact",
        work_out=lambda: reads.intervention_impacts(school=school, on=today, year=year),
    )


@dataclass(frozen=True)
class YearProvision:
    """A school's provision this academic year in three figures, for the trust's comparison."""

    cost: Decimal  # planned cost of the year's groups and pupils' other costed provision
    measured: int  # pupils measured against a target (`impact.measured_total`)
    met: int  # of those, meeting their target


def year_provision(*, school: School, today: date) -> YearProvision:
    """The school's planned cost of provision this academic year (`costing.year_cost`) and its
    pupils measured and meeting their target across its interventions, read from the impact
    page's kept answer (`kept_impacts`, worked out and kept when not kept)."""
    year = reads.school_year(school=school, on=today)
    measured, met = reads.measured_total(kept_impacts(school=school, today=today, year=year))
    return YearProvision(
        cost=costing.year_cost(school=school, year=year, on=today), measured=measured, met=met
    )


def deployment(*, school: School, today: date) -> dict:
    """Each member of staff's hours a week in running groups against their contract, charted."""
    people = reads.deployment(school=school, on=today)
    top = max(
        [p.group_hours for p in people] + [p.contracted_hours or Decimal(0) for p in people],
        default=Decimal(0),
    )
    chart = bar_chart(
        [
            (
                with_note(p.user.full_name or p.user.email, "(over contract)")
                if p.over_contract
                else p.user.full_name or p.user.email,
                p.group_hours,
            )
            for p in people
        ],
        title="Hours a week in running groups, by member of staff",
        unit="h",
        max_value=top or None,
    )
    return {
        "people": people,
        "chart": chart,
        "today": today,
        "over": sum(1 for p in people if p.over_contract),
    }
