"""The report's figures as the tables and charts people read.

The SENDCo and head read a draft's live figures exactly. A published report is read from its
snapshot with small numbers suppressed for everyone (what governors see is what the head
sees): every count of pupils (or of staff) from 1 to the threshold less one is "fewer than 5",
and then more cells are "not shown" until no hidden count can be worked out from a total and
the other cells of its row or column, or from the register's "now = last term + added -
removed" (`staff.suppression.protect`, over all the tables at once, as they share totals).
A percentage is shown only when both its counts are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils.safestring import SafeString

from provision.charts import bar_chart
from staff import suppression
from staff.calendar import academic_year_start_for, school_year_name
from staff.suppression import HIDDEN, SHOWN, Line, cell_words, protect

HIDDEN_WORDS = "not shown"
REGISTER_COLUMNS = ("k", "e", "sen", "n", "roll")
REGISTER_HEADERS = [
    "SEN support (K)",
    "% of roll",
    "EHC plan (E)",
    "% of roll",
    "On the SEN register",
    "% of roll",
    "Not on the register",
    "On roll",
]


@dataclass
class Table:
    """A table as shown: its rows' cells are words; `lines` say which cells (row, column of
    the cells) add up to which, for the reconstruction test."""

    key: str
    caption: str
    columns: list[str]
    rows: list[tuple[str, list[str]]] = field(default_factory=list)
    lines: list[tuple[list[tuple[int, int]], list[tuple[int, int]]]] = field(default_factory=list)
    chart: SafeString | None = None


class _Book:
    """The counts of every table by id, the equalities between them, and the tables' layout
    as specs (("count", id), ("pct", part, whole) or ("text", words)) until they are shown."""

    def __init__(self) -> None:
        self.values: dict[str, int] = {}
        self.lines: list[Line] = []
        self.totals: set[str] = set()
        self.spare: set[str] = set()  # given up first when a table would reveal a hidden cell
        self.within: list[tuple[str, str]] = []
        self.specs: list[tuple[Table, list[tuple[str, list[tuple]]]]] = []

    def count(self, cell: str, value: int) -> tuple:
        self.values[cell] = int(value)
        return ("count", cell)

    def sums(self, parts: list[str], total: str) -> None:
        self.lines.append(Line(tuple(parts), (total,)))
        self.totals.add(total)

    def table(self, table: Table, rows: list[tuple[str, list[tuple]]]) -> None:
        self.specs.append((table, rows))

    def hidden_with(self, cell: str, group: str) -> None:
        """`cell` tells something about each member of `group` (the suspensions of its
        pupils): hidden when the group is "fewer than 5", whatever it is. In no line, so hiding
        it reveals nothing else."""
        self.within.append((cell, group))

    def shown(self, governor: bool) -> list[Table]:
        states = (
            protect(self.values, self.lines, self.totals, spare=self.spare)
            if governor
            else dict.fromkeys(self.values, SHOWN)
        )
        for cell, group in self.within:
            if states[group] == suppression.SMALL and states[cell] == SHOWN:
                states[cell] = HIDDEN
        where: dict[str, tuple[str, int, int]] = {}
        tables = []
        for table, rows in self.specs:
            for r, (label, specs) in enumerate(rows):
                table.rows.append((label, [self._words(s, states) for s in specs]))
                for c, spec in enumerate(specs):
                    if spec[0] == "count":
                        where.setdefault(spec[1], (table.key, r, c))
            tables.append(table)
        by_key = {t.key: t for t in tables}
        for line in self.lines:  # each line within one table, in that table's coordinates
            places = [where[c] for c in (*line.plus, *line.minus)]
            keys = {p[0] for p in places}
            if len(keys) == 1:
                table = by_key[keys.pop()]
                table.lines.append(
                    (
                        [where[c][1:] for c in line.plus],
                        [where[c][1:] for c in line.minus],
                    )
                )
        return tables

    def _words(self, spec: tuple, states: dict[str, str]) -> str:
        if spec[0] == "text":
            return spec[1]
        if spec[0] == "count":
            return cell_words(self.values[spec[1]], states[spec[1]])
        if spec[0] == "per":  # an amount per counted pupil: only beside its count shown
            return spec[2] if states[spec[1]] == SHOWN else "–"
        part, whole = spec[1], spec[2]
        if states[part] != SHOWN or states[whole] != SHOWN or not self.values[whole]:
            return "–"
        return f"{round(100 * self.values[part] / self.values[whole])}%"


def _register_row(book: _Book, prefix: str, k: int, e: int, n: int) -> list[tuple]:
    cells = {
        "k": book.count(f"{prefix}.k", k),
        "e": book.count(f"{prefix}.e", e),
        "sen": book.count(f"{prefix}.sen", k + e),
        "n": book.count(f"{prefix}.n", n),
        "roll": book.count(f"{prefix}.roll", k + e + n),
    }
    book.sums([f"{prefix}.k", f"{prefix}.e"], f"{prefix}.sen")
    book.sums([f"{prefix}.sen", f"{prefix}.n"], f"{prefix}.roll")
    roll = f"{prefix}.roll"
    return [
        cells["k"],
        ("pct", f"{prefix}.k", roll),
        cells["e"],
        ("pct", f"{prefix}.e", roll),
        cells["sen"],
        ("pct", f"{prefix}.sen", roll),
        cells["n"],
        cells["roll"],
    ]


def _day(iso: str) -> str:
    return f"{date.fromisoformat(iso):%-d %B %Y}"


def report_tables(figures: dict, *, governor: bool) -> dict:
    """Every table of the report (and its chart) from the figures, as `governor`s see them
    (suppressed) or exactly."""
    book = _Book()
    register = figures["register"]
    dates = figures["dates"]
    labels = {
        "now": f"At the end of the term ({_day(dates['now'])})",
        "previous": f"At the end of last term ({_day(dates['previous'])})",
        **{
            f"year_{n}": f"{n} year{'s' if n > 1 else ''} before ({_day(dates[f'year_{n}'])})"
            for n in (1, 2, 3)
        },
    }
    summary = Table(
        "register", "The SEN register against last term and earlier years", REGISTER_HEADERS
    )
    book.table(
        summary,
        [
            (labels[key], _register_row(book, f"reg.{key}", *register["rows"][key]))
            for key in ("now", "previous", "year_1", "year_2", "year_3")
        ],
    )
    _moved(book, register["moved"], register.get("moved_why"))
    book.spare.update(cell for cell in book.values if cell.startswith("moved."))
    # The register now is last term's, plus those added, less those removed.
    book.lines.append(Line(("reg.now.sen", "moved.removed"), ("reg.previous.sen", "moved.added")))
    _breakdown(book, "years", "The SEN register by year group", register["years"])
    _areas(book, register["areas"])
    tables = {"premium": None, "layers": None}
    if "layers" in register:  # None before the report gave them
        _layers(book, register["layers"])
    if register["premium"] is not None:
        _premium(book, register["premium"])
    _statutory(book, figures["statutory"])
    overdue = figures.get("overdue")  # None: a report published before it was counted
    if overdue is not None:
        _overdue(book, overdue)
    _plans(book, figures["plans"])
    training = figures["training"]
    if training is not None:
        table = Table("training", "SEND training completed this term", ["This term"])
        book.table(
            table,
            [
                ("Members of staff trained", [book.count("training.people", training["people"])]),
                ("Training records", [("text", f"{training['records']:,}")]),
                ("Hours of training", [("text", training["hours"])]),
            ],
        )
    outcomes = figures["outcomes"]
    suspensions = _suspensions_state(outcomes)
    if outcomes is not None:
        _outcomes(book, outcomes)
        if suspensions == "given":
            _suspensions(book, outcomes)
    # Published before the report gave them: these keys are missing, and the page says so.
    impact, section_f, targets = (figures.get(k) for k in ("impact", "section_f", "targets"))
    if impact is not None:
        _impact(book, impact)
    if section_f is not None:
        _section_f(book, section_f, governor)
    if targets is not None:
        _targets(book, targets)
    shown = {t.key: t for t in book.shown(governor)}
    tables.update(shown)
    impact_by_name = impact is not None and _by_name_if_hidden(shown["impact"], impact)
    provision = _provision(figures["provision"])
    return {
        "tables": tables,
        "provision": provision,
        "has_premium": register["premium"] is not None,
        "has_training": training is not None,
        "has_outcomes": outcomes is not None,
        "has_reasons": "moved_why" in register,
        "has_layers": "layers" in register,
        "has_meetings": "meetings" in figures["statutory"],
        "has_overdue": overdue is not None,
        "suspensions": suspensions,
        "impact": None
        if impact is None
        else {
            "note": _impact_note(impact),
            "by_name": impact_by_name,
            "minimum": impact["minimum"],
        },
        "has_section_f": section_f is not None,
        "section_f_none": section_f is not None and not sum(section_f["plans"]),
        "has_targets": targets is not None,
        "not_yet": figures["not_yet"],
        "threshold": suppression.threshold(),
        "governor": governor,
        "charts": _charts(tables, governor),
        "period_dates": (
            date.fromisoformat(figures["starts_on"]),
            date.fromisoformat(figures["ends_on"]),
        ),
        "year_name": school_year_name(
            academic_year_start_for(date.fromisoformat(figures["starts_on"]))
        ),
    }


def _moved(book: _Book, moved: list[int], why: dict | None) -> None:
    """Pupils on and off the register since last term, and why, in categories only (a
    report published before the reasons were counted, `why` None, has the totals only)."""
    added, left, stayed = moved
    table = Table(
        "moved",
        "Pupils added to and removed from the register this term"
        + (", and why" if why is not None else ""),
        ["Pupils"],
    )
    rows = []
    if why is not None:
        rows += [
            (
                "Added: new to the school this term",
                [book.count("moved.joined", why["joined"])],
            ),
            (
                "Added: already at the school, needs identified this term",
                [book.count("moved.identified", why["identified"])],
            ),
        ]
        book.sums(["moved.joined", "moved.identified"], "moved.added")
    rows += [
        (
            "Added to the register" + (" in all" if why is not None else ""),
            [book.count("moved.added", added)],
        ),
        ("Removed: left the school", [book.count("moved.left", left)]),
        (
            "Removed: still at the school, needs now met without SEN provision",
            [book.count("moved.stayed", stayed)],
        ),
        ("Removed in all", [book.count("moved.removed", left + stayed)]),
    ]
    book.sums(["moved.left", "moved.stayed"], "moved.removed")
    if why is not None:
        rows += [
            (
                "Moved from SEN support to an EHC plan",
                [book.count("moved.k_to_e", why["k_to_e"])],
            ),
            (
                "Moved from an EHC plan to SEN support",
                [book.count("moved.e_to_k", why["e_to_k"])],
            ),
        ]
    book.table(table, rows)


def _breakdown(book: _Book, key: str, caption: str, rows: list) -> None:
    table = Table(key, caption, REGISTER_HEADERS)
    shown_rows = []
    for label, k, e, n in rows:
        prefix = f"{key}.{label}"
        shown_rows.append((label, _register_row(book, prefix, k, e, n)))
    shown_rows.append(
        (
            "All year groups",
            [
                ("count", "reg.now.k"),
                ("pct", "reg.now.k", "reg.now.roll"),
                ("count", "reg.now.e"),
                ("pct", "reg.now.e", "reg.now.roll"),
                ("count", "reg.now.sen"),
                ("pct", "reg.now.sen", "reg.now.roll"),
                ("count", "reg.now.n"),
                ("count", "reg.now.roll"),
            ],
        )
    )
    for column in REGISTER_COLUMNS:
        book.sums([f"{key}.{label}.{column}" for label, *_ in rows], f"reg.now.{column}")
    book.table(table, shown_rows)


def _areas(book: _Book, rows: list) -> None:
    _on_the_register_by(
        book,
        "areas",
        "Pupils on the register by the broad area of their primary need",
        rows,
        total="All areas",
    )


def _layers(book: _Book, rows: list) -> None:
    _on_the_register_by(
        book,
        "layers",
        "Pupils on the register by their layer of support (the Individual Support Plan's "
        "proposed layers)",
        rows,
        total="All layers",
    )


def _on_the_register_by(book: _Book, key: str, caption: str, rows: list, *, total: str) -> None:
    """The register now by one of its parts (area of need, layer of support): each part's K, E
    and both, adding up to the register now."""
    table = Table(key, caption, ["SEN support (K)", "EHC plan (E)", "On the SEN register"])
    shown_rows = []
    for label, k, e in rows:
        prefix = f"{key}.{label}"
        book.sums(
            [book.count(f"{prefix}.k", k)[1], book.count(f"{prefix}.e", e)[1]],
            book.count(f"{prefix}.sen", k + e)[1],
        )
        shown_rows.append((label, [("count", f"{prefix}.{c}") for c in ("k", "e", "sen")]))
    shown_rows.append((total, [("count", f"reg.now.{c}") for c in ("k", "e", "sen")]))
    for column in ("k", "e", "sen"):
        book.sums([f"{key}.{label}.{column}" for label, *_ in rows], f"reg.now.{column}")
    book.table(table, shown_rows)


def _premium(book: _Book, groups: dict) -> None:
    table = Table(
        "premium",
        "Disadvantaged (Pupil Premium) and looked-after pupils on the SEN register",
        REGISTER_HEADERS,
    )
    rows = []
    for key, label in (("pp", "Disadvantaged pupils"), ("other", "Other pupils")):
        rows.append((label, _register_row(book, f"premium.{key}", *groups.get(key, [0, 0, 0]))))
    for column in REGISTER_COLUMNS:
        book.sums([f"premium.pp.{column}", f"premium.other.{column}"], f"reg.now.{column}")
    if "lac" in groups:
        rows.append(
            (
                "Looked-after children (also in the rows above)",
                _register_row(book, "premium.lac", *groups["lac"]),
            )
        )
    book.table(table, rows)


def _statutory(book: _Book, found: dict) -> None:
    on_time, late = found["reviews"]
    requested, assess, refused = found["requests"]
    plan, no_plan = found["outcomes"]
    issued, ceased = found["plans"]
    table = Table("statutory", "Statutory work this term", ["This term"])
    book.table(
        table,
        [
            *_meetings(book, found.get("meetings")),
            (
                "EHC annual reviews held: report sent within 2 weeks",
                [book.count("st.on_time", on_time)],
            ),
            (
                "EHC annual reviews held: report later or not yet sent",
                [book.count("st.late", late)],
            ),
            ("EHC annual reviews held in all", [book.count("st.held", on_time + late)]),
            ("EHC needs assessments requested", [book.count("st.requested", requested)]),
            ("The LA agreed to assess", [book.count("st.assess", assess)]),
            ("The LA refused to assess", [book.count("st.refused", refused)]),
            ("Assessments ending in an EHC plan", [book.count("st.plan", plan)]),
            ("Assessments ending without a plan", [book.count("st.no_plan", no_plan)]),
            ("EHC plans issued", [book.count("st.issued", issued)]),
            ("EHC plans ceased", [book.count("st.ceased", ceased)]),
        ],
    )
    book.sums(["st.on_time", "st.late"], "st.held")


def _meetings(book: _Book, meetings: list[int] | None) -> list[tuple[str, list[tuple]]]:
    """Whether each review meeting was held within its window: rows of the statutory table,
    adding up to the reviews held as the reports do (none in a report published before they
    were counted)."""
    if meetings is None:
        return []
    in_window, after = meetings
    book.sums(["st.meeting_on_time", "st.meeting_late"], "st.held")
    return [
        (
            "EHC annual reviews held: meeting within the 12-month window",
            [book.count("st.meeting_on_time", in_window)],
        ),
        (
            "EHC annual reviews held: meeting after the window had closed",
            [book.count("st.meeting_late", after)],
        ),
    ]


def _overdue(book: _Book, overdue: dict) -> None:
    """Pupils with work of each kind overdue on the day the figures were worked out. The
    kinds overlap (a pupil may have a review and a PEP overdue), so no row is their sum."""
    table = Table(
        "overdue",
        f"Work overdue on {_day(overdue['on'])}: pupils with each kind of work overdue",
        ["Pupils"],
    )
    rows = [
        (label, [book.count(f"overdue.{n}", pupils)])
        for n, (label, pupils) in enumerate(overdue["kinds"])
    ]
    everyone = book.count("overdue.all", overdue["pupils"])
    rows.append(("Pupils with any of these overdue", [everyone]))
    book.table(table, rows)


def _plans(book: _Book, found: dict) -> None:
    on_time, late, waiting = found["reviews"]
    agreed, reviewed = found["meetings"]
    table = Table("plans", "Support plans (SEN support) this term", ["This term"])
    book.table(
        table,
        [
            ("Reviews due this term: held on time", [book.count("plans.on_time", on_time)]),
            ("Reviews due this term: held late", [book.count("plans.late", late)]),
            ("Reviews due this term: not yet held", [book.count("plans.waiting", waiting)]),
            ("Reviews due this term in all", [book.count("plans.due", on_time + late + waiting)]),
            ("Meetings with parents: plans agreed", [book.count("plans.agreed", agreed)]),
            ("Meetings with parents: plans reviewed", [book.count("plans.reviewed", reviewed)]),
        ],
    )
    book.sums(["plans.on_time", "plans.late", "plans.waiting"], "plans.due")


def _outcomes(book: _Book, outcomes: dict) -> None:
    table = Table(
        "outcomes",
        "Attendance and attainment: SEN pupils against the others",
        [
            "Persistently absent",
            "Not persistently absent",
            "With attendance figures",
            "Average attendance",
            "At or above the expected standard",
            "Below it",
            "With an assessment",
        ],
    )
    rows = []
    for key, label in (("sen", "Pupils on the SEN register"), ("other", "Other pupils")):
        found = outcomes[key]
        absent, present = found["attendance"]
        expected, below = found["attainment"]
        p = f"out.{key}"
        cells = [
            book.count(f"{p}.absent", absent),
            book.count(f"{p}.present", present),
            book.count(f"{p}.attendance", absent + present),
            None,
            book.count(f"{p}.expected", expected),
            book.count(f"{p}.below", below),
            book.count(f"{p}.assessed", expected + below),
        ]
        book.sums([f"{p}.absent", f"{p}.present"], f"{p}.attendance")
        book.sums([f"{p}.expected", f"{p}.below"], f"{p}.assessed")
        average = found["average"]
        small = suppression.Shown(absent + present).suppressed
        cells[3] = ("text", "–" if average is None or small else f"{average}%")
        rows.append((label, cells))
    book.table(table, rows)


def _suspensions_state(outcomes: dict | None) -> str | None:
    """None: no MIS figures at all; "absent": a report published before suspensions were
    counted; "none": the import gave no pupil's suspensions; "given"."""
    if outcomes is None:
        return None
    if "suspensions" not in outcomes["sen"]:
        return "absent"
    return "none" if outcomes["sen"]["suspensions"] is None else "given"


