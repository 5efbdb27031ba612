"""Reading training records, always for one school and in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, F, Q, QuerySet

from staff import skills
from staff.calendar import academic_year_start_for
from staff.models import AcademicYear, School
from staff.selectors import unique_row

from . import rules
from .models import Completion, Course, Session, StaffMember, Supervision


def people(*, school: School, on: date) -> QuerySet[StaffMember]:
    """The school's staff members still there on `on`, by name."""
    return StaffMember.objects.filter(
        Q(left_on__isnull=True) | Q(left_on__gt=on), school=school
    ).order_by("name", "pk")


def members_of_users(*, school: School, user_ids) -> dict[int, StaffMember]:
    """The staff member of each of these users at this school, by user id (one query)."""
    return {
        m.user_id: m for m in StaffMember.objects.filter(school=school, user_id__in=list(user_ids))
    }


@dataclass
class Trained:
    """What one person is trained in on a day: the need areas (census SEN type codes) of their
    current certificates, and whether they hold current whole-school SEND training."""

    codes: set[str] = field(default_factory=set)
    whole_school: bool = False

    def covers(self, code: str) -> bool:
        return code in self.codes


def _current(rows, on: date) -> dict[int, Trained]:
    """Rows of (key, completed_on, expires_after_months, covers, whole_school), folded into what
    each key is trained in on `on`: expired certificates do not count."""
    found: dict[int, Trained] = defaultdict(Trained)
    for key, completed_on, months, covers, whole in rows:
        expires = rules.expires_on(completed_on=completed_on, expires_after_months=months)
        if not rules.is_current(completed_on=completed_on, expires=expires, on=on):
            continue
        found[key].codes.update(covers or ())
        found[key].whole_school |= whole
    return dict(found)


_COURSE_FIELDS = (
    "completed_on",
    "course__expires_after_months",
    "course__covers",
    "course__whole_school",
)


def _completed(school: School, on: date) -> QuerySet[Completion]:
    return Completion.objects.filter(
        school=school, completed_on__isnull=False, completed_on__lte=on
    )


def trained(*, school: School, on: date, person_ids=None) -> dict[int, Trained]:
    """What each of the school's staff members (or those of `person_ids`) is trained in on `on`,
    by person id; a person with nothing current is absent (one query)."""
    rows = _completed(school, on)
    if person_ids is not None:
        rows = rows.filter(person_id__in=list(person_ids))
    return _current(rows.values_list("person_id", *_COURSE_FIELDS), on)


def trained_users(*, school: School, on: date, user_ids=None) -> dict[int, Trained]:
    """The same, by the user id of each staff member with a login (those of `user_ids`, or
    all): the teachers and assistants of classes, the staff of groups (one query)."""
    rows = _completed(school, on).filter(person__user__isnull=False)
    if user_ids is not None:
        rows = rows.filter(person__user_id__in=list(user_ids))
    return _current(rows.values_list("person__user_id", *_COURSE_FIELDS), on)


def skills_of_users(*, school: School, on: date, user_ids=None) -> dict[int, skills.Skills]:
    """`trained_users` in the ground floor's shape, for `staff.skills` (connected in
    training/apps.py) so register and provision can show it without importing training."""
    return {
        user_id: skills.Skills(frozenset(t.codes), t.whole_school)
        for user_id, t in trained_users(school=school, on=on, user_ids=user_ids).items()
    }


def courses(*, school: School) -> QuerySet[Course]:
    """The school's catalogue in use, by name."""
    return Course.objects.filter(school=school, archived_at__isnull=True).order_by("name")


def person_for(*, school: School, public_id) -> StaffMember | None:
    return unique_row(StaffMember.objects.filter(school=school, public_id=public_id))


def person_of_user(*, school: School, user_id: int) -> StaffMember | None:
    return StaffMember.objects.filter(school=school, user_id=user_id).first()


def completion_for(*, school: School, public_id) -> Completion | None:
    return (
        Completion.objects.filter(school=school, public_id=public_id)
        .select_related("person")
        .first()
    )


def course_of(*, school: School, pk: int) -> Course | None:
    return Course.objects.filter(school=school, pk=pk).first()


def records_of(*, person: StaffMember) -> list[Completion]:
    """A person's completions, latest first, with their courses (one query)."""
    return list(
        Completion.objects.filter(school_id=person.school_id, person=person)
        .select_related("course")
        .order_by(F("completed_on").desc(nulls_first=True), "-pk")
    )


def supervisions_of(*, person: StaffMember) -> list[Supervision]:
    return list(
        Supervision.objects.filter(school_id=person.school_id, person=person)
        .select_related("course")
        .order_by("-on")[:12]
    )


def session_for(*, school: School, public_id) -> Session | None:
    return (
        Session.objects.filter(school=school, public_id=public_id).select_related("course").first()
    )


def sessions(*, school: School) -> QuerySet[Session]:
    """The school's sessions, latest first, with their courses and how many attended."""
    return (
        Session.objects.filter(school=school)
        .select_related("course")
        .annotate(attended=Count("completions"), invited_count=Count("invited", distinct=True))
        .order_by("-on", "-pk")
    )


def here_on(on: date, *, person: str = "") -> Q:
    """Still on the staff list on `on` (`person`: the path to the staff member, "person__")."""
    return Q(**{f"{person}left_on__isnull": True}) | Q(**{f"{person}left_on__gt": on})


def school_years(*, school_ids, on: date) -> dict[int, tuple[date, date]]:
    """Each school's academic year containing `on` (first and last days), from its term dates,
    or 1 September to 31 August where it has none set (one query)."""
    default_start = date(academic_year_start_for(on), 9, 1)
    default = (default_start, date(default_start.year + 1, 8, 31))
    found = {
        school_id: (starts_on, ends_on)
        for school_id, starts_on, ends_on in AcademicYear.objects.filter(
            school_id__in=list(school_ids), starts_on__lte=on, ends_on__gte=on
        ).values_list("school_id", "starts_on", "ends_on")
    }
    return {school_id: found.get(school_id, default) for school_id in school_ids}


def sencos(*, school_ids, on: date) -> dict[int, rules.SencoQualification]:
    """What the qualification rule asks of each school's SENCO on `on` (the staff member still
    there appointed SENCO most recently; NOT_SENCO where none is recorded), in two queries."""
    appointed: dict[int, StaffMember] = {}
    for person in (
        StaffMember.objects.filter(
            here_on(on), school_id__in=list(school_ids), senco_appointed_on__isnull=False
        )
        .only("school_id", "senco_appointed_on", "senco_months_before")
        .order_by("senco_appointed_on", "pk")
    ):
        appointed[person.school_id] = person
    studies: dict[int, list[rules.Study]] = defaultdict(list)
    for person_id, kind, started_on, completed_on in (
        Completion.objects.filter(
            school_id__in=[p.school_id for p in appointed.values()],
            person_id__in=[p.pk for p in appointed.values()],
        )
        .exclude(course__qualification="")
        .values_list("person_id", "course__qualification", "started_on", "completed_on")
    ):
        studies[person_id].append(
            rules.Study(rules.QualificationKind(kind), started_on, completed_on)
        )
    return {
        school_id: rules.senco_qualification(
            appointed_on=appointed[school_id].senco_appointed_on,
            months_before=appointed[school_id].senco_months_before,
            studies=studies[appointed[school_id].pk],
        )
        if school_id in appointed
        else rules.SencoQualification(rules.SencoStatus.NOT_SENCO)
        for school_id in school_ids
    }
