"""Deterministic, fictional EHC plans for the demo trust (DESIGN.md "Demo data").

For every pupil on an EHC plan (SEN provision E) of a school: a plan from one of three local
authorities with their own lead times, issued one to four years ago, in versions (an amended plan
after some reviews), with outcomes by area of need and quantified section F provision (linked to a
provision-map group the pupil is in, when there is one). Each plan has its finished annual reviews
(every step dated, in order) and some have a review under way at every stage, two of them overdue
(a meeting date passed without the meeting; a report not sent in time). One review is a phase
transfer (Year 6, Year 11, or the last year of nursery), and a child under five is reviewed every
few months. Three pupils on SEN support have needs-assessment requests at different points of the
clock (awaiting the decision, assessing with the school's advice asked for, overdue).

Rows are written directly (the services need a signed-in person), keeping every invariant of the
models and of `ehcp.rules`: stage = `rules.stage_of`, a finished review has every step's date in
the order `rules.step_problems` allows, nothing is dated after today. The pupil's SEN status E
(and the needs recorded with it) is moved to start on the plan's issue date.

Idempotent: a school that has local authorities or plans already is left alone.
"""

from __future__ import annotations

import random
import zlib
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Q

from provision.models import Group, GroupPupil
from register.models import YEAR_ORDER, Need, Pupil, SenStatus, YearGroup
from staff import calendar as school_calendar
from staff.models import School, User

from . import rules
from .models import (
    Advice,
    AnnualReview,
    AssessmentRequest,
    EhcPlan,
    LaContact,
    LocalAuthority,
    OutcomeProgress,
    PlanOutcome,
    PlanVersion,
    ProvisionItem,
)

DAY, WEEK = timedelta(days=1), timedelta(weeks=1)

# --------------------------------------------------------------------------------------------------
# Local authorities: the school's own, and two neighbours with lead times of their own
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Authority:
    name: str
    code: str  # 990+: not a real DfE code
    email: str
    caseworker: str
    lead: dict = field(default_factory=dict)  # LocalAuthority lead-time fields, else defaults
    notes: str = ""


KNOWN_HOMES = {"Northshire": "Northshire County Council"}
NEIGHBOURS = [
    Authority(
        "Riverton City Council",
        "991",
        "send.reviews@riverton.example.org",
        "Tom Adeyemi",
        {"advice_request_weeks": 8, "invitation_weeks": 6, "report_days": 10},
        "Asks for invitations 6 weeks ahead and the review report within 10 days.",
    ),
    Authority(
        "Eastvale Borough Council",
        "992",
        "sen.team@eastvale.example.org",
        "Grace Oduya",
        {"advice_request_weeks": 10, "invitation_weeks": 4, "under_five_months": 4},
        "Requests professional reports 10 weeks before the meeting; reviews under-fives every "
        "4 months.",
    ),
]
# Which authority each plan comes from, in turn: most from the school's own.
LA_PATTERN = (0, 0, 1, 0, 2, 0, 1, 0)


def _home(school: School) -> Authority:
    place = school.local_authority or "Northshire"
    name = KNOWN_HOMES.get(place, f"{place} Council")
    slug = place.lower().replace(" ", "")
    return Authority(name, "990", f"sen@{slug}.example.org", "Helen Marsh")


# --------------------------------------------------------------------------------------------------
# What the plans say, by broad area of need
# --------------------------------------------------------------------------------------------------

CI, CL, SEMH, SP = "ci", "cl", "semh", "sp"
AREA_OF = {
    "SPLD": CL,
    "MLD": CL,
    "SLD": CL,
    "PMLD": CL,
    "SEMH": SEMH,
    "SLCN": CI,
    "ASD": CI,
    "HI": SP,
    "VI": SP,
    "MSI": SP,
    "PD": SP,
    "DS": CL,
    "OTH": CL,
    "NSA": CL,
}
# A second area often goes with the first.
COMPANION = {CI: SEMH, CL: CI, SEMH: CL, SP: CL}

