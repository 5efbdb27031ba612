"""Reads for the impact pages, "what works here" and TA deployment.

These helpers only gather: each group's and each intervention's (entry, target, exit) measures go
to `rules.impact`, costs and attendance come from `costing.costed_groups`. No rule is decided here
except the order of the ranking, which is written down below and on the page.

Which groups count
    "This academic year" is the school's academic year containing the day asked about (1 September
    to 31 August when the school has not set one up). A group counts when its dates overlap that
    year and it is running or has ended: a planned group has not started, so it has no impact yet
    and its planned cost would only blur the figures.

Interventions without a measure
    When an intervention has no measure, nobody can say which way is better, so its pupils'
    scores are not judged: it shows its pupils and costs and "no measure set".

The "what works here" ranking (`rank`)
    1. An intervention is ranked when it has a measure and at least IMPACT_MIN_PUPILS pupils
       (a setting, 5 by default) with both a target and an exit measure: a share of one or two
       pupils meeting their target says little, so it is not set above one of twenty.
    2. Among those ranked, the higher share of pupils meeting their target ranks higher.
    3. At the same share, the lower cost per pupil meeting target ranks higher; one where nobody
       met the target (no such cost) comes after those with a cost.
    4. Then by name, so the order never changes from one visit to the next.
    The others follow, unranked, by name, each saying why (`why_not_ranked`): no measure set,
    no pupil measured yet ("not enough data yet"), or measured on fewer pupils than the minimum.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Prefetch

from staff import calendar as school_calendar
from staff.models import AcademicYear, School, User

from .costing import CostedGroup, costed_groups, with_costing_data
from .models import Group, GroupPupil, Intervention, Measure, StaffContract
from .rules import Impact, impact, impact_min_pupils, improvement, met_target, rate

COUNTED = (Group.Status.RUNNING, Group.Status.ENDED)
# What the impact figures read of a place (and its pupil's name, to order them).
PLACE_FIELDS = ("group_id", "pupil_id", "entry_score", "target_score", "exit_score")
NOT_ENOUGH_DATA = "not enough data yet"

Place = tuple[Decimal | None, Decimal | None, Decimal | None]


def school_year(*, school: School, on: date) -> tuple[date, date]:
    """The first and last day of the school's academic year containing `on`."""
    year = AcademicYear.objects.filter(school=school, starts_on__lte=on, ends_on__gte=on).first()
    if year is not None:
        return year.starts_on, year.ends_on
    start = school_calendar.academic_year_start_for(on)
    return date(start, 9, 1), date(start + 1, 8, 31)


def _places(costed: CostedGroup) -> list[GroupPupil]:
    return sorted(
        costed.group.places.all(),
        key=lambda p: (p.pupil.legal_last_name.casefold(), p.pupil.legal_first_name.casefold()),
    )


def _measures(places: Iterable[GroupPupil], measure: Measure | None) -> list[Place]:
    """(entry, target, exit) per pupil; all unknown when the intervention has no measure, since
    a score means nothing without knowing which way is better."""
    if measure is None:
        return [(None, None, None) for _ in places]
    return [(p.entry_score, p.target_score, p.exit_score) for p in places]


def _attendance(groups: Iterable[CostedGroup]) -> Decimal | None:
    """Attendance across groups: every attendance mark of every session run counts once (the
    counts `costing.with_costing_data` annotates)."""
    groups = list(groups)
    return rate(
        sum(getattr(c.group, "present_count", 0) for c in groups),
        sum(getattr(c.group, "expected_count", 0) for c in groups),
    )


# --------------------------------------------------------------------------------------------------
# One group
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PupilResult:
    place: GroupPupil
    improvement: Decimal | None
    met_target: bool | None


@dataclass(frozen=True)
class GroupImpact:
    costed: CostedGroup
    measure: Measure | None
    pupils: list[PupilResult]
    impact: Impact

    @property
    def group(self) -> Group:
        return self.costed.group


