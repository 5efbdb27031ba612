"""Deterministic, fictional support plans for the demo trust: every pupil on SEN support at a
stage of the graduated approach, with reviewed cycles behind most of them, dated relative to the
day the demo is loaded. Runs after `provision.demo.seed_provision`: targets are delivered by the
pupil's own groups."""

from __future__ import annotations

import bisect
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from provision.models import Group, GroupPupil
from register.models import Contact, Need, Pupil, SenStatus, TeachingGroup
from staff import calendar as school_calendar
from staff.models import School, User

from .models import Contribution, Cycle, ParentMeeting, SupportPlan, Target

ONE_DAY = timedelta(days=1)

PLAN_STAGES = [  # (stage of the open cycle, % of the pupils on SEN support); the rest: "do"
    ("none", 10),  # no plan yet
    ("assess", 9),
    ("plan", 9),
    ("overdue", 11),  # in Do, the review date passed
]
REVIEWED_BEFORE = [(0, 25), (1, 35), (2, 25), (3, 15)]  # reviewed cycles before the open one
OUTCOMES = [("achieved", 45), ("partly", 35), ("not_achieved", 20)]


@dataclass(frozen=True)
class Aim:
    """A SMART target of the demo bank. `{name}` is the pupil's first name."""

    outcome: str
    description: str
    measure: str
    baseline: str
    expected: str
    other: str  # provision when no group of the pupil's delivers it