OUTCOMES = {
    CI: [
        (
            "{first} will start and keep up a conversation of at least four turns with a peer "
            "during a structured activity.",
            "By the end of the autumn term: three turns with an adult. By Easter: three turns "
            "with a peer, with a visual prompt.",
        ),
        (
            "{first} will use a visual timetable to move between lessons and activities without "
            "adult prompting.",
            "Uses the timetable with one adult prompt; then checks it on their own at each change.",
        ),
        (
            "{first} will ask for help in lessons using an agreed phrase or help card.",
            "Uses the help card in two lessons a day; then asks an adult in words.",
        ),
        (
            "{first} will understand and follow two-part instructions given to the whole class.",
            "Follows one-part instructions with a visual; then two-part instructions in a small "
            "group.",
        ),
    ],
    CL: [
        (
            "{first} will read a book matched to their reading level with 95% accuracy and "
            "retell the main events.",
            "Reads the next 100 common words; answers literal questions about a short text.",
        ),
        (
            "{first} will write a paragraph of linked sentences independently, with capital "
            "letters and full stops.",
            "Writes two sentences from a word mat; then three with a sentence starter.",
        ),
        (
            "{first} will use known number facts to solve two-step word problems.",
            "Recalls number bonds to 20; uses a bar model with an adult.",
        ),
        (
            "{first} will organise their own equipment and start tasks within two minutes, "
            "using a task checklist.",
            "Uses the checklist with an adult; then alone in two lessons a day.",
        ),
    ],
    SEMH: [
        (
            "{first} will recognise when they are becoming anxious and use a calming strategy "
            "from their toolkit.",
            "Names three feelings on the feelings chart; uses the calm box with an adult.",
        ),
        (
            "{first} will stay in class for whole lessons, using an agreed movement break when "
            "needed.",
            "Stays for 20 minutes with a timed break; then for whole morning lessons.",
        ),
        (
            "{first} will take part in break and lunch times with a group of peers, with less "
            "adult support.",
            "Joins the lunchtime club twice a week; then plays with a buddy at break.",
        ),
        (
            "{first} will repair relationships after a disagreement through a restorative "
            "conversation.",
            "Talks an incident through with an adult using the restorative script.",
        ),
    ],
    SP: [
        (
            "{first} will use their sensory diet to stay regulated and ready to learn.",
            "Takes part in the morning sensory circuit; asks for a sensory break with a card.",
        ),
        (
            "{first} will record their work legibly for ten minutes, by hand or on a laptop.",
            "Daily fine motor programme; touch-typing practice three times a week.",
        ),
        (
            "{first} will move safely and independently around the school site.",
            "Uses the lift and the handrail with an adult; then with a peer.",
        ),
        (
            "{first} will use their hearing or vision aids consistently and tell an adult when "
            "they do not work.",
            "Checks the equipment each morning with the teaching assistant.",
        ),
    ],
}
ADULTHOOD = (
    "{first} will travel on a familiar route to college taster days with a peer, then alone.",
    "Plans the route with an adult; practises it with the travel trainer.",
)
# Section F items that no group of the provision map delivers, by area.
OTHER_PROVISION = {
    CI: (
        "Speech and language therapy programme set by the NHS speech and language therapist, "
        "delivered one to one by a trained teaching assistant",
        Decimal("1.00"),
        "Trained TA, with termly NHS therapist visits",
    ),
    CL: (
        "Small-group literacy and numeracy teaching by a teacher with specialist training",
        Decimal("2.00"),
        "Specialist teacher",
    ),
    SEMH: (
        "Daily check-in and check-out with a key adult, and access to a calm space",
        Decimal("1.25"),
        "Key adult (teaching assistant)",
    ),
    SP: (
        "Occupational therapy programme (sensory diet, fine motor skills) delivered by a "
        "teaching assistant",
        Decimal("1.50"),
        "Teaching assistant, with the occupational therapist's programme",
    ),
}
IN_CLASS = (
    "Adult support in lessons to access the curriculum: pre-teaching of vocabulary, adapted "
    "tasks and recording, and prompts to stay on task",
    "Teaching assistant",
)
SPECIALISTS = {
    CI: [("salt", "NHS Speech and Language Therapy"), ("ep", "Educational Psychology Service")],
    CL: [("ep", "Educational Psychology Service")],
    SEMH: [("ep", "Educational Psychology Service"), ("health", "CAMHS")],
    SP: [("ot", "Children's Occupational Therapy"), ("health", "School nursing team")],
}
SUMMARIES = {
    "parents": "{first} is happier coming to school this year and talks about the groups. At "
    "home {first} still finds changes of routine hard. We would like more help with {topic}.",
    "pupil": "I like {likes}. I find {hard} hard. I want to {wish}.",
    "class_teacher": "{first} is making steady progress with support. Works best with "
    "instructions broken down and visual prompts; {topic} remains the main barrier in lessons.",
    "ep": "Cognitive assessment shows verbal reasoning in the low average range, with working "
    "memory a relative weakness. Recommends pre-teaching, chunked instructions and regular "
    "overlearning.",
    "salt": "Receptive language around two years below age; expressive language improving. "
    "Continue the programme three times a week; review in the spring term.",
    "ot": "Sensory profile shows seeking in movement and touch. Continue the sensory diet; "
    "a writing slope and pencil grip are recommended.",
    "health": "No change in health needs. Medication and care plan reviewed with the family.",
    "sendco": "Provision in section F has been delivered as planned, with the attendance shown "
    "in the pack.",
}
TOPICS = {
    CI: "talking with friends",
    CL: "reading and writing",
    SEMH: "managing worries",
    SP: "handwriting and getting around",
}
LIKES = ["drawing", "football", "Lego", "animals", "music", "cooking", "computers", "swimming"]
HARD = ["loud rooms", "writing a lot", "reading aloud", "busy corridors", "changes to the day"]
WISHES = ["have more friends", "get better at reading", "go to the same school as my friends"]
EVIDENCE = {
    "achieved": "Achieved in class and in the group; seen consistently over the last half-term.",
    "on_track": "Interim targets met this year; observed in most lessons.",
    "some": "Some progress: manages with adult support, not yet independently.",
    "not_yet": "Not yet: the provision started late in the year; carried forward.",
}
RATINGS = [("achieved", 15), ("on_track", 40), ("some", 35), ("not_yet", 10)]
PLACES = ["SENDCo's office", "Meeting room 1", "The library", "Online (Microsoft Teams)"]

# --------------------------------------------------------------------------------------------------
# Scenarios: where the review under way is (relative to today), or none under way
# --------------------------------------------------------------------------------------------------

