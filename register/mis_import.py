"""MIS import: read a pupil list exported from the school's MIS as CSV, show a dry run, apply it.

Three steps, each a plain function so a test can call it directly:

* ``parse(raw)`` reads the bytes into rows, or raises ``MisFileError`` for a file it cannot read
  at all (wrong encoding, an Excel workbook, a missing column, too big). A row it can read but
  that is wrong (a bad date, an invalid UPN, a formula) becomes a bad row with its line number.
* ``plan(school=, parsed=, today=)`` compares the rows with the school's pupils, matched by UPN:
  new, changed (field by field, old -> new), unchanged, leaving, bad rows, problems with the
  file as a whole, and new classes. One query; four when the file gives classes.
* ``apply(school=, plan=, access=)`` writes it all, or nothing: it refuses a plan with any bad
  row or problem. Leavers get a leaving date, never deletion. One audit event, with counts and
  no names.

Lines are numbered as a spreadsheet numbers its rows: the header is line 1.

Accepted columns. Headers are matched ignoring case, spaces and punctuation, so "Date of Birth",
"date_of_birth" and "DATE OF BIRTH" are the same. Columns not listed are ignored, unread (a phone
number starting with "+" in an ignored column is not a formula risk to us). When two headers name
the same column, the one earlier in its list wins and the other is ignored with a warning.

Column (* required): headers accepted, best first -> values read

* upn*: UPN, Unique Pupil Number, Pupil UPN, Student UPN
  -> 13 characters with the right check letter (register.upn.validate_upn)
* legal_first_name*: Legal First Name, Legal Forename, Forename, First Name, Forenames,
  Given Name -> up to 100 characters
* legal_last_name*: Legal Last Name, Legal Surname, Surname, Last Name, Family Name
  -> up to 100 characters
* preferred_first_name: Preferred First Name, Preferred Forename, Known As, Chosen Forename
  -> up to 100 characters; blank = none
* preferred_last_name: Preferred Last Name, Preferred Surname, Chosen Surname
  -> up to 100 characters; blank = none
* date_of_birth*: Date of Birth, DOB, Birth Date, Birthdate
  -> dd/mm/yyyy, d/m/yyyy or yyyy-mm-dd (a midnight time after it is allowed)
* sex (see below): Sex, Gender, Legal Sex -> M, F, Male, Female
* year_group*: Year Group, Year, NC Year, NC Year Actual, Curriculum Year,
  National Curriculum Year, Year Taught In
  -> Year 5, Y5, Yr 5, 5, 05, R, Rec, Reception, N1, Nursery 1, N2, Nursery 2 (N1 to Year 14)
* admission_date: Admission Date, Date of Admission, Entry Date, Date of Entry, Start Date
  -> a date as above; blank = none
* leaving_date: Leaving Date, Date of Leaving, Leave Date -> a date as above; blank = on roll
* eal: EAL, English as an Additional Language, EAL Status, Is EAL
  -> Y, N, Yes, No, True, False, 1, 0
* eal, from the language: First Language, Main Language -> English, ENG, ENB, "Believed to be
  English" = not EAL; any other language = EAL; blank, "Not obtained", "Refused" = unknown
* class_name (see Classes): Class, Registration Group, Reg Group, Registration Form, Form,
  Form Group, Tutor Group, Reg -> up to 60 characters; blank = leave the pupil's class alone

Sex: a pupil new to sendco needs one (the census has no other value); for a pupil already here
a blank cell keeps what sendco has.

What a pupil in the file means: the file is the MIS's truth for the columns it has. A blank
optional cell clears the field (a blank preferred name is no preferred name), except sex and EAL
(a blank cell, or a first language "Not obtained"), which keep what sendco has. A pupil in a
file without a leaving-date column is on roll: one marked as left earlier comes back, and the
dry run says so.

Leavers: every pupil of the school without a leaving date who is not in the file is marked as
left on ``today`` (or on their admission date, if that is later) with the destination
"Not in MIS export". Nobody is deleted. A pupil the file gives a leaving date is leaving too.

Classes: a class named in the file is a TeachingGroup of kind "class" in the school's academic
year containing ``today``. Names are compared ignoring case and repeated spaces, so "4a" is the
class sendco has as "4A"; a name sendco does not have yet makes a new class, with no teachers
(the dry run lists them). A pupil is in one class a year: placing them in 4B takes them out of
every other class of that year (teaching sets are never touched), and a class left empty stays,
with its teachers. A name a teaching set has this year is a bad row. If the file names a class
but the school has no academic year containing ``today``, the plan has a problem ("Add this
year's term dates first") and cannot be applied: importing the pupils without their classes
would leave teachers without them, with no sign of it once the dry run is closed. A pupil not in
the file keeps the class they were in.

Safety: a cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return would be run
as a formula by a spreadsheet (CSV injection, RELIABILITY.md EX-01), so its row is rejected,
even for a name or a date. Files are capped at 5 MB and 20,000 pupils.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from staff.models import AcademicYear, School
from staff.services import audit
from staff.tenancy import Access

from .models import Pupil, TeachingGroup, YearGroup
from .upn import normalise_upn, validate_upn

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
NAME_MAX = 100
CLASS_MAX = TeachingGroup._meta.get_field("name").max_length  # 60
LEFT_DESTINATION = "Not in MIS export"
AUDIT_ACTION = "register.mis_import"

REQUIRED = ("upn", "legal_first_name", "legal_last_name", "date_of_birth", "year_group")

# Our column -> the headers accepted for it, best first. `first_language` also sets `eal`.
HEADERS: dict[str, tuple[str, ...]] = {
    "upn": ("UPN", "Unique Pupil Number", "Pupil UPN", "Student UPN"),
    "legal_first_name": (
        "Legal First Name",
        "Legal Forename",
        "Forename",
        "First Name",
        "Forenames",
        "Given Name",
    ),
    "legal_last_name": ("Legal Last Name", "Legal Surname", "Surname", "Last Name", "Family Name"),
    "preferred_first_name": (
        "Preferred First Name",
        "Preferred Forename",
        "Known As",
        "Chosen Forename",
    ),
    "preferred_last_name": ("Preferred Last Name", "Preferred Surname", "Chosen Surname"),
    "date_of_birth": ("Date of Birth", "DOB", "Birth Date", "Birthdate"),
    "sex": ("Sex", "Gender", "Legal Sex"),
    "year_group": (
        "Year Group",
        "Year",
        "NC Year",
        "NC Year Actual",
        "Curriculum Year",
        "National Curriculum Year",
        "Year Taught In",
    ),
    "admission_date": (
        "Admission Date",
        "Date of Admission",
        "Entry Date",
        "Date of Entry",
        "Start Date",
    ),
    "leaving_date": ("Leaving Date", "Date of Leaving", "Leave Date"),
    "eal": ("EAL", "English as an Additional Language", "EAL Status", "Is EAL"),
    "first_language": ("First Language", "Main Language"),
    "class_name": (
        "Class",
        "Registration Group",
        "Reg Group",
        "Registration Form",
        "Form",
        "Form Group",
        "Tutor Group",
        "Reg",
    ),
}

LABELS = {
    "upn": "UPN",
    "legal_first_name": "legal first name",
    "legal_last_name": "legal surname",
    "preferred_first_name": "preferred first name",
    "preferred_last_name": "preferred surname",
    "date_of_birth": "date of birth",
    "sex": "sex",
    "year_group": "year group",
    "admission_date": "admission date",
    "leaving_date": "leaving date",
    "leaving_destination": "leaving destination",
    "eal": "EAL",
    "first_language": "first language",
    "class_name": "class",
}

# The fields of Pupil an import may set, in the order the dry run lists changes.
FIELDS = (
    "legal_first_name",
    "legal_last_name",
    "preferred_first_name",
    "preferred_last_name",
    "date_of_birth",
    "sex",
    "year_group",
    "admission_date",
    "leaving_date",
    "leaving_destination",
    "eal",
)

NAMES = ("legal_first_name", "legal_last_name", "preferred_first_name", "preferred_last_name")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def accepted_columns() -> list[tuple[str, bool, tuple[str, ...]]]:
    """(what the column holds, required?, headers accepted) for the upload page and the README."""
    return [
        (
            "EAL, from the first language" if column == "first_language" else LABELS[column],
            column in REQUIRED,
            names,
        )
        for column, names in HEADERS.items()
    ]


def _key(header: str) -> str:
    return re.sub(r"[^a-z0-9]", "", header.lower())


_ALIASES: dict[str, tuple[str, int]] = {
    _key(h): (column, rank) for column, names in HEADERS.items() for rank, h in enumerate(names)
}


class MisFileError(ValidationError):
    """The whole file cannot be used; the messages say why and what to do."""


@dataclass(frozen=True)
class Row:
    """A readable row: the UPN and the values of the columns the file has (cleaned)."""

    line: int
    upn: str
    values: dict


@dataclass(frozen=True)
class BadRow:
    line: int
    upn: str
    reasons: tuple[str, ...]


@dataclass
class ParsedFile:
    rows: list[Row]
    bad_rows: list[BadRow]
    columns: dict[str, str]  # our column -> the header used in the file
    ignored_headers: list[str]
    warnings: list[str]
    encoding: str
    delimiter: str
    sha256: str

    @property
    def line_count(self) -> int:
        return len(self.rows) + len(self.bad_rows)


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
        for bad in self.bad_rows:
            digest.update(f"bad|{bad.line}\n".encode())
        for problem in self.problems:
            digest.update(f"problem|{problem.code}\n".encode())
        digest.update(f"year|{self.academic_year_id}|{self.new_classes!r}\n".encode())
        return digest.hexdigest()


@dataclass(frozen=True)
class ImportSummary:
    new: int
    changed: int
    unchanged: int
    leaving: int
    new_classes: int = 0

    def __str__(self) -> str:
        text = (
            f"{self.new} new, {self.changed} changed, {self.unchanged} unchanged, "
            f"{self.leaving} marked as left"
        )
        if self.new_classes:
            plural = "es" if self.new_classes != 1 else ""
            text += (
                f", {self.new_classes} new class{plural} (choose their teachers on the Classes "
                "page)"
            )
        return text


def display(name: str, value: object) -> str:
    """A value as the dry run shows it."""
    if value is None or value == "":
        return "(none)"
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if name == "eal":
        return "yes" if value else "no"
    if name == "year_group":
        return dict(YearGroup.choices).get(value, str(value))
    if name == "sex":
        return dict(Pupil.Sex.choices).get(value, str(value))
    return str(value)


# --- reading the bytes -------------------------------------------------------------------------

EXCEL_MESSAGE = "This looks like an Excel file: save it as CSV (comma-delimited) first."
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _decode(raw: bytes) -> tuple[str, str, list[str]]:
    """The text, the encoding's name and any warning; MisFileError for a file that is not text."""
    if raw.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        raise MisFileError(EXCEL_MESSAGE, code="excel")
    if raw.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):  # the old .xls (OLE) format
        raise MisFileError(EXCEL_MESSAGE, code="excel")
    if raw.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)) or raw.startswith(
        (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
    ):
        raise MisFileError(
            'This file is saved as Unicode (UTF-16), which sendco cannot read: save it as "CSV '
            'UTF-8 (comma delimited)" and upload it again.',
            code="utf16",
        )
    if b"\x00" in raw[:4096]:
        raise MisFileError(
            "This is not a text file, or it is saved as Unicode (UTF-16): save it from the MIS or "
            'the spreadsheet as "CSV UTF-8 (comma delimited)" and upload it again.',
            code="binary",
        )
    warnings = []
    try:
        text, encoding = raw.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError:
        try:
            text, encoding = raw.decode("cp1252"), "Windows-1252"
        except UnicodeDecodeError:
            raise MisFileError(
                "sendco cannot read the characters in this file: it is neither UTF-8 nor "
                'Windows-1252. Save it as "CSV UTF-8 (comma delimited)" and upload it again.',
                code="encoding",
            ) from None
        warnings.append(
            "This file is not UTF-8, so it was read as Windows-1252 (Western European). Check "
            "that names with accents look right below; if they do not, save the file as "
            '"CSV UTF-8 (comma delimited)" and upload it again.'
        )
    bad = _CONTROL.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        raise MisFileError(
            f"Line {line} contains a control character, so this is probably not a CSV file. "
            'Save it from the MIS or the spreadsheet as "CSV UTF-8 (comma delimited)".',
            code="binary",
        )
    return text, encoding, warnings


def _delimiter(text: str) -> str:
    """Comma, semicolon or tab: whichever splits the header line into the most cells."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    best, most = ",", 1
    for candidate in (",", ";", "\t"):
        cells = next(csv.reader([first], delimiter=candidate), [])
        if len(cells) > most:
            best, most = candidate, len(cells)
    return best


def _map_headers(headers: list[str]) -> tuple[dict[str, int], dict[str, str], list[str], list]:
    """Our column -> cell index; our column -> header; ignored headers; warnings."""
    chosen: dict[str, tuple[int, int]] = {}  # column -> (rank, index)
    ignored: list[str] = []
    warnings: list[str] = []
    for index, header in enumerate(headers):
        match = _ALIASES.get(_key(header))
        if match is None:
            if header.strip():
                ignored.append(header.strip())
            continue
        column, rank = match
        if column in chosen:
            kept_rank, kept_index = chosen[column]
            if rank < kept_rank:
                chosen[column] = (rank, index)
                dropped = headers[kept_index]
            else:
                dropped = header
            ignored.append(dropped.strip())
            warnings.append(
                f'Two columns give the {LABELS[column]}: "{headers[chosen[column][1]].strip()}" '
                f'was used and "{dropped.strip()}" ignored.'
            )
            continue
        chosen[column] = (rank, index)
    if "eal" in chosen and "first_language" in chosen:
        dropped = headers[chosen.pop("first_language")[1]].strip()
        ignored.append(dropped)
        warnings.append(
            f'EAL was read from "{headers[chosen["eal"][1]].strip()}"; "{dropped}" was ignored.'
        )
    indexes = {column: index for column, (_, index) in chosen.items()}
    used = {column: headers[index].strip() for column, index in indexes.items()}
    return indexes, used, ignored, warnings


def _missing_columns_message(missing: list[str]) -> str:
    parts = [f"the {LABELS[c]} (a column headed {_or_list(HEADERS[c])})" for c in missing]
    return "The file has no column for " + "; ".join(parts) + "."


def _or_list(names: tuple[str, ...]) -> str:
    quoted = [f'"{n}"' for n in names]
    return ", ".join(quoted[:-1]) + " or " + quoted[-1] if len(quoted) > 1 else quoted[0]


# --- cleaning cells ----------------------------------------------------------------------------

_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2,4})(?:[ T]00:00(?::00)?)?$")
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?$")


def _date(value: str, label: str) -> date:
    match = _YMD.match(value)
    if match:
        year, month, day = (int(g) for g in match.groups())
    else:
        match = _DMY.match(value)
        if not match:
            raise ValueError(
                f'The {label} "{value}" is not a date: write it as dd/mm/yyyy (such as '
                "05/03/2016) or yyyy-mm-dd."
            )
        day, month, year = (int(g) for g in match.groups())
        if len(match.group(3)) != 4:
            raise ValueError(
                f'The {label} "{value}" is ambiguous: write the year in full, as dd/mm/yyyy.'
            )
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(
            f'The {label} "{value}" is not a real date (dates are read day first, as dd/mm/yyyy).'
        ) from None


_SEX = {"m": "M", "male": "M", "f": "F", "female": "F"}

_YEAR_WORDS = {
    "r": "R",
    "rec": "R",
    "reception": "R",
    "yr": "R",
    "yearr": "R",
    "n1": "N1",
    "nursery1": "N1",
    "n2": "N2",
    "nursery2": "N2",
}
_YEAR_NUMBER = re.compile(r"^(?:year|yr|y|ncyear)?0*(\d{1,2})$")


def _year_group(value: str) -> str:
    key = _key(value)
    if key in _YEAR_WORDS:
        return _YEAR_WORDS[key]
    match = _YEAR_NUMBER.match(key)
    if match and 1 <= int(match.group(1)) <= 14:
        return str(int(match.group(1)))
    raise ValueError(
        f'The year group "{value}" is not one sendco knows: use N1, N2, R (Reception) or '
        "Year 1 to Year 14 (such as 5, Y5 or Year 5)."
    )


_YES = {"y", "yes", "true", "1", "eal"}
_NO = {"n", "no", "false", "0"}
_ENGLISH = {"english", "eng", "enb", "englishbritish", "believedtobeenglish", "englishuk"}
_LANGUAGE_UNKNOWN = {
    "",
    "not",
    "notobtained",
    "informationnotobtained",
    "ref",
    "refused",
    "unknown",
    "notknown",
}


def _eal_flag(value: str) -> bool:
    key = value.strip().lower()
    if key in _YES:
        return True
    if key in _NO:
        return False
    raise ValueError(f'EAL "{value}" is not Y or N.')


def _eal_from_language(value: str) -> bool | None:
    key = _key(value)
    if key in _LANGUAGE_UNKNOWN:
        return None
    return key not in _ENGLISH


def _clean(cells: dict[str, str]) -> tuple[dict, list[str]]:
    """The cleaned values of one row's cells, and the reasons it is bad."""
    values: dict = {}
    reasons: list[str] = []
    for column in ("legal_first_name", "legal_last_name"):
        value = cells[column].strip()
        if not value:
            reasons.append(f"The {LABELS[column]} is missing.")
        elif len(value) > NAME_MAX:
            reasons.append(f"The {LABELS[column]} is longer than {NAME_MAX} characters.")
        values[column] = value
    for column in ("preferred_first_name", "preferred_last_name"):
        if column in cells:
            value = cells[column].strip()
            if len(value) > NAME_MAX:
                reasons.append(f"The {LABELS[column]} is longer than {NAME_MAX} characters.")
            values[column] = value
    reasons.extend(
        f"The {LABELS[column]} has a line break in it."
        for column in NAMES
        if "\n" in values.get(column, "") or "\r" in values.get(column, "")
    )
    for column in ("date_of_birth", "admission_date", "leaving_date"):
        if column not in cells:
            continue
        value = cells[column].strip()
        if not value:
            if column == "date_of_birth":
                reasons.append("The date of birth is missing.")
            values[column] = None
            continue
        try:
            values[column] = _date(value, LABELS[column])
        except ValueError as error:
            reasons.append(str(error))
    if "leaving_date" not in cells:
        values["leaving_date"] = None  # a pupil in the file is on roll
    if "sex" in cells and cells["sex"].strip():
        sex = _SEX.get(cells["sex"].strip().lower())
        if sex is None:
            reasons.append(f'Sex "{cells["sex"].strip()}" is not M, F, Male or Female.')
        else:
            values["sex"] = sex
    year = cells["year_group"].strip()
    if not year:
        reasons.append("The year group is missing.")
    else:
        try:
            values["year_group"] = _year_group(year)
        except ValueError as error:
            reasons.append(str(error))
    if "eal" in cells and cells["eal"].strip():
        try:
            values["eal"] = _eal_flag(cells["eal"])
        except ValueError as error:
            reasons.append(str(error))
    elif "first_language" in cells:
        eal = _eal_from_language(cells["first_language"])
        if eal is not None:
            values["eal"] = eal
    if "class_name" in cells:
        name = " ".join(cells["class_name"].split())  # line breaks and repeated spaces too
        if len(name) > CLASS_MAX:
            reasons.append(
                f'The class "{name[:20]}…" is {len(name)} characters long: a class name has at '
                f"most {CLASS_MAX}."
            )
        elif name:
            values["class_name"] = name  # a blank cell leaves the pupil's class as it is
    admitted, left = values.get("admission_date"), values.get("leaving_date")
    if admitted and left and left < admitted:
        reasons.append(
            f"The leaving date {left:%d/%m/%Y} is before the admission date {admitted:%d/%m/%Y}."
        )
    return values, reasons


def _formula_reasons(cells: dict[str, str], headers: dict[str, str]) -> list[str]:
    reasons = []
    for column, value in cells.items():
        stripped = value.lstrip(" \u00a0")
        if value.startswith(FORMULA_STARTS) or stripped.startswith(FORMULA_STARTS):
            first = (stripped or value)[:1]
            shown = {"\t": "a tab", "\r": "a carriage return"}.get(first, f'"{first}"')
            reasons.append(
                f'The "{headers[column]}" cell starts with {shown}, which a spreadsheet would run '
                "as a formula: remove it in the MIS or the file."
            )
    return reasons


def _is_upn(value: str) -> bool:
    try:
        validate_upn(value)
    except ValidationError:
        return False
    return True


# --- parse -------------------------------------------------------------------------------------


def parse(raw: bytes) -> ParsedFile:
    """Read an MIS export. MisFileError when the file as a whole cannot be used."""
    if len(raw) > MAX_BYTES:
        raise MisFileError(
            f"The file is {len(raw) / 1024 / 1024:.1f} MB; the most sendco takes is "
            f"{MAX_BYTES // 1024 // 1024} MB. Export only the columns sendco reads.",
            code="too_big",
        )
    if not raw.strip():
        raise MisFileError("The file is empty.", code="empty")
    text, encoding, warnings = _decode(raw)
    if not text.strip():
        raise MisFileError("The file is empty.", code="empty")
    delimiter = _delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)

    headers: list[str] | None = None
    indexes: dict[str, int] = {}
    used: dict[str, str] = {}
    ignored: list[str] = []
    rows: list[Row] = []
    bad_rows: list[BadRow] = []
    line_numbers: list[tuple[int, str]] = []  # (line, upn) for duplicate detection
    pending: list[tuple[int, str, dict, list[str]]] = []
    last_line = 0
    try:
        for record in reader:
            start, last_line = last_line + 1, reader.line_num
            if not any(cell.strip() for cell in record):
                continue
            if headers is None:
                headers = record
                indexes, used, ignored, header_warnings = _map_headers(headers)
                missing = [c for c in REQUIRED if c not in indexes]
                if missing:
                    raise MisFileError(_missing_columns_message(missing), code="missing_columns")
                warnings.extend(header_warnings)
                continue
            if len(pending) >= MAX_ROWS:
                raise MisFileError(
                    f"The file has more than {MAX_ROWS:,} pupils, the most sendco takes in one "
                    "import. Check that it is one school's export.",
                    code="too_many_rows",
                )
            cells = {
                column: (record[index] if index < len(record) else "")
                for column, index in indexes.items()
            }
            reasons = _formula_reasons(cells, used)
            extra = [cell for cell in record[len(headers) :] if cell.strip()]
            if extra:
                reasons.append(
                    f"This line has {len(record)} cells but the header has {len(headers)}: "
                    "check for a comma inside a name without quotation marks around it."
                )
            upn = normalise_upn(cells["upn"])
            if reasons:  # a formula or a broken line: read nothing else from it
                upn = upn if _is_upn(upn) else ""  # and show its UPN only if it is one
                if upn:
                    line_numbers.append((start, upn))
                pending.append((start, upn, {}, reasons))
                continue
            values, reasons = _clean(cells)
            if not upn:
                reasons.insert(0, "The UPN is missing.")
            else:
                try:
                    validate_upn(upn)
                except ValidationError as error:
                    reasons.insert(0, " ".join(error.messages))
                line_numbers.append((start, upn))
            pending.append((start, upn, values, reasons))
    except csv.Error as error:
        raise MisFileError(
            f"Line {last_line + 1} cannot be read as CSV ({error}). Check for a stray quotation "
            "mark, or save the file from the MIS again.",
            code="csv",
        ) from None

    if headers is None:
        raise MisFileError("The file is empty.", code="empty")
    if not pending:
        raise MisFileError(
            "The file has a header but no pupils. sendco will not mark every pupil as left "
            "from an empty export.",
            code="no_rows",
        )

    seen = Counter(upn for _, upn in line_numbers)
    lines_of: dict[str, list[int]] = {}
    for line, upn in line_numbers:
        if seen[upn] > 1:
            lines_of.setdefault(upn, []).append(line)
    for line, upn, values, reasons in pending:
        if upn in lines_of:
            others = [str(n) for n in lines_of[upn] if n != line]
            reasons = [
                *reasons,
                f"UPN {upn} is also on line{'s' if len(others) > 1 else ''} "
                f"{', '.join(others)}: each pupil must be in the file once.",
            ]
        if reasons:
            bad_rows.append(BadRow(line=line, upn=upn, reasons=tuple(reasons)))
        else:
            rows.append(Row(line=line, upn=upn, values=values))
    if ignored:
        warnings.append("Columns not read: " + ", ".join(f'"{h}"' for h in ignored) + ".")
    return ParsedFile(
        rows=rows,
        bad_rows=bad_rows,
        columns=used,
        ignored_headers=ignored,
        warnings=warnings,
        encoding=encoding,
        delimiter={",": "comma", ";": "semicolon", "\t": "tab"}[delimiter],
        sha256=hashlib.sha256(raw).hexdigest(),
    )


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


