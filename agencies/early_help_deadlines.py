"""Deadlines of a pupil's Early Help: the next Team Around the Family review of each open Early
Help assessment or plan (`early_help_rules.next_review_due`; nothing here is stored).

A sub-kind of the PEPs' family (`lac.pep.early_help`), so the home page counts it in the row
"PEPs, Early Help" rather than adding a row; its page and capability are its own
(staff.deadlines.OPENED_WITH: Cap.EARLY_HELP_VIEW), so a teacher or TA never sees it, the
designated teacher as such neither, and the designated safeguarding lead does whatever their
role. The DSL is reminded (the first named, by membership); with none named, the SENDCo.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from django.db.models import QuerySet

from register.models import Pupil
from staff.calendar import SchoolCalendar
from staff.deadlines import Deadline, link_to, severity
from staff.models import School

from .early_help_models import EarlyHelp
from .early_help_rules import REVIEWED_STAGES
from .early_help_selectors import review_weeks, rows_of, safeguarding_lead_ids, with_last_review

KIND = "lac.pep.early_help"


def deadlines(
    *,
    school: School,
    pupils: QuerySet[Pupil],
    today: date,
    until: date,
    calendar: SchoolCalendar | None = None,
) -> Iterator[Deadline]:
    """The next review of each open, reviewed Early Help of `pupils` on roll, due up to `until`
    or overdue, for the school's designated safeguarding lead (the SENDCo when none is named).
    A date the school sets: one outside term time says so with the last school day before it.
    One query when nothing is open; three otherwise (the records with their last review, the
    school's interval, the DSLs), and two for the calendar when the engine has not passed it in.
    """
    records = list(
        with_last_review(
            EarlyHelp.objects.filter(
                school=school,
                closed_on__isnull=True,
                stage__in=REVIEWED_STAGES,
                pupil__in=pupils.on_roll(today),
            ).select_related("pupil")
        )
    )
    if not records:
        return
    rows = rows_of(records, weeks=review_weeks(school=school), today=today)
    owners = safeguarding_lead_ids(school=school)
    calendar = calendar or SchoolCalendar.load(school=school)
    page = link_to("early_help:pupil", school.slug)
    for row in rows:
        due = row.due.due
        if due is None or due > until:
            continue
        pupil = row.pupil
        yield Deadline(
            kind=KIND,
            title=f"Team Around the Family review ({row.early_help.get_stage_display()})",
            due=due,
            subject=pupil.name,
            subject_id=str(pupil.public_id),
            owner_id=owners[0] if owners else None,
            url=page(pupil.public_id),
            severity=severity(due=due, today=today),
            year_group=pupil.year_group,
            last_school_day=calendar.last_school_day_if_holiday(due),
        )