SCHEDULED, INVITED, ADVICE, CIRCULATED = "scheduled", "invited", "advice_requested", "circulated"
HELD, REPORTED, DECIDED_AMEND = "held", "reported", "decided_amend"
LATE_MEETING, LATE_REPORT, NONE = "overdue_meeting", "overdue_report", "none"
OPEN_SCENARIOS = [
    SCHEDULED,
    INVITED,
    ADVICE,
    CIRCULATED,
    HELD,
    REPORTED,
    DECIDED_AMEND,
    LATE_MEETING,
    LATE_REPORT,
]
TRANSFER_PREFERENCES = [DECIDED_AMEND, REPORTED, HELD, CIRCULATED, ADVICE, SCHEDULED]


class _Calendar:
    """Dates that fall on days the school is open (where its terms are known) or weekdays."""

    def __init__(self, school: School, today: date):
        days = school_calendar.school_days(
            school=school, start=today - timedelta(days=6 * 366), end=today + timedelta(days=366)
        )
        self.open = set(days)
        self.first, self.last = (days[0], days[-1]) if days else (today, today)

    def _ok(self, day: date) -> bool:
        if self.first <= day <= self.last:
            return day in self.open
        return day.weekday() < 5

    def on_or_before(self, day: date) -> date:
        for _ in range(70):
            if self._ok(day):
                return day
            day -= DAY
        return weekday_before(day)

    def on_or_after(self, day: date) -> date:
        for _ in range(70):
            if self._ok(day):
                return day
            day += DAY
        return weekday_after(day)


def weekday_before(day: date) -> date:
    while day.weekday() >= 5:
        day -= DAY
    return day


def weekday_after(day: date) -> date:
    while day.weekday() >= 5:
        day += DAY
    return day


def open_meeting(scenario: str, *, today: date, lead: rules.LeadTimes, cal: _Calendar) -> date:
    """The meeting date of the review under way in `scenario`, chosen so that only the overdue
    scenarios have a step past its date."""
    ahead = {
        SCHEDULED: (lead.advice_request_weeks + 1) * WEEK + 2 * DAY,
        INVITED: lead.advice_request_weeks * WEEK + 4 * DAY,
        ADVICE: 3 * WEEK + 2 * DAY,
        CIRCULATED: 8 * DAY,
    }
    behind = {
        HELD: 5 * DAY,
        REPORTED: 3 * WEEK,
        DECIDED_AMEND: 7 * WEEK,
        LATE_MEETING: 10 * DAY,
        LATE_REPORT: 20 * DAY + timedelta(days=lead.report_days - 14),
    }
    if scenario in ahead:
        return cal.on_or_after(today + ahead[scenario])
    return cal.on_or_before(today - behind[scenario])


# --------------------------------------------------------------------------------------------------
# Building one pupil's plan
# --------------------------------------------------------------------------------------------------


@dataclass
class _Built:
    """Rows for the whole school, saved layer by layer (each layer's foreign keys are set)."""

    plans: list[EhcPlan] = field(default_factory=list)
    versions: list[PlanVersion] = field(default_factory=list)
    outcomes: list[PlanOutcome] = field(default_factory=list)
    items: list[ProvisionItem] = field(default_factory=list)
    reviews: list[AnnualReview] = field(default_factory=list)
    advice: list[Advice] = field(default_factory=list)
    progress: list[OutcomeProgress] = field(default_factory=list)

    def save(self) -> int:
        count = 0
        for model, rows in (
            (EhcPlan, self.plans),
            (PlanVersion, self.versions),
            (PlanOutcome, self.outcomes),
            (ProvisionItem, self.items),
            (AnnualReview, self.reviews),
            (Advice, self.advice),
            (OutcomeProgress, self.progress),
        ):
            model.objects.bulk_create(rows)
            count += len(rows)
        return count


@dataclass
class _Version:
    row: PlanVersion
    outcomes: list[PlanOutcome]