def _natural(name: str) -> list:
    """4C before 10A."""
    return [int(part) if part.isdigit() else part.casefold() for part in re.split(r"(\d+)", name)]


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
        class_name = values.pop("class_name", None)
        if classes is None:
            class_name = None  # no academic year to put it in: the plan has a problem
        reasons = []
        if values["date_of_birth"] and values["date_of_birth"] > today:
            reasons.append(
                f"The date of birth {values['date_of_birth']:%d/%m/%Y} is in the future."
            )
        if class_name is not None:
            class_name, reason = classes.resolve(class_name)
            if reason:
                reasons.append(reason)
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
            changes=changes + ((move,) if move else ()),
            line=row.line,
            pupil_id=pupil.pk,
            seen_updated_at=pupil.updated_at,
            class_name=class_name if move else None,
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


# --- apply -------------------------------------------------------------------------------------


def apply(*, school: School, plan: ImportPlan, access: Access) -> ImportSummary:
    """Write the plan, all or nothing, and audit it. ValidationError if it cannot be applied."""
    if plan.school_id != school.pk or access.school.pk != school.pk:
        raise ValidationError("This import was prepared for another school.")
    if plan.bad_rows:
        count = len(plan.bad_rows)
        raise ValidationError(
            f"Nothing was imported: {count} line{'s' if count != 1 else ''} of the file "
            f"{'have' if count != 1 else 'has'} problems. Fix them in the MIS, export the file "
            "again and upload it."
        )
    if plan.problems:
        raise ValidationError(
            " ".join(["Nothing was imported.", *(problem.message for problem in plan.problems)])
        )
    try:
        with transaction.atomic():
            return _apply(school=school, plan=plan, access=access)
    except IntegrityError:
        raise ValidationError(
            "The register changed while this import ran, so nothing was imported. Upload the "
            "file again to see a fresh dry run."
        ) from None


