"""Deadlines of staff training (DOMAIN.md 1.5 and 6.3): certificates to renew, ELSA supervision
each half-term, and the SENCO's mandatory qualification. Dates come from `training.rules`;
nothing here is stored.

Each deadline is about a member of staff, not a pupil (`staff.deadlines.ABOUT_A_PERSON`): it is
shown to that person, when they have a login, and to those who may see everyone's training."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db.models import Q, QuerySet

from register.models import Pupil
from staff.calendar import SchoolCalendar
from staff.deadlines import Deadline, link_to, severity
from staff.models import School

from . import rules
from .models import Completion, Course, StaffMember, Supervision

RENEWAL = "training.renewal"
SUPERVISION = "training.supervision"
SENCO_QUALIFICATION = "training.senco_qualification"

QUALIFICATIONS = {
    Course.Qualification.NPQ: rules.QualificationKind.NPQ,
    Course.Qualification.NASENCO: rules.QualificationKind.NASENCO,
}


def senco_notice_months() -> int:
    """The SENCO's qualification is on their deadlines from this many months before it is due
    (TRAINING_SENCO_QUALIFICATION_NOTICE_MONTHS, default 12)."""
    return int(getattr(settings, "TRAINING_SENCO_QUALIFICATION_NOTICE_MONTHS", 12))


def short_name(course_name: str) -> str:
    """A course's name without what its brackets explain: "ELSA (Emotional Literacy Support
    Assistant)" -> "ELSA"."""
    return course_name.split(" (", 1)[0].strip() or course_name


@dataclass(frozen=True)
class Done:
    """One completion (or qualification under way) of a course, with what the rules need of it."""

    person_id: int
    course_id: int
    course_name: str
    expires_after_months: int | None
    supervision: str
    qualification: str
    started_on: date | None
    completed_on: date | None


def _people(*, school: School, today: date) -> list[dict]:
    """The school's staff members still there today (one query)."""
    return list(
        StaffMember.objects.filter(Q(left_on__isnull=True) | Q(left_on__gt=today), school=school)
        .order_by("name", "pk")
        .values("pk", "public_id", "name", "user_id", "senco_appointed_on", "senco_months_before")
    )


def _done(*, school: School, today: date) -> dict[int, list[Done]]:
    """The completions of the school's current staff, by person, that any rule here reads: of a
    course that expires, needs supervision or is a SENCO qualification (one query)."""
    rows = Completion.objects.filter(
        Q(person__left_on__isnull=True) | Q(person__left_on__gt=today),
        Q(course__expires_after_months__isnull=False)
        | ~Q(course__supervision="")
        | ~Q(course__qualification=""),
        school=school,
        person__school=school,  # the school's staff read by its index, not every school's
    ).values_list(
        "person_id",
        "course_id",
        "course__name",
        "course__expires_after_months",
        "course__supervision",
        "course__qualification",
        "started_on",
        "completed_on",
    )
    found: dict[int, list[Done]] = defaultdict(list)
    for row in rows:
        found[row[0]].append(Done(*row))
    return found


def _latest(done: list[Done], keep) -> dict[int, Done]:
    """The latest completion of each course, by course id, of those completed that `keep`
    accepts."""
    latest: dict[int, Done] = {}
    for d in done:
        if d.completed_on is None or not keep(d):
            continue
        if d.course_id not in latest or latest[d.course_id].completed_on < d.completed_on:
            latest[d.course_id] = d
    return latest


def _supervisions(*, school: School, person_ids: list[int]) -> dict[tuple[int, int], list[date]]:
    """The supervision sessions these people attended, by (person, course) (one query)."""
    found: dict[tuple[int, int], list[date]] = defaultdict(list)
    for person_id, course_id, on in Supervision.objects.filter(
        school=school, person_id__in=person_ids
    ).values_list("person_id", "course_id", "on"):
        found[(person_id, course_id)].append(on)
    return found


