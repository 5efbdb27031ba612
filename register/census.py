"""The SEN fields of the school census on a census day, checked, as a CSV (DOMAIN.md 3.1-3.3).

The DfE census return is produced by the school's MIS, not by sendco. This CSV is the SENDCo's
check file: the values the MIS should hold for each pupil on roll on the census day, to compare
with the MIS before the return is sent.

One row per pupil on roll on the census date (admitted on or before it, not left before it), every
SEN category included, so E + K + N = the whole roll. Fields, in this order:

    UPN                  the pupil's unique pupil number
    Surname              legal surname
    Forename             legal first name
    DOB                  date of birth, YYYY-MM-DD
    NC Year              national curriculum year group code (N1, N2, R, 1 ... 14)
    SEN provision        N, K or E: the SEN category (`SenStatus.category`) of the status period
                         covering the census date (N when none)
    SEN type rank 1      code of the primary need covering the date (empty for N)
    SEN type rank 2      code of the secondary need covering the date (empty when none, and for N)

Every cell passes through `safe_cell` (RELIABILITY.md EX-01) and the file is RFC 4180 CSV in UTF-8
with a byte order mark, so Excel reads names with accents correctly.

`census_problems` lists what must be fixed before the file is produced: census rules 2170 (a type
of need with K and E) and 2175 (NSA only with K), and the checks that make a row ambiguous (a need
recorded for an N pupil, two needs with the same rank, the same type twice, two SEN statuses on the
same day).
"""

from __future__ import annotations

import csv
import io
import uuid
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, OuterRef, Prefetch, Q

from staff.models import School
from staff.services import audit
from staff.tenancy import Access

from .models import Need, NeedType, Pupil, SenStatus
from .rules import E, K, N, category_on

HEADER = (
    "UPN",
    "Surname",
    "Forename",
    "DOB",
    "NC Year",
    "SEN provision",
    "SEN type rank 1",
    "SEN type rank 2",
)


@dataclass(frozen=True)
class NeedOn:
    """A need covering the census date."""

    rank: int
    code: str
    only_with_sen_support: bool


@dataclass(frozen=True)
class CensusRow:
    public_id: uuid.UUID
    upn: str
    surname: str
    forename: str
    date_of_birth: date
    year_group: str
    category: str
    need_1: str
    need_2: str
    needs: tuple[NeedOn, ...] = ()  # every need covering the date, by rank, for the checks
    categories: tuple[str, ...] = ()  # every SEN status covering the date (more than one: a fault)

    @property
    def name(self) -> str:
        return f"{self.forename} {self.surname}"

    def cells(self) -> tuple[str, ...]:
        """The row's values in the order of HEADER."""
        return (
            self.upn,
            self.surname,
            self.forename,
            self.date_of_birth.isoformat(),
            self.year_group,
            self.category,
            self.need_1,
            self.need_2,
        )


@dataclass(frozen=True)
class Problem:
    """Something to fix before the census file is produced: who, which rule, and how."""

    public_id: uuid.UUID
    pupil_name: str
    upn: str
    rule: str
    message: str
    fix: str


def _covering(on: date) -> Q:
    return Q(starts_on__lte=on) & (Q(ends_on__isnull=True) | Q(ends_on__gte=on))


def _first_code(needs: Iterable[NeedOn], rank: int) -> str:
    return next((n.code for n in needs if n.rank == rank), "")


def census_rows(*, school: School, on: date, recorded_only: bool = False) -> list[CensusRow]:
    """One row per pupil on roll on `on`, with the SEN category and needs that covered that date.
    With `recorded_only`, only the pupils with an SEN status or a need covering the date (the
    others are N with no need: no problem to fix, and counted by `roll_count`).

    Three queries whatever the size of the roll: pupils, their SEN statuses covering the date, and
    their needs covering the date with the need types.
    """
    covering = _covering(on)
    statuses = SenStatus.objects.filter(covering, school=school)
    needs = Need.objects.filter(covering, school=school)
    pupils = Pupil.objects.for_school(school).on_roll(on)
    if recorded_only:
        pupils = pupils.filter(
            Exists(statuses.filter(pupil=OuterRef("pk")))
            | Exists(needs.filter(pupil=OuterRef("pk")))
        )
    pupils = pupils.prefetch_related(
        Prefetch(
            "sen_statuses",
            statuses.order_by("starts_on"),
            to_attr="census_statuses",
        ),
        Prefetch(
            "needs",
            needs.select_related("need_type").order_by("rank", "starts_on"),
            to_attr="census_needs",
        ),
    ).order_by("legal_last_name", "legal_first_name", "upn")
    rows = []
    for pupil in pupils:
        category = category_on(pupil.census_statuses, on)
        needs = tuple(
            NeedOn(
                rank=need.rank,
                code=need.need_type.code,
                only_with_sen_support=need.need_type.only_with_sen_support,
            )
            for need in pupil.census_needs
        )
        in_file = category != N  # an N pupil is in the file with no type of need
        rows.append(
            CensusRow(
                public_id=pupil.public_id,
                upn=pupil.upn,
                surname=pupil.legal_last_name,
                forename=pupil.legal_first_name,
                date_of_birth=pupil.date_of_birth,
                year_group=pupil.year_group,
                category=category,
                need_1=_first_code(needs, 1) if in_file else "",
                need_2=_first_code(needs, 2) if in_file else "",
                needs=needs,
                categories=tuple(s.category for s in pupil.census_statuses),
            )
        )
    return rows


