"""Reads of the provision map (by term, year group and class) and of one pupil's costed
provision, in a constant number of queries whatever the number of groups and pupils.

Costs and delivery come from `costing.costed_groups`. What the map shows of every group of the
academic year (the totals, the budget line summing the year's notional-SEN-funded ones with
`costing.budget_line`, which groups are in the term) is worked out once and kept for the school
until a write changes it (`MapSummary`, `staff.deadline_cache`); each page reads the delivery,
staff and pupils of its own 25 groups only.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.db.models import Count, OuterRef, Q

from register.models import Pupil, TeachingGroup, YearGroup, name_shown
from staff import calendar as school_calendar
from staff import deadline_cache
from staff.calendar import SeasonTerm
from staff.models import AcademicYear, School, Term

from .costing import (
    CostedGroup,
    CostedItemRow,
    above_threshold,
    annual_cost,
    budget_line,
    costed_groups,
    count_of,
    items_in_year,
    notional_sen_items,
    notional_sen_planned,
    shown_share,
    with_costing_data,
)
from .map_forms import MapFilterForm
from .models import Attendance, CostedItem, Group, GroupPupil, SenBudget
from .rules import notional_sen_threshold

# --------------------------------------------------------------------------------------------------
# Terms: a "term" is both halves of a season of the school's academic year
# --------------------------------------------------------------------------------------------------


def terms_of_year(*, school: School, on: date) -> tuple[AcademicYear | None, list[SeasonTerm]]:
    """The academic year containing `on` and its terms (autumn, spring, summer), in one query."""
    halves = list(
        Term.objects.filter(
            school=school, academic_year__starts_on__lte=on, academic_year__ends_on__gte=on
        )
        .select_related("academic_year")
        .order_by("starts_on")
    )
    if not halves:
        year = AcademicYear.objects.filter(
            school=school, starts_on__lte=on, ends_on__gte=on
        ).first()
        return year, []
    seasons: dict[str, list[Term]] = {}
    for half in halves:
        seasons.setdefault(half.season, []).append(half)
    terms = [
        SeasonTerm(
            season=season,
            label=Term.Season(season).label,
            starts_on=min(h.starts_on for h in rows),
            ends_on=max(h.ends_on for h in rows),
        )
        for season, rows in seasons.items()
    ]
    return halves[0].academic_year, sorted(terms, key=lambda t: t.starts_on)


def current_term(terms: list[SeasonTerm], on: date) -> SeasonTerm | None:
    """The term holding `on`; in a holiday the next one; after the last, the last."""
    for term in terms:
        if on <= term.ends_on:
            return term
    return terms[-1] if terms else None


# --------------------------------------------------------------------------------------------------
# The map
# --------------------------------------------------------------------------------------------------


@dataclass
class MapRow:
    costed: CostedGroup
    pupils: list[str]  # the names of the pupils shown, by surname
    staff: list[str]  # the names of the group's staff
    share_shown: Decimal | None  # the shown pupils' share of the cost, when filtered


@dataclass
class Budget:
    academic_year: AcademicYear
    amount: Decimal | None  # None: no budget entered
    planned: Decimal  # planned cost of the year's notional-SEN-funded groups
    groups: int
    remaining: Decimal | None = None
    over: Decimal | None = None
    used_rate: Decimal | None = None


@dataclass
class ProvisionMap:
    academic_year: AcademicYear | None
    terms: list[SeasonTerm]
    term: SeasonTerm | None
    form: MapFilterForm
    filtered: bool = False
    year_group: str = ""
    year_label: str = ""
    class_name: str = ""
    rows: list[MapRow] = field(default_factory=list)  # of the page shown (all, printed)
    page: Page | None = None  # the page of groups shown on screen
    groups: int = 0  # groups in the map (every page)
    pupils_reached: int = 0
    hours_per_week: Decimal = Decimal(0)
    cost: Decimal = Decimal(0)
    share_shown: Decimal = Decimal(0)
    budget: Budget | None = None
    items: list[CostedItemRow] = field(default_factory=list)  # pupils' other costed provision
    items_cost: Decimal = Decimal(0)  # their cost this academic year
    items_count: int = 0  # how many (`items` holds only the first ones on screen)

    @property
    def total_cost(self) -> Decimal:
        """The groups' cost and the pupils' other costed provision together."""
        return self.cost + self.items_cost

    @property
    def description(self) -> str:
        """ "Autumn term 2026/27, Year 3" for titles and the PDF."""
        if self.term is None or self.academic_year is None:
            return "No term dates"
        parts = [f"{self.term.label} term {self.academic_year.name}"]
        parts += [p for p in (self.year_label, self.class_name) if p]
        return ", ".join(parts)


def _overlaps(starts_on: date, ends_on: date | None, term: SeasonTerm) -> bool:
    return starts_on <= term.ends_on and (ends_on is None or ends_on >= term.starts_on)


def _item_end(item: CostedItem) -> date | None:
    """The last day an item is provided: a one-off on its day, a cost a year to its end (None
    while ongoing)."""
    return item.starts_on if item.basis == CostedItem.Basis.ONE_OFF else item.ends_on


def _budget(
    *, school: School, year: AcademicYear, costed: list[CostedGroup], items: list[CostedItemRow]
) -> Budget:
    """The notional SEN budget against the planned cost of the year's groups and pupils' other
    costed provision funded from it."""
    planned, groups = notional_sen_planned(costed)
    planned += notional_sen_items(items)
    row = SenBudget.objects.filter(school=school, academic_year=year).first()
    line = budget_line(amount=row.amount if row else None, planned=planned)
    return Budget(
        academic_year=year,
        amount=row.amount if row else None,
        planned=planned,
        groups=groups,
        remaining=line.remaining,
        over=line.over,
        used_rate=line.used_rate,
    )


MAP_PAGE_SIZE = 25
MAP_ITEMS_SHOWN = 25  # pupils' other costed provision listed on screen


def _places_shown(*, school: School, term: SeasonTerm, year_group: str, teaching_group) -> Q:
    """The places a map shows, as a condition on `GroupPupil`: in the term, of the pupils of
    the year group and class asked for."""
    shown = Q(school=school, joined_on__lte=term.ends_on) & (
        Q(left_on__isnull=True) | Q(left_on__gte=term.starts_on)
    )
    if year_group:
        shown &= Q(pupil__year_group=year_group)
    if teaching_group is not None:
        shown &= Q(pupil__teaching_groups=teaching_group)
    return shown


def _map_rows(
    *, school: School, on: date, shown: Q, group_ids: list[int], filtered: bool
) -> list[MapRow]:
    """The rows of the groups of one page (or of the whole map, printed), in `group_ids`'
    order: their delivery and the names of the pupils shown, in a constant number of queries
    however many groups; the staff are named by `_name_staff`. The names are read as names,
    not as people: a page of 25 groups names some 150 pupils, and a model instance for each is
    most of the page's time in Python."""
    groups = with_costing_data(
        Group.objects.filter(school=school, pk__in=group_ids).order_by(),
        school=school,
        people=False,
    )
    full = {c.group.pk: c for c in costed_groups(school=school, groups=groups, on=on)}
    pupils: dict[int, list[tuple]] = defaultdict(list)
    for group_id, *names in (
        GroupPupil.objects.filter(shown, group__in=group_ids)
        .order_by()
        .values_list("group_id", *(f"pupil__{name}" for name in MAP_PUPIL_FIELDS))
    ):
        pupils[group_id].append(_pupil_name(*names))
    rows = []
    for group_id in group_ids:
        item = full[group_id]
        names = [name for _, name in sorted(pupils[group_id])]
        share = None
        if filtered:
            share = shown_share(cost_per_pupil=item.cost_per_pupil, pupils=len(names))
        rows.append(MapRow(costed=item, pupils=names, staff=[], share_shown=share))
    return rows


