"""MIS import, the dry run: compare the file's rows with the school's pupils, matched by UPN:
new, changed (field by field, old -> new), unchanged, leaving, bad rows, problems with the file
as a whole, and new classes. One query; four when the file gives classes, one more when it says
who has free school meals or is a service child (the open periods of those grounds), and two
when it gives attendance, suspensions or attainment (the term they are for, and when that term's
figures were last imported)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Max

from staff.bounds import DATE_WINDOWS, long_date, short_date
from staff.calendar import school_year_name
from staff.models import AcademicYear, School, Term

from ..models import LookedAfterPeriod, Pupil, PupilPremiumPeriod, TeachingGroup, TermFigures
from ..rules import UC_EXTENSION_STARTS, season_by_month
from ..upn import normalise_upn
from .columns import FIELDS, FIGURES, LABELS, display
from .parsing import BadRow, ParsedFile

LEFT_DESTINATION = "Not in MIS export"


@dataclass(frozen=True)
class Change:
    field: str
    old: object
    new: object

    @property
    def label(self) -> str:
        return LABELS[self.field]

    @property
    def old_display(self) -> str:
        return display(self.field, self.old)

    @property
    def new_display(self) -> str:
        return display(self.field, self.new)


@dataclass(frozen=True)
class Problem:
    """Something about the file as a whole that stops the import (rows may all be fine)."""

    code: str
    message: str


@dataclass(frozen=True)
class GroundChange:
    """A ground of eligibility the import opens from its day, or closes the day before."""

    kind: str  # PupilPremiumPeriod.Kind (fsm, fsm_uc, service, plac), or "lac": looked after
    opens: bool
    period_id: int | None = None  # the open period to close
    authority: str = ""  # looked after: the local authority of the period opened


FSM_WORDS = {"fsm": "yes, means-tested", "fsm_uc": "yes, Universal Credit extension only"}
READ_GROUNDS = ("fsm", "fsm_uc", "service", "plac")
FLAGS = ("fsm", "fsm_kind", "service_child", "looked_after", "care_authority", "plac")
NO_AUTHORITY = (
    "A child looked after needs the local authority that looks after them: add the MIS's "
    '"Care Authority" column to the export, or fill it in for this child.'
)


@dataclass(frozen=True)
class Planned:
    """One pupil the import creates, changes, leaves alone or marks as left."""

    upn: str
    name: str
    year_group: str
    values: dict  # the fields to set (all of them for a new pupil)
    changes: tuple[Change, ...] = ()
    line: int | None = None  # None for a leaver who is not in the file
    pupil_id: int | None = None
    seen_updated_at: datetime | None = None
    class_name: str | None = None  # the class to put the pupil in, when that changes
    grounds: tuple[GroundChange, ...] = ()  # free school meals and service child
    figures: dict | None = None  # this term's attendance, suspensions, attainment (TermFigures)

    @property
    def year_label(self) -> str:
        return display("year_group", self.year_group)

    @property
    def leaving_date(self) -> date | None:
        return self.values.get("leaving_date")


@dataclass
class ImportPlan:
    school_id: int
    today: date
    sha256: str
    new: list[Planned] = field(default_factory=list)
    changed: list[Planned] = field(default_factory=list)
    unchanged: list[Planned] = field(default_factory=list)
    leaving: list[Planned] = field(default_factory=list)
    bad_rows: list[BadRow] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    on_roll: int = 0  # pupils of the school on roll before the import
    problems: list[Problem] = field(default_factory=list)
    academic_year_id: int | None = None  # set when the file gives classes for this year
    academic_year_name: str = ""
    new_classes: list[str] = field(default_factory=list)  # classes the import would create
    # The term the file's attendance, suspensions and attainment are recorded for, the columns
    # it gives, and the day that term's figures were last imported (None: never).
    figures_term: tuple[int, str] | None = None
    figure_columns: tuple[str, ...] = ()
    figures_last_recorded: date | None = None

    @property
    def figures_count(self) -> int:
        return sum(
            1
            for kind in ("new", "changed", "unchanged", "leaving")
            for item in getattr(self, kind)
            if item.figures
        )

    @property
    def figure_words(self) -> str:
        """ "attendance and attainment": the figures the file gives, in words."""
        words = [LABELS[c] for c in self.figure_columns]
        return " and ".join([", ".join(words[:-1]), words[-1]] if len(words) > 1 else words)

    @property
    def figures_label(self) -> str:
        """ "the autumn term of 2026/27", for the dry run and the summary."""
        if self.figures_term is None:
            return ""
        start, season = self.figures_term
        return f"the {season} term of {school_year_name(start)}"

    @property
    def can_apply(self) -> bool:
        return not self.bad_rows and not self.problems

    @property
    def reads_classes(self) -> bool:
        return self.academic_year_id is not None

    @property
    def counts(self) -> dict[str, int]:
        return {
            "new": len(self.new),
            "changed": len(self.changed),
            "unchanged": len(self.unchanged),
            "leaving": len(self.leaving),
            "bad": len(self.bad_rows),
        }

    @property
    def fingerprint(self) -> str:
        """Same for two plans that would write the same thing: the view applies only the dry
        run the person saw."""
        digest = hashlib.sha256(self.sha256.encode())
        for kind in ("new", "changed", "leaving"):
            for item in getattr(self, kind):
                digest.update(f"{kind}|{item.upn}|{sorted(item.values.items())!r}\n".encode())
                if item.class_name is not None:
                    digest.update(f"class|{item.upn}|{item.class_name}\n".encode())
                if item.grounds:
                    digest.update(f"grounds|{item.upn}|{item.grounds!r}\n".encode())
        for item in self.unchanged + self.changed + self.new + self.leaving:
            if item.figures:
                digest.update(f"figures|{item.upn}|{sorted(item.figures.items())!r}\n".encode())
        for bad in self.bad_rows:
            digest.update(f"bad|{bad.line}\n".encode())
        for problem in self.problems:
            digest.update(f"problem|{problem.code}\n".encode())
        digest.update(f"year|{self.academic_year_id}|{self.new_classes!r}\n".encode())
        return digest.hexdigest()


# --- plan --------------------------------------------------------------------------------------

_NEW_DEFAULTS = {
    "preferred_first_name": "",
    "preferred_last_name": "",
    "admission_date": None,
    "leaving_date": None,
    "leaving_destination": "",
    "eal": False,
}


def _name(values: dict) -> str:
    first = values.get("preferred_first_name") or values.get("legal_first_name", "")
    last = values.get("preferred_last_name") or values.get("legal_last_name", "")
    return f"{first} {last}".strip()


def _class_key(name: str) -> str:
    return " ".join(name.split()).casefold()


BIRTH = DATE_WINDOWS["birth"]


def _natural(name: str) -> list:
    """4C before 10A. `re.split` with a group alternates text and runs of decimal digits (in
    any script, which `int()` reads), so each position of the key always holds the same type;
    a digit such as `²` that `int()` refuses stays in the text."""
    parts = re.split(r"(\d+)", name)
    return [int(part) if index % 2 else part.casefold() for index, part in enumerate(parts)]


class _Classes:
    """The classes and teaching sets of one academic year, and who is in which class: loaded
    once (three queries) and looked up row by row."""

    def __init__(self, *, school: School, year: AcademicYear):
        self.year = year
        self.names: set[str] = set()  # classes, exactly as sendco has them
        self.by_key: dict[str, str] = {}
        self.sets: dict[str, str] = {}
        self.created: dict[str, str] = {}  # key -> name (first spelling in the file)
        groups = TeachingGroup.objects.filter(school=school, academic_year=year)
        for name, kind in groups.order_by("name").values_list("name", "kind"):
            if kind == TeachingGroup.Kind.CLASS:
                self.names.add(name)
                self.by_key.setdefault(_class_key(name), name)
            else:
                self.sets.setdefault(_class_key(name), name)
        self.of_pupil: dict[int, set[str]] = {}
        memberships = TeachingGroup.pupils.through.objects.filter(
            teachinggroup__school=school,
            teachinggroup__academic_year=year,
            teachinggroup__kind=TeachingGroup.Kind.CLASS,
        ).values_list("pupil_id", "teachinggroup__name")
        for pupil_id, name in memberships:
            self.of_pupil.setdefault(pupil_id, set()).add(name)

    def resolve(self, name: str) -> tuple[str, str | None]:
        """The class's name as sendco has it (or will), and why the row is bad (or None)."""
        if name in self.names:
            return name, None
        key = _class_key(name)
        if key in self.by_key:
            return self.by_key[key], None
        if key in self.sets:
            return name, (
                f'"{name}" is the name of a teaching set this year, so it cannot be a class too: '
                "rename the class in the MIS, or the set in sendco."
            )
        return self.created.get(key, name), None

    def use(self, name: str) -> None:
        """Note a class the import puts a pupil in (creating it if sendco lacks it)."""
        key = _class_key(name)
        if key not in self.by_key:
            self.created.setdefault(key, name)

    def change(self, pupil_id: int | None, name: str) -> Change | None:
        current = self.of_pupil.get(pupil_id, set()) if pupil_id else set()
        if current == {name}:
            return None
        return Change("class_name", ", ".join(sorted(current, key=_natural)) or None, name)


