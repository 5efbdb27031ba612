"""The trust's schools compared on one common dataset (issue 18): for each school of the trust,
its roll, the SEN register (K and E, counts and rates), the needs mix (the SEN pupils' primary
needs in the main areas), EHC annual reviews held on time this academic year, support plans
reviewed on time, provision cost per SEN pupil, the impact of interventions (pupils measured
and meeting their target), training gaps and overdue items; each figure linking to the school's
own page for it. No pupil is named. On the top floor because it reads every app.

Counted by the database for every school not kept since its last write, at once: one aggregate
over the pupils grouped by school, category and primary need, the EHC reviews held (two
queries), one aggregate over the support plan cycles, and the training figures the trust's
training page keeps (`training.trust.figures_by_school`): each school's row is kept under its
own stamp (`staff.deadline_cache.kept_each`), so the number of queries does not grow with the
number of schools. Overdue items are the deadline engine's answer each school's pages keep
(`deadline_cache.found_each`): working out 110 schools' deadlines in one request would take
seconds, so a school whose answer is not kept today says "not worked out yet" (without a shared
cache at all, as in `make run`'s demo, they are worked out in the request, school by school).

The provision cost per SEN pupil and the impact of interventions are worked out school by school
from each school's calendar and every group and place of the year (`provision.pages.
year_provision`), too costly across 110 schools in one request: like the overdue items, they are
read as kept under each school's stamp (`found_each`, PROVISION_ROW), and a school not kept says
"not worked out yet". `warm_row` works out and keeps a school's whole row (its counts, its
training row and its provision): the morning's scan and the worker after a write run it
(`pages.warm`), so the trust lead's first view of the day counts nothing afresh.

The trust board's report (`board`) is the same figures for trustees, with the governors'
suppression: a count from 1 to the threshold less one is "fewer than 5", a percentage only
when both its counts are shown, and no total beside parts that would let a hidden part be
worked out (`staff.suppression.recoverable`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, F, FilteredRelation, Q

from ehcp.selectors import reviews_held_on_time
from plans.selectors import reviews_on_time_counts
from provision.pages import YearProvision, year_provision
from register.models import Pupil
from register.rules import E, K
from register.selectors import with_sen_category
from staff import deadline_cache, suppression
from staff.calendar import academic_year_start_for
from staff.links import SchoolLinks
from staff.models import School, Trust
from staff.suppression import Shown, share, shown, shown_within
from training.trust import MAIN_AREAS, figures_by_school, short_areas

from .deadlines import PAGES_WEEKS, deadlines_for_school

OTHER = "other"
NEEDS = (*MAIN_AREAS, OTHER)
NEED_NAMES = {
    "ASD": "Autistic spectrum disorder",
    "SEMH": "Social, emotional and mental health",
    "SLCN": "Speech, language and communication needs",
    "SPLD": "Specific learning difficulty",
    "MLD": "Moderate learning difficulty",
    OTHER: "Any other primary need, or none recorded",
}
NOT_WORKED_OUT = "not worked out yet"
NOT_SHOWN = "not shown"
COUNTS_ROW = "trust-compare"  # each school's counts (`_counts`), kept under its stamp
PROVISION_ROW = "trust-compare-provision"  # each school's `YearProvision`, kept by `warm_row`


@dataclass(frozen=True)
class Figures:
    """One school's figures (or the trust's, added up)."""

    roll: int
    k: int
    e: int
    needs: dict[str, int]  # SEN pupils by primary need, in NEEDS
    reviews_held: int
    reviews_on_time: int
    plans_reviewed: int
    plans_on_time: int
    training_gaps: int  # main need areas with SEN pupils and no one trained in them
    overdue: int | None  # None: the school's deadlines are not worked out yet today
    provision: YearProvision | None  # None: not worked out yet today

    @property
    def sen(self) -> int:
        return self.k + self.e

    @property
    def cost_per_sen(self) -> Decimal | None:
        """The year's planned cost of provision over the SEN pupils on roll (whole pounds);
        None when not worked out or when no pupil is on the register."""
        if self.provision is None or not self.sen:
            return None
        return (self.provision.cost / self.sen).quantize(Decimal(1))


def _year_start(today: date) -> date:
    return date(academic_year_start_for(today), 9, 1)


def _counts(school_ids: list[int], today: date) -> dict[int, dict]:
    """The figures counted here of each of these schools (four queries whatever their number):
    the pupils on roll by category and primary need, the EHC reviews held this academic year
    and how many on time, the support plans reviewed and how many on time."""
    since = _year_start(today)
    primary = FilteredRelation(
        "needs",
        condition=Q(needs__school_id__in=school_ids, needs__rank=1, needs__starts_on__lte=today)
        & (Q(needs__ends_on__isnull=True) | Q(needs__ends_on__gte=today)),
    )
    pupils = Pupil.objects.filter(school_id__in=school_ids).on_roll(today)
    grouped = (
        with_sen_category(pupils, school_ids=school_ids, on=today)
        .alias(primary_on=primary)
        .annotate(need_code=F("primary_on__need_type__code"))
        .values("school_id", "sen_category", "need_code")
        .order_by()
        .annotate(n=Count("pk", distinct=True))
        .values_list("school_id", "sen_category", "need_code", "n")
    )
    found = {s: {"roll": 0, "k": 0, "e": 0, "needs": dict.fromkeys(NEEDS, 0)} for s in school_ids}
    for school_id, category, code, n in grouped:
        row = found[school_id]
        row["roll"] += n
        if category in (K, E):
            row["k" if category == K else "e"] += n
            row["needs"][code if code in MAIN_AREAS else OTHER] += n
    reviews = reviews_held_on_time(school_ids=school_ids, since=since, today=today)
    plans = reviews_on_time_counts(school_ids=school_ids, since=since, today=today)
    for school_id in school_ids:
        found[school_id]["reviews"] = reviews[school_id]
        found[school_id]["plans"] = plans[school_id]
    return found


def school_figures(*, school_ids: list[int], today: date) -> dict[int, Figures]:
    """Each school's figures: its counts kept under its own stamp, its training row as the
    trust's training page keeps it, its overdue items from the deadlines its pages keep."""
    counts = deadline_cache.kept_each(
        school_ids=school_ids,
        today=today,
        name=COUNTS_ROW,
        work_out=lambda missing: _counts(missing, today),
    )
    training = figures_by_school(school_ids=school_ids, today=today)
    if deadline_cache.seconds():
        deadlines = deadline_cache.found_each(school_ids=school_ids, today=today, weeks=PAGES_WEEKS)
        provision = deadline_cache.found_each(
            school_ids=school_ids, today=today, weeks=0, name=PROVISION_ROW
        )
    else:
        deadlines, provision = _worked_out_here(school_ids, today)
    found = {}
    for school_id in school_ids:
        row = counts[school_id]
        kept = deadlines.get(school_id)
        found[school_id] = Figures(
            roll=row["roll"],
            k=row["k"],
            e=row["e"],
            needs=dict(row["needs"]),
            reviews_held=row["reviews"][0],
            reviews_on_time=row["reviews"][1],
            plans_reviewed=row["plans"][0],
            plans_on_time=row["plans"][1],
            training_gaps=short_areas(training[school_id]),
            overdue=None if kept is None else sum(1 for d in kept if d.severity.is_overdue),
            provision=provision.get(school_id),
        )
    return found


