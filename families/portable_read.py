"""Reading a portable plan file at the receiving school: the checks, in order (size, JSON, the
format and its version, the published schema, then the rules a schema cannot say: real dates in
order, one open period at a time, need codes this school knows), and the preview the SENDCo
confirms. Every refusal is a ValidationError with a sentence a SENDCo can act on; nothing here
writes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from functools import cache

from django.core.exceptions import ValidationError
from jsonschema import Draft202012Validator

from register.models import NeedType, Pupil, YearGroup
from register.upn import validate_upn
from staff.models import School

from .portable import FORMAT, SCHEMA_PATH, VERSION

MAX_BYTES = 512 * 1024  # a rich record is under 100 KB; the confirm step posts it back
MAX_SCHEMA_ERRORS = 5


@cache
def validator() -> Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text())
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def schema_problems(document) -> list[str]:
    """The schema's complaints about `document`, each as "where: what", in a fixed order."""
    errors = sorted(validator().iter_errors(document), key=lambda e: list(map(str, e.path)))
    return [_say(e) for e in errors[:MAX_SCHEMA_ERRORS]]


def _say(error) -> str:
    where = " → ".join(str(part) for part in error.path) or "the file"
    return f"{where}: {error.message}"


def parse(raw: bytes) -> dict:
    """The document in `raw`, checked against the format, version and schema; or a
    ValidationError saying what is wrong."""
    if len(raw) > MAX_BYTES:
        raise ValidationError(
            f"The file is {len(raw) // 1024} KB; the most sendco takes is "
            f"{MAX_BYTES // 1024} KB. Is it a portable plan?"
        )
    try:
        document = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ValidationError("This file is not a portable plan: it is not text.") from None
    except json.JSONDecodeError as error:
        raise ValidationError(
            f"This file is not a portable plan: it is not valid JSON (line {error.lineno})."
        ) from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ValidationError(
            "This file is not a sendco portable plan (its format is not "
            f"“{FORMAT}”). Ask the previous school for the JSON file of the transfer pack."
        )
    if document.get("version") != VERSION:
        raise ValidationError(
            f"This portable plan is version {document.get('version')!s}; sendco reads version "
            f"{VERSION}. Ask the previous school to export it again, or print its PDF."
        )
    problems = schema_problems(document)
    if problems:
        raise ValidationError(["The file does not follow the portable plan's schema:", *problems])
    return document


# --------------------------------------------------------------------------------------------------
# The rules beyond the schema
# --------------------------------------------------------------------------------------------------


def _day(value: str | None, where: str, problems: list[str]) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        problems.append(f"{where}: {value} is not a date.")
        return None


def _periods(rows: list[dict], what: str, problems: list[str], *, one_open_by=None) -> None:
    open_keys = []
    for index, row in enumerate(rows, start=1):
        starts = _day(row["starts_on"], f"{what} {index}", problems)
        ends = _day(row["ends_on"], f"{what} {index}", problems)
        if starts and ends and ends < starts:
            problems.append(f"{what} {index} ends ({ends:%d/%m/%Y}) before it starts.")
        if ends is None:
            open_keys.append(one_open_by(row) if one_open_by else None)
    if len(open_keys) != len(set(open_keys)):
        problems.append(f"More than one {what} is still open; only one may be.")


def rule_problems(document: dict, *, need_codes: set[str]) -> list[str]:
    problems: list[str] = []
    pupil = document["pupil"]
    try:
        validate_upn(pupil["upn"])
    except ValidationError as error:
        problems.append(f"The pupil's UPN {pupil['upn']}: {' '.join(error.messages)}")
    _day(pupil["date_of_birth"], "The date of birth", problems)
    _day(document["exported"]["on"], "The date of the export", problems)
    for index, row in enumerate(document["views_given"], start=1):
        _day(row["given_on"], f"Views given {index}", problems)
        _day(row["accepted_on"], f"Views given {index}", problems)
    _periods(document["sen_statuses"], "SEN status", problems)
    _periods(document["needs"], "need", problems, one_open_by=lambda row: row["rank"])
    _periods(document["support_layers"], "layer of support", problems)
    codes = {n["code"] for n in document["needs"]}
    plan = document["support_plan"] or {"cycles": []}
    codes |= {t["need_code"] for c in plan["cycles"] for t in c["targets"] if t["need_code"]}
    unknown = sorted(codes - need_codes)
    if unknown:
        problems.append(
            f"Need codes this school does not know: {', '.join(unknown)}. Add them to the "
            "census need types first."
        )
    _cycles(plan["cycles"], problems)
    return problems


