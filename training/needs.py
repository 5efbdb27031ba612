"""Training matched to need: the needs of the SEN pupils in each class and running intervention
group against the training of the adults who teach, support or run it; the gaps ranked by the
pupils they touch; and this year's training plan proposed from the top gaps.

`units` loads the classes and groups in a constant number of queries, whatever the school's size
(each query starts from the school); the rest is pure: `gap_lines`, `gaps`, `course_for` and
`proposals` take what was loaded and the day.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Q

from provision.models import Group, GroupPupil
from register.models import Need, TeachingGroup
from register.selectors import covering, sen_pupils
from staff.models import School

from . import selectors
from .models import Course, StaffMember
from .selectors import Trained

CLASS, GROUP = "class", "group"
# How far ahead a proposed session is dated, to start with: time to book a trainer and cover.
PLAN_AHEAD = timedelta(weeks=4)
# How many of the top gaps the plan proposes training for.
PLAN_SIZE = 5


@dataclass
class Adult:
    """A person who teaches, supports or runs a class or group: a user, their staff member
    (None only if they are missing from the staff list) and their training today."""

    user_id: int
    name: str
    role: str  # "teacher", "assistant" or "leader"
    person: StaffMember | None = None
    trained: Trained | None = None

    def covers(self, code: str) -> bool:
        return self.trained is not None and self.trained.covers(code)


@dataclass
class Unit:
    """A class or a running intervention group: its adults and, by need code, its SEN pupils
    (ids) with that need today."""

    kind: str
    pk: int
    name: str
    adults: list[Adult] = field(default_factory=list)
    needs: dict[str, set[int]] = field(default_factory=dict)


@dataclass
class Line:
    """One class or group and one need of its pupils where not every adult is trained for it."""

    unit: Unit
    code: str
    need_name: str
    pupils: set[int]
    untrained: list[Adult]

    @property
    def adults(self) -> int:
        return len(self.unit.adults)

    @property
    def trained(self) -> int:
        return self.adults - len(self.untrained)

    @property
    def text(self) -> str:
        """ "4C: 5 pupils with ASD, 1 of 3 adults trained"; "Nessy group: 4 pupils with SPLD, its
        leader untrained in specific learning difficulty"."""
        n = len(self.pupils)
        start = f"{self.unit.name}: {n} pupil{'s' if n != 1 else ''} with {self.code}"
        if self.adults == 1:
            only = self.unit.adults[0].role
            return (
                f"{start}, its {only} untrained in {self.need_name[:1].lower()}{self.need_name[1:]}"
            )
        return f"{start}, {self.trained} of {self.adults} adults trained"


@dataclass
class Gap:
    """A need some adults are untrained for, school-wide: the distinct pupils with it in the
    classes and groups with a gap, the untrained adults, and the lines."""

    code: str
    name: str
    pupils: set[int] = field(default_factory=set)
    untrained: dict[int, Adult] = field(default_factory=dict)
    lines: list[Line] = field(default_factory=list)

    @property
    def adults(self) -> list[Adult]:
        return sorted(self.untrained.values(), key=lambda a: (a.name, a.user_id))


@dataclass
class Proposal:
    """This year's training for one gap: the catalogue course covering the need (None when
    none does), the staff members to invite, anyone untrained missing from the staff list, and
    how many pupils the training would reach."""

    gap: Gap
    course: Course | None
    invite: list[StaffMember]
    unlisted: list[Adult]
    on: date

    @property
    def pupils(self) -> int:
        return len(self.gap.pupils)

    @property
    def hours(self):
        return self.course.usual_hours if self.course else None


def _role_word(kind: str, teacher: bool) -> str:
    if kind == GROUP:
        return "leader"
    return "teacher" if teacher else "assistant"