# Titles are short: every list shows the due date beside them (a home page row that wraps
# pushes the SENDCo's week below the fold).
def _renewal_title(name: str) -> str:
    return f"Renew {name}"


def _supervision_title(name: str, due: date, half_terms: list[rules.HalfTerm], today: date) -> str:
    if due < today:
        return f"{name} supervision missed"
    if any(h.starts_on <= today <= h.ends_on and h.ends_on == due for h in half_terms):
        return f"{name} supervision this half-term"
    return f"{name} supervision next half-term"


def _qualification_title(found: rules.SencoQualification) -> str:
    return f"SENCO qualification: {found.owed}"


def deadlines(
    *,
    school: School,
    pupils: QuerySet[Pupil],
    today: date,
    until: date,
    calendar: SchoolCalendar | None = None,
) -> Iterator[Deadline]:
    """For each member of staff still at the school: the certificates to renew (the latest
    completion of each course that expires), the next ELSA supervision (a course supervised
    half-termly, over the school's half-terms) and the SENCO's qualification, each due up to
    `until` or overdue; the SENCO's qualification also from
    TRAINING_SENCO_QUALIFICATION_NOTICE_MONTHS before it is due. Owned by the person when they
    have a login. `pupils` is not read: none of these is about a pupil. Two queries, three when
    someone needs supervision, and two for the calendar when the engine has not passed it in."""
    people = _people(school=school, today=today)
    if not people:
        return
    done_by = _done(school=school, today=today)
    supervised = {
        person_id
        for person_id, done in done_by.items()
        if any(d.supervision == Course.Supervision.HALF_TERMLY and d.completed_on for d in done)
    }
    attended: dict[tuple[int, int], list[date]] = {}
    half_terms: list[rules.HalfTerm] = []
    if supervised:
        attended = _supervisions(school=school, person_ids=sorted(supervised))
        calendar = calendar or SchoolCalendar.load(school=school)
        half_terms = [rules.HalfTerm(s, e) for s, e in calendar.terms]
    notice_until = max(until, rules.add_months(today, senco_notice_months()))
    person_url = link_to("training:person", school.slug)

    for person in people:
        done = done_by.get(person["pk"], [])

        def deadline(kind: str, title: str, due: date, person=person) -> Deadline:
            return Deadline(
                kind=kind,
                title=title,
                due=due,
                subject=person["name"],
                subject_id=str(person["public_id"]),
                owner_id=person["user_id"],
                url=person_url(person["public_id"]),
                severity=severity(due=due, today=today),
            )

        for d in _latest(done, lambda d: d.expires_after_months is not None).values():
            due = rules.expires_on(
                completed_on=d.completed_on, expires_after_months=d.expires_after_months
            )
            if due is not None and due <= until:
                yield deadline(RENEWAL, _renewal_title(d.course_name), due)

        if person["pk"] in supervised:
            half_termly = _latest(done, lambda d: d.supervision == Course.Supervision.HALF_TERMLY)
            for d in half_termly.values():
                due = rules.supervision_due(
                    trained_on=d.completed_on,
                    attended=attended.get((person["pk"], d.course_id), ()),
                    half_terms=half_terms,
                    today=today,
                )
                if due is not None and due <= until:
                    name = short_name(d.course_name)
                    yield deadline(
                        SUPERVISION, _supervision_title(name, due, half_terms, today), due
                    )

        if person["senco_appointed_on"] is not None:
            found = rules.senco_qualification(
                appointed_on=person["senco_appointed_on"],
                months_before=person["senco_months_before"],
                studies=[
                    rules.Study(QUALIFICATIONS[d.qualification], d.started_on, d.completed_on)
                    for d in done
                    if d.qualification in QUALIFICATIONS
                ],
            )
            due = found.due
            if found.status == rules.SencoStatus.DUE and due is not None and due <= notice_until:
                yield deadline(SENCO_QUALIFICATION, _qualification_title(found), due)