# fmt: off
AIMS = {
    "SPLD": [
        Aim("{name} reads books of their choice on their own",
            "{name} will read the first 100 high-frequency words on sight",
            "High-frequency word check, read aloud to a TA", "Reads 45 of 100 words",
            "Reads 80 of 100 words", "Precision teaching cards used at home and at school"),
        Aim("{name} writes at length without spelling getting in the way",
            "{name} will spell words with the taught vowel digraphs (ai, ee, igh, oa, oo) in "
            "dictated sentences", "Weekly dictation of 10 target words", "3 of 10 correct",
            "8 of 10 correct", "Spelling mat and word bank on the desk"),
        Aim("{name} keeps up with reading in every lesson",
            "{name} will use a coloured overlay and reading ruler in lessons without a reminder",
            "Class teacher observation, three lessons a week", "Uses them when reminded",
            "Uses them unprompted in 4 of 5 lessons", "Coloured overlay and reading ruler"),
    ],
    "MLD": [
        Aim("{name} is confident with number in everyday life",
            "{name} will recall number bonds to 20 quickly and accurately",
            "Timed number-bond check (one minute)", "6 correct in a minute",
            "15 correct in a minute", "Numicon and a number line on the desk"),
        Aim("{name} works independently in lessons",
            "{name} will complete a three-step task using a visual checklist",
            "Observation in English and maths lessons", "Completes step 1 with adult help",
            "Completes all three steps with one prompt", "Task checklist and now/next board"),
        Aim("{name} understands and uses the language of each subject",
            "{name} will use key topic words correctly when explaining their work",
            "Vocabulary check at the end of each topic (10 words)", "4 of 10 words",
            "8 of 10 words", "Pre-teaching of topic vocabulary with a TA"),
    ],
    "SLCN": [
        Aim("{name} understands and follows what is said in class",
            "{name} will follow two-part spoken instructions without a repeat",
            "Observation of 10 instructions over a week", "4 of 10 instructions",
            "8 of 10 instructions", "Visual prompts alongside spoken instructions"),
        Aim("{name} explains their ideas clearly",
            "{name} will use 'because' to explain their thinking in a full sentence",
            "Speech sample in a small-group task", "Single words or short phrases",
            "Three full 'because' sentences in a session", "Sentence starters on the desk"),
        Aim("{name} asks for help when stuck",
            "{name} will ask an adult for help using a taught phrase",
            "Tally by the class teacher over two weeks", "Waits or gives up",
            "Asks for help at least once in most lessons", "Help card and modelling by adults"),
    ],
    "SEMH": [
        Aim("{name} manages strong feelings and stays in learning",
            "{name} will use the calm-down plan and return to learning within 10 minutes",
            "Behaviour log of time out of class", "Out of class for about 30 minutes",
            "Back within 10 minutes, 4 times out of 5", "Calm-down space and time-out card"),
        Aim("{name} can say how they feel and ask for support",
            "{name} will name their feelings using the zones of regulation at check-in",
            "Daily morning check-in with a key adult", "Names a feeling on 1 day in 5",
            "Names a feeling on 4 days in 5", "Morning check-in with a key adult"),
        Aim("{name} has friends and enjoys unstructured times",
            "{name} will join a structured game at lunchtime with two other pupils",
            "Lunchtime observation, twice a week", "Plays alone or walks the edge",
            "Joins a game twice a week", "Lunchtime club"),
    ],
    "ASD": [
        Aim("{name} copes well with the changes of the school day",
            "{name} will move between activities using a visual timetable with one prompt",
            "Observation of transitions over a week", "Needs an adult at most transitions",
            "One prompt at 8 of 10 transitions", "Visual timetable and five-minute warnings"),
        Aim("{name} plays and works alongside other pupils",
            "{name} will take turns in a structured game for 10 minutes",
            "Observation in the small-group session", "Takes turns for about 2 minutes",
            "Takes turns for 10 minutes", "Turn-taking games with a TA"),
        Aim("{name} recognises and manages sensory overload",
            "{name} will show the break card when the noise is too much",
            "Tally of break-card use and of incidents", "Leaves the room or covers ears",
            "Uses the card in 3 of 4 situations", "Break card, ear defenders and a quiet space"),
    ],
    "PD": [
        Aim("{name} records their work in the same way as other pupils",
            "{name} will write legibly for 10 minutes using a writing slope and pencil grip",
            "Handwriting sample each half-term", "Legible for about 3 minutes",
            "Legible for 10 minutes", "Writing slope, pencil grip and a laptop for long work"),
        Aim("{name} moves around school safely and on their own",
            "{name} will get to lessons on time using the agreed route and lift pass",
            "Register of late arrivals", "Late to 1 lesson a day", "On time to every lesson",
            "Lift pass and leaving lessons five minutes early"),
    ],
    "HI": [
        Aim("{name} hears and understands teaching in class",
            "{name} will check instructions by repeating them back to an adult",
            "Observation in three lessons a week", "Starts tasks unsure what to do",
            "Repeats instructions back in 4 of 5 lessons", "Radio aid and seating near the front"),
    ],
    "VI": [
        Aim("{name} reads class materials independently",
            "{name} will use enlarged resources and the magnifier without help",
            "Observation by the class teacher", "Waits for an adult to read to them",
            "Reads enlarged texts alone in most lessons", "Enlarged print (N18) and a magnifier"),
    ],
    "OTH": [
        Aim("{name} works independently for longer",
            "{name} will work on an independent task for 10 minutes using a timer",
            "Observation, three times a week", "About 3 minutes on task",
            "10 minutes on task", "Sand timer and a work station"),
    ],
}
AIMS["NSA"] = AIMS["OTH"]
AREA_NEED = {"cl": "SPLD", "ci": "SLCN", "semh": "SEMH", "sp": "PD"}  # a group's own target
ASSESSMENT = {
    "cl": "Class teacher's assessment and the standardised reading and spelling tests of "
    "September: scores well below age-related expectations. Work samples show good ideas held "
    "back by reading and spelling.",
    "ci": "Observation in class and the speech and language screener: difficulties following "
    "longer instructions and explaining ideas. Advice from the speech and language therapist "
    "last term.",
    "semh": "SDQ completed by the class teacher and the parents (total difficulties in the high "
    "range), behaviour log and conversations with the pupil about what is hard.",
    "sp": "Occupational therapy report and observation in lessons and at break; handwriting "
    "samples.",
    "": "Observation in class and at break, work samples and a conversation with the parents.",
}
STRATEGIES = {
    "cl": "Pre-teach key vocabulary. Give a printed copy of anything on the board. Check "
    "understanding after instructions. Allow extra time for reading and writing tasks.",
    "ci": "Use the pupil's name before an instruction. Give instructions one step at a time with "
    "a visual prompt. Allow thinking time before expecting an answer.",
    "semh": "Meet and greet at the door. Give a five-minute warning before changes. Praise "
    "privately. Agree a signal for time out and a calm place to go.",
    "sp": "Seat near the front with space to move. Provide the writing slope and pencil grip. "
    "Allow a laptop for longer writing.",
    "": "Seat near the teacher. Break tasks into small steps. Check in at the start of each task.",
}
PUPIL_VIEWS = [
    "I like it when I know what is happening next. Reading out loud is hard.",
    "I want to get better at spelling so I can write stories.",
    "The group with Mr Reid helps. I don't like it when it is noisy.",
    "I like maths when I can use the cubes. I want more time to finish.",
    "Sometimes I get cross and I don't know why. The calm corner helps.",
    "I want to have more friends to play with at lunch.",
]
PARENT_VIEWS = [
    "We read together most evenings. Homework is a battle when there is a lot of writing.",
    "Mornings are hard: a visual timetable at home has helped.",
    "We are pleased with the progress and would like more ideas to help at home.",
    "We worry that the gap with other children is getting wider.",
    "Things are calmer at home when the day at school has gone well.",
    "We would like to hear more often how the group sessions are going.",
]
REVIEW_PUPIL_VIEWS = [
    "I can do more on my own now.",
    "The group is fun. I still find the hard words tricky.",
    "I like the calm card. I use it when I need it.",
    "I want to keep going with the group.",
]
REVIEW_PARENT_VIEWS = [
    "We have noticed a difference at home.",
    "Pleased with the progress; the targets are the right ones.",
    "Still finding homework hard; we would like a copy of the word lists.",
    "Happy for the plan to continue as it is.",
]
CONTRIBUTIONS = {
    "assess": [
        "In class {name} works hard but loses the thread of longer tasks. Best with a "
        "checklist and a quick check-in from me after the input.",
        "{name} is keen to take part orally but avoids writing; reading and spelling are well "
        "below the rest of the class.",
        "Settles well after the morning check-in; unstructured times are harder.",
    ],
    "review": [
        "{name} is more independent in lessons and uses the strategies without being reminded "
        "most of the time.",
        "Progress is steady; {name} still needs an adult to get started on written tasks.",
        "Attendance at the group has been good and it shows in class.",
    ],
}
EVIDENCE = {
    "achieved": [
        "Reached the expected level at the last three checks.",
        "Met the target in class as well as in the group.",
    ],
    "partly": [
        "Good progress from the baseline but not yet at the expected level.",
        "Achieved in the group; not yet seen in class.",
    ],
    "not_achieved": [
        "Little change from the baseline; attendance at the group was patchy.",
        "Not yet: the target was too big a step and will be broken down.",
    ],
}
NEXT_STEP = {
    "achieved": ["Keep using the strategy in class.", ""],
    "partly": ["Carry over with the same support.", "Carry over; add practice at home."],
    "not_achieved": [
        "Break the target into smaller steps.",
        "Carry over and ask for advice from the specialist teacher.",
    ],
}
# fmt: on