def impact_of(costed: CostedGroup) -> GroupImpact:
    """Each pupil's change and target, and the group's impact, from a costed group."""
    measure = costed.group.intervention.measure
    places = _places(costed)
    better = measure.higher_is_better if measure else True
    measures = _measures(places, measure)
    results = [
        PupilResult(
            place=p,
            improvement=improvement(entry=e, exit=x, higher_is_better=better),
            met_target=met_target(exit=x, target=t, higher_is_better=better),
        )
        for p, (e, t, x) in zip(places, measures, strict=True)
    ]
    return GroupImpact(
        costed=costed,
        measure=measure,
        pupils=results,
        impact=impact(places=measures, higher_is_better=better, cost=costed.cost),
    )


def group_impact(*, school: School, public_id, on: date) -> GroupImpact | None:
    """A group of `school` with each pupil's change and target, or None (another school's group
    answers exactly like a missing one)."""
    groups = with_costing_data(
        Group.objects.filter(school=school, public_id=public_id), school=school
    )
    found = costed_groups(school=school, groups=groups, on=on)
    return impact_of(found[0]) if found else None


# --------------------------------------------------------------------------------------------------
# Interventions and the "what works here" ranking
# --------------------------------------------------------------------------------------------------


@dataclass
class InterventionImpact:
    intervention: Intervention
    groups: list[GroupImpact]
    cost: Decimal
    attendance_rate: Decimal | None
    impact: Impact
    rank: int | None = field(default=None)
    not_ranked: str = ""  # why the ranking leaves it out

    @property
    def measure(self) -> Measure | None:
        return self.intervention.measure

    @property
    def pupils(self) -> int:
        return self.impact.pupils

    @property
    def measured(self) -> bool:
        """Whether the share of its pupils meeting their target is known: it has a measure and
        at least one pupil with a target and an exit measure."""
        return self.measure is not None and self.impact.met_target_rate is not None

    @property
    def pupils_measured(self) -> int:
        """The pupils the share meeting target is worked out from (target and exit known)."""
        return self.impact.judged if self.measure is not None else 0

    def ranked_with(self, minimum: int) -> bool:
        return self.measured and self.pupils_measured >= minimum

    def why_not_ranked(self, minimum: int) -> str:
        """Why the ranking leaves it out, in words for the page ("" when it is ranked)."""
        if self.measure is None:
            return "No measure set, so nobody can say which way is better."
        if not self.measured:
            return (
                f"{NOT_ENOUGH_DATA.capitalize()}: no pupil has both a target and an exit measure."
            )
        if self.pupils_measured < minimum:
            n = self.pupils_measured
            return (
                f"Measured on {n} pupil{'' if n == 1 else 's'}; an intervention is ranked from "
                f"{minimum}, since a share of so few says little."
            )
        return ""


def rank(
    items: Iterable[InterventionImpact], *, minimum: int | None = None
) -> list[InterventionImpact]:
    """Order interventions by the "what works here" rule (module docstring): the ones measured
    on at least `minimum` pupils (the setting, by default) numbered 1, 2, 3…, then the others by
    name with rank None and the reason in `not_ranked`."""
    minimum = impact_min_pupils() if minimum is None else minimum
    items = list(items)
    ranked = sorted(
        (i for i in items if i.ranked_with(minimum)),
        key=lambda i: (
            -i.impact.met_target_rate,
            i.impact.cost_per_pupil_meeting_target is None,
            i.impact.cost_per_pupil_meeting_target or Decimal(0),
            i.intervention.name.casefold(),
        ),
    )
    for position, item in enumerate(ranked, start=1):
        item.rank = position
    rest = sorted(
        (i for i in items if not i.ranked_with(minimum)),
        key=lambda i: i.intervention.name.casefold(),
    )
    for item in rest:
        item.rank = None
        item.not_ranked = item.why_not_ranked(minimum)
    return ranked + rest