def _academic_year(school: School, today: date) -> AcademicYear | None:
    return (
        AcademicYear.objects.filter(school=school, starts_on__lte=today, ends_on__gte=today)
        .order_by("-starts_on")
        .first()
    )


def _open_grounds(school: School, parsed: ParsedFile) -> dict[int, dict[str, tuple[int, str]]]:
    """{pupil id: {"fsm", "service", "plac" or "lac": (period id, kind or local authority)}} of
    the school's open periods of the grounds the file reads (a query for the Pupil Premium
    grounds, one for looked-after children)."""
    columns = set(parsed.columns)
    kinds = [k for k in READ_GROUNDS if k != "plac" or "previously_looked_after" in columns]
    found: dict[int, dict[str, tuple[int, str]]] = {}
    if {"fsm", "service_child", "previously_looked_after"} & columns:
        rows = PupilPremiumPeriod.objects.filter(
            school=school, ends_on__isnull=True, kind__in=kinds
        ).values_list("pupil_id", "pk", "kind")
        for pupil_id, pk, kind in rows:
            key = kind if kind in ("service", "plac") else "fsm"
            found.setdefault(pupil_id, {})[key] = (pk, kind)
    if "looked_after" in columns:
        rows = LookedAfterPeriod.objects.filter(school=school, ends_on__isnull=True).values_list(
            "pupil_id", "pk", "responsible_la"
        )
        for pupil_id, pk, authority in rows:
            found.setdefault(pupil_id, {})["lac"] = (pk, authority)
    return found