NEED_AREA = {  # the broad area of each need type's demo targets (register.NeedType)
    "SPLD": "cl",
    "MLD": "cl",
    "SLCN": "ci",
    "ASD": "ci",
    "SEMH": "semh",
    "PD": "sp",
    "HI": "sp",
    "VI": "sp",
    "OTH": "",
    "NSA": "",
}
AIM_AREA = {aim: NEED_AREA[code] for code, aims in AIMS.items() for aim in aims}


def _snapper(open_days: list[date]):
    """Move a date to the nearest school day before it (back) or after it (forward), holidays
    included, when the school calendar covers it; otherwise only off a weekend."""
    first, last = (open_days[0], open_days[-1]) if open_days else (date.max, date.min)

    def back(day: date) -> date:
        if first <= day <= last:
            return open_days[bisect.bisect_right(open_days, day) - 1]
        return day - timedelta(days=max(0, day.weekday() - 4))

    def forward(day: date) -> date:
        if first <= day <= last:
            return open_days[bisect.bisect_left(open_days, day)]
        return day + timedelta(days=(7 - day.weekday()) % 7 if day.weekday() >= 5 else 0)

    return back, forward


@dataclass
class Span:
    """The dates of one demo cycle."""

    stage: str
    starts_on: date
    agreed_on: date | None = None
    review_due: date | None = None
    reviewed_on: date | None = None


