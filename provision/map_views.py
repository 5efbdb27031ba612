"""The provision map (by term, year group or class; on screen, printed and as a PDF) and one
pupil's costed provision.

Costs and delivery come from `costing.costed_groups`, computed once per page for every group of
the academic year; the map then keeps the term's groups, and the budget line sums the year's
notional-SEN-funded ones. Every page names pupils, so every page is audited.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django import forms
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.text import slugify
from django.views.decorators.http import require_safe

from register.models import Pupil, TeachingGroup, YearGroup
from register.selectors import pupil_for
from register.services import pupil_audit
from staff import calendar as school_calendar
from staff.calendar import SeasonTerm
from staff.capabilities import Cap
from staff.models import AcademicYear, School, Term
from staff.pdf import render_pdf
from staff.services import audit
from staff.tenancy import school_view

from .costing import CostedGroup, costed_groups, with_costing_data
from .models import Attendance, Group, GroupPupil, SenBudget
from .rules import money, notional_sen_threshold

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
# The map's reads
# --------------------------------------------------------------------------------------------------


class MapFilterForm(forms.Form):
    term = forms.ChoiceField(label="Term", required=False)
    year = forms.ChoiceField(label="Year group", required=False)
    teaching_group = forms.ChoiceField(label="Class", required=False)

    def __init__(self, *args, terms: list[SeasonTerm], classes: list[TeachingGroup], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["term"].choices = [
            (t.season, f"{t.label} ({t.starts_on:%d/%m/%Y} to {t.ends_on:%d/%m/%Y})") for t in terms
        ]
        self.fields["year"].choices = [("", "Every year group"), *YearGroup.choices]
        self.fields["teaching_group"].choices = [("", "Every class")] + [
            (str(c.pk), c.name) for c in classes
        ]


@dataclass
class MapRow:
    costed: CostedGroup
    pupils: list[Pupil]
    staff: list
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
    rows: list[MapRow] = field(default_factory=list)
    pupils_reached: int = 0
    hours_per_week: Decimal = Decimal(0)
    cost: Decimal = Decimal(0)
    share_shown: Decimal = Decimal(0)
    budget: Budget | None = None

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


def _budget(*, school: School, year: AcademicYear, costed: list[CostedGroup]) -> Budget:
    funded = [c for c in costed if c.group.funding == Group.Funding.NOTIONAL_SEN]
    planned = money(sum((c.cost for c in funded), Decimal(0)))
    row = SenBudget.objects.filter(school=school, academic_year=year).first()
    budget = Budget(
        academic_year=year,
        amount=row.amount if row else None,
        planned=planned,
        groups=len(funded),
    )
    if row is not None:
        difference = row.amount - planned
        budget.remaining = difference if difference >= 0 else None
        budget.over = -difference if difference < 0 else None
        if row.amount > 0:
            budget.used_rate = (planned * 100 / row.amount).quantize(Decimal("0.1"))
    return budget


def provision_map(*, school: School, on: date, params) -> ProvisionMap:
    """The map for the term, year group and class chosen in `params` (a GET QueryDict), in a
    constant number of queries whatever the number of groups and pupils."""
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
    class_pupils: set[int] | None = None
    if teaching_group is not None:
        class_pupils = set(
            Pupil.objects.filter(teaching_groups=teaching_group).values_list("pk", flat=True)
        )
    result.filtered = bool(year_group or teaching_group)
    result.year_group = year_group
    result.year_label = YearGroup(year_group).label if year_group else ""
    result.class_name = f"class {teaching_group.name}" if teaching_group else ""

    groups = with_costing_data(
        Group.objects.filter(
            school=school, starts_on__lte=year.ends_on, ends_on__gte=year.starts_on
        ).order_by("intervention__name", "name", "pk")
    )
    costed = costed_groups(school=school, groups=groups, on=on)

    reached: set[int] = set()
    for item in costed:
        group = item.group
        if not _overlaps(group.starts_on, group.ends_on, term):
            continue
        places = [p for p in group.places.all() if _overlaps(p.joined_on, p.left_on, term)]
        pupils = [
            p.pupil
            for p in places
            if (not year_group or p.pupil.year_group == year_group)
            and (class_pupils is None or p.pupil_id in class_pupils)
        ]
        if result.filtered and not pupils:
            continue
        pupils.sort(key=lambda p: (p.last_name.casefold(), p.first_name.casefold()))
        share = None
        if result.filtered and item.cost_per_pupil is not None:
            share = money(item.cost_per_pupil * len(pupils))
            result.share_shown += share
        result.rows.append(
            MapRow(
                costed=item,
                pupils=pupils,
                staff=sorted(group.staff.all(), key=lambda u: u.full_name.casefold()),
                share_shown=share,
            )
        )
        reached.update(p.pk for p in pupils)
        result.hours_per_week += item.hours_per_week
        result.cost += item.cost
    result.pupils_reached = len(reached)
    result.budget = _budget(school=school, year=year, costed=costed)
    return result


def _audit_map(request: HttpRequest, found: ProvisionMap, action: str, **extra) -> None:
    """One event per page: which term and filter, and how many groups and pupils it showed."""
    audit(
        action=action,
        actor=request.access.user,
        school=request.school,
        role=request.access.role,
        detail={
            "term": found.term.season if found.term else "",
            "academic_year": found.academic_year.name if found.academic_year else "",
            "year_group": found.year_group,
            "class": found.class_name,
            "groups": len(found.rows),
            "pupils": found.pupils_reached,
            **extra,
        },
    )


# --------------------------------------------------------------------------------------------------
# The map's pages
# --------------------------------------------------------------------------------------------------


def _map_context(request: HttpRequest) -> dict:
    today = timezone.localdate()
    found = provision_map(school=request.school, on=today, params=request.GET)
    return {
        "map": found,
        "today": today,
        "query": request.GET.urlencode(),
        "threshold": notional_sen_threshold(),
    }


@school_view(Cap.PROVISION_MAP)
@require_safe
def map_page(request: HttpRequest) -> HttpResponse:
    context = _map_context(request)
    _audit_map(request, context["map"], "provision.map.viewed")
    return render(request, "provision/map/map.html", context)


@school_view(Cap.PROVISION_MAP)
@require_safe
def map_print(request: HttpRequest) -> HttpResponse:
    context = _map_context(request)
    _audit_map(request, context["map"], "provision.map.printed", format="html")
    return render(request, "provision/map/print.html", context)


def pdf_filename(*, school: School, found: ProvisionMap) -> str:
    """provision-map-acorn-autumn-2026-27[-year-3][-class-3b].pdf"""
    parts = ["provision-map", school.slug]
    if found.term and found.academic_year:
        start = found.academic_year.starts_on.year
        parts += [found.term.season, f"{start}-{(start + 1) % 100:02d}"]
    parts += [p for p in (found.year_label, found.class_name) if p]
    return slugify("-".join(parts)) + ".pdf"


@school_view(Cap.PROVISION_MAP)
@require_safe
def map_pdf(request: HttpRequest) -> HttpResponse:
    context = _map_context(request)
    found = context["map"]
    html = render_to_string("provision/map/print.html", {**context, "pdf": True}, request=request)
    pdf = render_pdf(html, base_url=request.build_absolute_uri("/"))
    _audit_map(request, found, "provision.map.printed", format="pdf")
    filename = pdf_filename(school=request.school, found=found)
    response = HttpResponse(
        pdf,
        content_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
    add_never_cache_headers(response)
    return response


# --------------------------------------------------------------------------------------------------
# One pupil's costed provision
# --------------------------------------------------------------------------------------------------


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
    over the pupil's places in groups that run in the academic year."""
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
        Group.objects.filter(school=school, pk__in=list(places)).order_by("starts_on", "name")
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
    total = money(sum((r.costed.cost_per_pupil or Decimal(0) for r in rows), Decimal(0)))
    threshold = notional_sen_threshold()
    return {
        "rows": rows,
        "starts_on": starts_on,
        "ends_on": ends_on,
        "academic_year_name": school_calendar.school_year_name(starts_on.year),
        "total": total,
        "hours_now": sum((r.costed.hours_per_week for r in rows if r.current), Decimal(0)),
        "threshold": threshold,
        "above_threshold": total > threshold,
        "above_by": total - threshold if total > threshold else None,
    }


@school_view(Cap.PROVISION_MAP)
@require_safe
def pupil_provision(request: HttpRequest, public_id) -> HttpResponse:
    today = timezone.localdate()
    pupil = pupil_for(access=request.access, public_id=public_id, on=today)
    if pupil is None:
        raise Http404("No such pupil.")
    data = pupil_provision_data(school=request.school, pupil=pupil, on=today)
    pupil_audit(access=request.access, pupil=pupil, action="provision.pupil_costs_viewed")
    return render(
        request,
        "provision/map/pupil.html",
        {"pupil": pupil, "today": today, **data},
    )