def _figures_term(school: School, today: date) -> tuple[int, str]:
    """The term the MIS's figures are for: the school's term that started last (so a holiday
    counts with the term just ended), or by the month when the school has no term dates."""
    term = (
        Term.objects.filter(school=school, starts_on__lte=today)
        .select_related("academic_year")
        .order_by("-starts_on")
        .first()
    )
    if term is None or term.academic_year.ends_on < today:
        return season_by_month(today)
    return term.academic_year.starts_on.year, term.season


def _read_figures(school: School, parsed: ParsedFile, result: ImportPlan, today: date) -> None:
    result.figure_columns = tuple(c for c in FIGURES if c in parsed.columns)
    if not result.figure_columns:
        return
    result.figures_term = start, season = _figures_term(school, today)
    result.figures_last_recorded = TermFigures.objects.filter(
        school=school, academic_year_start=start, season=season
    ).aggregate(last=Max("recorded_on"))["last"]


def _ground_changes(
    flags: dict, now: dict[str, tuple[int, str]], today: date
) -> tuple[tuple[GroundChange, ...], tuple[Change, ...], list[str]]:
    """What the file's free school meals and service child cells change for one pupil: the
    periods to open and close, the changes to show, and reasons the row is bad."""
    grounds: list[GroundChange] = []
    shown: list[Change] = []
    reasons: list[str] = []
    if "fsm" in flags:
        wanted = flags["fsm_kind"] if flags["fsm"] else None
        if wanted == "fsm_uc" and today < UC_EXTENSION_STARTS:
            reasons.append(
                "Free school meals through the Universal Credit extension start on 1 September "
                "2026; before then they are means-tested."
            )
        held = now.get("fsm")
        if (held[1] if held else None) != wanted:
            if held:
                grounds.append(GroundChange(held[1], opens=False, period_id=held[0]))
            if wanted:
                grounds.append(GroundChange(wanted, opens=True))
            old = FSM_WORDS[held[1]] if held else "no"
            shown.append(Change("fsm", old, FSM_WORDS[wanted] if wanted else "no"))
    if "service_child" in flags:
        held = now.get("service")
        if bool(held) != flags["service_child"]:
            if held:
                grounds.append(GroundChange("service", opens=False, period_id=held[0]))
            else:
                grounds.append(GroundChange("service", opens=True))
            shown.append(Change("service_child", bool(held), flags["service_child"]))
    if "looked_after" in flags:
        care, care_shown, care_reasons = _care_changes(flags, now.get("lac"))
        grounds.extend(care)
        shown.extend(care_shown)
        reasons.extend(care_reasons)
    if flags.get("plac") and "plac" not in now:
        grounds.append(GroundChange("plac", opens=True))
        shown.append(Change("previously_looked_after", "no", "yes, evidence to record"))
    return tuple(grounds), tuple(shown), reasons