_LABEL = {K: "SEN support (K)", E: "an EHC plan (E)", N: "no special educational need (N)"}


def _row_problems(row: CensusRow) -> list[tuple[str, str, str]]:
    """(rule, message, fix) for one row."""
    found = []
    if len(row.categories) > 1:
        found.append(
            (
                "One SEN status on census day",
                f"{len(row.categories)} SEN status periods cover the census date "
                f"({', '.join(row.categories)}).",
                "Correct the dates on the pupil's page so that each status ends before the next "
                "one starts.",
            )
        )
    codes = [n.code for n in row.needs]
    if row.category in (K, E) and not row.need_1:
        fix = (
            "Record the primary need (rank 1) on the pupil's page. If there has been no "
            "specialist assessment, record NSA."
            if row.category == K
            else "Record the primary need (rank 1) on the pupil's page, matching the type of "
            "need the local authority recorded in the EHC plan."
        )
        found.append(
            (
                "Census rule 2170: a type of need is required with K and E",
                f"The pupil is on {_LABEL[row.category]} but has no primary type of need on "
                "the census date.",
                fix,
            )
        )
    if row.category == E:
        found.extend(
            (
                "Census rule 2175: NSA only with K",
                f"{need.code} (rank {need.rank}) is recorded for a pupil with an EHC plan; "
                f"{need.code} is only valid with SEN support (K).",
                "Replace it with the type of need the local authority recorded in the EHC plan.",
            )
            for need in row.needs
            if need.only_with_sen_support
        )
    if row.category == N and row.needs:
        found.append(
            (
                "No type of need with N",
                f"The pupil has no special educational need (N) on the census date but "
                f"{', '.join(codes)} is recorded as a need on that date.",
                "End the need on the day the pupil came off the SEN register, or record the "
                "pupil's SEN status if they are still on it.",
            )
        )
    ranks = [n.rank for n in row.needs]
    for rank in sorted({r for r in ranks if ranks.count(r) > 1}):
        same = [n.code for n in row.needs if n.rank == rank]
        found.append(
            (
                "One need per rank",
                f"{len(same)} needs are ranked {rank} on the census date ({', '.join(same)}).",
                "End one of them, or change its rank, so that each rank holds one need.",
            )
        )
    found.extend(
        (
            "Each type of need once",
            f"{code} is recorded more than once on the census date.",
            "End the duplicate need, or choose a different secondary need.",
        )
        for code in sorted({c for c in codes if codes.count(c) > 1})
    )
    return found


def census_problems(rows: Iterable[CensusRow]) -> list[Problem]:
    """What must be fixed before the census file is produced, in the order of the rows."""
    return [
        Problem(
            public_id=row.public_id,
            pupil_name=row.name,
            upn=row.upn,
            rule=rule,
            message=message,
            fix=fix,
        )
        for row in rows
        for rule, message, fix in _row_problems(row)
    ]


# Characters that make a spreadsheet read a cell as a formula, or that hide one after them.
_FORMULA_START = frozenset("=+-@\uff1d\uff0b\uff0d\uff20")  # and their full-width forms


def safe_cell(value: str) -> str:
    """The value, with `'` in front when a spreadsheet could run it as a formula (EX-01).

    That is a value starting with = + - @ (or their full-width forms), or with a control character
    such as tab, carriage return, line feed or NUL, which some spreadsheets skip before a formula.
    """
    value = "" if value is None else str(value)
    if value and (value[0] in _FORMULA_START or ord(value[0]) < 0x20 or value[0] == "\x7f"):
        return "'" + value
    return value


def csv_bytes(rows: Iterable[CensusRow]) -> bytes:
    """The rows as RFC 4180 CSV (a header row, CRLF line ends, quotes only where needed), every
    cell neutralised by `safe_cell`, in UTF-8 with a byte order mark for Excel."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow([safe_cell(cell) for cell in HEADER])
    writer.writerows([safe_cell(cell) for cell in row.cells()] for row in rows)
    return buffer.getvalue().encode("utf-8-sig")


def roll_count(*, school: School, on: date) -> int:
    """How many pupils are on roll on `on` (counted in SQL)."""
    return Pupil.objects.for_school(school).on_roll(on).count()


def census_summary(rows: list[CensusRow], *, total: int | None = None) -> dict:
    """The counts the census page shows: all pupils, by SEN category (E, K, N) and by primary need
    (most first). `total`: the pupils on roll, when `rows` hold only those with a status or a
    need recorded (`census_rows(recorded_only=True)`); the others are N."""
    categories = Counter(row.category for row in rows)
    total = len(rows) if total is None else total
    categories[N] += total - len(rows)
    needs = Counter(row.need_1 for row in rows if row.need_1)
    names = dict(NeedType.objects.filter(code__in=needs).values_list("code", "name"))
    return {
        "total": total,
        "by_category": [
            (code, SenStatus.Category(code).label, categories.get(code, 0)) for code in (E, K, N)
        ],
        "by_need": [
            (code, names.get(code, ""), count)
            for code, count in sorted(needs.items(), key=lambda item: (-item[1], item[0]))
        ],
    }


def census_export(*, access: Access, on: date, rows: list[CensusRow]) -> bytes:
    """The census file for rows with no problems left, audited with its date and row count
    (never a name)."""
    body = csv_bytes(rows)
    audit(
        action="register.census_exported",
        actor=access.user,
        school=access.school,
        role=access.role,
        detail={"census_date": on.isoformat(), "rows": len(rows)},
    )
    return body