def _open_span(rng: random.Random, stage: str, since: date, today: date, back, forward) -> Span:
    """The open cycle at `stage`, begun no earlier than `since` (the pupil joined SEN support)."""
    if stage == "overdue":
        due = back(today - timedelta(days=rng.randint(2, 25)))
        agreed = back(due - timedelta(weeks=rng.randint(10, 12)))
        start = back(agreed - timedelta(days=rng.randint(5, 20)))
        if start >= since:
            return Span("do", start, agreed, due)
        stage = "do"  # not on SEN support long enough to be overdue: due soon instead
    if stage == "do":
        due = forward(today + timedelta(days=rng.randint(2, 45)))
        agreed = back(min(today - timedelta(days=7), due - timedelta(weeks=rng.randint(10, 13))))
        start = back(agreed - timedelta(days=rng.randint(5, 20)))
        if start < since:
            start, agreed = since, max(agreed, since + timedelta(days=7))
        return Span("do", start, agreed, due)
    if stage == "plan":
        start = max(since, back(today - timedelta(days=rng.randint(10, 35))))
        proposed = None
        if rng.random() < 0.5:
            proposed = forward(today + timedelta(weeks=rng.randint(8, 12)))
        return Span("plan", start, None, proposed)
    return Span("assess", max(since, back(today - timedelta(days=rng.randint(0, 20)))))


def _spans(
    rng: random.Random, stage: str, before: int, since: date, today: date, back, forward
) -> list[Span]:
    """A plan's cycles, oldest first: up to `before` reviewed cycles, each about a term long,
    and the open one at `stage`. Fewer reviewed ones when the pupil joined SEN support since."""
    spans = [_open_span(rng, stage, since, today, back, forward)]
    for _ in range(before):
        reviewed = back(spans[0].starts_on - timedelta(days=rng.randint(0, 10)))
        agreed = back(reviewed - timedelta(weeks=rng.randint(10, 13)))
        start = back(agreed - timedelta(days=rng.randint(5, 20)))
        if start < since:
            break
        due = max(forward(reviewed + timedelta(days=rng.randint(-14, 7))), agreed + ONE_DAY)
        spans.insert(0, Span("reviewed", start, agreed, due, reviewed))
    return spans


def _stages(rng: random.Random, count: int) -> list[str]:
    """The stage of each of `count` pupils' plans, shuffled: PLAN_STAGES' shares (at least one
    of each in a school of ten or more), the rest under way."""
    least = 1 if count >= 10 else 0
    stages = [
        stage for stage, share in PLAN_STAGES for _ in range(max(least, round(count * share / 100)))
    ][:count]
    stages += ["do"] * (count - len(stages))
    rng.shuffle(stages)
    return stages


def _pick(rng: random.Random, table: list[tuple]) -> str | int:
    return rng.choices([v for v, _ in table], weights=[w for _, w in table])[0]


@dataclass
class PlanRows:
    """Everything seed_plans writes, gathered before the bulk inserts."""

    plans: list[SupportPlan] = field(default_factory=list)
    cycles: list[Cycle] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    links: list[tuple[Target, int]] = field(default_factory=list)  # (target, group id)
    contributions: list[tuple[Contribution, date]] = field(default_factory=list)
    meetings: list[ParentMeeting] = field(default_factory=list)

    def count(self) -> int:
        return (
            len(self.plans)
            + len(self.cycles)
            + len(self.targets)
            + len(self.links)
            + len(self.contributions)
            + len(self.meetings)
        )


@dataclass(frozen=True)
class PlanPupil:
    """What the demo plan of one pupil is made from."""

    pupil: Pupil
    since: date  # on SEN support from
    needs: list[Need]
    places: list[GroupPupil]
    lead: User | None
    parent: str


@dataclass(frozen=True)
class Seeding:
    """What the steps of one school's seeding share. Every step draws from the one `rng` in
    turn, so the order of the steps (and of the draws in each) fixes the rows for a seed.
    `back` and `forward` move a date to a school day (see `_snapper`)."""

    rng: random.Random
    rows: PlanRows
    today: date
    sendco: User
    back: Callable[[date], date]
    forward: Callable[[date], date]