def _cycles(cycles: list[dict], problems: list[str]) -> None:
    numbers = [c["number"] for c in cycles]
    if len(numbers) != len(set(numbers)):
        problems.append("Two support plan cycles have the same number.")
    if sum(1 for c in cycles if c["stage"] != "reviewed") > 1:
        problems.append("More than one support plan cycle is still open; only one may be.")
    for c in cycles:
        where = f"Support plan cycle {c['number']}"
        starts = _day(c["starts_on"], where, problems)
        reviewed = _day(c["reviewed_on"], where, problems)
        for name in ("agreed_on", "review_due"):
            _day(c[name], where, problems)
        for t in c["targets"]:
            _day(t["by_when"], where, problems)
        if c["stage"] == "reviewed" and reviewed is None:
            problems.append(f"{where} is reviewed but has no review date.")
        if starts and reviewed and reviewed < starts:
            problems.append(f"{where} was reviewed before it started.")


# --------------------------------------------------------------------------------------------------
# The preview
# --------------------------------------------------------------------------------------------------


@dataclass
class Preview:
    document: dict
    name: str
    year: str
    matched: Pupil | None
    counts: dict[str, int] = field(default_factory=dict)
    from_school: str = ""
    exported_on: date | None = None

    @property
    def summary(self) -> str:
        """ "Sam Jones, Year 7, with 2 support plan cycles, 3 needs …" """
        parts = [f"{label} {count}" for label, count in self.counts.items() if count]
        return f"{self.name}, {self.year}" + (f": {', '.join(parts)}" if parts else "")


def _has_records(pupil: Pupil) -> list[str]:
    held = []
    if pupil.sen_statuses.exists():
        held.append("SEN status")
    if pupil.needs.exists():
        held.append("needs")
    if pupil.support_layers.exists():
        held.append("layers of support")
    if hasattr(pupil, "support_plan"):
        held.append("a support plan")
    return held


def preview(*, school: School, document: dict) -> Preview:
    """What importing `document` at `school` would do, or a ValidationError saying why it
    cannot: the rules above, and a pupil on roll with the same UPN who already has SEN
    records (the SENDCo merges those by hand)."""
    known = set(NeedType.objects.values_list("code", flat=True))
    problems = rule_problems(document, need_codes=known)
    if problems:
        raise ValidationError(["The file cannot be imported:", *problems])
    pupil = document["pupil"]
    matched = (
        Pupil.objects.for_school(school).filter(upn=pupil["upn"]).select_related("school").first()
    )
    if matched is not None and (held := _has_records(matched)):
        raise ValidationError(
            f"{matched.name} (UPN {matched.upn}) is on roll here and already has "
            f"{', '.join(held)}: nothing was imported. Read the PDF of the transfer pack instead."
        )
    first = pupil["preferred_first_name"] or pupil["legal_first_name"]
    last = pupil["preferred_last_name"] or pupil["legal_last_name"]
    plan = document["support_plan"] or {"cycles": []}
    return Preview(
        document=document,
        name=f"{first} {last}",
        year=YearGroup(pupil["year_group"]).label,
        matched=matched,
        counts={
            "SEN status periods": len(document["sen_statuses"]),
            "needs": len(document["needs"]),
            "layer of support periods": len(document["support_layers"]),
            "support plan cycles": len(plan["cycles"]),
            "targets": sum(len(c["targets"]) for c in plan["cycles"]),
            "EHC plan": 1 if document["ehc_plan"] else 0,
            "places in interventions": len(document["provision_received"]),
            "views given": len(document["views_given"]),
        },
        from_school=document["exported"]["school"],
        exported_on=date.fromisoformat(document["exported"]["on"]),
    )