def _suspensions(book: _Book, outcomes: dict) -> None:
    """Pupils suspended at least once this school year, SEN against the others, and the
    suspensions in all; the total is hidden when its group is "fewer than 5" (it would say
    whether any of them was suspended)."""
    table = Table(
        "suspensions",
        "Suspensions this school year so far: SEN pupils against the others",
        ["Suspended at least once", "Not suspended", "With suspension figures", "Suspensions"],
    )
    rows = []
    for key, label in (("sen", "Pupils on the SEN register"), ("other", "Other pupils")):
        suspended, not_suspended, total = outcomes[key]["suspensions"]
        p = f"susp.{key}"
        rows.append(
            (
                label,
                [
                    book.count(f"{p}.suspended", suspended),
                    book.count(f"{p}.not", not_suspended),
                    book.count(f"{p}.pupils", suspended + not_suspended),
                    book.count(f"{p}.total", total),
                ],
            )
        )
        book.sums([f"{p}.suspended", f"{p}.not"], f"{p}.pupils")
        book.hidden_with(f"{p}.total", f"{p}.pupils")
    book.table(table, rows)


def _impact(book: _Book, found: dict) -> None:
    """The best ranked interventions: pupils measured, those meeting their target and not (so
    a small count of either is suppressed like any other), the share, and the cost per pupil
    meeting target (shown only beside a count shown: the cost over "fewer than 5" would say
    which). Intervention names are the school's, not pupils'."""
    table = Table(
        "impact",
        "The interventions that worked best here this academic year, from measured impact",
        [
            "Pupils measured",
            "Met their target",
            "Did not",
            "Share meeting their target",
            "Cost per pupil meeting target",
        ],
    )
    rows = []
    for n, (name, measured, met, cost) in enumerate(found["ranked"], start=1):
        p = f"impact.{n}"
        cells = [
            book.count(f"{p}.measured", measured),
            book.count(f"{p}.met", met),
            book.count(f"{p}.not_met", measured - met),
            ("pct", f"{p}.met", f"{p}.measured"),
            ("per", f"{p}.met", "–" if cost is None else f"£{Decimal(cost):,.0f}"),
        ]
        book.sums([f"{p}.met", f"{p}.not_met"], f"{p}.measured")
        rows.append((f"{n}. {name}", cells))
    book.table(table, rows)


