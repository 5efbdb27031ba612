"""MIS import, reading the file: the bytes into rows, or MisFileError for a file that cannot be
used at all (wrong encoding, an Excel workbook, a missing column, too big). A row that can be
read but is wrong (a bad date, an invalid UPN, a formula) becomes a bad row with its line number.
Lines are numbered as a spreadsheet numbers its rows: the header is line 1."""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError

from ..upn import normalise_upn, validate_upn
from .columns import (
    CLASS_MAX,
    FORMULA_STARTS,
    LABELS,
    MAX_BYTES,
    MAX_ROWS,
    NAME_MAX,
    NAMES,
    REQUIRED,
    header_key,
    map_headers,
    missing_columns_message,
)


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
    key = header_key(value)
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


def _yes_no(value: str, label: str) -> bool:
    key = value.strip().lower()
    if key in _YES or key == label.lower():
        return True
    if key in _NO:
        return False
    raise ValueError(f'{label} "{value.strip()}" is not Y or N.')


# The ground of free school meals, as the MIS may write it: means-tested (the benefits that
# attract the Pupil Premium) or the Universal Credit extension of September 2026 (which does not).
_FSM_MEANS = {"meanstested", "means", "benefits", "legacy", "standard", "mt"}
_FSM_UC = {"universalcredit", "uc", "ucextension", "universalcreditextension", "uce", "extension"}


def _fsm_kind(value: str) -> str | None:
    key = header_key(value)
    if not key:
        return None
    if key in _FSM_MEANS:
        return "fsm"
    if key in _FSM_UC:
        return "fsm_uc"
    raise ValueError(
        f'The free school meals\' ground "{value.strip()}" is not "Means-tested" or '
        '"Universal Credit".'
    )


# Attainment bands as MISs and trackers write them: the KS1/KS2 teacher-assessment codes and
# the plain words. Keys are compared ignoring case, spaces and punctuation.
_ATTAINMENT = {
    **dict.fromkeys(("below", "belowexpected", "blw", "pks", "pre", "wbs", "emerging"), "below"),
    **dict.fromkeys(("towards", "workingtowards", "wts", "wt", "developing"), "towards"),
    **dict.fromkeys(
        ("expected", "atexpected", "exs", "ex", "secure", "ontrack", "expectedstandard"),
        "expected",
    ),
    **dict.fromkeys(
        ("above", "aboveexpected", "greaterdepth", "gds", "gd", "exceeding", "mastery"), "above"
    ),
}


def _attendance(value: str) -> Decimal:
    text = value.strip().removesuffix("%").strip()
    try:
        found = Decimal(text)
    except InvalidOperation:
        found = None
    if found is None or not found.is_finite() or not 0 <= found <= 100:
        raise ValueError(f'Attendance "{value.strip()}" is not a percentage from 0 to 100.')
    return found.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _suspensions(value: str) -> int:
    text = value.strip()
    if not text.isdigit() or int(text) > 366:
        raise ValueError(f'Suspensions "{text}" is not a number of suspensions (0, 1, 2 …).')
    return int(text)


def _attainment(value: str) -> str:
    band = _ATTAINMENT.get(header_key(value))
    if band is None:
        raise ValueError(
            f'Attainment "{value.strip()}" is not a band sendco knows: Below, Working towards '
            "(WTS), Expected (EXS) or Greater depth (GDS)."
        )
    return band


_FIGURE_READERS = {
    "attendance": _attendance,
    "suspensions": _suspensions,
    "attainment": _attainment,
}


def _figures(cells: dict[str, str]) -> tuple[dict, list[str]]:
    """The term's figures in the columns the file has: a blank cell is no figure."""
    figures: dict = {}
    reasons: list[str] = []
    for column, read in _FIGURE_READERS.items():
        if column not in cells:
            continue
        value = cells[column].strip()
        try:
            figures[column] = read(value) if value else ("" if column == "attainment" else None)
        except ValueError as error:
            reasons.append(str(error))
    return figures, reasons


def _eal_from_language(value: str) -> bool | None:
    key = header_key(value)
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
    if cells.get("fsm", "").strip():
        try:
            values["fsm"] = _yes_no(cells["fsm"], "FSM")
            kind = _fsm_kind(cells.get("fsm_basis", "")) if values["fsm"] else None
            values["fsm_kind"] = kind or "fsm"
        except ValueError as error:
            reasons.append(str(error))
    if cells.get("service_child", "").strip():
        try:
            values["service_child"] = _yes_no(cells["service_child"], "Service child")
        except ValueError as error:
            reasons.append(str(error))
    if cells.get("looked_after", "").strip():
        try:
            values["looked_after"] = _yes_no(cells["looked_after"], "Looked after")
            values["care_authority"] = " ".join(cells.get("care_authority", "").split())[:100]
        except ValueError as error:
            reasons.append(str(error))
    if cells.get("previously_looked_after", "").strip():
        try:
            values["plac"] = _yes_no(cells["previously_looked_after"], "Previously looked after")
        except ValueError as error:
            reasons.append(str(error))
    figures, figure_reasons = _figures(cells)
    reasons.extend(figure_reasons)
    if figures:
        values["figures"] = figures
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
                indexes, used, ignored, header_warnings = map_headers(headers)
                missing = [c for c in REQUIRED if c not in indexes]
                if missing:
                    raise MisFileError(missing_columns_message(missing), code="missing_columns")
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