@transaction.atomic
def seed_plans(*, school: School, today: date, sendco: User, seed: int) -> int:
    """Support plans for the pupils on SEN support (K) at every stage of the graduated approach:
    most under way (Do) after up to three reviewed cycles, about one in ten with the review
    overdue, some being assessed or planned, about one in ten with no plan yet. Targets come
    from a bank per need, delivered by the pupil's own groups where they have a place, and a
    reviewed cycle's unfinished targets carry over. The plan lead is the pupil's class teacher
    (the SENDCo writes the notes where the class has no teacher account).

    Rows are written in bulk. A school with plans already is left alone. Returns the rows made.
    """
    if SupportPlan.objects.filter(school=school).exists():
        return 0
    rng = random.Random(seed)  # noqa: S311 - demo data, not security
    pupils = _plan_pupils(school, today)
    back, forward = _snapper(
        school_calendar.school_days(
            school=school, start=today - timedelta(days=800), end=today + timedelta(days=120)
        )
    )
    s = Seeding(rng, PlanRows(), today, sendco, back, forward)
    for who, stage in zip(pupils, _stages(rng, len(pupils)), strict=True):
        before = _pick(rng, REVIEWED_BEFORE)
        if stage != "none":
            _plan(s, who, stage=stage, before=before)
    _save_plans(school, s.rows)
    return s.rows.count()


def _covering(today: date) -> Q:
    return Q(starts_on__lte=today) & (Q(ends_on__isnull=True) | Q(ends_on__gte=today))


def _plan_pupils(school: School, today: date) -> list[PlanPupil]:
    """Every pupil on SEN support today and on roll, by pk, with what their plan is made of."""
    since = dict(
        SenStatus.objects.filter(_covering(today), school=school, category="K").values_list(
            "pupil_id", "starts_on"
        )
    )
    pupils = list(Pupil.objects.filter(pk__in=list(since)).on_roll(today).select_related("school"))
    pupils.sort(key=lambda p: p.pk)
    ids = [p.pk for p in pupils]
    needs, parents = _needs(today, ids), _parents(ids)
    leads, places = _leads(school, today, ids), _places(school, ids)
    return [
        PlanPupil(
            pupil=pupil,
            since=since[pupil.pk],
            needs=needs.get(pupil.pk, []),
            places=places.get(pupil.pk, []),
            lead=leads.get(pupil.pk),
            parent=parents.get(pupil.pk, "A parent"),
        )
        for pupil in pupils
    ]


def _needs(today: date, ids: list[int]) -> dict[int, list[Need]]:
    """Each pupil's needs today, primary first."""
    needs: dict[int, list[Need]] = {}
    for need in (
        Need.objects.filter(_covering(today), pupil_id__in=ids)
        .select_related("need_type")
        .order_by("pupil_id", "rank")
    ):
        needs.setdefault(need.pupil_id, []).append(need)
    return needs


def _parents(ids: list[int]) -> dict[int, str]:
    """The name of each pupil's first contact."""
    parents: dict[int, str] = {}
    for pupil_id, name in (
        Contact.objects.filter(pupil_id__in=ids)
        .order_by("pupil_id", "priority", "name")
        .values_list("pupil_id", "name")
    ):
        parents.setdefault(pupil_id, name)
    return parents


def _leads(school: School, today: date, ids: list[int]) -> dict[int, User]:
    """Each pupil's plan lead: the first teacher of their first class this year with one."""
    classes = TeachingGroup.objects.filter(
        school=school, academic_year__starts_on__lte=today, academic_year__ends_on__gte=today
    )
    teacher_of: dict[int, int] = {}
    for class_id, user_id in (
        TeachingGroup.teachers.through.objects.filter(teachinggroup__in=classes)
        .order_by("teachinggroup_id", "user_id")
        .values_list("teachinggroup_id", "user_id")
    ):
        teacher_of.setdefault(class_id, user_id)
    teachers = {u.pk: u for u in User.objects.filter(pk__in=set(teacher_of.values()))}
    lead_of: dict[int, User] = {}
    for class_id, pupil_id in (
        TeachingGroup.pupils.through.objects.filter(teachinggroup__in=classes, pupil_id__in=ids)
        .order_by("teachinggroup_id")
        .values_list("teachinggroup_id", "pupil_id")
    ):
        if class_id in teacher_of:
            lead_of.setdefault(pupil_id, teachers[teacher_of[class_id]])
    return lead_of


def _places(school: School, ids: list[int]) -> dict[int, list[GroupPupil]]:
    """Each pupil's places in groups, in the order the groups started."""
    places: dict[int, list[GroupPupil]] = {}
    for place in (
        GroupPupil.objects.filter(school=school, pupil_id__in=ids)
        .select_related("group__intervention")
        .order_by("pupil_id", "group__starts_on", "group_id")
    ):
        places.setdefault(place.pupil_id, []).append(place)
    return places