def _by_name_if_hidden(table: Table, found: dict) -> bool:
    """List the best interventions by name, without their ranks, when a count of pupils meeting
    their target is hidden: in rank order (by share meeting target) a hidden share would lie
    between the shares shown above and below it, which can pin it down."""
    met = table.columns.index("Met their target")
    if all(cells[met].replace(",", "").isdigit() for _, cells in table.rows):
        return False
    names = [name for name, *_ in found["ranked"]]
    order = sorted(range(len(names)), key=lambda r: (names[r].casefold(), r))
    moved_to = {old: new for new, old in enumerate(order)}
    table.rows = [(names[r], table.rows[r][1]) for r in order]
    table.lines = [
        ([(moved_to[r], c) for r, c in plus], [(moved_to[r], c) for r, c in minus])
        for plus, minus in table.lines
    ]
    return True


def _impact_note(found: dict) -> str:
    """How many interventions the list leaves out, and why, in short."""
    no_measure, not_measured, too_few = found["not_ranked"]
    parts = [
        f"{n} {words}"
        for n, words in (
            (no_measure, "with no measure set"),
            (not_measured, "with no pupil measured yet"),
            (too_few, f"measured on fewer than {found['minimum']} pupils"),
        )
        if n
    ]
    more = found["more_ranked"]
    said = []
    if more:
        said.append(f"{more} more intervention{'s were' if more > 1 else ' was'} ranked lower.")
    if parts:
        total = no_measure + not_measured + too_few
        said.append(
            f"{total} intervention{'s were' if total > 1 else ' was'} not ranked: "
            + ", ".join(parts)
            + "."
        )
    else:
        said.append("Every intervention with groups this year was ranked.")
    return " ".join(said)


