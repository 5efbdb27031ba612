"""Deterministic, fictional provision for the demo trust: staff rates and contracts, measures, a
realistic intervention catalogue, groups in the current term (running, and six-week blocks that
ended at its half-term), the next (planned) and the last (ended), pupils drawn mostly from the SEN
register with entry, target and exit measures, a term of logged sessions with realistic
attendance, and the year's notional SEN budget.

The demo TA always runs a group that meets today with exactly six pupils, so "My groups today"
has something to log whatever the day.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Q

from register.models import (
    BroadArea,
    Concern,
    Pupil,
    PupilPremiumPeriod,
    SenStatus,
)
from staff import calendar as school_calendar
from staff.models import AcademicYear, School, Term, User

from .models import (
    Attendance,
    Group,
    GroupPupil,
    Intervention,
    Measure,
    SenBudget,
    Session,
    StaffContract,
    StaffRate,
)

ONE_DAY = timedelta(days=1)

RATES = {  # grade -> hourly cost with on-costs
    "TA level 2": Decimal("16.20"),
    "TA level 3": Decimal("18.40"),
    "HLTA": Decimal("21.10"),
    "Teacher": Decimal("38.50"),
}
CONTRACTS = {"ta": ("TA level 3", Decimal("32.50")), "teacher": ("Teacher", Decimal("32.50"))}

READING, MATHS, SDQ, BOXALL, SCALE = (
    "Standardised reading score",
    "Standardised maths score",
    "SDQ total difficulties",
    "Boxall developmental strands",
    "Progress rating (school scale 1 to 10)",
)
MEASURES = [
    (READING, Measure.Kind.STANDARDISED, True),
    (MATHS, Measure.Kind.STANDARDISED, True),
    (SDQ, Measure.Kind.SDQ, False),
    (BOXALL, Measure.Kind.BOXALL, True),
    (SCALE, Measure.Kind.SCALE, True),
]

CI, CL, SEMH, SP = BroadArea.COMMUNICATION, BroadArea.COGNITION, BroadArea.SEMH, BroadArea.SENSORY
GROUP, ONE = Intervention.Kind.GROUP, Intervention.Kind.ONE_TO_ONE


@dataclass(frozen=True)
class Entry:
    """A catalogue entry; `effect` scales the demo progress so that "what works" ranks them."""

    name: str
    description: str
    area: str
    kind: str
    rate: str
    per_week: int
    minutes: int
    measure: str
    one_off: str = "0"
    per_pupil: str = "0"
    effect: float = 1.0


# fmt: off
PRIMARY = [
    Entry(
        "Talk Boost",
        "A ten-week language programme for children with delayed talking and listening, in "
        "groups of four to eight.",
        CI, GROUP, "TA level 3", 3, 30, SCALE, one_off="295", effect=1.1,
    ),
    Entry(
        "Precision Teaching",
        "Ten minutes a day with each pupil on a small set of words or number facts, measured "
        "every session.",
        CL, ONE, "TA level 2", 5, 40, READING, per_pupil="2", effect=1.3,
    ),
    Entry(
        "Lego-based therapy",
        "Building together in set roles (engineer, supplier, builder) to practise turn-taking, "
        "joint attention and social communication.",
        CI, GROUP, "TA level 3", 1, 45, SDQ, one_off="180", effect=0.9,
    ),
    Entry(
        "Nessy phonics catch-up",
        "Structured synthetic phonics catch-up with the Nessy online programme and a TA.",
        CL, GROUP, "TA level 2", 3, 20, READING, per_pupil="25", effect=1.0,
    ),
    Entry(
        "ELSA",
        "Emotional Literacy Support: a trained ELSA sees each pupil for thirty minutes a week.",
        SEMH, ONE, "TA level 3", 1, 90, BOXALL, effect=1.0,
    ),
    Entry(
        "Sensory circuits",
        "A short circuit of alerting, organising and calming activities before lessons.",
        SP, GROUP, "TA level 2", 5, 15, SCALE, one_off="250", effect=0.8,
    ),
    Entry(
        "Fine motor skills group",
        "Threading, cutting, pegboards and handwriting warm-ups to build hand strength and "
        "control.",
        SP, GROUP, "TA level 2", 2, 30, SCALE, one_off="60", per_pupil="5", effect=0.9,
    ),
]
SECONDARY = [
    Entry(
        "Lexia",
        "Lexia PowerUp adaptive literacy programme, with a TA checking progress each session.",
        CL, GROUP, "TA level 2", 3, 30, READING, per_pupil="45", effect=0.9,
    ),
    Entry(
        "Reading fluency",
        "Paired and repeated reading with a TA to build reading speed, accuracy and prosody.",
        CL, GROUP, "TA level 3", 3, 20, READING, effect=1.2,
    ),
    Entry(
        "Social skills",
        "A small group to practise conversation, reading social cues and resolving conflict.",
        CI, GROUP, "TA level 3", 1, 50, SDQ, effect=0.8,
    ),
    Entry(
        "ELSA",
        "Emotional Literacy Support: a trained ELSA sees each pupil for forty-five minutes a "
        "week.",
        SEMH, ONE, "TA level 3", 1, 135, SDQ, effect=1.1,
    ),
    Entry(
        "Literacy catch-up",
        "Small-group teaching of reading comprehension and spelling by a specialist teacher.",
        CL, GROUP, "Teacher", 2, 50, READING, per_pupil="8", effect=1.1,
    ),
    Entry(
        "Numeracy catch-up",
        "Small-group teaching of number sense and the four operations by a maths teacher.",
        CL, GROUP, "Teacher", 2, 50, MATHS, per_pupil="8", effect=1.0,
    ),
    Entry(
        "Study skills",
        "Organisation, revision and exam techniques for pupils who find independent study hard.",
        CL, GROUP, "HLTA", 1, 50, SCALE, effect=0.6,
    ),
]
# fmt: on


@dataclass(frozen=True)
class Plan:
    """A demo group: which term (-1 last, 0 this, 1 next), who runs it, for which years.
    `first_half`: it ran in the first half of this term only (a six-week block), so by the
    second half it has ended with its exit measures, in this academic year's impact figures."""

    intervention: str
    term: int
    years: tuple[str, ...]
    size: int
    runner: str = "ta"  # "ta" or "teacher"
    days: str = ""
    time: str = ""
    room: str = ""
    funding: str = Group.Funding.NOTIONAL_SEN
    today: bool = False  # the demo TA's group of six that meets every day
    first_half: bool = False


