"""MIS import, the columns: which headers are read as which of our columns, the limits, and how
a value is shown in the dry run. The accepted headers are listed in the package's docstring."""

from __future__ import annotations

import re
from datetime import date

from ..models import Pupil, TeachingGroup, YearGroup

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
NAME_MAX = 100
CLASS_MAX = TeachingGroup._meta.get_field("name").max_length  # 60

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
    # Free school meals today, and on which ground; a service child. Never "Pupil Premium" or
    # "FSM Ever 6": those are worked out from the periods, not read.
    "fsm": (
        "FSM",
        "FSM Eligible",
        "Free School Meals",
        "Eligible for FSM",
        "FSM Eligibility",
        "Is FSM",
        "FSM Indicator",
        "FSM Status",
    ),
    "fsm_basis": ("FSM Basis", "FSM Eligibility Basis", "FSM Criterion", "FSM Route", "FSM Type"),
    "service_child": (
        "Service Child",
        "Service Children",
        "Service Child Indicator",
        "Service Child in Education",
        "Service Children in Education",
        "Forces Child",
    ),
    # Looked after today (and by which local authority), and previously looked after. Read
    # only by someone who may see who is looked after (the SENDCo and the trust lead import).
    "looked_after": (
        "Looked After",
        "In Care",
        "Looked After Child",
        "Child Looked After",
        "Looked After Status",
        "In Care Status",
        "CLA",
        "LAC",
    ),
    "care_authority": (
        "Care Authority",
        "Responsible Local Authority",
        "Responsible LA",
        "Responsible Authority",
        "Looked After By",
        "Care LA",
    ),
    "previously_looked_after": (
        "Previously Looked After",
        "Previously In Care",
        "Post Looked After",
        "Adopted from Care",
        "PLAC",
        "Post LAC",
    ),
    # Optional figures for the gap analysis and the head's report, kept per term (TermFigures).
    "attendance": (
        "Attendance %",
        "Attendance",
        "% Attendance",
        "Attendance Percentage",
        "Percentage Attendance",
        "Overall Attendance",
        "Attendance (%)",
        "Present %",
    ),
    "suspensions": (
        "Suspensions",
        "Number of Suspensions",
        "Suspension Count",
        "Fixed Term Exclusions",
        "Fixed-Term Exclusions",
        "FTE Count",
    ),
    "attainment": (
        "Attainment",
        "Attainment Band",
        "Overall Attainment",
        "Working At",
        "Working At Band",
        "Attainment Grade",
    ),
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
    "fsm": "free school meals",
    "fsm_basis": "free school meals' ground",
    "service_child": "service child",
    "looked_after": "looked after",
    "care_authority": "local authority that looks after the child",
    "previously_looked_after": "previously looked after",
    "attendance": "attendance",
    "suspensions": "suspensions",
    "attainment": "attainment",
}

# The term's figures (TermFigures), read when the file has their columns.
FIGURES = ("attendance", "suspensions", "attainment")

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


def header_key(header: str) -> str:
    return re.sub(r"[^a-z0-9]", "", header.lower())


_ALIASES: dict[str, tuple[str, int]] = {
    header_key(h): (column, rank)
    for column, names in HEADERS.items()
    for rank, h in enumerate(names)
}


def display(name: str, value: object) -> str:
    """A value as the dry run shows it."""
    if value is None or value == "":
        return "(none)"
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if name in ("eal", "service_child"):  # looked after: words from the plan
        return "yes" if value else "no"
    if name == "year_group":
        return dict(YearGroup.choices).get(value, str(value))
    if name == "sex":
        return dict(Pupil.Sex.choices).get(value, str(value))
    return str(value)


def map_headers(headers: list[str]) -> tuple[dict[str, int], dict[str, str], list[str], list]:
    """Our column -> cell index; our column -> header; ignored headers; warnings."""
    chosen: dict[str, tuple[int, int]] = {}  # column -> (rank, index)
    ignored: list[str] = []
    warnings: list[str] = []
    for index, header in enumerate(headers):
        match = _ALIASES.get(header_key(header))
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


def missing_columns_message(missing: list[str]) -> str:
    parts = [f"the {LABELS[c]} (a column headed {or_list(HEADERS[c])})" for c in missing]
    return "The file has no column for " + "; ".join(parts) + "."


def or_list(names: tuple[str, ...]) -> str:
    quoted = [f'"{n}"' for n in names]
    return ", ".join(quoted[:-1]) + " or " + quoted[-1] if len(quoted) > 1 else quoted[0]