def _worked_out_here(school_ids: list[int], today: date) -> tuple[dict, dict]:
    """Without a shared cache nothing is kept between requests (`make run`'s demo, a trust of
    a few schools): each school's deadlines and provision are worked out in the request, school
    by school, rather than every school saying "not worked out yet" for ever."""
    deadlines, provision = {}, {}
    for school in School.objects.filter(pk__in=school_ids):
        deadlines[school.pk] = deadlines_for_school(school=school, today=today, weeks=PAGES_WEEKS)
        provision[school.pk] = year_provision(school=school, today=today)
    return deadlines, provision


def warm_row(*, school: School, today: date) -> None:
    """Work out and keep the school's row of its trust's comparison as `school_figures` reads
    it: its counts, its training figures and its provision (cost and impact, which the page
    never works out itself). Run by `pages.warm`, after the school's deadlines are kept."""
    ids = [school.pk]
    deadline_cache.kept_each(
        school_ids=ids,
        today=today,
        name=COUNTS_ROW,
        work_out=lambda missing: _counts(missing, today),
    )
    figures_by_school(school_ids=ids, today=today)
    deadline_cache.kept(
        school_id=school.pk,
        today=today,
        weeks=0,
        name=PROVISION_ROW,
        work_out=lambda: year_provision(school=school, today=today),
    )