class _PlanMaker:
    """One school's plans: the shared context and the rows being built."""

    def __init__(
        self,
        *,
        school: School,
        today: date,
        sendco: User,
        teacher: User,
        rng: random.Random,
        cal: _Calendar,
    ):
        self.school, self.today, self.sendco, self.teacher = school, today, sendco, teacher
        self.rng, self.cal = rng, cal
        self.this_year = school_calendar.academic_year_start_for(today)
        self.built = _Built()
        self.group_items: set[int] = set()  # id() of items a group of the map delivers

    # ---------------------------------------------------------------------------- the clock --

    def year_group_on(self, pupil: Pupil, on: date) -> str | None:
        """The pupil's year group in the academic year holding `on` (None: not at school)."""
        index = YEAR_ORDER[pupil.year_group] - (
            self.this_year - school_calendar.academic_year_start_for(on)
        )
        return YearGroup.values[index] if 0 <= index < len(YearGroup.values) else None

    def is_transfer(self, pupil: Pupil, meeting: date) -> bool:
        year_group = self.year_group_on(pupil, meeting)
        return (
            year_group is not None
            and rules.phase_transfer(
                year_group=year_group,
                academic_year_start=school_calendar.academic_year_start_for(meeting),
            )
            is not None
        )

    def step_back(self, later: date, dob: date, under_five: int) -> date:
        """An earlier anchor (issue or meeting) from which `later` is inside the review window
        (`rules.review_due_by`): about 11 months before, or a few months for an under-five."""
        earlier = rules.add_months(later, -11) - timedelta(days=self.rng.randint(0, 14))
        if rules.age_on(dob, earlier) < 5:
            earlier = rules.add_months(later, -(under_five - 1)) - timedelta(
                days=self.rng.randint(0, 10)
            )
        earlier = self.cal.on_or_after(earlier)
        due = rules.review_due_by(anchor=earlier, date_of_birth=dob, under_five_months=under_five)
        if later > due:  # never: the steps above keep inside the window
            raise RuntimeError(f"A demo review on {later} is outside the window ending {due}.")
        return earlier

    def timeline(
        self, *, pupil: Pupil, scenario: str, lead: rules.LeadTimes, under_five: int
    ) -> tuple[date, list[date], date | None]:
        """(the plan's issue date, the past review meetings oldest first, the meeting under
        way). The plan is one to four years old (younger for a child under five), and never
        issued before the child was two and a half."""
        dob, today = pupil.date_of_birth, self.today
        if scenario == NONE:
            current = None
            latest = self.cal.on_or_before(today - timedelta(days=self.rng.randint(95, 240)))
            if rules.age_on(dob, latest) < 5:  # the next review is due within months
                latest = self.cal.on_or_before(today - timedelta(days=self.rng.randint(35, 60)))
        else:
            current = open_meeting(scenario, today=today, lead=lead, cal=self.cal)
            latest = self.step_back(current, dob, under_five)
        wanted = self.rng.choice((1, 1, 2, 2, 3))
        youngest = rules.add_months(dob, 30)
        for count in range(wanted, 0, -1):
            meetings = [latest]
            while len(meetings) < count:
                meetings.append(self.step_back(meetings[-1], dob, under_five))
            issued = weekday_after(self.step_back(meetings[-1], dob, under_five))
            if issued >= youngest:
                break
        else:  # too young for a review before: the plan's first review is the one under way
            # (or, with none under way, the plan is recent and its first review still to come)
            meetings = []
            issued = self.step_back(current, dob, under_five) if current else latest
        # A plan at least a year old, unless the child is under five: one more review back.
        while (
            issued > today - timedelta(days=365)
            and rules.age_on(dob, today) >= 5
            and rules.add_months(issued, -12) >= youngest
        ):
            meetings.append(issued)
            issued = weekday_after(self.step_back(issued, dob, under_five))
        return issued, sorted(meetings), current

    # ---------------------------------------------------------------------------- the rows --

    def new_version(
        self, plan: EhcPlan, number: int, issued_on: date, pupil: Pupil, areas: list[str]
    ) -> _Version:
        first = pupil.first_name
        year_group = self.year_group_on(pupil, issued_on) or pupil.year_group
        older = year_group.isdigit() and int(year_group) >= 9
        version = PlanVersion(
            plan=plan,
            number=number,
            kind=PlanVersion.Kind.ORIGINAL if number == 1 else PlanVersion.Kind.AMENDED,
            issued_on=issued_on,
            section_a=f"{first} enjoys {self.rng.choice(LIKES)} and {self.rng.choice(LIKES)}. "
            f"{first}'s family would like {first} to be happy and confident at school and to "
            f"{self.rng.choice(WISHES)}.",
            section_b=f"{first} has needs in {', '.join(AREA_LABELS[a] for a in areas)}. "
            f"{first} needs adult support to access the curriculum and help with "
            f"{TOPICS[areas[0]]}.",
            section_c="No health needs related to SEN beyond those in section B."
            if areas[0] != SP
            else "Under the care of the community paediatrician; annual review in clinic.",
            section_d="No social care needs at present.",
            section_g="Access to NHS therapy as set out in section F.",
            section_i=self.school.name,
            section_k="Advice from parents, school, educational psychology and health, listed "
            "in the appendix of the plan.",
            preparing_for_adulthood=(
                f"{first} is thinking about college courses and needs help with travel and "
                "independent living skills."
                if older
                else ""
            ),
            top_up_per_year=Decimal(self.rng.choice((4800, 6200, 7500, 9100, 11000))),
            personal_budget_per_year=Decimal(1500) if self.rng.random() < 0.1 else None,
            created_by=self.sendco,
        )
        self.built.versions.append(version)
        return _Version(row=version, outcomes=[])

    def fill_version(
        self, version: _Version, pupil: Pupil, areas: list[str], group: Group | None
    ) -> None:
        """Outcomes (3-4, by area; from Year 9 one for adulthood) and section F (2-3 items,
        one of them what `group` runs, linked to it once the plan's versions are built)."""
        first = pupil.first_name
        picks: list[tuple[str, tuple[str, str]]] = []
        primary = OUTCOMES[areas[0]][:]
        self.rng.shuffle(primary)
        picks += [(areas[0], o) for o in primary[:2]]
        other = OUTCOMES[areas[1]][:]
        self.rng.shuffle(other)
        picks += [(areas[1], o) for o in other[: self.rng.randint(1, 2)]]
        year_group = self.year_group_on(pupil, version.row.issued_on) or ""
        if year_group.isdigit() and int(year_group) >= 9:
            picks = [*picks[:3], ("", ADULTHOOD)]
        for position, (area, (text, targets)) in enumerate(picks, start=1):
            outcome = PlanOutcome(
                version=version.row,
                position=position,
                area=area,
                outcome=text.format(first=first),
                interim_targets=targets,
            )
            version.outcomes.append(outcome)
            self.built.outcomes.append(outcome)
        self.provision(version, areas, group)

    def provision(self, version: _Version, areas: list[str], group: Group | None) -> None:
        by_area = {o.area: o for o in reversed(version.outcomes)}
        items: list[tuple[str, Decimal, str, PlanOutcome | None, Group | None]] = []
        if group is not None:
            hours = Decimal(group.sessions_per_week * group.session_minutes) / 60
            items.append(
                (
                    f"{group.intervention.name}: {group.sessions_per_week} sessions a week of "
                    f"{group.session_minutes} minutes in a small group",
                    hours.quantize(Decimal("0.01")),
                    "Teaching assistant",
                    by_area.get(group.intervention.broad_area) or version.outcomes[0],
                    group,
                )
            )
        description, hours, provider = OTHER_PROVISION[areas[0]]
        items.append((description, hours, provider, by_area.get(areas[0]), None))
        if group is None or self.rng.random() < 0.5:
            in_class, provider = IN_CLASS
            items.append(
                (in_class, Decimal(self.rng.choice((10, 12, 15, 20))), provider, None, None)
            )
        for position, (description, hours, provider, outcome, linked) in enumerate(items, start=1):
            item = ProvisionItem(
                version=version.row,
                position=position,
                description=description,
                hours_per_week=hours,
                provider=provider,
                outcome=outcome,
            )
            if linked is not None:
                self.group_items.add(id(item))
            self.built.items.append(item)

    def copy_version(self, old: _Version, plan: EhcPlan, issued_on: date) -> _Version:
        """The final amended plan: a new version, its outcomes and provision copied from the old
        one, with the interim targets moved on (as `services.version_amend` then an edit)."""
        row = PlanVersion(
            **{
                f.attname: getattr(old.row, f.attname)
                for f in PlanVersion._meta.concrete_fields
                if f.attname not in ("id", "plan_id", "created_at")
            }
        )
        row.plan, row.number, row.kind, row.issued_on = (
            plan,
            old.row.number + 1,
            PlanVersion.Kind.AMENDED,
            issued_on,
        )
        self.built.versions.append(row)
        new = _Version(row=row, outcomes=[])
        copies = {}
        for outcome in old.outcomes:
            copy = PlanOutcome(
                version=row,
                position=outcome.position,
                area=outcome.area,
                outcome=outcome.outcome,
                interim_targets="Next steps agreed at the annual review: "
                + outcome.interim_targets[0].lower()
                + outcome.interim_targets[1:],
            )
            copies[id(outcome)] = copy
            new.outcomes.append(copy)
            self.built.outcomes.append(copy)
        for item in [i for i in self.built.items if i.version is old.row]:
            copy = ProvisionItem(
                version=row,
                position=item.position,
                description=item.description,
                hours_per_week=item.hours_per_week,
                provider=item.provider,
                outcome=copies.get(id(item.outcome)) if item.outcome else None,
            )
            if id(item) in self.group_items:
                self.group_items.add(id(copy))
            self.built.items.append(copy)
        return new

    def advice_for(
        self,
        review: AnnualReview,
        *,
        areas: list[str],
        pupil: Pupil,
        authority: LocalAuthority,
        requested_on: date,
        received_by: date | None,
        received_share: float = 1.0,
    ) -> None:
        """3-4 contributors asked on `requested_on`; each received (with a summary) between a
        week later and `received_by` with probability `received_share`."""
        first = pupil.first_name
        specialists = SPECIALISTS[areas[0]] + SPECIALISTS[areas[1]]
        chosen = [("parents", ""), ("class_teacher", self.teacher.full_name)]
        for contributor, service in specialists:
            if contributor not in {c for c, _ in chosen} and len(chosen) < 4:
                name = service
                if contributor == "ep":
                    name = f"{authority.name.split()[0]} {service}"
                chosen.append((contributor, name))
            if len(chosen) >= 3 + (self.rng.random() < 0.4):
                break
        for contributor, name in chosen:
            received_on = None
            if received_by is not None and self.rng.random() < received_share:
                earliest = requested_on + WEEK
                if earliest <= received_by:
                    span = (received_by - earliest).days
                    received_on = weekday_before(
                        earliest + timedelta(days=self.rng.randint(0, span))
                    )
                    received_on = max(received_on, requested_on)
            summary = ""
            if received_on is not None:
                summary = SUMMARIES[contributor].format(
                    first=first,
                    topic=TOPICS[areas[0]],
                    likes=self.rng.choice(LIKES),
                    hard=self.rng.choice(HARD),
                    wish=self.rng.choice(WISHES),
                )
            self.built.advice.append(
                Advice(
                    school=self.school,
                    review=review,
                    contributor=contributor,
                    name=name,
                    requested_on=requested_on,
                    received_on=received_on,
                    summary=summary,
                )
            )

    def hold(self, review: AnnualReview, version: _Version, pupil: Pupil, recommend: str) -> None:
        first = pupil.first_name
        review.attendees = (
            f"{first}, {first}'s parent, the SENDCo ({self.sendco.full_name}), the class "
            f"teacher ({self.teacher.full_name}), the local authority's SEN caseworker"
        )
        review.pupil_views = (
            f"{first} said: I like {self.rng.choice(LIKES)} and my groups. "
            f"I find {self.rng.choice(HARD)} hard. I want to {self.rng.choice(WISHES)}."
        )
        review.parent_views = (
            f"Pleased with {first}'s progress this year, especially in the small groups. "
            "Would like the plan to say more about support at unstructured times."
        )
        review.recommendation = recommend
        if recommend == rules.AMEND:
            review.amendments = (
                "Update section B with the latest advice; move the interim targets on; "
                "increase the small-group provision in section F."
            )
        review.disagreement = (
            ""
            if self.rng.random() < 0.85
            else ("The parents would like more one-to-one support than the school recommends.")
        )
        ratings = [r for r, _ in RATINGS]
        weights = [w for _, w in RATINGS]
        for outcome in version.outcomes:
            rating = self.rng.choices(ratings, weights=weights)[0]
            self.built.progress.append(
                OutcomeProgress(
                    review=review, outcome=outcome, rating=rating, evidence=EVIDENCE[rating]
                )
            )

    def plan_for(
        self,
        *,
        pupil: Pupil,
        areas: list[str],
        authority: LocalAuthority,
        scenario: str,
        group: Group | None,
    ) -> date:
        """Every row of one pupil's plan; returns the date the plan was first issued."""
        lead = rules.LeadTimes.of(authority)
        issued, past, current = self.timeline(
            pupil=pupil, scenario=scenario, lead=lead, under_five=authority.under_five_months
        )
        plan = EhcPlan(school=self.school, pupil=pupil, authority=authority)
        self.built.plans.append(plan)
        version = self.new_version(plan, 1, issued, pupil, areas)
        self.fill_version(version, pupil, areas, group)
        for meeting in past:
            version = self.past_review(plan, version, pupil, areas, authority, lead, meeting)
        # The group delivers the plan now: only the current version links to it (earlier
        # versions were delivered before the map's session logs began).
        for item in self.built.items:
            if item.version is version.row and id(item) in self.group_items:
                item.group = group
        if current is not None:
            self.open_review(plan, version, pupil, areas, authority, lead, scenario, current)
        return issued

    def _review(self, plan: EhcPlan, version: _Version, pupil: Pupil, meeting: date):
        review = AnnualReview(
            school=self.school,
            plan=plan,
            version=version.row,
            meeting_on=meeting,
            meeting_place=self.rng.choice(PLACES),
            phase_transfer=self.is_transfer(pupil, meeting),
            created_by=self.sendco,
        )
        self.built.reviews.append(review)
        return review

    def _before_meeting(self, meeting: date, lead: rules.LeadTimes) -> tuple[date, date, date]:
        """(advice requested, invitations sent, advice circulated), each on time."""
        requested = weekday_before(
            meeting - lead.advice_request_weeks * WEEK - timedelta(days=self.rng.randint(0, 4))
        )
        invited = weekday_before(
            meeting - max(lead.invitation_weeks, 2) * WEEK - timedelta(days=self.rng.randint(1, 5))
        )
        circulated = weekday_before(
            meeting - lead.circulate_weeks * WEEK - timedelta(days=self.rng.randint(0, 3))
        )
        return requested, invited, circulated

    def past_review(
        self,
        plan: EhcPlan,
        version: _Version,
        pupil: Pupil,
        areas: list[str],
        authority: LocalAuthority,
        lead: rules.LeadTimes,
        meeting: date,
    ) -> _Version:
        """A finished review: every step on time, the LA deciding to maintain the plan or to
        amend it (then the final amended plan, a new version). Returns the plan's version after
        it."""
        review = self._review(plan, version, pupil, meeting)
        requested, invited, circulated = self._before_meeting(meeting, lead)
        review.invitations_sent_on, review.advice_circulated_on = invited, circulated
        self.advice_for(
            review,
            areas=areas,
            pupil=pupil,
            authority=authority,
            requested_on=requested,
            received_by=circulated,
        )
        report = weekday_before(meeting + timedelta(days=self.rng.randint(3, lead.report_days)))
        decided = max(
            report,
            weekday_before(
                meeting + lead.decision_weeks * WEEK - timedelta(days=self.rng.randint(0, 7))
            ),
        )
        amended = weekday_before(
            decided + timedelta(weeks=self.rng.randint(4, lead.amended_plan_weeks))
        )
        amend = self.rng.random() < 0.4 and amended < self.today
        self.hold(review, version, pupil, rules.AMEND if amend else rules.MAINTAIN)
        review.held_on, review.report_sent_on = meeting, report
        review.la_decision, review.la_decision_on = review.recommendation, decided
        if amend:
            review.amended_issued_on = amended
            version = self.copy_version(version, plan, amended)
        review.stage = rules.AMENDED if amend else rules.DECIDED
        return version

    def open_review(
        self,
        plan: EhcPlan,
        version: _Version,
        pupil: Pupil,
        areas: list[str],
        authority: LocalAuthority,
        lead: rules.LeadTimes,
        scenario: str,
        meeting: date,
    ) -> None:
        today = self.today
        review = self._review(plan, version, pupil, meeting)
        # A meeting moved past a holiday may leave its on-time dates still to come: then the
        # steps were done early, by today.
        done_by = weekday_before(today)
        requested, invited, circulated = (
            min(on, done_by) for on in self._before_meeting(meeting, lead)
        )
        advice = {"requested_on": requested, "received_by": circulated}
        if scenario == SCHEDULED:
            review.stage = rules.SCHEDULED
            return
        if scenario == INVITED:
            review.invitations_sent_on = weekday_before(today - 2 * DAY)
            review.stage = rules.INVITED
            return
        if scenario == ADVICE:
            review.invitations_sent_on = weekday_before(today - 3 * DAY)
            advice = {"requested_on": requested, "received_by": today, "received_share": 0.5}
            stage = rules.ADVICE_REQUESTED
        else:
            review.invitations_sent_on = invited
            review.advice_circulated_on = circulated
            advice["received_share"] = 0.85
            stage = rules.CIRCULATED
        self.advice_for(review, areas=areas, pupil=pupil, authority=authority, **advice)
        if scenario in (HELD, REPORTED, DECIDED_AMEND, LATE_REPORT):
            recommend = (
                rules.AMEND
                if scenario == DECIDED_AMEND
                else self.rng.choice((rules.AMEND, rules.MAINTAIN))
            )
            self.hold(review, version, pupil, recommend)
            review.held_on = meeting
            stage = rules.HELD
        if scenario in (REPORTED, DECIDED_AMEND):
            review.report_sent_on = weekday_before(
                meeting + timedelta(days=min(8, lead.report_days))
            )
            stage = rules.REPORTED
        if scenario == DECIDED_AMEND:
            review.la_decision = rules.AMEND
            review.la_decision_on = weekday_before(meeting + 3 * WEEK)
            stage = rules.DECIDED
        review.stage = stage


