"""School-scoped reads of the register. Every list of pupils starts from `pupils_visible_to`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.paginator import Page, Paginator
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    FilteredRelation,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Concat, Lower, NullIf

from staff import deadline_cache
from staff.bounds import years_away
from staff.capabilities import CLASS_REACHES, Reach, pupil_reach
from staff.models import AcademicYear, School, User
from staff.parsing import whole_number
from staff.selectors import only_name, unique_row
from staff.tenancy import Access

from . import rules
from .models import (
    YEAR_ORDER,
    Concern,
    LookedAfterPeriod,
    Need,
    PassportVersion,
    Pupil,
    PupilPremiumPeriod,
    SenStatus,
    SupportLayer,
    TeachingGroup,
    ViewsGiven,
)


def groups_of(*, access: Access, on: date) -> QuerySet[TeachingGroup]:
    """The classes of the academic year containing `on` that this person teaches or supports."""
    groups = TeachingGroup.objects.filter(
        school=access.school,
        academic_year__starts_on__lte=on,
        academic_year__ends_on__gte=on,
    )
    reach = pupil_reach(access.role)
    if reach == Reach.CLASSES_TAUGHT:
        return groups.filter(teachers=access.user)
    if reach == Reach.CLASSES_SUPPORTED:
        return groups.filter(assistants=access.user)
    if reach == Reach.SCHOOL:
        return groups
    return groups.none()


def pupils_visible_to(*, access: Access, on: date) -> QuerySet[Pupil]:
    """Whole school for the SENDCo, trust lead and head; a teacher's or TA's own classes;
    nobody for a governor."""
    pupils = Pupil.objects.for_school(access.school)
    reach = pupil_reach(access.role)
    if reach == Reach.SCHOOL:
        return pupils
    if reach in CLASS_REACHES:
        mine = groups_of(access=access, on=on).filter(pupils=OuterRef("pk"))
        return pupils.filter(Exists(mine))
    return pupils.none()


def covering(on: date) -> Q:
    """A period (starts_on, ends_on) holding on `on`, as a condition."""
    return Q(starts_on__lte=on) & (Q(ends_on__isnull=True) | Q(ends_on__gte=on))


REGISTER_PAGE_SIZE = 50


def register_rows(*, access: Access, on: date) -> QuerySet[Pupil]:
    """Pupils on roll on `on` with the status and needs that covered that date prefetched (a
    constant number of queries; for a teacher's or TA's classes on the home page)."""
    held = covering(on)
    return (
        pupils_visible_to(access=access, on=on)
        .on_roll(on)
        .prefetch_related(
            Prefetch("sen_statuses", SenStatus.objects.filter(held), to_attr="statuses_on"),
            Prefetch(
                "needs",
                Need.objects.filter(held).select_related("need_type").order_by("rank"),
                to_attr="needs_on",
            ),
        )
        .order_by("legal_last_name", "legal_first_name")
    )


def _status_covering(on: date, schools: Q) -> FilteredRelation:
    """The join on the one SEN status covering `on`, among the statuses `schools` picks."""
    return FilteredRelation(
        "sen_statuses",
        condition=schools
        & Q(sen_statuses__starts_on__lte=on)
        & (Q(sen_statuses__ends_on__isnull=True) | Q(sen_statuses__ends_on__gte=on)),
    )


def with_sen_category(
    pupils: QuerySet[Pupil], *, school_ids: list[int], on: date
) -> QuerySet[Pupil]:
    """Each pupil's SEN category on `on`, as `with_category_and_need` gives it, for pupils of any
    of these schools (a trust's): one join, the statuses read by their index on the school."""
    status = _status_covering(on, Q(sen_statuses__school_id__in=school_ids))
    return pupils.alias(status_on=status).annotate(
        sen_category=Coalesce("status_on__category", Value(rules.N))
    )


def with_category_and_need(pupils: QuerySet[Pupil], school: School, on: date) -> QuerySet[Pupil]:
    """Each pupil's SEN category on `on` (N when no status covers it; periods of one kind do not
    overlap) and primary need's code and broad area, as columns the database filters and sorts
    by: joins on the one status and the one primary need covering the date, so the database
    reads the school's statuses and needs (by its index on the school, never the trust's) once
    instead of once per pupil."""
    status = _status_covering(on, Q(sen_statuses__school=school))
    primary = FilteredRelation(
        "needs",
        condition=Q(needs__school=school, needs__rank=1, needs__starts_on__lte=on)
        & (Q(needs__ends_on__isnull=True) | Q(needs__ends_on__gte=on)),
    )
    return pupils.alias(status_on=status, primary_on=primary).annotate(
        sen_category=Coalesce("status_on__category", Value(rules.N)),
        need_code=F("primary_on__need_type__code"),
        need_name=F("primary_on__need_type__name"),
        need_area=F("primary_on__need_type__broad_area"),
    )


def _of_school(rows: QuerySet, school) -> QuerySet:
    """`rows` of the school (a School or its id), or of the schools (a list of ids: a trust's
    at once): the condition that lets PostgreSQL read those schools' periods by its index
    instead of hashing every school's (at the 110-school trust, 6 ms a query against under 1).
    None: every school's."""
    if school is None:
        return rows
    if isinstance(school, list | tuple | set | frozenset):
        return rows.filter(school_id__in=school)
    return rows.filter(school=school)


def pupil_premium_on(on: date, *, school, pupil: str = "pk") -> Exists:
    """Disadvantaged on `on`: means-tested free school meals at any point in the six years up to
    it (`rules.ever_6_fsm`, in SQL) or previously looked after then. Free school meals through
    the Universal Credit extension alone, and service children, are not (`rules.FSM`). `pupil`
    names the pupil's id in the outer query (a place's "pupil_id", say); `school` the school
    they are of (`_of_school`)."""
    periods = _of_school(PupilPremiumPeriod.objects, school).filter(
        pupil=OuterRef(pupil), starts_on__lte=on
    )
    fsm = Q(kind=rules.FSM) & (Q(ends_on__isnull=True) | Q(ends_on__gte=years_away(on, -6)))
    plac = Q(kind=rules.PLAC) & (Q(ends_on__isnull=True) | Q(ends_on__gte=on))
    return Exists(periods.filter(fsm | plac))


def layer_on(on: date, *, school, layer: str = "", any_layer: bool = False) -> Exists:
    """The pupil's layer of support on `on` is `layer` (or, with `any_layer`, one is recorded)."""
    periods = _of_school(SupportLayer.objects, school).filter(covering(on), pupil=OuterRef("pk"))
    return Exists(periods if any_layer else periods.filter(layer=layer))


def layer_value_on(on: date, *, school) -> Subquery:
    """The value of the pupil's layer of support on `on` (None when none is recorded)."""
    periods = _of_school(SupportLayer.objects, school).filter(covering(on), pupil=OuterRef("pk"))
    return Subquery(periods.values("layer")[:1])


def looked_after_on(on: date, *, school) -> Exists:
    periods = _of_school(LookedAfterPeriod.objects, school)
    return Exists(periods.filter(covering(on), pupil=OuterRef("pk")))


def _classes_on(on: date, *, school) -> Prefetch:
    """A pupil's classes in the academic year containing `on` (`groups_on`), of their school."""
    return Prefetch(
        "teaching_groups",
        TeachingGroup.objects.filter(
            school=school, academic_year__starts_on__lte=on, academic_year__ends_on__gte=on
        ).order_by("name"),
        to_attr="groups_on",
    )


def searched(pupils: QuerySet[Pupil], search: str) -> QuerySet[Pupil]:
    """A name (as known or legal) or UPN search, in any case, trimmed (the register's search,
    and any page that finds one pupil of a large school by name)."""
    needle = search.strip()
    if not needle:
        return pupils
    known = Concat(
        Coalesce(NullIf("preferred_first_name", Value("")), "legal_first_name"),
        Value(" "),
        Coalesce(NullIf("preferred_last_name", Value("")), "legal_last_name"),
        Value(" "),
        "legal_first_name",
        Value(" "),
        "legal_last_name",
        Value(" "),
        "upn",
        output_field=CharField(),
    )
    return pupils.alias(searched_text=known).filter(searched_text__icontains=needle)


def _filtered(pupils: QuerySet[Pupil], filters: dict, *, school, on: date, search: str):
    """The rows RegisterFilterForm's cleaned data and a name or UPN search keep. Status: "sen"
    (the default) K or E; "K" or "E" only; "all" everyone. A search with no status chosen looks
    through everyone: a pupil is found whether on the register or not."""
    status = filters.get("status") or ("all" if search.strip() else "sen")
    if status == "sen":
        pupils = pupils.filter(sen_category__in=[rules.K, rules.E])
    elif status in (rules.K, rules.E):
        pupils = pupils.filter(sen_category=status)
    if filters.get("year"):
        pupils = pupils.filter(year_group=filters["year"])
    if filters.get("group"):
        pupils = pupils.filter(teaching_groups__pk=whole_number(filters["group"], least=1))
    if filters.get("need"):
        pupils = pupils.filter(need_code=filters["need"])
    if filters.get("area"):
        pupils = pupils.filter(need_area=filters["area"])
    if filters.get("layer") == "none":
        pupils = pupils.exclude(layer_on(on, school=school, any_layer=True))
    elif filters.get("layer"):
        pupils = pupils.filter(layer_on(on, school=school, layer=filters["layer"]))
    if filters.get("pp"):
        pupils = pupils.filter(pupil_premium_on(on, school=school))
    if filters.get("lac"):  # offered only to those shown who is looked after
        pupils = pupils.filter(looked_after_on(on, school=school))
    if filters.get("eal"):
        pupils = pupils.filter(eal=True)
    return searched(pupils, search)


def _sorted(pupils: QuerySet[Pupil], sort: str) -> QuerySet[Pupil]:
    """In the order of a column heading (an unknown one sorts by name); the pupil's id last, so
    a page boundary never moves."""
    name = (Lower("legal_last_name"), Lower("legal_first_name"), "pk")
    year = Case(
        *[When(year_group=value, then=Value(i)) for value, i in YEAR_ORDER.items()],
        default=Value(99),
    )
    status = Case(
        When(sen_category=rules.E, then=Value(0)),
        When(sen_category=rules.K, then=Value(1)),
        default=Value(2),
    )
    orders = {
        "year": (year, *name),
        "status": (status, *name),
        "need": (Coalesce("need_code", Value("~")), *name),
    }
    return pupils.order_by(*orders.get(sort, name))


# The register's filters that the counts above it were worked out with (any other narrows).
COUNTED_WITH = ("on", "status")


def _counted_already(counts: dict[str, int], filters: dict, search: str) -> int | None:
    """The number of rows the filters keep, when the counts above the register say it already
    (no filter but the status, no search: the register as most people open it); else None."""
    if search.strip() or any(value for name, value in filters.items() if name not in COUNTED_WITH):
        return None
    status = filters.get("status") or "sen"
    if status == "sen":
        return counts[rules.K] + counts[rules.E]
    return counts.get(status if status in (rules.K, rules.E) else "all")


@dataclass(frozen=True)
class RegisterList:
    """The register as one person sees it on a date, filtered and sorted, a page at a time."""

    on: date
    page: Page  # of Pupil rows with sen_category, need_code, need_name, pupil_premium,
    # looked_after and groups_on
    counts: dict[str, int]  # before the filters: all on roll, K and E
    own_classes_only: bool  # a teacher's or TA's view: the pupils of their classes

    @property
    def rows(self) -> list[Pupil]:
        return list(self.page.object_list)


def _kept_counts(access: Access, on: date, on_roll: QuerySet[Pupil]) -> dict[str, int]:
    """The counts above the register (on roll, K, E) on `on`, kept between the writes that move
    them like the school's deadlines (pupils, statuses and classes feed the same stamp), a
    teacher's or TA's for them alone (`staff.deadline_cache.kept_for`)."""
    return deadline_cache.kept_for(
        access=access,
        today=on,
        name="register-counts",
        work_out=lambda: on_roll.aggregate(
            all=Count("pk"),
            K=Count("pk", filter=Q(sen_category=rules.K)),
            E=Count("pk", filter=Q(sen_category=rules.E)),
        ),
    )


def register_list(
    *,
    access: Access,
    on: date,
    filters: dict,
    search: str = "",
    sort: str = "name",
    page: str | None = None,
    shows_looked_after: bool = True,
) -> RegisterList:
    """The register on `on`, with the filters of RegisterFilterForm, a name or UPN search and a
    column to sort by, filtered, counted, sorted and paged by the database: the school's pupils
    on roll are never all read, and a page's details (Pupil Premium, looked after, classes) are
    worked out for its rows only."""
    visible = pupils_visible_to(access=access, on=on).on_roll(on)
    on_roll = with_category_and_need(visible, access.school, on)
    counts = _kept_counts(access, on, on_roll)
    kept = _sorted(_filtered(on_roll, filters, school=access.school, on=on, search=search), sort)
    paginator = Paginator(kept, REGISTER_PAGE_SIZE)
    counted = _counted_already(counts, filters, search)
    if counted is not None:
        paginator.count = counted  # a cached property: the database is not asked again
    shown = paginator.get_page(page)
    shown.object_list = list(
        shown.object_list.annotate(
            pupil_premium=pupil_premium_on(on, school=access.school),
            looked_after=(
                looked_after_on(on, school=access.school) if shows_looked_after else Value(False)
            ),
            layer_value=layer_value_on(on, school=access.school),
        ).prefetch_related(_classes_on(on, school=access.school))
    )
    layers = dict(SupportLayer.Layer.choices)
    for pupil in shown.object_list:
        pupil.layer_label = layers.get(pupil.layer_value, "")
    return RegisterList(
        on=on,
        page=shown,
        counts=counts,
        own_classes_only=pupil_reach(access.role) in CLASS_REACHES,
    )


def pupils_to_choose(*, access: Access, on: date) -> QuerySet[Pupil]:
    """The pupils on roll this person may see, for a form that chooses one, by name."""
    return (
        pupils_visible_to(access=access, on=on)
        .on_roll(on)
        .order_by("legal_last_name", "legal_first_name")
    )


def pupil_for(*, access: Access, public_id, on: date) -> Pupil | None:
    """One pupil this person may see, or None (the view answers 404)."""
    return unique_row(pupils_visible_to(access=access, on=on).filter(public_id=public_id))


def pupil_record(*, pupil: Pupil) -> dict:
    """Everything the pupil page shows, in a fixed number of queries."""
    return {
        "statuses": list(
            SenStatus.objects.filter(pupil=pupil)
            .select_related("decided_by")
            .defer(*only_name("decided_by"))
            .order_by("-starts_on")
        ),
        "needs": list(
            Need.objects.filter(pupil=pupil)
            .select_related("need_type")
            .order_by("ends_on", "rank", "-starts_on")
        ),
        "concerns": list(
            Concern.objects.filter(pupil=pupil)
            .select_related("raised_by", "decided_by")
            .defer(*only_name("raised_by"), *only_name("decided_by"))
        ),
        "passports": list(
            PassportVersion.objects.filter(pupil=pupil)
            .select_related("created_by")
            .only("pk", "version", "created_at", "created_by__full_name", "pupil_id")
        ),
        "contacts": list(pupil.contacts.all()),
        "pp_periods": list(pupil.pp_periods.all()),
        "lac_periods": list(pupil.lac_periods.all()),
        "groups": list(pupil.teaching_groups.select_related("academic_year")),
        "figures": pupil.term_figures.order_by("-academic_year_start", "-recorded_on").first(),
    }


def pupil_page(*, pupil: Pupil, on: date, entries=()) -> dict:
    """The pupil page: the record, its chronology (with `entries`, the lines other apps give:
    `register.chronology`), and the SEN category and needs on `on`."""
    record = pupil_record(pupil=pupil)
    return {
        **record,
        "chronology": rules.chronology(record, entries),
        "category": rules.category_on(record["statuses"], on),
        "current_needs": [n for n in record["needs"] if n.covers(on)],
        "layer": layer_now(pupil=pupil, on=on),
    }


def current_need_codes(*, pupil: Pupil) -> list[str]:
    """The codes of the pupil's open needs, primary first."""
    return list(
        pupil.needs.filter(ends_on__isnull=True)
        .order_by("rank")
        .values_list("need_type__code", flat=True)
    )


def passport_versions(*, pupil: Pupil) -> list[PassportVersion]:
    """Every version of the pupil's passport, latest first (numbers and dates only)."""
    return list(
        PassportVersion.objects.filter(pupil=pupil)
        .order_by("-version")
        .only("pk", "version", "created_at")
    )


def passport_version(*, pupil: Pupil, version: str | None) -> PassportVersion | None:
    """The version asked for (a number as text), or else the latest."""
    versions = PassportVersion.objects.filter(pupil=pupil).select_related("created_by")
    number = whole_number(version, least=1)
    chosen = versions.filter(version=number).first() if number is not None else None
    return chosen or versions.order_by("-version").first()


def concerns_to_decide(*, school: School) -> QuerySet[Concern]:
    """Open concerns and those being monitored, for the SENDCo's list."""
    return (
        Concern.objects.filter(
            school=school, status__in=[Concern.Status.OPEN, Concern.Status.MONITORING]
        )
        .select_related("pupil", "raised_by")
        .defer(*only_name("raised_by"))
        .order_by("status", "review_on", "raised_on")
    )


def concern_for(*, school: School, public_id) -> Concern | None:
    return (
        Concern.objects.filter(school=school, public_id=public_id)
        .select_related("pupil", "raised_by")
        .first()
    )


def academic_year_on(*, school: School, on: date) -> AcademicYear | None:
    """The school's academic year containing `on`, if its dates are set."""
    return AcademicYear.objects.filter(school=school, starts_on__lte=on, ends_on__gte=on).first()


def classes_of_year(*, school: School, year: AcademicYear | None) -> QuerySet[TeachingGroup]:
    """The classes of an academic year with their size, teachers and assistants (as lists,
    `teacher_list` and `assistant_list`, of people read for their name alone)."""
    named = User.objects.only("full_name")
    return (
        TeachingGroup.objects.filter(school=school, academic_year=year)
        .annotate(size=Count("pupils", distinct=True))
        .prefetch_related(
            Prefetch("teachers", named, to_attr="teacher_list"),
            Prefetch("assistants", named, to_attr="assistant_list"),
        )
        .order_by("name")
    )


def class_for(*, school: School, pk: int) -> TeachingGroup | None:
    return (
        TeachingGroup.objects.filter(school=school, pk=pk)
        .select_related("academic_year")
        .prefetch_related("teachers", "assistants")
        .first()
    )


def class_pupils(*, group: TeachingGroup) -> QuerySet[Pupil]:
    return group.pupils.order_by("legal_last_name", "legal_first_name")


def latest_passport(*, pupil: Pupil) -> PassportVersion | None:
    return (
        PassportVersion.objects.filter(pupil=pupil)
        .select_related("created_by")
        .order_by("-version")
        .first()
    )


def home_summary(*, access: Access, on: date) -> dict:
    """What the home page shows about the register, in a constant number of queries: counts for
    the whole school; for a teacher or TA, their classes and the SEN pupils in them."""
    from .rules import E, K, category_on

    visible = pupils_visible_to(access=access, on=on).on_roll(on)
    counts = dict(
        SenStatus.objects.filter(covering(on), school=access.school, pupil__in=visible)
        .values_list("category")
        .annotate(n=Count("pk"))
    )
    summary: dict = {"k": counts.get(K, 0), "e": counts.get(E, 0)}
    if pupil_reach(access.role) == Reach.SCHOOL:
        concerns = Concern.objects.filter(school=access.school)
        summary["open_concerns"] = concerns.filter(status=Concern.Status.OPEN).count()
        summary["reviews_due"] = concerns.filter(
            status=Concern.Status.MONITORING, review_on__lte=on + timedelta(days=14)
        ).count()
    else:
        summary["classes"] = list(
            groups_of(access=access, on=on).annotate(size=Count("pupils")).order_by("name")
        )
        # Only the pupils on the register, chosen in SQL: a secondary teacher's classes hold
        # hundreds of pupils, a few dozen of them with SEN.
        on_register = SenStatus.objects.filter(
            covering(on), school=access.school, pupil=OuterRef("pk"), category__in=[K, E]
        )
        rows = register_rows(access=access, on=on).filter(Exists(on_register))
        summary["sen_pupils"] = [p for p in rows if category_on(p.statuses_on, on) in (K, E)]
        for pupil in summary["sen_pupils"]:
            pupil.category = category_on(pupil.statuses_on, on)
    return summary


@dataclass(frozen=True)
class NeedRow:
    need: str
    k: int
    e: int

    @property
    def total(self) -> int:
        return self.k + self.e


def by_primary_need(*, access: Access, on: date) -> list[NeedRow]:
    """Pupils the person may see, on roll and on the register on `on`, by their primary need and
    SEN category, largest first; "No primary need recorded" for those without one. One query."""
    from .rules import E, K

    pupils = pupils_visible_to(access=access, on=on).on_roll(on)
    primary = Need.objects.filter(
        covering(on), school=access.school, pupil=OuterRef("pupil"), rank=1
    ).values("need_type__name")[:1]
    counted = (
        SenStatus.objects.filter(
            covering(on), school=access.school, pupil__in=pupils, category__in=[K, E]
        )
        .annotate(need=Subquery(primary))
        .values("need", "category")
        .annotate(n=Count("pk"))
        .order_by()
    )
    rows: dict[str, dict[str, int]] = {}
    for row in counted:
        name = row["need"] or "No primary need recorded"
        rows.setdefault(name, {K: 0, E: 0})[row["category"]] += row["n"]
    found = [NeedRow(need, counts[K], counts[E]) for need, counts in rows.items()]
    return sorted(found, key=lambda r: (-r.total, r.need))


def sen_pupils(*, school: School, on: date) -> QuerySet[Pupil]:
    """The school's pupils on roll and on the register on `on`: SEN support (K) or an EHC plan
    (E). A queryset to filter by, or to use as a subquery."""
    from .rules import E, K

    on_register = SenStatus.objects.filter(
        covering(on), school=school, pupil=OuterRef("pk"), category__in=[K, E]
    )
    return Pupil.objects.for_school(school).on_roll(on).filter(Exists(on_register))


@dataclass(frozen=True)
class NeedCount:
    code: str
    name: str
    pupils: int


def sen_needs_among(*, school: School, on: date, among: QuerySet[Pupil]) -> list[NeedCount]:
    """The needs (any rank) held on `on` by the pupils of `among` who are on the register, with
    how many pupils have each, most first (one query). "No specialist assessment" (NSA) is left
    out: it is a need not yet known, which no one can be trained for."""
    counted = (
        Need.objects.filter(
            covering(on),
            school=school,
            pupil__in=sen_pupils(school=school, on=on).filter(pk__in=among.values("pk")),
        )
        .exclude(need_type__only_with_sen_support=True)
        .values_list("need_type__code", "need_type__name")
        .annotate(n=Count("pupil", distinct=True))
        .order_by()
    )
    found = [NeedCount(code, name, n) for code, name, n in counted]
    return sorted(found, key=lambda c: (-c.pupils, c.code))


def needs_hint(counts: list[NeedCount], whose: str) -> str:
    """ "Needs of this class's SEN pupils: ASD 5, SPLD 2." (or that there are none)."""
    if not counts:
        return f"None of {whose} pupils is on the SEN register."
    return (
        f"Needs of {whose} SEN pupils: " + ", ".join(f"{c.code} {c.pupils}" for c in counts) + "."
    )


def layer_now(*, pupil: Pupil, on: date) -> SupportLayer | None:
    """The pupil's layer of support on `on` (one query), or None when none is recorded."""
    return (
        SupportLayer.objects.filter(school=pupil.school_id, pupil=pupil, starts_on__lte=on)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on))
        .first()
    )