def _name_staff(rows: list[MapRow]) -> list[MapRow]:
    """Each row's staff by name (one query): read at every request, as a change to a person's
    name gives no school a new stamp (`staff.deadline_cache`), so it is never kept with the
    rows."""
    staff: dict[int, list[str]] = defaultdict(list)
    for group_id, name in Group.staff.through.objects.filter(
        group__in=[row.costed.group.pk for row in rows]
    ).values_list("group_id", "user__full_name"):
        staff[group_id].append(name)
    for row in rows:
        row.staff = sorted(staff[row.costed.group.pk], key=lambda n: (n.casefold(), n))
    return rows


def _pupil_name(legal_first: str, legal_last: str, first: str, last: str) -> tuple[tuple, str]:
    """A pupil's name as `Pupil.name` writes it, with the key the map sorts by (surname)."""
    first, last = name_shown(first, legal_first), name_shown(last, legal_last)
    return (last.casefold(), first.casefold()), f"{first} {last}"


MAP_PUPIL_FIELDS = (  # in `_pupil_name`'s order
    "legal_first_name",
    "legal_last_name",
    "preferred_first_name",
    "preferred_last_name",
)


@dataclass
class MapSummary:
    """What a map shows of every group and item in it, whichever page is asked for: kept for
    the school between writes (`staff.deadline_cache`), as it is worked out from every group of
    the academic year."""

    group_ids: list[int]  # the term's groups in the map's order
    hours_per_week: Decimal
    cost: Decimal
    share_shown: Decimal
    pupils_reached: int
    items: list[CostedItemRow]  # every one in the map (the screen lists the first ones)
    budget: Budget