def _added(rows: list[Figures]) -> Figures:
    overdue = [row.overdue for row in rows]
    provision = [row.provision for row in rows]
    known = [p for p in provision if p is not None]
    return Figures(
        roll=sum(row.roll for row in rows),
        k=sum(row.k for row in rows),
        e=sum(row.e for row in rows),
        needs={code: sum(row.needs[code] for row in rows) for code in NEEDS},
        reviews_held=sum(row.reviews_held for row in rows),
        reviews_on_time=sum(row.reviews_on_time for row in rows),
        plans_reviewed=sum(row.plans_reviewed for row in rows),
        plans_on_time=sum(row.plans_on_time for row in rows),
        training_gaps=sum(row.training_gaps for row in rows),
        overdue=None if None in overdue else sum(overdue),  # type: ignore[arg-type]
        provision=None
        if len(known) < len(provision)
        else YearProvision(
            cost=sum((p.cost for p in known), Decimal(0)),
            measured=sum(p.measured for p in known),
            met=sum(p.met for p in known),
        ),
    )


# --------------------------------------------------------------------------------------------------
# The tables: the trust lead's page (exact, each figure a link) and the board's (suppressed)
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    text: str
    url: str = ""
    # For the board's reconstruction test: the count behind the cell and what a reader knows of
    # it, (least, most); None when the cell is not a count.
    count: int | None = None
    known: tuple[int, int] | None = None


@dataclass
class Table:
    key: str
    title: str
    headings: list[tuple[str, str]]  # (short heading, its meaning in full, or "")
    rows: list[tuple[School, list[Cell]]] = field(default_factory=list)
    total: list[Cell] = field(default_factory=list)


