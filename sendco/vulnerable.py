"""One view of every vulnerable pupil: who is on the SEN register (K or E), disadvantaged (the
Pupil Premium) or looked after, how those overlap, and the gaps that need a decision today, each
linking to the page where it is fixed. On the top floor because it reads every app.

Counted by the database, school first: the overlaps in one aggregate, each gap as a count and
its first rows (a page of a gap is never the whole school).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.urls import reverse

from lac.deadlines import owed
from lac.selectors import releases_unplanned
from plans.models import SupportPlan
from provision.models import GroupPupil
from register.models import Pupil
from register.rules import E, K
from register.selectors import looked_after_on, pupil_premium_on, with_category_and_need
from sendco.deadlines import deadlines_for
from staff import deadline_cache
from staff.calendar import academic_year_start_for
from staff.models import School, Term
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
    return pupils.annotate(pp=pupil_premium_on(today), lac=looked_after_on(today))


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


def _overlaps(school: School, today: date) -> dict:
    sen = Q(sen_category__in=[K, E])

    def region(key: tuple[bool, bool, bool]) -> Q:
        wanted = [sen if key[0] else ~sen, Q(pp=key[1]), Q(lac=key[2])]
        return wanted[0] & wanted[1] & wanted[2]

    found = _flagged(school, today).aggregate(
        on_roll=Count("pk"),
        sen=Count("pk", filter=sen),
        disadvantaged=Count("pk", filter=Q(pp=True)),
        looked_after=Count("pk", filter=Q(lac=True)),
        any=Count("pk", filter=sen | Q(pp=True) | Q(lac=True)),
        **{f"r{n}": Count("pk", filter=region(key)) for n, key in enumerate(REGIONS)},
    )
    regions = [Region(*key, found.pop(f"r{n}")) for n, key in enumerate(REGIONS)]
    return {**found, "regions": regions, "venn": list(zip(regions, REGION_XY, strict=True))}


def _term_start(school: School, today: date) -> date | None:
    """The first day of the term today is in (or the last term, in a holiday)."""
    half = Term.objects.filter(school=school, starts_on__lte=today).order_by("-starts_on").first()
    if half is None:
        return None
    first = (
        Term.objects.filter(
            school=school, academic_year_id=half.academic_year_id, season=half.season, half=1
        )
        .values_list("starts_on", flat=True)
        .first()
    )
    return first or half.starts_on


def _rows(pupils: QuerySet[Pupil], name: str, url) -> tuple[int, list]:
    listed = list(pupils.order_by("legal_last_name", "legal_first_name", "pk")[:GAP_ROWS])
    return pupils.count(), [(p.name, name, url(p), str(p.public_id)) for p in listed]


def _without_provision(school: School, today: date) -> Gap:
    """Disadvantaged pupils on the SEN register with no place in a group running this term."""
    start = _term_start(school, today) or date(academic_year_start_for(today), 9, 1)
    placed = GroupPupil.objects.filter(
        school=school,
        pupil=OuterRef("pk"),
        joined_on__lte=today,
        group__starts_on__lte=today,
        group__ends_on__gte=start,
    ).filter(Q(left_on__isnull=True) | Q(left_on__gte=start))
    pupils = _flagged(school, today).filter(sen_category__in=[K, E], pp=True)
    count, rows = _rows(
        pupils.filter(~Exists(placed)),
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
    start = date(academic_year_start_for(today), 9, 1)
    planned = SupportPlan.objects.filter(school=school, pupil=OuterRef("pk"))
    pupils = _flagged(school, today).filter(sen_category=K, admission_date__gte=start)
    count, rows = _rows(
        pupils.filter(~Exists(planned)),
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
    late = [
        child
        for child in owed(school=school, pupils=Pupil.objects.for_school(school), today=today)
        if child.due is not None and child.due.overdue
    ]
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