PP, TOP_UP = Group.Funding.PUPIL_PREMIUM, Group.Funding.TOP_UP
# fmt: off
PLANS = {
    School.Phase.PRIMARY: [
        Plan("Nessy phonics catch-up", 0, ("3",), 6, time="09:10", room="Library", today=True),
        Plan("Talk Boost", 0, ("R",), 5, days="0,2,4", time="10:40", room="Speech corner"),
        Plan("Talk Boost", 0, ("1", "2"), 6, days="1,2,3", time="13:30", room="Speech corner"),
        Plan("Precision Teaching", 0, ("3",), 4, "teacher", "0,1,2,3,4", "08:45", "Class 3A"),
        Plan("Lego-based therapy", 0, ("5",), 4, days="1", time="13:15", room="Nurture room"),
        Plan("ELSA", 0, ("2", "3"), 3, days="3", time="14:00", room="ELSA room", funding=PP),
        Plan("ELSA", 0, ("6",), 3, days="4", time="11:00", room="ELSA room", funding=TOP_UP),
        Plan("Sensory circuits", 0, ("R", "1", "2"), 8, days="0,1,2,3,4", time="08:50",
             room="Hall"),
        Plan("Fine motor skills group", 0, ("1",), 5, days="1,3", time="14:20", room="Class 1B"),
        Plan("Talk Boost", 1, ("4",), 6, days="0,2,4", time="10:40", room="Speech corner"),
        Plan("Lego-based therapy", 1, ("3",), 4, days="2", time="13:15", room="Nurture room"),
        Plan("Nessy phonics catch-up", -1, ("3",), 6, days="0,2,4", time="09:10", room="Library"),
        Plan("Precision Teaching", -1, ("5", "6"), 4, days="0,1,2,3,4", time="08:45",
             room="Library", funding=PP),
        Plan("Talk Boost", 0, ("2",), 6, days="0,2,4", time="14:40", room="Speech corner",
             first_half=True),
        Plan("Lego-based therapy", 0, ("4",), 4, days="2", time="13:15", room="Nurture room",
             first_half=True),
        Plan("ELSA", 0, ("4", "5"), 3, days="2", time="14:00", room="ELSA room",
             first_half=True),
        Plan("Sensory circuits", 0, ("3",), 6, days="0,1,2,3,4", time="13:05", room="Hall",
             first_half=True),
        Plan("Fine motor skills group", 0, ("2",), 5, days="0,4", time="14:20", room="Class 1B",
             first_half=True),
        Plan("Nessy phonics catch-up", 0, ("4",), 6, days="1,3,4", time="09:10", room="Library",
             first_half=True),
    ],
    School.Phase.SECONDARY: [
        Plan("Reading fluency", 0, ("9",), 6, time="08:40", room="Learning support base",
             today=True),
        Plan("Lexia", 0, ("7",), 8, days="0,2,4", time="08:40", room="IT suite 2"),
        Plan("Lexia", 0, ("8",), 7, days="1,2,4", time="08:40", room="IT suite 2"),
        Plan("Social skills", 0, ("7",), 6, days="2", time="13:20", room="Learning support base"),
        Plan("Social skills", 0, ("10",), 5, days="4", time="13:20", room="Learning support base"),
        Plan("ELSA", 0, ("7", "8", "9"), 3, days="1", time="10:00", room="ELSA room"),
        Plan("ELSA", 0, ("10", "11"), 3, days="3", time="10:00", room="ELSA room",
             funding=TOP_UP),
        Plan("Literacy catch-up", 0, ("7",), 8, "teacher", "0,3", "11:20", "E4"),
        Plan("Numeracy catch-up", 0, ("8",), 7, "teacher", "1,4", "11:20", "M2"),
        Plan("Numeracy catch-up", 0, ("10",), 6, "teacher", "2,4", "14:10", "M2", funding=PP),
        Plan("Study skills", 0, ("11",), 8, days="0", time="14:10", room="Library", funding=PP),
        Plan("Lexia", 1, ("10",), 6, days="0,2,4", time="08:40", room="IT suite 2"),
        Plan("Literacy catch-up", 1, ("9",), 8, "teacher", "0,3", "11:20", "E4"),
        Plan("Reading fluency", -1, ("9",), 6, days="0,2,4", time="08:40",
             room="Learning support base"),
        Plan("Numeracy catch-up", -1, ("8", "9"), 7, "teacher", "1,4", "11:20", "M2"),
        Plan("ELSA", -1, ("8", "9", "10"), 3, days="3", time="10:00", room="ELSA room"),
        Plan("Lexia", 0, ("9",), 8, days="1,3,4", time="08:40", room="IT suite 2",
             first_half=True),
        Plan("Social skills", 0, ("8",), 6, days="3", time="13:20", room="Learning support base",
             first_half=True),
        Plan("Literacy catch-up", 0, ("8",), 8, "teacher", "1,2", "11:20", "E4", first_half=True),
        Plan("Study skills", 0, ("10",), 7, days="2", time="14:10", room="Library", funding=PP,
             first_half=True),
        Plan("ELSA", 0, ("11",), 3, days="4", time="10:00", room="ELSA room", first_half=True),
        Plan("Reading fluency", 0, ("7",), 6, days="0,2,4", time="08:40",
             room="Learning support base", first_half=True),
    ],
}
# fmt: on

