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
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Q

from register.models import (
    YEAR_ORDER,
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
    CostedItem,
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
    School.Phase.POST_16: [
        Plan("Study skills", 0, ("12",), 6, time="13:30", room="Learning centre", today=True),
        Plan("Literacy catch-up", 0, ("12", "13"), 6, "teacher", "1,3", "10:20", "L3"),
        Plan("ELSA", 0, ("12", "13"), 3, days="2", time="11:00", room="Wellbeing room"),
        Plan("Study skills", -1, ("12", "13"), 6, days="0,3", time="13:30", room="Library"),
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


@dataclass
class Seeding:
    """What the steps of one school's seeding share. Every step draws from the one `rng` in
    turn, so the order of the steps (and of the draws in each) fixes the rows for a seed."""

    school: School
    today: date
    rng: random.Random
    people: dict[str, User]  # "ta" and "teacher", as `Plan.runner` names them
    sendco: User
    rates: dict[str, StaffRate] = field(default_factory=dict)
    measures: dict[str, Measure] = field(default_factory=dict)
    interventions: dict[str, Intervention] = field(default_factory=dict)
    entries: dict[str, Entry] = field(default_factory=dict)
    groups: list[Group] = field(default_factory=list)
    places: list[GroupPupil] = field(default_factory=list)
    runners: dict[str, User] = field(default_factory=dict)  # group public id -> who runs it


@dataclass(frozen=True)
class Terms:
    """The demo's terms as (season, first day, last day) by offset (-1 last, 0 this, 1 next),
    and the last day of every half-term of the school, in date order."""

    by_offset: dict[int, tuple[str, date, date]]
    half_ends: list[date]


@dataclass(frozen=True)
class Pool:
    """Who can be in a group: SEN support and EHC plans first, then monitoring and Pupil
    Premium; `pupils` are (pk, year group, admission date) of every pupil, by pk."""

    sen: set[int]
    pp: set[int]
    watched: set[int]
    pupils: list[tuple[int, str, date | None]]


@dataclass(frozen=True)
class Shape:
    """A demo group's name, dates and status, which depend on its family (see `_shape`)."""

    name: str
    starts_on: date
    ends_on: date
    status: str


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
    people = {"ta": ta, "teacher": teacher}
    s = Seeding(school=school, today=today, rng=rng, people=people, sendco=sendco)
    created = _seed_rates_and_contracts(s)
    created += _seed_measures(s)
    created += _seed_catalogue(s)
    terms, pool = _terms(school, today), _pool(school, today)
    _plan_groups(s, terms, pool)
    created += _save_groups(s)
    created += _seed_sessions(s)
    created += _seed_items(school, year, today, seed)
    return created + _seed_budget(s, year, on_roll=len(pool.pupils))


# Costed provision besides groups: (kind, description, provided by, cost, a year?).
SUPPORT = [
    ("one_to_one", "One-to-one TA support, {h} hours a week", "Class TA", None, True),
    ("specialist", "Speech and language therapy, 6 sessions", "NHS SaLT service", "540", False),
    ("specialist", "Educational psychologist assessment", "County EP service", "650", False),
    ("equipment", "Writing slope and pencil grips", "", "38", False),
    ("equipment", "Ear defenders and a wobble cushion", "", "45", False),
    ("equipment", "Laptop with speech-to-text", "", "420", False),
    ("other", "Lunchtime club place, adult supervised", "Midday team", "780", True),
]


def _seed_items(school: School, year: AcademicYear, today: date, seed: int) -> int:
    """One-to-one support for about half the pupils with EHC plans (some of them above the
    £6,000 notional SEN threshold with their groups), and equipment, specialists or a club for
    some pupils on SEN support. Its own random numbers, so the groups' rows stay as they were."""
    rng = random.Random(seed * 31 + 7)  # noqa: S311 - demo data, not security
    on_roll = Q(ends_on__isnull=True) | Q(ends_on__gte=today)
    statuses = SenStatus.objects.filter(school=school, starts_on__lte=today).filter(on_roll)
    ehcp = sorted(set(statuses.filter(category="E").values_list("pupil_id", flat=True)))
    support = sorted(set(statuses.filter(category="K").values_list("pupil_id", flat=True)))
    items = []
    for pupil_id in ehcp[::2]:
        hours = rng.choice([5, 8, 10, 15, 20, 25])
        items.append(
            CostedItem(
                school=school,
                pupil_id=pupil_id,
                kind="one_to_one",
                description=SUPPORT[0][1].format(h=hours),
                provided_by=SUPPORT[0][2],
                cost=Decimal(hours * 39 * 18),  # 39 weeks at £18 an hour
                basis=CostedItem.Basis.ANNUAL,
                starts_on=year.starts_on,
                funding=Group.Funding.TOP_UP if hours >= 20 else Group.Funding.NOTIONAL_SEN,
            )
        )
    for pupil_id in support[::5]:
        kind, description, provider, cost, annual = rng.choice(SUPPORT[1:])
        starts = year.starts_on + timedelta(
            days=rng.randint(0, max((today - year.starts_on).days, 0))
        )
        items.append(
            CostedItem(
                school=school,
                pupil_id=pupil_id,
                kind=kind,
                description=description,
                provided_by=provider,
                cost=Decimal(cost),
                basis=CostedItem.Basis.ANNUAL if annual else CostedItem.Basis.ONE_OFF,
                starts_on=starts,
            )
        )
    CostedItem.objects.bulk_create(items)
    return len(items)


def _seed_rates_and_contracts(s: Seeding) -> int:
    """The staff grades' hourly costs, and the contracts of the demo TA and teacher."""
    StaffRate.objects.bulk_create(
        StaffRate(school=s.school, name=name, hourly_cost=cost) for name, cost in RATES.items()
    )
    s.rates = {r.name: r for r in StaffRate.objects.filter(school=s.school)}
    StaffContract.objects.bulk_create(
        StaffContract(
            school=s.school, user=s.people[who], rate=s.rates[grade], hours_per_week=hours
        )
        for who, (grade, hours) in CONTRACTS.items()
    )
    return len(RATES) + len(CONTRACTS)


def _seed_measures(s: Seeding) -> int:
    """The measures that groups assess their pupils on."""
    Measure.objects.bulk_create(
        Measure(school=s.school, name=name, kind=kind, higher_is_better=higher)
        for name, kind, higher in MEASURES
    )
    s.measures = {m.name: m for m in Measure.objects.filter(school=s.school)}
    return len(MEASURES)


def _seed_catalogue(s: Seeding) -> int:
    """The intervention catalogue of the school's phase."""
    catalogue = PRIMARY if s.school.phase == School.Phase.PRIMARY else SECONDARY
    Intervention.objects.bulk_create(
        Intervention(
            school=s.school,
            name=e.name,
            description=e.description,
            broad_area=e.area,
            kind=e.kind,
            default_rate=s.rates[e.rate],
            default_sessions_per_week=e.per_week,
            default_session_minutes=e.minutes,
            measure=s.measures[e.measure],
            resource_cost_one_off=Decimal(e.one_off),
            resource_cost_per_pupil=Decimal(e.per_pupil),
        )
        for e in catalogue
    )
    s.interventions = {i.name: i for i in Intervention.objects.filter(school=s.school)}
    s.entries = {e.name: e for e in catalogue}
    return len(catalogue)


def _terms(school: School, today: date) -> Terms:
    """The term holding today (or the last one begun), the one before and the one after."""
    seasons = _seasons(school)
    half_ends = sorted(Term.objects.filter(school=school).values_list("ends_on", flat=True))
    begun = [i for i, s in enumerate(seasons) if s[1] <= today]
    now = begun[-1] if begun else 0
    by_offset = {
        offset: seasons[now + offset]
        for offset in (-1, 0, 1)
        if seasons and 0 <= now + offset < len(seasons)
    }
    return Terms(by_offset, half_ends)


def _pool(school: School, today: date) -> Pool:
    """The pupils a group can draw from, read once for all the groups."""
    on_roll = Q(ends_on__isnull=True) | Q(ends_on__gte=today)
    sen = SenStatus.objects.filter(school=school, category__in=["K", "E"], starts_on__lte=today)
    # Disadvantaged pupils (free school meals, means-tested, or previously looked after), whom
    # the Pupil Premium's groups take first.
    pp = PupilPremiumPeriod.objects.filter(
        school=school, starts_on__lte=today, kind__in=["fsm", "plac"]
    )
    watched = Concern.objects.filter(school=school, status=Concern.Status.MONITORING)
    pupils = Pupil.objects.filter(school=school).order_by("pk")
    return Pool(
        sen=set(sen.filter(on_roll).values_list("pupil_id", flat=True)),
        pp=set(pp.filter(on_roll).values_list("pupil_id", flat=True)),
        watched=set(watched.values_list("pupil_id", flat=True)),
        pupils=list(pupils.values_list("pk", "year_group", "admission_date")),
    )


def _plan_groups(s: Seeding, terms: Terms, pool: Pool) -> None:
    """Every group of the phase's plans whose term the calendar has, with its pupils' places
    (not saved yet)."""
    on_roll = {year for _, year, _ in pool.pupils}
    oldest = max(on_roll, key=YEAR_ORDER.__getitem__, default="")
    for plan in PLANS.get(s.school.phase, PLANS[School.Phase.SECONDARY]):
        # An infant school has no Year 3: only the years the school has, and the demo TA's
        # group of six today moves to its oldest year.
        if plan.today and not on_roll.intersection(plan.years):
            plan = replace(plan, years=(oldest,))
        if plan.term not in terms.by_offset or not on_roll.intersection(plan.years):
            continue
        group = _group(s, plan, terms)
        chosen = _choose_pupils(s.rng, plan, pool, starts_on=group.starts_on)
        _place_pupils(s, plan, group, chosen, half_ends=terms.half_ends)


def _group(s: Seeding, plan: Plan, terms: Terms) -> Group:
    """A plan's group, with its runner noted in `s.runners`."""
    # Drawn for every group of this term, first-half blocks included (they start on its first
    # day regardless), so that the draws after it stay in step.
    shift = timedelta(days=7 * s.rng.randint(0, 1) if plan.term == 0 else 0)
    shape = _shape(plan, terms, shift, s.today)
    entry = s.entries[plan.intervention]
    group = Group(
        school=s.school,
        intervention=s.interventions[plan.intervention],
        name=shape.name,
        starts_on=shape.starts_on,
        ends_on=shape.ends_on,
        sessions_per_week=entry.per_week,
        session_minutes=entry.minutes,
        days="" if plan.today else plan.days,
        time=plan.time or None,
        room=plan.room,
        status=shape.status,
        funding=plan.funding,
        rate=s.rates[CONTRACTS[plan.runner][0]],
    )
    s.groups.append(group)
    s.runners[str(group.public_id)] = s.people[plan.runner]
    return group


def _shape(plan: Plan, terms: Terms, shift: timedelta, today: date) -> Shape:
    """The name, dates and status of a group of each family: a six-week block of this term's
    first half (ended once its half-term has passed), a running group (it covers today,
    whatever day the demo is loaded), next term's planned group, last term's ended one. All but
    the blocks start `shift` after their term's first day."""
    season, first, last = terms.by_offset[plan.term]
    start = first + shift
    name = f"{plan.intervention} {_years(plan.years)}"
    if plan.first_half:
        ends_on = min((d for d in terms.half_ends if first <= d <= last), default=last)
        status = Group.Status.ENDED if ends_on < today else Group.Status.RUNNING
        return Shape(f"{name} ({season} 1)", first, ends_on, status)
    if plan.term == 0:
        return Shape(name, min(start, today), max(last, today), Group.Status.RUNNING)
    if plan.term == 1:
        return Shape(f"{name} ({season} {last.year})", start, last, Group.Status.PLANNED)
    # Its pupils were a year younger then: name it by its term.
    return Shape(f"{plan.intervention} ({season} {last.year})", start, last, Group.Status.ENDED)


def _choose_pupils(rng: random.Random, plan: Plan, pool: Pool, *, starts_on: date) -> list[int]:
    """Up to `plan.size` pupils of its years admitted by `starts_on`: mostly on the SEN register
    (those with Pupil Premium, for a group it pays for), then monitored or Pupil Premium
    pupils, then, in a small school, whoever else is there."""
    eligible = [
        pk
        for pk, yg, admitted in pool.pupils
        if yg in plan.years and (admitted is None or admitted <= starts_on)
    ]
    first_choice = [pk for pk in eligible if pk in pool.sen]
    second = [pk for pk in eligible if pk not in pool.sen and (pk in pool.watched or pk in pool.pp)]
    if plan.funding == PP:
        first_choice = [pk for pk in first_choice if pk in pool.pp] or first_choice
    rng.shuffle(first_choice)
    rng.shuffle(second)
    sen_places = min(len(first_choice), plan.size - rng.randint(0, 2))
    chosen = first_choice[:sen_places] + second[: plan.size - sen_places]
    rest = [pk for pk in eligible if pk not in chosen]
    return chosen + rest[: plan.size - len(chosen)]


def _place_pupils(
    s: Seeding, plan: Plan, group: Group, chosen: list[int], *, half_ends: list[date]
) -> None:
    """A place in `group` for each chosen pupil, with its entry, target and exit measures."""
    entry = s.entries[plan.intervention]
    measure = s.measures[entry.measure]
    # In a running group past a half-term, some pupils were assessed then and left it (never
    # in the demo TA's group of six).
    half_term = next(
        (d for d in half_ends if group.starts_on + timedelta(weeks=5) <= d < s.today), None
    )
    leave_on = None if plan.today else half_term
    for pk in chosen:
        scores = _place_scores(s.rng, group.status, measure, entry.effect, leave_on)
        entry_score, target, exit_score, left_on = scores
        s.places.append(
            GroupPupil(
                school=s.school,
                group=group,
                pupil_id=pk,
                joined_on=group.starts_on,
                left_on=left_on,
                entry_score=entry_score,
                target_score=target,
                exit_score=exit_score,
            )
        )


Scores = tuple[Decimal | None, Decimal | None, Decimal | None, date | None]


def _place_scores(
    rng: random.Random, status: str, measure: Measure, effect: float, leave_on: date | None
) -> Scores:
    """(entry, target, exit, left on) of a place, by its group's status. Planned: no exit, and
    some pupils not assessed yet. Ended: a few missed the exit assessment. Running: no exit,
    except pupils who left at the half-term `leave_on`, most having reached their target."""
    entry, target, exit_ = _scores(rng, measure.kind, effect)
    if status == Group.Status.PLANNED:
        if rng.random() < 0.3:
            return None, None, None, None  # not assessed yet
        return entry, target, None, None
    if status == Group.Status.ENDED:
        if rng.random() < 0.08:
            exit_ = None  # away on the day of the exit assessment
        return entry, target, exit_, None
    if leave_on is not None and rng.random() < 0.25:
        if rng.random() < 0.7:
            best = max if measure.higher_is_better else min
            exit_ = best(exit_, target)
        return entry, target, exit_, leave_on
    return entry, target, None, None


def _save_groups(s: Seeding) -> int:
    """Insert the groups, their staff and their places; ids are read back by public id."""
    Group.objects.bulk_create(s.groups)
    saved = dict(Group.objects.filter(school=s.school).values_list("public_id", "pk"))
    for group in s.groups:
        group.pk = group.id = saved[group.public_id]
    for place in s.places:
        place.group_id = place.group.pk
    Group.staff.through.objects.bulk_create(
        Group.staff.through(group_id=g.pk, user_id=s.runners[str(g.public_id)].pk) for g in s.groups
    )
    GroupPupil.objects.bulk_create(s.places)
    return len(s.groups) * 2 + len(s.places)


def _seed_sessions(s: Seeding) -> int:
    """A term of sessions for every group that has run, up to yesterday, on the school's open
    days, and the attendance of each session that ran."""
    delivered = [g for g in s.groups if g.status != Group.Status.PLANNED]
    sessions: list[Session] = []
    attendance: list[tuple[Session, int]] = []
    keen: dict[int, float] = {}
    if delivered:
        start = min(g.starts_on for g in delivered)
        open_days = school_calendar.school_days(
            school=s.school, start=start, end=s.today - timedelta(days=1)
        )
        by_group: dict[int, list[GroupPupil]] = {}
        for place in s.places:
            by_group.setdefault(place.group.pk, []).append(place)
        # How likely each pupil is to be there: about 90% on average.
        keen = {place.pupil_id: s.rng.uniform(0.8, 0.99) for place in s.places}
        for group in delivered:
            days = [d for d in open_days if group.starts_on <= d <= group.ends_on]
            _log_group(s, group, days, by_group.get(group.pk, []), sessions, attendance)
    Session.objects.bulk_create(sessions)
    return len(sessions) + _seed_attendance(s, attendance, keen)


def _log_group(
    s: Seeding,
    group: Group,
    days: list[date],
    places: list[GroupPupil],
    sessions: list[Session],
    attendance: list[tuple[Session, int]],
) -> None:
    """The sessions of one group on its meeting days among `days`: a few did not run; each
    one that ran expects the pupils who had not left the group by then."""
    runner = s.runners[str(group.public_id)]
    for day in _meeting_days(days, group.days, group.sessions_per_week):
        if s.rng.random() < NOT_RUN:
            sessions.append(_not_run(s, group, day, runner))
            continue
        note = s.rng.choice(SESSION_NOTES) if s.rng.random() < 0.1 else ""
        session = Session(school=s.school, group=group, on=day, note=note, logged_by=runner)
        sessions.append(session)
        attendance += [
            (session, p.pupil_id) for p in places if p.left_on is None or p.left_on >= day
        ]


def _not_run(s: Seeding, group: Group, day: date, runner: User) -> Session:
    """A session that did not run, with a reason; the SENDCo logs a staff absence."""
    weights = [w for *_, w in NOT_RUN_REASONS]
    reason, note, _ = s.rng.choices(NOT_RUN_REASONS, weights=weights)[0]
    return Session(
        school=s.school,
        group=group,
        on=day,
        ran=False,
        not_run_reason=reason,
        note=note,
        logged_by=s.sendco if reason == Session.NotRun.STAFF_ABSENCE else runner,
    )


def _seed_attendance(
    s: Seeding, attendance: list[tuple[Session, int]], keen: dict[int, float]
) -> int:
    """A mark for each expected pupil of each saved session: present as often as the pupil is
    keen, otherwise absent for a reason, sometimes with a note."""
    ids = {
        (group_id, on): pk
        for pk, group_id, on in Session.objects.filter(school=s.school).values_list(
            "pk", "group_id", "on"
        )
    }
    reasons, weights = [r for r, _ in ABSENCES], [w for _, w in ABSENCES]
    marks = []
    for session, pupil_id in attendance:
        present = s.rng.random() < keen[pupil_id]
        reason = "" if present else s.rng.choices(reasons, weights=weights)[0]
        note = ABSENCE_NOTES.get(reason, "") if s.rng.random() < 0.3 else ""
        marks.append(
            Attendance(
                school=s.school,
                session_id=ids[(session.group.pk, session.on)],
                pupil_id=pupil_id,
                present=present,
                absence_reason=reason,
                note=note,
            )
        )
    Attendance.objects.bulk_create(marks, batch_size=2000)
    return len(marks)


def _seed_budget(s: Seeding, year: AcademicYear, *, on_roll: int) -> int:
    """The notional SEN budget: about £450 a pupil on roll, to the nearest thousand pounds."""
    SenBudget.objects.create(
        school=s.school, academic_year=year, amount=Decimal(round(on_roll * 450, -3))
    )
    return 1