AREA_LABELS = {
    CI: "communication and interaction",
    CL: "cognition and learning",
    SEMH: "social, emotional and mental health",
    SP: "sensory and physical needs",
}


# --------------------------------------------------------------------------------------------------
# The school
# --------------------------------------------------------------------------------------------------


def _authorities(school: School) -> list[LocalAuthority]:
    specs = [_home(school), *NEIGHBOURS]
    rows = LocalAuthority.objects.bulk_create(
        LocalAuthority(
            school=school, name=s.name, code=s.code, email=s.email, notes=s.notes, **s.lead
        )
        for s in specs
    )
    LaContact.objects.bulk_create(
        LaContact(authority=row, name=s.caseworker, role="SEN caseworker", email=s.email)
        for row, s in zip(rows, specs, strict=True)
    )
    return rows


def _groups_of(school: School, pupil_ids: list[int], today: date) -> dict[int, Group]:
    """Each pupil's group of the provision map to link section F to: the one running today, else
    the latest that started."""
    found: dict[int, tuple[tuple, Group]] = {}
    places = (
        GroupPupil.objects.filter(
            school=school, pupil_id__in=pupil_ids, group__starts_on__lte=today
        )
        .select_related("group__intervention")
        .order_by("pk")
    )
    for place in places:
        group = place.group
        running = group.starts_on <= today <= group.ends_on and place.left_on is None
        key = (running, group.starts_on, group.pk)
        if place.pupil_id not in found or key > found[place.pupil_id][0]:
            found[place.pupil_id] = (key, group)
    return {pk: group for pk, (_, group) in found.items()}


