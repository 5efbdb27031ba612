"""Form 8 part 1 (JCQ, learning difficulties: 25% extra time, reader, scribe and the like): the
centre's part, completed before the assessment, with the history of need and provision and the
teachers' evidence of the candidate's normal way of working, as one template
(templates/exams/form8_part1.html) rendered to PDF by `staff.pdf`.

Parts 2 and 3 belong to the assessor and are not produced here (the PDF says so). The centre
number and the candidate number are left blank to be written in: sendco holds neither."""

from __future__ import annotations

from datetime import date

from django.utils.text import slugify

from register.models import Pupil, YearGroup
from staff.models import School

from . import evidence_rules as rules
from . import evidence_selectors as selectors
from .models import Arrangement, ExamSeries

TEMPLATE = "exams/form8_part1.html"


def filename(pupil: Pupil, today: date) -> str:
    """form8-part1-lovelace-ada-2027-02-01.pdf"""
    return slugify(f"form8-part1-{pupil.last_name}-{pupil.first_name}-{today:%Y-%m-%d}") + ".pdf"


def context(*, school: School, pupil: Pupil, series: ExamSeries, today: date) -> dict:
    """What part 1 says of `pupil` for `series` today: the centre, the candidate, the history
    of need, the answered evidence (a request still waiting is listed as awaited, never as
    evidence) and the arrangements being considered."""
    found = selectors.trail(school=school, pupil=pupil, series=series, today=today)
    considered = [
        row
        for row in found["arrangements"]
        if row.arrangement.stage not in (Arrangement.Stage.DECLINED, Arrangement.Stage.WITHDRAWN)
    ]
    return {
        "school": school,
        "pupil": pupil,
        "year_label": dict(YearGroup.choices).get(pupil.year_group, pupil.year_group),
        "series": series,
        "today": today,
        "history": found["history"],
        "answered": found["answered"],
        "waiting": found["waiting"],
        "considered": considered,
        "normal_way": rules.normal_way_kinds(row.evidence for row in found["answered"]),
    }