def _summary(
    *,
    school: School,
    year: AcademicYear,
    term: SeasonTerm,
    on: date,
    shown: Q,
    filtered: bool,
    year_group: str,
    teaching_group: TeachingGroup | None,
) -> MapSummary:
    """The costs of the year's groups (for the budget line and the totals) from counts read in
    SQL, the term's groups shown in the map, and the pupils' other costed provision."""
    groups = with_costing_data(
        Group.objects.filter(
            school=school, starts_on__lte=year.ends_on, ends_on__gte=year.starts_on
        ).order_by("intervention__name", "name", "pk"),
        school=school,
        delivery=False,
        people=False,
    )
    if filtered:
        groups = groups.annotate(
            shown_count=count_of(GroupPupil.objects.filter(shown, group=OuterRef("pk")))
        )
    costed = costed_groups(school=school, groups=list(groups), on=on, delivery=False)
    in_term = [
        c
        for c in costed
        if _overlaps(c.group.starts_on, c.group.ends_on, term)
        and (not filtered or c.group.shown_count)
    ]
    hours, cost, share_shown = Decimal(0), Decimal(0), Decimal(0)
    for item in in_term:
        hours += item.hours_per_week
        cost += item.cost
        if filtered:
            share = shown_share(cost_per_pupil=item.cost_per_pupil, pupils=item.group.shown_count)
            share_shown += share or Decimal(0)
    pupils_reached = (
        GroupPupil.objects.filter(
            shown,
            group__school=school,  # the join's school condition: no scan of every group
            group__starts_on__lte=term.ends_on,
            group__ends_on__gte=term.starts_on,
        )
        .order_by()
        .aggregate(n=Count("pupil_id", distinct=True))["n"]
    )
    items = items_in_year(school=school, year=(year.starts_on, year.ends_on))
    class_pupils: set[int] | None = None
    if teaching_group is not None:
        class_pupils = set(
            Pupil.objects.filter(school=school, teaching_groups=teaching_group).values_list(
                "pk", flat=True
            )
        )
    shown_items = [
        row
        for row in items
        if _overlaps(row.item.starts_on, _item_end(row.item), term)
        and (not year_group or row.item.pupil.year_group == year_group)
        and (class_pupils is None or row.item.pupil_id in class_pupils)
    ]
    return MapSummary(
        group_ids=[c.group.pk for c in in_term],
        hours_per_week=hours,
        cost=cost,
        share_shown=share_shown,
        pupils_reached=pupils_reached,
        items=shown_items,
        budget=_budget(school=school, year=year, costed=costed, items=items),
    )


def provision_map(*, school: School, on: date, params, paginate: bool = True) -> ProvisionMap:
    """The map for the term, year group and class chosen in `params` (a GET QueryDict), in a
    constant number of queries whatever the number of groups and pupils.

    What the map shows of every group (`MapSummary`: the totals, the budget line, which groups
    are in it) is kept for the school between writes; the delivery, staff and pupils are read
    only for the groups of the page asked for (`params["page"]`), or of the whole map when
    `paginate` is off (the print view and the PDF, documents bounded by the school's groups of
    the term)."""
    year, terms = terms_of_year(school=school, on=on)
    classes = (
        list(TeachingGroup.objects.filter(school=school, academic_year=year).order_by("name"))
        if year
        else []
    )
    default = current_term(terms, on)
    data = params.copy() if params else {}
    if default is not None and not data.get("term"):
        data["term"] = default.season  # so the form shows the term the map shows
    form = MapFilterForm(data, terms=terms, classes=classes)
    chosen = form.cleaned_data if form.is_valid() else {}
    by_season = {t.season: t for t in terms}
    term = by_season.get(chosen.get("term") or "") or default
    result = ProvisionMap(academic_year=year, terms=terms, term=term, form=form)
    if year is None or term is None:
        return result

    year_group = chosen.get("year") or ""
    teaching_group = next(
        (c for c in classes if str(c.pk) == (chosen.get("teaching_group") or "")), None
    )
    result.filtered = bool(year_group or teaching_group)
    result.year_group = year_group
    result.year_label = YearGroup(year_group).label if year_group else ""
    result.class_name = f"class {teaching_group.name}" if teaching_group else ""
    shown = _places_shown(
        school=school, term=term, year_group=year_group, teaching_group=teaching_group
    )
    kept_as = f"provision-map:{year.pk}:{term.season}:{year_group}:" + (
        f"{teaching_group.pk if teaching_group else ''}"
    )
    summary = deadline_cache.kept(
        school_id=school.pk,
        today=on,
        weeks=0,
        name=kept_as,
        work_out=lambda: _summary(
            school=school,
            year=year,
            term=term,
            on=on,
            shown=shown,
            filtered=result.filtered,
            year_group=year_group,
            teaching_group=teaching_group,
        ),
    )
    result.groups = len(summary.group_ids)
    result.hours_per_week = summary.hours_per_week
    result.cost = summary.cost
    result.share_shown = summary.share_shown
    result.pupils_reached = summary.pupils_reached
    result.budget = summary.budget
    group_ids = summary.group_ids

    def rows() -> list[MapRow]:
        return _map_rows(
            school=school, on=on, shown=shown, group_ids=group_ids, filtered=result.filtered
        )

    if paginate:
        # A page's rows are kept as the summary is, under the same stamp: the page's groups
        # are the summary's, and their delivery changes only with a write to the school.
        result.page = Paginator(group_ids, MAP_PAGE_SIZE).get_page(data.get("page"))
        group_ids = list(result.page)
        result.rows = deadline_cache.kept(
            school_id=school.pk,
            today=on,
            weeks=0,
            name=f"{kept_as}:page:{result.page.number}",
            work_out=rows,
        )
    else:
        result.rows = rows()
    _name_staff(result.rows)
    result.items = summary.items
    result.items_cost = sum((r.cost_in_year for r in result.items), Decimal(0))
    result.items_count = len(result.items)
    if paginate:  # on screen, a window of them: the print view and the PDF list them all
        result.items = result.items[:MAP_ITEMS_SHOWN]
    return result