# --------------------------------------------------------------------------------------------------
# Views given by parents and the pupil (issue 19)
# --------------------------------------------------------------------------------------------------

VIEWS_WINDOW = 6  # the newest records shown on a plan or review page; the rest on the full list
VIEWS_PER_PAGE = 20


@dataclass(frozen=True)
class ViewsRow:
    """One record of views given, with the line saying how, when and by whom."""

    views: ViewsGiven
    line: str

    @property
    def accepted_line(self) -> str:
        views = self.views
        if views.accepted_on is None:
            return ""
        by = f" by {views.accepted_by.full_name}" if views.accepted_by_id else ""
        return f"Accepted into the plan on {rules.long_day(views.accepted_on)}{by}."

    @property
    def accept_label(self) -> str:
        if self.views.purpose == ViewsGiven.Purpose.ANNUAL_REVIEW:
            return "Accept into the annual review"
        return "Accept into the plan"


@dataclass(frozen=True)
class ViewsWindow:
    """The newest views given for a pupil, parents' and the pupil's apart; `more` when older
    records are on the full list."""

    parents: list[ViewsRow]
    pupil: list[ViewsRow]
    more: bool

    @property
    def sections(self) -> list[tuple[str, list[ViewsRow], str]]:
        """(title, rows, what to say when there are none), parents' first."""
        return [
            ("Views of parents", self.parents, "No views of parents recorded yet."),
            ("The pupil's views", self.pupil, "No views of the pupil recorded yet."),
        ]