def _plan(s: Seeding, who: PlanPupil, *, stage: str, before: int) -> None:
    """One pupil's plan: `before` reviewed cycles (fewer if they joined SEN support since) and
    the open one at `stage`, each with its targets, notes and meetings."""
    pupil = who.pupil
    plan = SupportPlan(school=pupil.school, pupil=pupil, lead=who.lead, created_by=s.sendco)
    s.rows.plans.append(plan)
    summary = "\n".join(
        f"{'Primary' if n.rank == 1 else 'Secondary'} need: {n.need_type.name}"
        + (f". {n.description}" if n.description else "")
        for n in who.needs
    )
    spans = _spans(s.rng, stage, before, who.since, s.today, s.back, s.forward)
    previous: list[tuple[Target, Aim]] = []
    last: Cycle | None = None
    for number, span in enumerate(spans, start=1):
        cycle = _cycle(s, who, plan, number, span, summary, last)
        previous = _targets(s, who, cycle, span, previous)
        _cycle_events(s, who, cycle, span, [t for t, _ in previous])
        last = cycle


def _cycle(
    s: Seeding,
    who: PlanPupil,
    plan: SupportPlan,
    number: int,
    span: Span,
    summary: str,
    last: Cycle | None,
) -> Cycle:
    """A cycle of the plan, dated by `span`; its assessment starts from the last next steps."""
    area = who.needs[0].need_type.broad_area if who.needs else ""
    assessment = ASSESSMENT.get(area, ASSESSMENT[""])
    if last is not None:
        assessment = (
            f"Next steps agreed at the review of cycle {last.number}:\n{last.next_steps}"
            f"\n\n{assessment}"
        )
    cycle = Cycle(
        school=who.pupil.school,
        plan=plan,
        number=number,
        stage=span.stage,
        starts_on=span.starts_on,
        needs_summary=summary,
        assessment=assessment,
        pupil_views=s.rng.choice(PUPIL_VIEWS) if span.stage != "assess" else "",
        parent_views=s.rng.choice(PARENT_VIEWS) if s.rng.random() < 0.85 else "",
        strategies=STRATEGIES.get(area, STRATEGIES[""]) if span.stage != "assess" else "",
        agreed_on=span.agreed_on,
        review_due=span.review_due,
        reviewed_on=span.reviewed_on,
    )
    s.rows.cycles.append(cycle)
    return cycle


def _targets(
    s: Seeding,
    who: PlanPupil,
    cycle: Cycle,
    span: Span,
    previous: list[tuple[Target, Aim]],
) -> list[tuple[Target, Aim]]:
    """The cycle's targets: the unfinished ones of the last cycle carried over, then (once the
    cycle is past Assess) one for each need and for each group the pupil is in, up to four.
    Each is delivered by the pupil's groups of its area that ran in the cycle, else by some
    other provision."""
    running = _running_groups(who, span, s.today)
    chosen = _aims(s.rng, who, span, running, previous)
    made = [
        _target(s, who, cycle, span, running, position, aim, old, need_id)
        for position, (aim, old, need_id) in enumerate(chosen, start=1)
    ]
    s.rows.targets += [t for t, _ in made]
    return made


def _running_groups(who: PlanPupil, span: Span, today: date) -> list[Group]:
    """The pupil's groups that ran while they were in them during the cycle (for an open cycle,
    only the groups that have not ended)."""
    frozen = span.stage == "reviewed"
    lo = span.agreed_on or span.starts_on
    hi = span.reviewed_on or span.review_due or today
    return [
        p.group
        for p in who.places
        if p.group.starts_on <= hi
        and p.group.ends_on >= lo
        and p.joined_on <= hi
        and (p.left_on is None or p.left_on >= lo)
        and (frozen or p.group.status != Group.Status.ENDED)
    ]