def _care_changes(
    flags: dict, held: tuple[int, str] | None
) -> tuple[list[GroundChange], list[Change], list[str]]:
    """Looked after: "Y" opens a period with the care authority (or keeps the open one; a new
    authority ends it and opens another), "N" ends the open one."""
    authority = flags["care_authority"]
    old = f"yes, by {held[1]}" if held else "no"
    if not flags["looked_after"]:
        if not held:
            return [], [], []
        return (
            [GroundChange("lac", opens=False, period_id=held[0])],
            [Change("looked_after", old, "no")],
            [],
        )
    if held and (not authority or authority.lower() == held[1].strip().lower()):
        return [], [], []
    if not authority:
        return [], [], [NO_AUTHORITY]
    grounds = [GroundChange("lac", opens=True, authority=authority)]
    if held:
        grounds.insert(0, GroundChange("lac", opens=False, period_id=held[0]))
    return grounds, [Change("looked_after", old, f"yes, by {authority}")], []


def plan(*, school: School, parsed: ParsedFile, today: date) -> ImportPlan:
    """What importing `parsed` into `school` would do. One query whatever the size, and three
    more when the file gives classes (the academic year, its classes, their pupils)."""
    result = ImportPlan(
        school_id=school.pk,
        today=today,
        sha256=parsed.sha256,
        bad_rows=list(parsed.bad_rows),
        warnings=list(parsed.warnings),
    )
    existing = {
        normalise_upn(p.upn): p
        for p in Pupil.objects.for_school(school).only("upn", "updated_at", *FIELDS)
    }
    in_file = {row.upn for row in parsed.rows} | {bad.upn for bad in parsed.bad_rows}
    open_grounds = _open_grounds(school, parsed)
    _read_figures(school, parsed, result, today)
    if (
        "fsm" in parsed.columns
        and "fsm_basis" not in parsed.columns
        and today >= UC_EXTENSION_STARTS
    ):
        result.warnings.append(
            "The file says who has free school meals but not on which ground: they are "
            "recorded as means-tested. Since September 2026 pupils eligible only through the "
            "Universal Credit extension attract no Pupil Premium: add the MIS's FSM basis "
            'column ("FSM Basis") to the export, or correct them on the Pupil Premium page.'
        )

    classes = None
    if any(row.values.get("class_name") for row in parsed.rows):
        year = _academic_year(school, today)
        if year is None:
            result.problems.append(
                Problem(
                    "no_academic_year",
                    f'The file gives classes (the "{parsed.columns["class_name"]}" column), but '
                    f"sendco has no academic year for this school that includes "
                    f"{today:%d/%m/%Y}, so it cannot tell which year's classes they are. Add "
                    "this year's term dates first (Term dates page), then upload the file again.",
                )
            )
        else:
            classes = _Classes(school=school, year=year)
            result.academic_year_id, result.academic_year_name = year.pk, year.name

    for row in parsed.rows:
        pupil = existing.get(row.upn)
        values = dict(row.values)
        flags = {k: values.pop(k) for k in FLAGS if k in values}
        figures = values.pop("figures", None)
        class_name = values.pop("class_name", None)
        if classes is None:
            class_name = None  # no academic year to put it in: the plan has a problem
        reasons = []
        born = values["date_of_birth"]
        if born and born > today:
            reasons.append(f"The date of birth {short_date(born)} is in the future.")
        elif born and born < BIRTH.bounds(today)[0]:
            earliest = BIRTH.bounds(today)[0]
            reasons.append(
                f"The date of birth {short_date(born)} is before {long_date(earliest)}: "
                "check it in the MIS."
            )
        if class_name is not None:
            class_name, reason = classes.resolve(class_name)
            if reason:
                reasons.append(reason)
        grounds, ground_changes, ground_reasons = _ground_changes(
            flags, open_grounds.get(pupil.pk, {}) if pupil else {}, today
        )
        reasons.extend(ground_reasons)
        if pupil is None:
            values = {**_NEW_DEFAULTS, **values}
            if "sex" not in values:
                reasons.append("The sex is missing: a pupil new to sendco needs M or F.")
            if reasons:
                result.bad_rows.append(BadRow(row.line, row.upn, tuple(reasons)))
                continue
            if class_name is not None:
                classes.use(class_name)
            result.new.append(
                Planned(
                    upn=row.upn,
                    name=_name(values),
                    year_group=values["year_group"],
                    values=values,
                    line=row.line,
                    class_name=class_name,
                    grounds=grounds,
                    figures=figures,
                )
            )
            continue

        if values["leaving_date"] is None and pupil.leaving_date is not None:
            values["leaving_destination"] = ""  # back on roll
        admitted = values.get("admission_date", pupil.admission_date)
        left = values["leaving_date"]
        if admitted and left and left < admitted:
            reasons.append(
                f"The leaving date {left:%d/%m/%Y} is before the admission date "
                f"{admitted:%d/%m/%Y} that sendco has."
            )
        if reasons:
            result.bad_rows.append(BadRow(row.line, row.upn, tuple(reasons)))
            continue
        changes = tuple(
            Change(name, getattr(pupil, name), values[name])
            for name in FIELDS
            if name in values and getattr(pupil, name) != values[name]
        )
        move = classes.change(pupil.pk, class_name) if class_name is not None else None
        if move:
            classes.use(class_name)
        merged = {name: getattr(pupil, name) for name in FIELDS} | values
        item = Planned(
            upn=row.upn,
            name=_name(merged),
            year_group=merged["year_group"],
            values={c.field: c.new for c in changes},
            changes=changes + ((move,) if move else ()) + ground_changes,
            line=row.line,
            pupil_id=pupil.pk,
            seen_updated_at=pupil.updated_at,
            class_name=class_name if move else None,
            grounds=grounds,
            figures=figures,
        )
        if not item.changes:
            result.unchanged.append(item)
        elif pupil.leaving_date is None and left is not None:
            result.leaving.append(item)
        else:
            result.changed.append(item)

    for upn, pupil in existing.items():
        if pupil.leaving_date is not None:
            continue
        result.on_roll += 1
        if upn in in_file:
            continue
        left = max(today, pupil.admission_date or today)
        values = {"leaving_date": left, "leaving_destination": LEFT_DESTINATION}
        result.leaving.append(
            Planned(
                upn=upn,
                name=pupil.name,
                year_group=pupil.year_group,
                values=values,
                changes=(
                    Change("leaving_date", None, left),
                    Change("leaving_destination", pupil.leaving_destination, LEFT_DESTINATION),
                ),
                pupil_id=pupil.pk,
                seen_updated_at=pupil.updated_at,
            )
        )

    result.bad_rows.sort(key=lambda bad: bad.line)
    if classes is not None:
        result.new_classes = sorted(classes.created.values(), key=_natural)
    missing = sum(1 for item in result.leaving if item.line is None)
    if result.on_roll >= 10 and missing * 2 > result.on_roll:
        result.warnings.append(
            f"This import would mark {missing} of the {result.on_roll} pupils on roll as left, "
            "because they are not in the file. If the file is only part of the school (one "
            "year group, say), do not apply it: export every pupil on roll."
        )
    return result