def _apply(*, school: School, plan: ImportPlan, access: Access) -> ImportSummary:
    School.objects.select_for_update().filter(pk=school.pk).first()  # one import at a time
    stale = ValidationError(
        "The register changed after the dry run, so nothing was imported. Upload the file again "
        "to see a fresh dry run."
    )
    updates = plan.changed + plan.leaving
    pupils = {
        p.pk: p
        for p in Pupil.objects.select_for_update().filter(
            school=school, pk__in=[item.pupil_id for item in updates]
        )
    }
    if (
        plan.new
        and Pupil.objects.filter(school=school, upn__in=[item.upn for item in plan.new]).exists()
    ):
        raise stale
    now = timezone.now()
    # Grouped by the fields that change: a new school year is one bulk update of year_group.
    groups: dict[tuple[str, ...], list[Pupil]] = {}
    for item in updates:
        pupil = pupils.get(item.pupil_id)
        if pupil is None or pupil.updated_at != item.seen_updated_at:
            raise stale
        if not item.values:  # only the class changes: that is not a field of the pupil
            continue
        for name, value in item.values.items():
            setattr(pupil, name, value)
        pupil.updated_at = now
        groups.setdefault(tuple(sorted(item.values)), []).append(pupil)
    for names, group in groups.items():
        Pupil.objects.bulk_update(group, [*names, "updated_at"], batch_size=500)

    created = []
    for item in plan.new:
        pupil = Pupil(school=school, upn=item.upn, **item.values)
        pupil.clean_fields(exclude=["school"])  # no query per pupil
        created.append(pupil)
    Pupil.objects.bulk_create(created, batch_size=500)
    if plan.academic_year_id is not None:
        _place_in_classes(school=school, plan=plan, created=created, stale=stale)

    summary = ImportSummary(
        new=len(plan.new),
        changed=len(plan.changed),
        unchanged=len(plan.unchanged),
        leaving=len(plan.leaving),
        new_classes=len(plan.new_classes),
    )
    audit(
        action=AUDIT_ACTION,
        actor=access.user,
        school=school,
        role=access.role,
        detail={
            "new": summary.new,
            "changed": summary.changed,
            "unchanged": summary.unchanged,
            "leaving": summary.leaving,
            "new_classes": summary.new_classes,
            "sha256": plan.sha256,
        },
    )
    return summary