def _percent(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "–"


def _pounds(value: Decimal | None) -> str:
    return "–" if value is None else f"£{value:,.0f}"


def _not_worked_out(missing: int) -> str:
    return f"{NOT_WORKED_OUT} at {missing} school{'s' if missing != 1 else ''}"


def _headings() -> dict[str, list[tuple[str, str]]]:
    return {
        "register": [
            ("On roll", ""),
            ("SEN support (K)", ""),
            ("K rate", "Pupils on SEN support as a share of the roll"),
            ("EHC plans (E)", ""),
            ("E rate", "Pupils with an EHC plan as a share of the roll"),
        ],
        "needs": [(code if code != OTHER else "Other", NEED_NAMES[code]) for code in NEEDS],
        "work": [
            ("EHC reviews held", "EHC annual review meetings held this academic year"),
            ("on time", "Held within the plan's review window"),
            ("Support plans reviewed", "Support plan reviews this academic year"),
            ("on time", "Reviewed by the review date agreed"),
            ("Training gaps", "Main need areas with SEN pupils and no one trained in them"),
            ("Overdue", "Items overdue in the school's deadlines today"),
        ],
        "provision": [
            (
                "Cost per SEN pupil",
                "The planned cost of this academic year's provision (groups, and pupils' other "
                "costed provision) over the SEN pupils on roll",
            ),
            (
                "Pupils measured",
                "Pupils with a target and an exit measure in this year's interventions (a pupil "
                "in two groups counts twice)",
            ),
            ("met target", "Of the pupils measured, those who met their target"),
        ],
    }


TITLES = {
    "register": "The SEN register",
    "needs": "Needs mix: SEN pupils by primary need",
    "work": "Statutory work and gaps",
    "provision": "Provision: cost and impact this academic year",
}
TABLES = ("register", "needs", "work", "provision")


def _page_cells(school: School, f: Figures, link: SchoolLinks) -> dict[str, list[Cell]]:
    slug = school.slug
    register = link("register:list", slug)
    overdue = (
        Cell(NOT_WORKED_OUT, link("deadlines", slug))
        if f.overdue is None
        else Cell(f"{f.overdue:,}", link("deadlines", slug) + "?when=overdue")
    )
    return {
        "register": [
            Cell(f"{f.roll:,}", f"{register}?status=all"),
            Cell(f"{f.k:,}", f"{register}?status=K"),
            Cell(_percent(f.k, f.roll), f"{register}?status=K"),
            Cell(f"{f.e:,}", f"{register}?status=E"),
            Cell(_percent(f.e, f.roll), f"{register}?status=E"),
        ],
        "needs": [
            Cell(
                f"{_percent(f.needs[code], f.sen)} ({f.needs[code]:,})",
                register if code == OTHER else f"{register}?need={code}",
            )
            for code in NEEDS
        ],
        "work": [
            Cell(f"{f.reviews_held:,}", link("ehcp:tracker", slug)),
            Cell(
                f"{f.reviews_on_time:,} ({_percent(f.reviews_on_time, f.reviews_held)})",
                link("ehcp:tracker", slug),
            ),
            Cell(f"{f.plans_reviewed:,}", link("plans:list", slug)),
            Cell(
                f"{f.plans_on_time:,} ({_percent(f.plans_on_time, f.plans_reviewed)})",
                link("plans:list", slug),
            ),
            Cell(f"{f.training_gaps:,}", link("training:gaps", slug)),
            overdue,
        ],
        "provision": _provision_cells(school, f, link),
    }


def _provision_cells(school: School, f: Figures, link: SchoolLinks) -> list[Cell]:
    costs = link("provision_map:map", school.slug)
    impact = link("provision_impact:impact", school.slug)
    p = f.provision
    if p is None:
        return [
            Cell(NOT_WORKED_OUT, costs),
            Cell(NOT_WORKED_OUT, impact),
            Cell(NOT_WORKED_OUT, impact),
        ]
    return [
        Cell(_pounds(f.cost_per_sen), costs),
        Cell(f"{p.measured:,}", impact),
        Cell(f"{p.met:,} ({_percent(p.met, p.measured)})", impact),
    ]


def _total_cells(t: Figures, rows: list[Figures]) -> dict[str, list[Cell]]:
    missing = sum(1 for f in rows if f.overdue is None)
    p = t.provision
    if p is None:
        provision = [Cell(_not_worked_out(sum(1 for f in rows if f.provision is None)))] * 3
    else:
        provision = [
            Cell(_pounds(t.cost_per_sen)),
            Cell(f"{p.measured:,}"),
            Cell(f"{p.met:,} ({_percent(p.met, p.measured)})"),
        ]
    return {
        "register": [
            Cell(f"{t.roll:,}"),
            Cell(f"{t.k:,}"),
            Cell(_percent(t.k, t.roll)),
            Cell(f"{t.e:,}"),
            Cell(_percent(t.e, t.roll)),
        ],
        "needs": [Cell(f"{_percent(t.needs[c], t.sen)} ({t.needs[c]:,})") for c in NEEDS],
        "work": [
            Cell(f"{t.reviews_held:,}"),
            Cell(f"{t.reviews_on_time:,} ({_percent(t.reviews_on_time, t.reviews_held)})"),
            Cell(f"{t.plans_reviewed:,}"),
            Cell(f"{t.plans_on_time:,} ({_percent(t.plans_on_time, t.plans_reviewed)})"),
            Cell(f"{t.training_gaps:,}"),
            Cell(f"{t.overdue:,}" if t.overdue is not None else _not_worked_out(missing)),
        ],
        "provision": provision,
    }


def _tables(rows, cells, total: dict[str, list[Cell]]) -> list[Table]:
    headings = _headings()
    tables = []
    for key in TABLES:
        table = Table(key, TITLES[key], headings[key], total=total[key])
        table.rows = [(school, cells[school.pk][key]) for school, _ in rows]
        tables.append(table)
    return tables


def _rows(trust: Trust, today: date) -> list[tuple[School, Figures]]:
    schools = list(School.objects.filter(trust=trust).order_by("name", "pk"))
    figures = school_figures(school_ids=[school.pk for school in schools], today=today)
    return [(school, figures[school.pk]) for school in schools]


def comparison(*, trust: Trust, today: date) -> dict:
    """The trust lead's page: each school's figures, exact, each linking to the school's own
    page, and the trust's totals."""
    rows = _rows(trust, today)
    total = _added([f for _, f in rows])
    link = SchoolLinks()
    cells = {school.pk: _page_cells(school, f, link) for school, f in rows}
    return {
        "rows": rows,
        "total": total,
        "tables": _tables(rows, cells, _total_cells(total, [f for _, f in rows])),
        "not_worked_out": NOT_WORKED_OUT,
        "need_names": [(c if c != OTHER else "Other", NEED_NAMES[c]) for c in NEEDS],
    }


# --------------------------------------------------------------------------------------------------
# The board's report
# --------------------------------------------------------------------------------------------------


def _counted(cell: Shown) -> Cell:
    return Cell(str(cell), count=cell.value, known=cell.known)


def _hidden(value: int, known: tuple[int, int]) -> Cell:
    return Cell(NOT_SHOWN, count=value, known=known)


def _column_total(cells: list[Shown], total: int) -> Cell:
    """The trust's total of a column beside the schools' cells: hidden when it would pin down
    a school's hidden cell (secondary suppression)."""
    own = shown(total)
    hidden = [c.known for c in cells if c.suppressed]
    if hidden:
        left = total - sum(c.value for c in cells if not c.suppressed)
        if suppression.recoverable(hidden, (left, left)):
            return _hidden(total, (0, 10**9))
    return _counted(own)


def _needs_row(f: Figures, k: Shown, e: Shown) -> tuple[list[Cell], bool]:
    """A school's needs mix for trustees: the counts and their share of the school's SEN
    pupils. The parts add up to K + E, shown in the register table: the row is shown only when
    both are and no hidden part could be worked out from them (otherwise every part is hidden,
    the row's second suppression)."""
    cells = [shown(f.needs[code]) for code in NEEDS]
    hidden = [c.known for c in cells if c.suppressed]
    left = f.sen - sum(c.value for c in cells if not c.suppressed)
    if k.suppressed or e.suppressed or (hidden and suppression.recoverable(hidden, (left, left))):
        return [_hidden(f.needs[code], (0, f.sen)) for code in NEEDS], False
    return [
        Cell(
            f"{c} ({share(c.value, f.sen)})" if not c.suppressed else str(c),
            count=c.value,
            known=c.known,
        )
        for c in cells
    ], True


def board(*, trust: Trust, today: date) -> dict:
    """The trust board's report: the same figures for trustees, suppressed as governors see
    them (`staff.suppression`), no link, no pupil named."""
    rows = _rows(trust, today)
    t = _added([f for _, f in rows])
    cells: dict[int, dict[str, list[Cell]]] = {}
    columns: dict[str, list[list[Shown]]] = {
        "register": [[], [], []],
        "work": [[], [], [], []],
        "provision": [[], []],
    }
    shown_rows = 0
    for school, f in rows:
        roll, k, e = shown(f.roll), shown(f.k), shown(f.e)
        held, on_time = shown(f.reviews_held), shown_within(f.reviews_on_time, f.reviews_held)
        reviewed = shown(f.plans_reviewed)
        plans_on_time = shown_within(f.plans_on_time, f.plans_reviewed)
        overdue = shown(f.overdue) if f.overdue is not None else None
        needs, whole = _needs_row(f, k, e)
        shown_rows += whole
        for n, c in enumerate((roll, k, e)):
            columns["register"][n].append(c)
        for n, c in enumerate((held, on_time, reviewed, plans_on_time)):
            columns["work"][n].append(c)
        provision = _board_provision(f, k, e)
        if f.provision is not None:
            columns["provision"][0].append(shown(f.provision.measured))
            columns["provision"][1].append(shown_within(f.provision.met, f.provision.measured))
        cells[school.pk] = {
            "register": [
                _counted(roll),
                _counted(k),
                Cell(share(f.k, f.roll)),
                _counted(e),
                Cell(share(f.e, f.roll)),
            ],
            "needs": needs,
            "work": [
                _counted(held),
                _counted(on_time)
                if on_time.suppressed
                else Cell(
                    f"{on_time} ({share(f.reviews_on_time, f.reviews_held)})",
                    count=on_time.value,
                    known=on_time.known,
                ),
                _counted(reviewed),
                _counted(plans_on_time)
                if plans_on_time.suppressed
                else Cell(
                    f"{plans_on_time} ({share(f.plans_on_time, f.plans_reviewed)})",
                    count=plans_on_time.value,
                    known=plans_on_time.known,
                ),
                Cell(f"{f.training_gaps:,}"),
                Cell(NOT_WORKED_OUT) if overdue is None else _counted(overdue),
            ],
            "provision": provision,
        }
    reg = columns["register"]
    roll_t = _column_total(reg[0], t.roll)
    k_t = _column_total(reg[1], t.k)
    e_t = _column_total(reg[2], t.e)

    def rate(part: Cell, whole: Cell, p: int, w: int) -> Cell:
        ok = part.text != NOT_SHOWN and whole.text != NOT_SHOWN
        return Cell(share(p, w) if ok else "–")

    # The trust's needs mix: a column's total only when no school's cell of it is hidden and
    # the trust's K and E are both shown (its share would otherwise give the hidden total).
    whole_needs = shown_rows == len(rows) and NOT_SHOWN not in (k_t.text, e_t.text)
    needs_total = []
    for code in NEEDS:
        column = [shown(f.needs[code]) for _, f in rows]
        if whole_needs and not any(c.suppressed for c in column):
            own = shown(t.needs[code])
            needs_total.append(
                Cell(f"{own} ({share(t.needs[code], t.sen)})", count=own.value, known=own.known)
            )
        else:
            needs_total.append(_hidden(t.needs[code], (0, 10**9)))
    work = columns["work"]
    overdue_known = all(f.overdue is not None for _, f in rows)
    overdue_t = (
        _column_total([shown(f.overdue or 0) for _, f in rows], t.overdue or 0)
        if overdue_known
        else Cell(NOT_WORKED_OUT)
    )
    held_t = _column_total(work[0], t.reviews_held)
    on_time_t = _column_total(work[1], t.reviews_on_time)
    reviewed_t = _column_total(work[2], t.plans_reviewed)
    plans_on_time_t = _column_total(work[3], t.plans_on_time)
    total = {
        "register": [
            roll_t,
            k_t,
            rate(k_t, roll_t, t.k, t.roll),
            e_t,
            rate(e_t, roll_t, t.e, t.roll),
        ],
        "needs": needs_total,
        "work": [
            held_t,
            _with_rate(on_time_t, held_t, t.reviews_on_time, t.reviews_held),
            reviewed_t,
            _with_rate(plans_on_time_t, reviewed_t, t.plans_on_time, t.plans_reviewed),
            Cell(f"{t.training_gaps:,}"),
            overdue_t,
        ],
        "provision": _board_provision_total(t, columns["provision"], k_t, e_t),
    }
    return {
        "rows": rows,
        "tables": _tables(rows, cells, total),
        "threshold": suppression.threshold(),
        "need_names": [(c if c != OTHER else "Other", NEED_NAMES[c]) for c in NEEDS],
    }


def _with_rate(part: Cell, whole: Cell, p: int, w: int) -> Cell:
    if part.text == NOT_SHOWN or whole.text == NOT_SHOWN or part.known[0] != part.known[1]:
        return part
    if whole.known[0] != whole.known[1]:
        return part
    return Cell(f"{part.text} ({share(p, w)})", count=part.count, known=part.known)


def _met_cell(met: Shown, measured: int) -> Cell:
    if met.suppressed:
        return _counted(met)
    return Cell(f"{met} ({share(met.value, measured)})", count=met.value, known=met.known)


def _board_provision(f: Figures, k: Shown, e: Shown) -> list[Cell]:
    """A school's provision for trustees: the cost per SEN pupil only when its K and E are both
    shown (a cost over fewer than 5 pupils is about those children), the pupils measured and
    those meeting their target suppressed like any count, the second hidden whatever it is when
    the first is too small to show."""
    p = f.provision
    if p is None:
        return [Cell(NOT_WORKED_OUT)] * 3
    cost = Cell(NOT_SHOWN) if k.suppressed or e.suppressed else Cell(_pounds(f.cost_per_sen))
    measured = shown(p.measured)
    return [cost, _counted(measured), _met_cell(shown_within(p.met, p.measured), p.measured)]


def _board_provision_total(
    t: Figures, columns: list[list[Shown]], k_t: Cell, e_t: Cell
) -> list[Cell]:
    """The trust's provision for trustees: its cost per SEN pupil only when its K and E totals
    are both shown (so it tells nothing of a school's hidden count), and the totals of pupils
    measured and meeting their target hidden where they would pin down a school's hidden count
    (`_column_total`)."""
    p = t.provision
    if p is None:
        return [Cell(NOT_WORKED_OUT)] * 3
    cost = Cell(NOT_SHOWN) if NOT_SHOWN in (k_t.text, e_t.text) else Cell(_pounds(t.cost_per_sen))
    measured = _column_total(columns[0], p.measured)
    met = _column_total(columns[1], p.met)
    return [cost, measured, _with_rate(met, measured, p.met, p.measured)]