def _views_rows(records) -> list[ViewsRow]:
    return [
        ViewsRow(v, rules.views_given_line(how=v.how, given_on=v.given_on, given_by=v.given_by))
        for v in records
    ]


def _views_of(*, school: School, pupil: Pupil) -> QuerySet[ViewsGiven]:
    return (
        ViewsGiven.objects.filter(school=school, pupil=pupil)
        .select_related("accepted_by")
        .order_by("-given_on", "-created_at", "-pk")
    )


def views_given_for(*, school: School, pupil: Pupil, newest: int = VIEWS_WINDOW) -> ViewsWindow:
    """The newest `newest` records of views given by the pupil's parents and the pupil (one
    query, whatever their number)."""
    records = list(_views_of(school=school, pupil=pupil)[: newest + 1])
    rows = _views_rows(records[:newest])
    return ViewsWindow(
        parents=[r for r in rows if r.views.whose == ViewsGiven.Whose.PARENT],
        pupil=[r for r in rows if r.views.whose == ViewsGiven.Whose.PUPIL],
        more=len(records) > newest,
    )


def views_given_page(*, school: School, pupil: Pupil, page: str | None) -> Page:
    """Every record of views given for the pupil, newest first, a page at a time (two queries)."""
    found = Paginator(_views_of(school=school, pupil=pupil), VIEWS_PER_PAGE).get_page(page)
    found.object_list = _views_rows(found.object_list)
    return found