NOT_RUN = 0.04  # the share of planned sessions that do not run
ABSENCES = [("absent", 60), ("class", 15), ("refused", 10), ("other", 15)]
NOT_RUN_REASONS = [
    (Session.NotRun.STAFF_ABSENCE, "", 5),
    (Session.NotRun.TRIP, "Year group trip.", 2),
    (Session.NotRun.ASSESSMENT, "", 2),
    (Session.NotRun.OTHER, "Room needed for a parents' meeting.", 1),
]
ABSENCE_NOTES = {"class": "Finishing a test in class.", "refused": "Upset after break."}
SESSION_NOTES = [
    "Good focus from everyone today.",
    "Started late: the room was in use.",
    "Used the new resources; the group enjoyed them.",
    "Two pupils needed movement breaks.",
]


def _years(years: tuple[str, ...]) -> str:
    labels = ["Reception" if y == "R" else f"Year {y}" for y in years]
    if len(labels) == 1:
        return labels[0]
    if all(y.isdigit() for y in years):
        joined = f"{years[0]} to {years[-1]}" if len(years) > 2 else " and ".join(years)
        return f"Years {joined}"
    return " and ".join([", ".join(labels[:-1]), labels[-1]])


def _seasons(school: School) -> list[tuple[str, date, date]]:
    """The school's terms as (season, first day, last day), both halves together, in date order."""
    spans: dict[tuple[int, str], list[date]] = {}
    for year_id, season, starts_on, ends_on in Term.objects.filter(school=school).values_list(
        "academic_year_id", "season", "starts_on", "ends_on"
    ):
        span = spans.setdefault((year_id, season), [starts_on, ends_on])
        span[0], span[1] = min(span[0], starts_on), max(span[1], ends_on)
    return sorted(((key[1], a, b) for key, (a, b) in spans.items()), key=lambda s: s[1])