def _section_f(book: _Book, found: dict, governor: bool) -> None:
    """EHC plans' section F delivered against planned. The hours are of the plans with an item
    linked to a group: for governors, shown only when that count of plans is."""
    below, on_plan, none_linked = found["plans"]
    linked, unlinked = found["items"]
    planned, delivered = (Decimal(h) for h in found["hours"])
    with_groups = below + on_plan
    table = Table("section_f", "EHC plans: section F provision delivered this term", ["This term"])
    hours = not governor or not suppression.Shown(with_groups).suppressed
    share = f"{round(100 * delivered / planned)}%" if hours and planned else "–"
    book.table(
        table,
        [
            ("EHC plans in force", [book.count("f.plans", with_groups + none_linked)]),
            (
                "Plans with section F provision linked to a group",
                [book.count("f.linked_plans", with_groups)],
            ),
            (
                f"… with an item delivered below plan (under {found['below_percent']}% of its "
                "planned hours)",
                [book.count("f.below", below)],
            ),
            ("… with every linked item delivered to plan", [book.count("f.on_plan", on_plan)]),
            (
                "Plans with no provision linked to a group (delivery not counted)",
                [book.count("f.none_linked", none_linked)],
            ),
            ("Items of section F linked to a group", [book.count("f.linked", linked)]),
            ("Items of section F not linked to any group", [book.count("f.unlinked", unlinked)]),
            ("Items of section F in all", [book.count("f.items", linked + unlinked)]),
            (
                "Hours planned (items linked to a group)",
                [("text", f"{planned:,}" if hours else "–")],
            ),
            ("Hours delivered (attended)", [("text", f"{delivered:,}" if hours else "–")]),
            ("Hours delivered as a share of planned", [("text", share)]),
        ],
    )
    book.sums(["f.below", "f.on_plan"], "f.linked_plans")
    book.sums(["f.linked_plans", "f.none_linked"], "f.plans")
    book.sums(["f.linked", "f.unlinked"], "f.items")