def _requests(
    school: School,
    today: date,
    sendco: User,
    authorities: list[LocalAuthority],
    rng: random.Random,
) -> list[AssessmentRequest]:
    """Three needs-assessment requests for pupils on SEN support: awaiting the decision, being
    assessed with the school's advice asked for, and one past its 6-week decision date."""
    covering = Q(ends_on__isnull=True) | Q(ends_on__gte=today)
    k_pupils = sorted(
        SenStatus.objects.filter(school=school, provision="K", starts_on__lte=today)
        .filter(covering)
        .values_list("pupil_id", flat=True)
    )
    chosen = rng.sample(k_pupils, min(3, len(k_pupils)))
    home, riverton = authorities[0], authorities[1]
    received = [
        weekday_before(today - 3 * WEEK),
        weekday_before(today - 11 * WEEK),
        weekday_before(today - 8 * WEEK),
    ]
    specs = [
        {
            "authority": home,
            "requested_by": AssessmentRequest.RequestedBy.SCHOOL,
            "received_on": received[0],
            "notes": "Sent with two cycles of the graduated approach evidence.",
        },
        {
            "authority": riverton,
            "requested_by": AssessmentRequest.RequestedBy.PARENT,
            "received_on": received[1],
            "decision": AssessmentRequest.Decision.ASSESS,
            "decision_on": weekday_before(received[1] + 5 * WEEK),
            "advice_requested_on": weekday_before(received[1] + 6 * WEEK + 3 * DAY),
            "notes": "The LA agreed to assess; the school's advice is being written.",
        },
        {
            "authority": home,
            "requested_by": AssessmentRequest.RequestedBy.SCHOOL,
            "received_on": received[2],
            "notes": "No decision yet: chased the SEN team by email.",
        },
    ]
    return [
        AssessmentRequest(school=school, pupil_id=pk, created_by=sendco, **spec)
        for pk, spec in zip(chosen, specs, strict=False)
    ]