def year_groups(
    *, school: School, on: date, year: tuple[date, date] | None = None
) -> list[CostedGroup]:
    """The groups that count this academic year (module docstring), costed, by name. `year` is
    the (first, last) day from `school_year`, when the caller has already read it."""
    start, end = year or school_year(school=school, on=on)
    places = GroupPupil.objects.filter(school=school).select_related("pupil").order_by()
    groups = with_costing_data(
        Group.objects.filter(
            school=school, status__in=COUNTED, starts_on__lte=end, ends_on__gte=start
        ).order_by("name"),
        school=school,
        people=False,
    ).prefetch_related(
        Prefetch(
            "places",
            places.only(*PLACE_FIELDS, "pupil__legal_first_name", "pupil__legal_last_name"),
        )
    )
    return costed_groups(school=school, groups=groups, on=on)


def intervention_impacts(
    *, school: School, on: date, year: tuple[date, date] | None = None
) -> list[InterventionImpact]:
    """Every intervention with groups this academic year, ranked."""
    groups = year_groups(school=school, on=on, year=year)
    by_intervention: dict[int, list[GroupImpact]] = {}
    for costed in groups:
        by_intervention.setdefault(costed.group.intervention_id, []).append(impact_of(costed))
    items = []
    for members in by_intervention.values():
        intervention = members[0].group.intervention
        measure = intervention.measure
        places = [r.place for g in members for r in g.pupils]
        cost = sum((g.costed.cost for g in members), Decimal(0))
        items.append(
            InterventionImpact(
                intervention=intervention,
                groups=members,
                cost=cost,
                attendance_rate=_attendance(g.costed for g in members),
                impact=impact(
                    places=_measures(places, measure),
                    higher_is_better=measure.higher_is_better if measure else True,
                    cost=cost,
                ),
            )
        )
    return rank(items)


def measured_total(items: Iterable[InterventionImpact]) -> tuple[int, int]:
    """Across a school's interventions: the pupils measured (a target and an exit measure, in an
    intervention with a measure; a pupil in two groups counts twice) and how many of them met
    their target."""
    items = [i for i in items if i.measure is not None]
    return sum(i.pupils_measured for i in items), sum(i.impact.met_target for i in items)


# --------------------------------------------------------------------------------------------------
# TA deployment
# --------------------------------------------------------------------------------------------------


@dataclass
class Deployment:
    """A member of staff's contracted hours against the session time of the running groups
    they staff (session time only: no preparation, no travel between rooms)."""

    user: User
    contract: StaffContract | None
    groups: list[CostedGroup] = field(default_factory=list)

    @property
    def contracted_hours(self) -> Decimal | None:
        return self.contract.hours_per_week if self.contract else None

    @property
    def group_hours(self) -> Decimal:
        return sum((c.hours_per_week for c in self.groups), Decimal("0.00"))

    @property
    def spare_hours(self) -> Decimal | None:
        """Contracted hours less group hours; negative when over contract; None without a
        contract."""
        if self.contract is None:
            return None
        return self.contract.hours_per_week - self.group_hours

    @property
    def over_contract(self) -> bool:
        return self.spare_hours is not None and self.spare_hours < 0

    @property
    def over_by(self) -> Decimal | None:
        return -self.spare_hours if self.over_contract else None


def deployment(*, school: School, on: date) -> list[Deployment]:
    """Each member of staff who runs a running group of `school` or has a contract there, by
    name. Every person staffing a group is counted for its whole session time."""
    running = with_costing_data(
        Group.objects.filter(school=school, status=Group.Status.RUNNING).order_by("name"),
        school=school,
    )
    people: dict[int, Deployment] = {}
    for contract in StaffContract.objects.filter(school=school).select_related("user", "rate"):
        people[contract.user_id] = Deployment(user=contract.user, contract=contract)
    for costed in costed_groups(school=school, groups=running, on=on):
        for person in costed.group.staff.all():
            people.setdefault(person.pk, Deployment(user=person, contract=None))
            people[person.pk].groups.append(costed)
    return sorted(
        people.values(), key=lambda d: ((d.user.full_name or d.user.email).casefold(), d.user.pk)
    )