@dataclass
class PupilPlace:
    place: GroupPupil
    costed: CostedGroup
    attended: int  # sessions run that the pupil attended
    marked: int  # sessions run with the pupil on the register
    current: bool  # the pupil is in the group today


def pupil_provision_data(*, school: School, pupil: Pupil, on: date) -> dict:
    """Every place the pupil has in a group running in the academic year containing `on`, with
    the pupil's share of each group's cost.

    The annual cost rule: a pupil's cost for a group is their equal share of the group's planned
    cost over the group's whole period (`cost_per_pupil`: groups run within a term or a year, so
    it is not pro-rated by the date the pupil joined); the annual cost is the sum of those shares
    over the pupil's places in groups that run in the academic year, plus what the pupil's other
    costed provision (one-to-one support, equipment, specialists) costs in that year."""
    year = AcademicYear.objects.filter(school=school, starts_on__lte=on, ends_on__gte=on).first()
    if year is not None:
        starts_on, ends_on = year.starts_on, year.ends_on
    else:
        start = school_calendar.academic_year_start_for(on)
        starts_on, ends_on = date(start, 9, 1), date(start + 1, 8, 31)
    places = {
        p.group_id: p
        for p in GroupPupil.objects.filter(
            school=school,
            pupil=pupil,
            group__starts_on__lte=ends_on,
            group__ends_on__gte=starts_on,
        )
    }
    groups = with_costing_data(
        Group.objects.filter(school=school, pk__in=list(places)).order_by("starts_on", "name"),
        school=school,
    )
    costed = costed_groups(school=school, groups=groups, on=on) if places else []
    marks = {
        row["session__group"]: row
        for row in Attendance.objects.filter(
            school=school, pupil=pupil, session__group__in=list(places), session__ran=True
        )
        .values("session__group")
        .annotate(attended=Count("pk", filter=Q(present=True)), marked=Count("pk"))
    }
    rows = []
    for item in costed:
        place = places[item.group.pk]
        mark = marks.get(item.group.pk, {})
        rows.append(
            PupilPlace(
                place=place,
                costed=item,
                attended=mark.get("attended", 0),
                marked=mark.get("marked", 0),
                current=item.group.starts_on <= on <= item.group.ends_on
                and place.joined_on <= on
                and (place.left_on is None or place.left_on >= on)
                and item.group.status != Group.Status.ENDED,
            )
        )
    items = items_in_year(school=school, year=(starts_on, ends_on), pupil=pupil)
    total = annual_cost((r.costed.cost_per_pupil for r in rows), (i.cost_in_year for i in items))
    threshold = notional_sen_threshold()
    above_by = above_threshold(total=total, threshold=threshold)
    return {
        "rows": rows,
        "items": items,
        "groups_total": annual_cost(r.costed.cost_per_pupil for r in rows),
        "items_total": annual_cost((), (i.cost_in_year for i in items)),
        "starts_on": starts_on,
        "ends_on": ends_on,
        "academic_year_name": school_calendar.school_year_name(starts_on.year),
        "total": total,
        "hours_now": sum((r.costed.hours_per_week for r in rows if r.current), Decimal(0)),
        "threshold": threshold,
        "above_threshold": above_by is not None,
        "above_by": above_by,
    }


def costed_item_for(*, school: School, pupil: Pupil, public_id) -> CostedItem | None:
    """One of the pupil's costed items; another school's or pupil's answers like a missing one."""
    return CostedItem.objects.filter(school=school, pupil=pupil, public_id=public_id).first()