def _place_in_classes(
    *, school: School, plan: ImportPlan, created: list[Pupil], stale: ValidationError
) -> None:
    """Create the new classes and move each pupil the plan places into their class, out of every
    other class of the year. A few bulk queries, whatever the size; teachers are not touched."""
    ids_by_upn = {pupil.upn: pupil.pk for pupil in created}
    if any(pk is None for pk in ids_by_upn.values()):  # a database that returns no ids
        ids_by_upn = dict(
            Pupil.objects.filter(school=school, upn__in=list(ids_by_upn)).values_list("upn", "pk")
        )
    placing = {ids_by_upn[item.upn]: item.class_name for item in plan.new if item.class_name}
    moving = {
        item.pupil_id: item.class_name
        for item in plan.changed + plan.leaving
        if item.class_name and item.pupil_id
    }
    placing |= moving
    if not placing:
        return
    year_id, kind = plan.academic_year_id, TeachingGroup.Kind.CLASS
    TeachingGroup.objects.bulk_create(
        [
            TeachingGroup(school=school, academic_year_id=year_id, name=name, kind=kind)
            for name in plan.new_classes
        ]
    )  # one named meanwhile is an IntegrityError: apply() says the register changed
    group_ids = dict(
        TeachingGroup.objects.filter(
            school=school, academic_year_id=year_id, kind=kind, name__in=set(placing.values())
        ).values_list("name", "pk")
    )
    if set(placing.values()) - set(group_ids):  # a class renamed or removed since the dry run
        raise stale
    membership = TeachingGroup.pupils.through
    if moving:
        membership.objects.filter(
            pupil_id__in=list(moving),
            teachinggroup__school=school,
            teachinggroup__academic_year_id=year_id,
            teachinggroup__kind=kind,
        ).delete()
    membership.objects.bulk_create(
        [
            membership(teachinggroup_id=group_ids[name], pupil_id=pupil_id)
            for pupil_id, name in placing.items()
        ],
        batch_size=1000,
    )
