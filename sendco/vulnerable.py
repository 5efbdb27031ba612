"""One view of every vulnerable pupil: who is on the SEN register (K or E), disadvantaged (the
Pupil Premium) or looked after, how those overlap, and the gaps that need a decision today, each
linking to the page where it is fixed. On the top floor because it reads every app.

Counted by the database, school first: the overlaps in one aggregate, each gap as a count and
its first rows (a page of a gap is never the whole school).

The trust's page (`trust_figures`) gives the same in figures, one row a school, no pupil named:
the overlaps and the gaps that can be counted in SQL, for every school of the trust in one
aggregate grouped by school (and the PEPs by `lac.deadlines.owed_by_school`), each school's row
kept under its own stamp (`staff.deadline_cache.kept_each`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Case, Count, DateField, Exists, OuterRef, Q, QuerySet, Value, When
from django.urls import reverse

from lac.deadlines import Owed, owed, owed_by_school
from lac.selectors import releases_unplanned, releases_unplanned_counts
from plans.models import SupportPlan
from provision.models import GroupPupil
from register.models import Pupil
from register.rules import E, K
from register.selectors import (
    looked_after_on,
    pupil_premium_on,
    with_category_and_need,
    with_sen_category,
)
from sendco.deadlines import deadlines_for
from staff import deadline_cache
from staff.calendar import academic_year_start_for
from staff.models import School, Term, Trust
from staff.tenancy import Access

GAP_ROWS = 10  # the first rows of each gap; the count says how many more

# The seven regions of three sets, as (SEN, disadvantaged, looked after).
REGIONS = [
    (True, False, False),
    (False, True, False),
    (False, False, True),
    (True, True, False),
    (True, False, True),
    (False, True, True),
    (True, True, True),
]
SETS = ("SEN (K or E)", "Disadvantaged (Pupil Premium)", "Looked after")
# Where each region's count sits in the diagram (viewBox 0 0 400 330), in REGIONS' order.
REGION_XY = [(95, 110), (305, 110), (200, 290), (200, 95), (138, 210), (262, 210), (200, 168)]


@dataclass(frozen=True)
class Region:
    sen: bool
    disadvantaged: bool
    looked_after: bool
    pupils: int

    @property
    def label(self) -> str:
        names = [n for n, held in zip(SETS, self.key, strict=True) if held]
        return " and ".join(names) + (" only" if len(names) == 1 else "")

    @property
    def key(self) -> tuple[bool, bool, bool]:
        return (self.sen, self.disadvantaged, self.looked_after)


@dataclass
class Gap:
    title: str
    fix: str  # what to do, in words
    count: int
    # (name, detail, url, the pupil's public id) of the first GAP_ROWS
    rows: list[tuple[str, str, str, str]] = field(default_factory=list)


def _flagged(school: School, today: date) -> QuerySet[Pupil]:
    pupils = with_category_and_need(Pupil.objects.for_school(school).on_roll(today), school, today)
    return pupils.annotate(
        pp=pupil_premium_on(today, school=school), lac=looked_after_on(today, school=school)
    )


def overlaps(*, school: School, today: date) -> dict:
    """The pupils on roll in each set and each of the seven overlaps (one query), kept for the
    school until a write changes them (staff.deadline_cache)."""
    return deadline_cache.kept(
        school_id=school.pk,
        today=today,
        weeks=0,
        name="vulnerable-overlaps",
        work_out=lambda: _overlaps(school, today),
    )


SEN = Q(sen_category__in=[K, E])


def _region(key: tuple[bool, bool, bool]) -> Q:
    """The pupils in exactly one region of the diagram: in the sets `key` holds, not the others."""
    wanted = [SEN if key[0] else ~SEN, Q(pp=key[1]), Q(lac=key[2])]
    return wanted[0] & wanted[1] & wanted[2]


def _overlaps(school: School, today: date) -> dict:
    found = _flagged(school, today).aggregate(
        on_roll=Count("pk"),
        sen=Count("pk", filter=SEN),
        disadvantaged=Count("pk", filter=Q(pp=True)),
        looked_after=Count("pk", filter=Q(lac=True)),
        any=Count("pk", filter=SEN | Q(pp=True) | Q(lac=True)),
        **{f"r{n}": Count("pk", filter=_region(key)) for n, key in enumerate(REGIONS)},
    )
    regions = [Region(*key, found.pop(f"r{n}")) for n, key in enumerate(REGIONS)]
    return {**found, "regions": regions, "venn": list(zip(regions, REGION_XY, strict=True))}


def term_starts(*, school_ids: list[int], today: date) -> dict[int, date]:
    """The first day of the term today is in (or the last term, in a holiday) at each of these
    schools with a term begun (one query)."""
    latest: dict[int, tuple[int, str, date]] = {}
    firsts: dict[tuple[int, int, str], date] = {}
    for school_id, year, season, half, starts_on in (
        Term.objects.filter(school_id__in=school_ids, starts_on__lte=today)
        .order_by("starts_on")
        .values_list("school_id", "academic_year_id", "season", "half", "starts_on")
    ):
        latest[school_id] = (year, season, starts_on)
        if half == 1:
            firsts[(school_id, year, season)] = starts_on
    return {
        school_id: firsts.get((school_id, year, season), starts_on)
        for school_id, (year, season, starts_on) in latest.items()
    }


def _year_start(today: date) -> date:
    return date(academic_year_start_for(today), 9, 1)


def _placed(today: date, start) -> Exists:
    """A place in a group running at some time from `start` (a date, or an expression of the
    place's school) to today: this term's provision."""
    return Exists(
        GroupPupil.objects.filter(
            school=OuterRef("school_id"),
            pupil=OuterRef("pk"),
            joined_on__lte=today,
            group__starts_on__lte=today,
            group__ends_on__gte=start,
        ).filter(Q(left_on__isnull=True) | Q(left_on__gte=start))
    )


def _joined_without_plan(today: date) -> Q:
    """On SEN support, joined this academic year, and no support plan yet."""
    planned = SupportPlan.objects.filter(school=OuterRef("school_id"), pupil=OuterRef("pk"))
    return Q(sen_category=K, admission_date__gte=_year_start(today)) & ~Exists(planned)


def _pep_late(child: Owed) -> bool:
    return child.due is not None and child.due.overdue


def _rows(pupils: QuerySet[Pupil], name: str, url) -> tuple[int, list]:
    listed = list(pupils.order_by("legal_last_name", "legal_first_name", "pk")[:GAP_ROWS])
    return pupils.count(), [(p.name, name, url(p), str(p.public_id)) for p in listed]


def _without_provision(school: School, today: date) -> Gap:
    """Disadvantaged pupils on the SEN register with no place in a group running this term."""
    start = term_starts(school_ids=[school.pk], today=today).get(school.pk, _year_start(today))
    pupils = _flagged(school, today).filter(SEN, pp=True)
    count, rows = _rows(
        pupils.filter(~_placed(today, start)),
        "no group this term",
        lambda p: reverse("provision_map:pupil_provision", args=[school.slug, p.public_id]),
    )
    return Gap(
        "Disadvantaged pupils on the SEN register with no provision this term",
        "Plan provision on the pupil's provision page, or record why none is needed.",
        count,
        rows,
    )


def _no_plan_since_joining(school: School, today: date) -> Gap:
    """Pupils on SEN support who joined this academic year and have no support plan yet."""
    count, rows = _rows(
        _flagged(school, today).filter(_joined_without_plan(today)),
        "joined this year, no support plan",
        lambda p: reverse("plans:start", args=[school.slug, p.public_id]),
    )
    return Gap(
        "Pupils on SEN support who joined this year with no support plan",
        "Start the plan: Assess begins from the needs on the register.",
        count,
        rows,
    )


def _peps_overdue(school: School, today: date) -> Gap:
    children = owed(school=school, pupils=Pupil.objects.for_school(school), today=today)
    late = [child for child in children if _pep_late(child)]
    return Gap(
        "Looked-after children whose PEP is overdue",
        "Hold the PEP with the social worker and the virtual school, then record it.",
        len(late),
        [
            (
                c.pupil.name,
                f"{c.due.kind.label} due {c.due.due:%d/%m/%Y}",
                reverse("lac:child", args=[school.slug, c.pupil.public_id]),
                str(c.pupil.public_id),
            )
            for c in late[:GAP_ROWS]
        ],
    )


def _releases_unplanned(school: School) -> Gap:
    """Pupil Premium Plus received that nobody has said what it pays for."""
    found = releases_unplanned(school=school)
    listed = list(found[:GAP_ROWS])
    return Gap(
        "Pupil Premium Plus received and not yet planned",
        "Say what it pays for on the child's page, linked to the groups it funds.",
        found.count() if len(listed) == GAP_ROWS else len(listed),
        [
            (
                r.pupil.name,
                f"£{r.amount:,.0f} received {r.received_on:%d/%m/%Y}",
                reverse("lac:child", args=[school.slug, r.pupil.public_id]),
                str(r.pupil.public_id),
            )
            for r in listed
        ],
    )


def _section_f(access: Access, today: date) -> Gap:
    """EHC plans whose section F hours are delivered below plan: the engine's alerts."""
    alerts = [
        d for d in deadlines_for(access=access, today=today) if d.kind == "ehcp.section_f_delivery"
    ]
    return Gap(
        "EHC plans whose section F hours were not delivered",
        "See the plan's delivery and arrange the missing sessions.",
        len(alerts),
        [(d.subject, d.title, d.url, d.subject_id) for d in alerts[:GAP_ROWS]],
    )


def gaps(*, access: Access, today: date) -> list[Gap]:
    """The gaps that need a decision today, for whoever may open this page: the school's kept
    until a write changes them (staff.deadline_cache), section F's from the engine's kept
    deadlines."""
    school = access.school
    found = deadline_cache.kept(
        school_id=school.pk,
        today=today,
        weeks=0,
        name="vulnerable-gaps",
        work_out=lambda: [
            _without_provision(school, today),
            _peps_overdue(school, today),
            _releases_unplanned(school),
            _no_plan_since_joining(school, today),
        ],
    )
    return [*found[:3], _section_f(access, today), found[3]]


# The trust's page: each school's figures, in the order of its columns.
TRUST_COUNTS = (
    "on_roll",
    "sen",
    "disadvantaged",
    "looked_after",
    "sen_disadvantaged",
    "sen_looked_after",
    "all_three",
    "no_provision",
    "peps_overdue",
    "releases_unplanned",
    "no_plan",
)


@dataclass(frozen=True)
class SchoolFigures:
    school: School
    counts: dict[str, int]


# The trust page's two tables: the caption's first words, and the counts shown with headings.
TRUST_TABLES = (
    (
        "Vulnerable pupils",
        (
            ("on_roll", "On roll"),
            ("sen", "SEN (K or E)"),
            ("disadvantaged", "Disadvantaged"),
            ("looked_after", "Looked after"),
            ("sen_disadvantaged", "SEN and disadvantaged only"),
            ("sen_looked_after", "SEN and looked after only"),
            ("all_three", "All three"),
        ),
    ),
    (
        "Gaps",
        (
            ("no_provision", "Disadvantaged SEN pupils with no provision this term"),
            ("peps_overdue", "PEPs overdue"),
            ("releases_unplanned", "Pupil Premium Plus not planned"),
            ("no_plan", "Joined this year on SEN support, no plan"),
        ),
    ),
)


@dataclass(frozen=True)
class TrustTable:
    """One of the trust page's tables: a row of counts a school, and the trust's totals."""

    title: str
    headings: list[str]
    rows: list[tuple[School, list[int]]]
    total: list[int]


def trust_figures(*, trust: Trust, today: date) -> dict:
    """Each school of the trust in figures (`TRUST_COUNTS`), by name, and the trust's totals:
    every school's row kept under its own stamp until a write at that school, the schools not
    kept counted together (`_trust_counts`). No pupil is named."""
    schools = list(School.objects.filter(trust=trust).order_by("name", "pk"))
    counts = deadline_cache.kept_each(
        school_ids=[school.pk for school in schools],
        today=today,
        name="vulnerable-trust",
        work_out=lambda missing: _trust_counts(missing, today),
    )
    rows = [SchoolFigures(school, counts[school.pk]) for school in schools]
    total = {name: sum(row.counts[name] for row in rows) for name in TRUST_COUNTS}
    tables = [
        TrustTable(
            title,
            [heading for _, heading in columns],
            [(row.school, [row.counts[key] for key, _ in columns]) for row in rows],
            [total[key] for key, _ in columns],
        )
        for title, columns in TRUST_TABLES
    ]
    return {"rows": rows, "total": total, "tables": tables}


def warm_trust_row(*, school: School, today: date) -> None:
    """Work out and keep the school's row of its trust's figures, as `trust_figures` keeps it:
    the morning's scan and the worker after a write do this (`pages.warm`), so the trust lead's
    first view of the day reads every row kept rather than counting the whole trust."""
    deadline_cache.kept_each(
        school_ids=[school.pk],
        today=today,
        name="vulnerable-trust",
        work_out=lambda missing: _trust_counts(missing, today),
    )


# Each pupil's groups as bits, so the aggregate reads each pupil's grounds once: grouped by
# school and these bits, every figure is a sum over the groups whose bits it wants.
_SEN, _PP, _LAC, _UNPLACED, _NO_PLAN = 1, 2, 4, 8, 16
_SETS = _SEN | _PP | _LAC
_WANTED = {
    "on_roll": lambda bits: True,
    "sen": lambda bits: bits & _SEN,
    "disadvantaged": lambda bits: bits & _PP,
    "looked_after": lambda bits: bits & _LAC,
    "sen_disadvantaged": lambda bits: bits & _SETS == _SEN | _PP,
    "sen_looked_after": lambda bits: bits & _SETS == _SEN | _LAC,
    "all_three": lambda bits: bits & _SETS == _SETS,
    "no_provision": lambda bits: bits & (_SEN | _PP | _UNPLACED) == _SEN | _PP | _UNPLACED,
    "no_plan": lambda bits: bits & _NO_PLAN,
}


def _bit(condition, bit: int) -> Case:
    return Case(When(condition, then=Value(bit)), default=Value(0))


def _trust_counts(school_ids: list[int], today: date) -> dict[int, dict[str, int]]:
    """The figures of each of these schools, the school page's rules counted for all of them
    at once: one aggregate over their pupils grouped by school (and by which groups a pupil is
    in), the term's start of each school (one query), the PEPs overdue (`owed_by_school`,
    five) and the Pupil Premium Plus not planned (one). Section F's alerts come from the
    deadline engine, school by school, so they are left to each school's page."""
    starts = term_starts(school_ids=school_ids, today=today)
    start = Case(
        *(When(school_id=school_id, then=Value(day)) for school_id, day in starts.items()),
        default=Value(_year_start(today)),
        output_field=DateField(),
    )
    pupils = Pupil.objects.filter(school_id__in=school_ids).on_roll(today)
    bits = (
        _bit(SEN, _SEN)
        + _bit(pupil_premium_on(today, school=school_ids), _PP)
        + _bit(looked_after_on(today, school=school_ids), _LAC)
        + _bit(SEN & ~_placed(today, start), _UNPLACED)  # whether disadvantaged or not
        + _bit(_joined_without_plan(today), _NO_PLAN)
    )
    grouped = (
        with_sen_category(pupils, school_ids=school_ids, on=today)
        .annotate(bits=bits)
        .values("school_id", "bits")
        .order_by()
        .annotate(n=Count("pk"))
        .values_list("school_id", "bits", "n")
    )
    found = {s: dict.fromkeys(TRUST_COUNTS, 0) for s in school_ids}
    for school_id, held, n in grouped:
        for name, wanted in _WANTED.items():
            if wanted(held):
                found[school_id][name] += n
    children = owed_by_school(school_ids=school_ids, pupils=pupils, today=today)
    for school_id, owed_here in children.items():
        found[school_id]["peps_overdue"] = sum(1 for child in owed_here if _pep_late(child))
    for school_id, count in releases_unplanned_counts(school_ids=school_ids).items():
        found[school_id]["releases_unplanned"] = count
    return found