def _aims(
    rng: random.Random,
    who: PlanPupil,
    span: Span,
    running: list[Group],
    previous: list[tuple[Target, Aim]],
) -> list[tuple[Aim, Target | None, int | None]]:
    """(aim, target carried from, need type id) of each target: the last cycle's unfinished
    ones, then fresh aims for the primary need (twice), the other needs and the groups' areas."""
    chosen = [(aim, old, old.need_type_id) for old, aim in previous if old.outcome != "achieved"]
    if span.stage == "assess":
        return chosen
    wanted = [(n.need_type.code, n.need_type_id) for n in who.needs] or [("OTH", None)]
    wanted += wanted[:1]  # a second target for the primary need
    wanted += [
        (AREA_NEED[g.intervention.broad_area], None)
        for g in running
        if g.intervention.broad_area in AREA_NEED
    ]
    for code, need_id in wanted:
        used = {aim for aim, _, _ in chosen}
        fresh = [a for a in AIMS.get(code, AIMS["OTH"]) if a not in used]
        if fresh and len(chosen) < 4:
            chosen.append((rng.choice(fresh), None, need_id))
    return chosen


def _target(
    s: Seeding,
    who: PlanPupil,
    cycle: Cycle,
    span: Span,
    running: list[Group],
    position: int,
    aim: Aim,
    old: Target | None,
    need_id: int | None,
) -> tuple[Target, Aim]:
    """One target of the cycle, linked to the groups that deliver it; a reviewed cycle's
    targets have their outcome."""
    frozen, name = span.stage == "reviewed", who.pupil.first_name
    gap = 0.03 if frozen else 0.1  # targets without a baseline (a third as many: a measure)
    target = Target(
        school=cycle.school,
        cycle=cycle,
        position=position,
        outcome_sought=aim.outcome.format(name=name),
        description=aim.description.format(name=name),
        measure="" if s.rng.random() < gap / 3 else aim.measure,
        baseline="" if s.rng.random() < gap else aim.baseline,
        expected=aim.expected,
        by_when=span.review_due if span.stage != "assess" else None,
        need_type_id=need_id,
        carried_from=old,
    )
    groups = [g for g in running if g.intervention.broad_area == AIM_AREA[aim]][:2]
    if groups and span.stage != "assess":
        s.rows.links += [(target, g.pk) for g in groups]
    else:
        target.other_provision = aim.other
    if frozen:
        target.outcome = _pick(s.rng, OUTCOMES)
        target.evidence = s.rng.choice(EVIDENCE[target.outcome])
        target.next_step = s.rng.choice(NEXT_STEP[target.outcome])
    return target, aim