def _scores(rng: random.Random, kind: str, effect: float) -> tuple[Decimal, Decimal, Decimal]:
    """(entry, target, exit) on a measure, in its own scale and direction."""
    if kind == Measure.Kind.SDQ:  # lower is better, 0 to 40
        entry = rng.randint(14, 27)
        target = entry - rng.choice((3, 4, 5))
        exit_ = min(40, max(0, entry - round(rng.gauss(4 * effect, 3))))
    elif kind == Measure.Kind.BOXALL:  # developmental strands, 0 to 136
        entry = rng.randint(40, 75)
        target = entry + rng.choice((8, 10, 12))
        exit_ = min(136, max(0, entry + round(rng.gauss(10 * effect, 6))))
    elif kind == Measure.Kind.SCALE:  # 1 to 10
        entry = rng.randint(2, 4)
        target = entry + rng.choice((2, 3))
        exit_ = min(10, max(1, entry + round(rng.gauss(2.5 * effect, 1.3))))
    else:  # a standardised score, mean 100
        entry = rng.randint(69, 88)
        target = entry + rng.choice((5, 6, 8, 10))
        exit_ = min(130, max(55, entry + round(rng.gauss(7 * effect, 4))))
    return Decimal(entry), Decimal(target), Decimal(exit_)


def _meeting_days(open_days: list[date], days: str, sessions_per_week: int) -> list[date]:
    """The open days a group meets: its weekdays, or `sessions_per_week` spread through each
    school week when it has no set days (as `rules.planned_sessions` counts them)."""
    weekdays = {int(d) for d in days.split(",") if d.strip().isdigit()}
    if weekdays:
        return [d for d in open_days if d.weekday() in weekdays]
    weeks: dict[tuple[int, int], list[date]] = {}
    for day in open_days:
        weeks.setdefault(day.isocalendar()[:2], []).append(day)
    chosen = []
    for week in weeks.values():
        count = min(sessions_per_week, len(week))
        chosen += [week[i * len(week) // count] for i in range(count)]
    return chosen


@transaction.atomic
def seed_provision(
    *,
    school: School,
    year: AcademicYear,
    today: date,
    ta: User,
    teacher: User,
    sendco: User,
    seed: int,
) -> int:
    """Fill a school's provision map once; a school with a catalogue already is left alone.
    Returns the number of rows created."""
    if Intervention.objects.filter(school=school).exists():
        return 0
    rng = random.Random(seed)  # noqa: S311 - demo data, not security
    created = 0

    StaffRate.objects.bulk_create(
        StaffRate(school=school, name=name, hourly_cost=cost) for name, cost in RATES.items()
    )
    rates = {r.name: r for r in StaffRate.objects.filter(school=school)}
    people = {"ta": ta, "teacher": teacher}
    StaffContract.objects.bulk_create(
        StaffContract(school=school, user=people[who], rate=rates[grade], hours_per_week=hours)
        for who, (grade, hours) in CONTRACTS.items()
    )
    Measure.objects.bulk_create(
        Measure(school=school, name=name, kind=kind, higher_is_better=higher)
        for name, kind, higher in MEASURES
    )
    measures = {m.name: m for m in Measure.objects.filter(school=school)}
    catalogue = PRIMARY if school.phase == School.Phase.PRIMARY else SECONDARY
    Intervention.objects.bulk_create(
        Intervention(
            school=school,
            name=e.name,
            description=e.description,
            broad_area=e.area,
            kind=e.kind,
            default_rate=rates[e.rate],
            default_sessions_per_week=e.per_week,
            default_session_minutes=e.minutes,
            measure=measures[e.measure],
            resource_cost_one_off=Decimal(e.one_off),
            resource_cost_per_pupil=Decimal(e.per_pupil),
        )
        for e in catalogue
    )
    interventions = {i.name: i for i in Intervention.objects.filter(school=school)}
    entries = {e.name: e for e in catalogue}
    created += len(RATES) + len(CONTRACTS) + len(MEASURES) + len(catalogue)

    # Terms: the one holding today (or the last one begun), the one before and the one after.
    seasons = _seasons(school)
    half_ends = sorted(Term.objects.filter(school=school).values_list("ends_on", flat=True))
    begun = [i for i, s in enumerate(seasons) if s[1] <= today]
    now = begun[-1] if begun else 0
    terms = {
        offset: seasons[now + offset]
        for offset in (-1, 0, 1)
        if seasons and 0 <= now + offset < len(seasons)
    }

    # Who can be in a group: SEN support and EHC plans first, then monitoring and Pupil Premium.
    on_roll = Q(ends_on__isnull=True) | Q(ends_on__gte=today)
    sen = set(
        SenStatus.objects.filter(school=school, provision__in=["K", "E"], starts_on__lte=today)
        .filter(on_roll)
        .values_list("pupil_id", flat=True)
    )
    pp = set(
        PupilPremiumPeriod.objects.filter(school=school, starts_on__lte=today)
        .filter(on_roll)
        .values_list("pupil_id", flat=True)
    )
    watched = set(
        Concern.objects.filter(school=school, status=Concern.Status.MONITORING).values_list(
            "pupil_id", flat=True
        )
    )
    pupils = list(
        Pupil.objects.filter(school=school)
        .order_by("pk")
        .values_list("pk", "year_group", "admission_date")
    )

    groups: list[Group] = []
    places: list[GroupPupil] = []
    runners: dict[str, User] = {}
    for plan in PLANS[school.phase]:
        if plan.term not in terms:
            continue
        season, first, last = terms[plan.term]
        entry = entries[plan.intervention]
        intervention = interventions[plan.intervention]
        starts_on = first + timedelta(days=7 * rng.randint(0, 1) if plan.term == 0 else 0)
        ends_on = last
        status = {-1: Group.Status.ENDED, 0: Group.Status.RUNNING, 1: Group.Status.PLANNED}[
            plan.term
        ]
        name = f"{plan.intervention} {_years(plan.years)}"
        if plan.first_half:
            starts_on = first
            ends_on = min((d for d in half_ends if first <= d <= last), default=last)
            status = Group.Status.ENDED if ends_on < today else Group.Status.RUNNING
            name += f" ({season} 1)"
        elif plan.term == 0:  # running: it covers today, whatever day the demo is loaded
            starts_on, ends_on = min(starts_on, today), max(ends_on, today)
        elif plan.term == 1:
            name += f" ({season} {last.year})"
        else:  # its pupils were a year younger then: name it by its term
            name = f"{plan.intervention} ({season} {last.year})"
        runner = people[plan.runner]
        group = Group(
            school=school,
            intervention=intervention,
            name=name,
            starts_on=starts_on,
            ends_on=ends_on,
            sessions_per_week=entry.per_week,
            session_minutes=entry.minutes,
            days="" if plan.today else plan.days,
            time=plan.time or None,
            room=plan.room,
            status=status,
            funding=plan.funding,
            rate=rates[CONTRACTS[plan.runner][0]],
        )
        groups.append(group)
        runners[str(group.public_id)] = runner

        eligible = [
            (pk, yg)
            for pk, yg, admitted in pupils
            if yg in plan.years and (admitted is None or admitted <= starts_on)
        ]
        first_choice = [pk for pk, _ in eligible if pk in sen]
        second = [pk for pk, _ in eligible if pk not in sen and (pk in watched or pk in pp)]
        if plan.funding == PP:  # Pupil Premium pays for pupils who have it
            first_choice = [pk for pk in first_choice if pk in pp] or first_choice
        rng.shuffle(first_choice)
        rng.shuffle(second)
        sen_places = min(len(first_choice), plan.size - rng.randint(0, 2))
        chosen = first_choice[:sen_places] + second[: plan.size - sen_places]
        rest = [pk for pk, _ in eligible if pk not in chosen]
        chosen += rest[: plan.size - len(chosen)]  # a small school: whoever else is there
        measure = measures[entry.measure]
        # In a running group past a half-term, some pupils were assessed then and left it,
        # most of them having reached their target.
        half_term = next(
            (d for d in half_ends if starts_on + timedelta(weeks=5) <= d < today), None
        )
        for pk in chosen:
            entry_score, target, exit_score = _scores(rng, measure.kind, entry.effect)
            left_on = None
            if status == Group.Status.PLANNED:
                exit_score = None
                if rng.random() < 0.3:
                    entry_score = target = None  # not assessed yet
            elif status == Group.Status.ENDED:
                if rng.random() < 0.08:
                    exit_score = None  # away on the day of the exit assessment
            elif half_term is not None and not plan.today and rng.random() < 0.25:
                left_on = half_term
                if rng.random() < 0.7:
                    best = max if measure.higher_is_better else min
                    exit_score = best(exit_score, target)
            else:
                exit_score = None
            places.append(
                GroupPupil(
                    school=school,
                    group=group,
                    pupil_id=pk,
                    joined_on=starts_on,
                    left_on=left_on,
                    entry_score=entry_score,
                    target_score=target,
                    exit_score=exit_score,
                )
            )

    Group.objects.bulk_create(groups)
    saved = dict(Group.objects.filter(school=school).values_list("public_id", "pk"))
    for group in groups:
        group.pk = group.id = saved[group.public_id]
    for place in places:
        place.group_id = place.group.pk
    Group.staff.through.objects.bulk_create(
        Group.staff.through(group_id=g.pk, user_id=runners[str(g.public_id)].pk) for g in groups
    )
    GroupPupil.objects.bulk_create(places)
    created += len(groups) * 2 + len(places)

    # A term of sessions for every group that has run, up to yesterday, on the school's open days.
    delivered = [g for g in groups if g.status != Group.Status.PLANNED]
    sessions: list[Session] = []
    attendance: list[tuple[Session, int]] = []
    if delivered:
        start = min(g.starts_on for g in delivered)
        open_days = school_calendar.school_days(
            school=school, start=start, end=today - timedelta(days=1)
        )
        by_group: dict[int, list[GroupPupil]] = {}
        for place in places:
            by_group.setdefault(place.group.pk, []).append(place)
        # How likely each pupil is to be there: about 90% on average.
        keen = {place.pupil_id: rng.uniform(0.8, 0.99) for place in places}
        for group in delivered:
            runner = runners[str(group.public_id)]
            days = [d for d in open_days if group.starts_on <= d <= group.ends_on]
            for day in _meeting_days(days, group.days, group.sessions_per_week):
                if rng.random() < NOT_RUN:
                    reason, note, _ = rng.choices(
                        NOT_RUN_REASONS, weights=[w for *_, w in NOT_RUN_REASONS]
                    )[0]
                    by = sendco if reason == Session.NotRun.STAFF_ABSENCE else runner
                    sessions.append(
                        Session(
                            school=school,
                            group=group,
                            on=day,
                            ran=False,
                            not_run_reason=reason,
                            note=note,
                            logged_by=by,
                        )
                    )
                    continue
                note = rng.choice(SESSION_NOTES) if rng.random() < 0.1 else ""
                session = Session(school=school, group=group, on=day, note=note, logged_by=runner)
                sessions.append(session)
                attendance += [
                    (session, p.pupil_id)
                    for p in by_group.get(group.pk, [])
                    if p.left_on is None or p.left_on >= day
                ]
    Session.objects.bulk_create(sessions)
    ids = {
        (group_id, on): pk
        for pk, group_id, on in Session.objects.filter(school=school).values_list(
            "pk", "group_id", "on"
        )
    }
    marks = []
    for session, pupil_id in attendance:
        present = rng.random() < keen[pupil_id]
        reason = (
            ""
            if present
            else rng.choices([r for r, _ in ABSENCES], weights=[w for _, w in ABSENCES])[0]
        )
        marks.append(
            Attendance(
                school=school,
                session_id=ids[(session.group.pk, session.on)],
                pupil_id=pupil_id,
                present=present,
                absence_reason=reason,
                note=ABSENCE_NOTES.get(reason, "") if rng.random() < 0.3 else "",
            )
        )
    Attendance.objects.bulk_create(marks, batch_size=2000)
    created += len(sessions) + len(marks)

    # The notional SEN budget: about £450 a pupil on roll, to the nearest thousand pounds.
    SenBudget.objects.create(
        school=school, academic_year=year, amount=Decimal(round(len(pupils) * 450, -3))
    )
    return created + 1