def _align_statuses(school: School, issued: dict[int, date]) -> None:
    """The pupil's open status E, and the needs recorded with it, start when the plan was
    issued."""
    statuses = list(
        SenStatus.objects.filter(
            school=school, provision="E", ends_on__isnull=True, pupil_id__in=list(issued)
        )
    )
    needs = list(Need.objects.filter(school=school, pupil_id__in=list(issued)))
    moved = []
    for status in statuses:
        old = status.starts_on
        status.starts_on = issued[status.pupil_id]
        if status.parents_informed_on:
            status.parents_informed_on = status.starts_on
        for need in needs:
            if need.pupil_id == status.pupil_id and need.starts_on == old:
                need.starts_on = status.starts_on
                moved.append(need)
    SenStatus.objects.bulk_update(statuses, ["starts_on", "parents_informed_on"])
    Need.objects.bulk_update(moved, ["starts_on"])


@transaction.atomic
def seed_ehcp(
    *,
    school: School,
    today: date,
    sendco: User,
    teacher: User,
    seed: int | None = None,
) -> int:
    """Fill a school's EHC plans once; a school with local authorities or plans already is left
    alone. `seed` defaults to the CRC-32 of the school's slug, so every database gets the same
    plans. Returns the number of rows created."""
    if (
        LocalAuthority.objects.filter(school=school).exists()
        or EhcPlan.objects.filter(school=school).exists()
    ):
        return 0
    rng = random.Random(  # noqa: S311 - demo data, not security
        zlib.crc32(f"ehcp-{school.slug}".encode()) if seed is None else seed
    )
    authorities = _authorities(school)
    created = len(authorities) * 2

    covering = Q(ends_on__isnull=True) | Q(ends_on__gte=today)
    e_ids = set(
        SenStatus.objects.filter(school=school, provision="E", starts_on__lte=today)
        .filter(covering)
        .values_list("pupil_id", flat=True)
    )
    pupils = list(
        Pupil.objects.filter(school=school, pk__in=e_ids)
        .on_roll(today)
        .order_by("pk")
        .prefetch_related("needs__need_type")
    )
    areas: dict[int, list[str]] = {}
    for pupil in pupils:
        codes = [n.need_type.code for n in sorted(pupil.needs.all(), key=lambda n: n.rank)]
        first = AREA_OF.get(codes[0], CL) if codes else CL
        second = AREA_OF.get(codes[1], COMPANION[first]) if len(codes) > 1 else COMPANION[first]
        areas[pupil.pk] = [first, second if second != first else COMPANION[first]]
    groups = _groups_of(school, [p.pk for p in pupils], today)

    maker = _PlanMaker(
        school=school,
        today=today,
        sendco=sendco,
        teacher=teacher,
        rng=rng,
        cal=_Calendar(school, today),
    )
    # Who gets which scenario: a pupil in a transfer year (Year 6, Year 11) has this year's
    # phase transfer review under way; a child under five (or just five, last reviewed under
    # five) is reviewed every few months; then one review under way at every stage (two of them
    # overdue); the rest mostly with no review under way.
    order = pupils[:]
    rng.shuffle(order)
    scenarios: dict[int, str] = {}
    home_lead = rules.LeadTimes.of(authorities[0])
    remaining = OPEN_SCENARIOS[:]
    transfers = [p for p in order if p.year_group in rules.TRANSFER_YEARS]
    for pupil in transfers:
        fitting = [
            s
            for s in TRANSFER_PREFERENCES
            if maker.is_transfer(pupil, open_meeting(s, today=today, lead=home_lead, cal=maker.cal))
        ]
        if fitting:
            chosen = next((s for s in fitting if s in remaining), None) or rng.choice(fitting)
            scenarios[pupil.pk] = chosen
            if chosen in remaining:
                remaining.remove(chosen)
    half_year_ago = today - timedelta(days=183)
    little = min(
        (
            p
            for p in order
            if p.pk not in scenarios
            and p.year_group in ("N1", "N2", "R")
            and rules.age_on(p.date_of_birth, half_year_ago) < 5
        ),
        key=lambda p: (-p.date_of_birth.toordinal(), p.pk),
        default=None,
    )
    if little is not None:
        scenarios[little.pk] = SCHEDULED
        if SCHEDULED in remaining:
            remaining.remove(SCHEDULED)
    for pupil in order:
        if pupil.pk in scenarios:
            continue
        if remaining:
            scenarios[pupil.pk] = remaining.pop(0)
        else:
            scenarios[pupil.pk] = rng.choice(OPEN_SCENARIOS[:7]) if rng.random() < 0.25 else NONE

    issued = {}
    for index, pupil in enumerate(pupils):
        authority = authorities[LA_PATTERN[index % len(LA_PATTERN)]]
        if pupil is little:
            authority = authorities[0]  # the under-five reviews follow the home LA's 6 months
        if pupil in transfers:
            authority = authorities[0]  # its meeting was chosen with the home LA's lead times
        issued[pupil.pk] = maker.plan_for(
            pupil=pupil,
            areas=areas[pupil.pk],
            authority=authority,
            scenario=scenarios[pupil.pk],
            group=groups.get(pupil.pk),
        )
    created += maker.built.save()
    _align_statuses(school, issued)

    requests = _requests(school, today, sendco, authorities, rng)
    AssessmentRequest.objects.bulk_create(requests)
    return created + len(requests)