def _cycle_events(
    s: Seeding, who: PlanPupil, cycle: Cycle, span: Span, targets: list[Target]
) -> None:
    """What happened in the cycle: an assessment note (most cycles), the planning meeting once
    agreed, a review note (reviewed cycles, and some overdue ones), then the review itself or,
    for some cycles under way, a catch-up meeting halfway."""
    author = who.lead or s.sendco
    if s.rng.random() < 0.7:
        on = min(s.today, span.starts_on + timedelta(days=s.rng.randint(2, 10)))
        _note(s, who, cycle, "assess", on)
    if span.agreed_on is not None:  # agreeing the plan is a meeting (as cycle_advance)
        _meeting(s, cycle, "planning", span.agreed_on, f"{who.parent} (parent), {author.full_name}")
    frozen = span.stage == "reviewed"
    overdue = span.review_due is not None and span.review_due < s.today and not frozen
    if frozen or (overdue and s.rng.random() < 0.3):
        review_on = span.reviewed_on or s.today
        on = max(span.starts_on, review_on - timedelta(days=s.rng.randint(1, 7)))
        _note(s, who, cycle, "review", on)
    if frozen:
        _review(s, who, cycle, span, targets)
    elif span.stage == "do" and s.rng.random() < 0.3:
        held = s.back(span.agreed_on + timedelta(days=(s.today - span.agreed_on).days // 2))
        if span.agreed_on < held <= s.today:
            came = f"{who.parent} (parent), {author.full_name}"
            notes = (
                f"A catch-up on how {who.pupil.first_name} is getting on; no change to the plan."
            )
            _meeting(s, cycle, "other", held, came, notes)


def _review(s: Seeding, who: PlanPupil, cycle: Cycle, span: Span, targets: list[Target]) -> None:
    """The review of a reviewed cycle, with the parents at the meeting most of the time."""
    name, lead, sendco = who.pupil.first_name, who.lead, s.sendco
    achieved = sum(1 for t in targets if t.outcome == "achieved")
    came = s.rng.random() < 0.8
    cycle.reviewed_by = sendco
    cycle.review_summary = f"{name} achieved {achieved} of {len(targets)} targets. " + (
        "Good progress overall."
        if achieved * 2 >= len(targets)
        else "Progress is slower than hoped, so the plan is adjusted."
    )
    cycle.review_pupil_views = s.rng.choice(REVIEW_PUPIL_VIEWS)
    cycle.review_parent_views = (
        s.rng.choice(REVIEW_PARENT_VIEWS)
        if came
        else "The parents could not come; we will ask for their views by phone."
    )
    cycle.participants = (f"{who.parent} (parent), " if came else "") + (
        f"{lead.full_name if lead else 'the class teacher'}, {sendco.full_name} (SENDCo)"
    )
    cycle.next_steps = (
        "Carry over the targets not yet achieved and keep the same support."
        if achieved < len(targets)
        else "All targets achieved: set new targets for the next cycle."
    )
    # Every third cycle (about a year) reviewed the plan as a whole with the parents.
    cycle.annual_review = came and cycle.number % 3 == 0
    if came:
        _meeting(s, cycle, "review", span.reviewed_on, cycle.participants)


def _note(s: Seeding, who: PlanPupil, cycle: Cycle, stage: str, on: date) -> None:
    """A contribution to the cycle at `stage`, by the plan lead (else the SENDCo), dated `on`."""
    body = s.rng.choice(CONTRIBUTIONS[stage]).format(name=who.pupil.first_name)
    author = who.lead or s.sendco
    contribution = Contribution(
        school=cycle.school, cycle=cycle, stage=stage, author=author, body=body
    )
    s.rows.contributions.append((contribution, on))


def _meeting(s: Seeding, cycle: Cycle, kind: str, on: date, came: str, notes: str = "") -> None:
    """A meeting with the parents in the cycle, recorded by the SENDCo."""
    s.rows.meetings.append(
        ParentMeeting(
            school=cycle.school,
            plan=cycle.plan,
            cycle=cycle,
            held_on=on,
            kind=kind,
            attended_by=came[:300],
            notes=notes,
            recorded_by=s.sendco,
        )
    )


def _save_plans(school: School, rows: PlanRows) -> None:
    """Insert the rows in bulk, parents before children; ids are read back by public id."""
    SupportPlan.objects.bulk_create(rows.plans)
    _read_ids(SupportPlan, rows.plans, school=school)
    for cycle in rows.cycles:
        cycle.plan = cycle.plan
    Cycle.objects.bulk_create(rows.cycles)
    _read_ids(Cycle, rows.cycles, school=school)
    _save_targets(school, rows)
    _save_contributions(school, rows)
    for meeting in rows.meetings:
        meeting.plan, meeting.cycle = meeting.plan, meeting.cycle
    ParentMeeting.objects.bulk_create(rows.meetings)


def _read_ids(model, objs, **filters) -> None:
    """Set the ids of bulk-created `objs` from the database, matched by public id."""
    saved = dict(model.objects.filter(**filters).values_list("public_id", "pk"))
    for obj in objs:
        obj.pk = obj.id = saved[obj.public_id]


def _save_targets(school: School, rows: PlanRows) -> None:
    """Insert the targets cycle by cycle, so that a carried-over target's original has its id
    first, then the groups that deliver them."""
    batches: dict[int, list[Target]] = {}
    for target in rows.targets:
        batches.setdefault(target.cycle.number, []).append(target)
    for number, batch in sorted(batches.items()):
        for target in batch:
            target.cycle = target.cycle  # sets cycle_id from the saved cycle, keeps the cache
            if target.carried_from is not None:
                target.carried_from = target.carried_from
        Target.objects.bulk_create(batch)
        _read_ids(Target, batch, school=school, cycle__number=number)
    Target.groups.through.objects.bulk_create(
        Target.groups.through(target_id=t.pk, group_id=g) for t, g in rows.links
    )


def _save_contributions(school: School, rows: PlanRows) -> None:
    """Insert the contributions, then date them: `created_at` is set on insert (auto_now_add),
    so it is updated afterwards, in insert order."""
    for contribution, _ in rows.contributions:
        contribution.cycle = contribution.cycle
    Contribution.objects.bulk_create([c for c, _ in rows.contributions])
    saved = list(Contribution.objects.filter(school=school).order_by("pk").only("pk"))
    for row, (_, on) in zip(saved, rows.contributions, strict=True):
        row.created_at = timezone.make_aware(datetime.combine(on, time(15, 40)))
    Contribution.objects.bulk_update(saved, ["created_at"], batch_size=500)