def units(*, school: School, on: date, names: dict[str, str]) -> list[Unit]:
    """The school's classes of the academic year containing `on` and its groups running on
    `on`, each with its adults and its SEN pupils' needs by code, and each need's name put in
    `names` (six queries; the adults' training is `with_training`'s)."""
    found: dict[tuple[str, int], Unit] = {}

    def unit(kind: str, pk: int, name: str) -> Unit:
        return found.setdefault((kind, pk), Unit(kind, pk, name))

    classes = TeachingGroup.objects.filter(
        school=school, academic_year__starts_on__lte=on, academic_year__ends_on__gte=on
    )
    for relation, teacher in (("teachers", True), ("assistants", False)):
        rows = classes.values_list("pk", "name", relation, f"{relation}__full_name")
        for pk, name, user_id, user_name in rows:
            if user_id is None:
                continue
            adults = unit(CLASS, pk, name).adults
            if all(a.user_id != user_id for a in adults):
                adults.append(Adult(user_id, user_name, _role_word(CLASS, teacher)))
    running = Group.objects.filter(
        school=school, status=Group.Status.RUNNING, starts_on__lte=on, ends_on__gte=on
    )
    for pk, name, user_id, user_name in running.values_list(
        "pk", "name", "staff", "staff__full_name"
    ):
        if user_id is not None:
            unit(GROUP, pk, name).adults.append(Adult(user_id, user_name, "leader"))

    sen = sen_pupils(school=school, on=on)
    needs: dict[int, set[str]] = defaultdict(set)
    held = Need.objects.filter(covering(on), school=school, pupil__in=sen)
    for pupil_id, code, need_name in held.values_list(
        "pupil_id", "need_type__code", "need_type__name"
    ):
        needs[pupil_id].add(code)
        names[code] = need_name
    in_class = TeachingGroup.pupils.through.objects.filter(
        teachinggroup__in=classes, pupil__in=sen
    ).values_list("teachinggroup_id", "pupil_id")
    places = GroupPupil.objects.filter(
        Q(left_on__isnull=True) | Q(left_on__gte=on),
        school=school,
        joined_on__lte=on,
        group__in=running,
        pupil__in=sen,
    ).values_list("group_id", "pupil_id")
    for kind, rows in ((CLASS, in_class), (GROUP, places)):
        for pk, pupil_id in rows:
            target = found.get((kind, pk))
            if target is None:  # no adults: nobody to train
                continue
            for code in needs.get(pupil_id, ()):
                target.needs.setdefault(code, set()).add(pupil_id)
    return sorted(found.values(), key=lambda u: (u.kind, u.name, u.pk))


def with_training(*, school: School, on: date, found: list[Unit]) -> list[Unit]:
    """Each adult's staff member and training on `on` (two queries)."""
    user_ids = {a.user_id for u in found for a in u.adults}
    members = selectors.members_of_users(school=school, user_ids=user_ids)
    trained = selectors.trained_users(school=school, on=on, user_ids=user_ids)
    for u in found:
        for adult in u.adults:
            adult.person = members.get(adult.user_id)
            adult.trained = trained.get(adult.user_id)
            if adult.person is not None:
                adult.name = adult.person.name
    return found


def gap_lines(found: list[Unit], names: dict[str, str]) -> list[Line]:
    """A line for each class or group and need code with at least one pupil where not every
    adult is trained for it."""
    lines = []
    for u in found:
        for code, pupils in sorted(u.needs.items()):
            untrained = [a for a in u.adults if not a.covers(code)]
            if pupils and untrained:
                lines.append(Line(u, code, names.get(code, code), pupils, untrained))
    return lines


def gaps(lines: list[Line]) -> list[Gap]:
    """The lines gathered by need, the most pupils affected first (distinct pupils: a pupil in
    two classes with a gap counts once)."""
    found: dict[str, Gap] = {}
    for line in lines:
        gap = found.setdefault(line.code, Gap(line.code, line.need_name))
        gap.pupils |= line.pupils
        gap.lines.append(line)
        for adult in line.untrained:
            gap.untrained.setdefault(adult.user_id, adult)
    for gap in found.values():
        gap.lines.sort(key=lambda ln: (-len(ln.pupils), ln.unit.name))
    return sorted(found.values(), key=lambda g: (-len(g.pupils), g.code))


def course_for(code: str, courses: list[Course]) -> Course | None:
    """The catalogue course to train for `code`: one in use that covers it, preferring one that
    covers only that need (or the fewest needs), then by name."""
    covering_it = [c for c in courses if c.archived_at is None and code in (c.covers or ())]
    return min(covering_it, key=lambda c: (len(c.covers), c.name, c.pk), default=None)


def proposals(found: list[Gap], courses: list[Course], *, today: date) -> list[Proposal]:
    """This year's training plan from the top gaps: for each, the course, who to invite and
    the pupils it would reach; dated PLAN_AHEAD from today, to start with."""
    plan = []
    for gap in found[:PLAN_SIZE]:
        adults = gap.adults
        plan.append(
            Proposal(
                gap=gap,
                course=course_for(gap.code, courses),
                invite=[a.person for a in adults if a.person is not None],
                unlisted=[a for a in adults if a.person is None],
                on=today + PLAN_AHEAD,
            )
        )
    return plan


@dataclass
class Overview:
    lines: list[Line]
    gaps: list[Gap]
    proposals: list[Proposal]


def overview(*, school: School, on: date) -> Overview:
    """The gaps and the plan for the school on `on`, in nine queries whatever its size."""
    names: dict[str, str] = {}
    found = units(school=school, on=on, names=names)
    found = with_training(school=school, on=on, found=found)
    lines = gap_lines(found, names)
    ranked = gaps(lines)
    courses = list(Course.objects.filter(school=school, archived_at__isnull=True))
    return Overview(lines, ranked, proposals(ranked, courses, today=on))