def _targets(book: _Book, found: list[int]) -> None:
    achieved, partly, not_achieved, blank = found
    table = Table(
        "targets",
        "Support-plan targets reviewed this term, by outcome",
        ["Targets", "Share of those reviewed"],
    )
    rows = []
    for key, label, value in (
        ("achieved", "Achieved", achieved),
        ("partly", "Partly achieved", partly),
        ("not_achieved", "Not achieved", not_achieved),
        ("blank", "Outcome not recorded", blank),
    ):
        rows.append(
            (label, [book.count(f"targets.{key}", value), ("pct", f"targets.{key}", "targets.all")])
        )
    rows.append(("Targets reviewed in all", [book.count("targets.all", sum(found)), ("text", "")]))
    book.sums(
        [f"targets.{k}" for k in ("achieved", "partly", "not_achieved", "blank")], "targets.all"
    )
    book.table(table, rows)


def _provision(found: dict) -> dict:
    """Sessions, hours and money, no count of pupils: shown as they are. A report published
    before the hours were counted has sessions only (`hours` None)."""
    lines = [(*line, None, None)[:6] for line in found["interventions"]]
    planned = sum(line[2] for line in lines)
    run = sum(line[3] for line in lines)
    rate = lambda a, b: None if not b else Decimal(round(100 * a / b))  # noqa: E731
    chart = bar_chart(
        [(line[0], rate(line[3], line[2])) for line in lines],
        title="Sessions run as a share of those planned, by intervention",
        unit="%",
        max_value=Decimal(100),
    )
    budget = Decimal(found["budget"]) if found["budget"] is not None else None
    cost = Decimal(found["planned_cost"])
    counted = all(line[4] is not None for line in lines)
    return {
        "lines": [
            (
                name,
                groups,
                p,
                r,
                _hours(minutes_planned) if counted else "–",
                _hours(minutes_run) if counted else "–",
                "–" if rate(r, p) is None else f"{rate(r, p)}%",
            )
            for name, groups, p, r, minutes_planned, minutes_run in lines
        ],
        "planned": planned,
        "run": run,
        "hours": (
            (_hours(sum(line[4] for line in lines)), _hours(sum(line[5] for line in lines)))
            if counted
            else None
        ),
        "rate": "–" if rate(run, planned) is None else f"{rate(run, planned)}%",
        "chart": chart if lines else None,
        "budget": budget,
        "cost": cost,
        "funded_groups": found["funded_groups"],
        "used": None if not budget else f"{round(100 * cost / budget)}%",
    }


def _hours(minutes: int) -> str:
    """Minutes as hours for the page: 90 is "1.5", 600 is "10"."""
    hours = Decimal(minutes) / 60
    return f"{hours:,.1f}".removesuffix(".0")


def _charts(tables: dict, governor: bool) -> dict:
    """Charts of the register by year group and by need area, drawn from what the tables
    show: a hidden count draws no bar and says why."""
    charts = {}
    for key, title in (
        ("years", "Pupils on the SEN register by year group"),
        ("areas", "Pupils on the SEN register by area of primary need"),
    ):
        table = tables[key]
        column = table.columns.index("On the SEN register")
        rows = []
        for label, cells in table.rows[:-1]:
            words = cells[column].replace(",", "")
            rows.append((label, Decimal(words) if words.isdigit() else None))
        charts[key] = bar_chart(
            rows, title=title, unit="", missing=f"fewer than {suppression.threshold()} or not shown"
        )
    return charts


__all__ = ["HIDDEN", "Table", "report_tables"]
