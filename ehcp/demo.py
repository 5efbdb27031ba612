"""Deterministic, fictional EHC plans for the demo trust (DESIGN.md "Demo data").

For every pupil on an EHC plan (SEN category E) of a school: a plan from one of three local
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
    SchoolConsultation,
)
from .selectors import school_shape

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
AREA_LABELS = {
    CI: "communication and interaction",
    CL: "cognition and learning",
    SEMH: "social, emotional and mental health",
    SP: "sensory and physical needs",
}


TOPICS = {
    CI: "talking with friends",
    CL: "reading and writing",
    SEMH: "managing worries",
    SP: "handwriting and getting around",
}
LIKES = ["drawing", "football", "Lego", "animals", "music", "cooking", "computers", "swimming"]


def _two_likes(rng: random.Random) -> list[str]:
    """Two different things a child likes (two draws, as before, so the rest of the demo stays
    the same; a repeat becomes the next in the list: never "Lego and Lego")."""
    first, second = rng.choice(LIKES), rng.choice(LIKES)
    if second == first:
        second = LIKES[(LIKES.index(first) + 1) % len(LIKES)]
    return [first, second]


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


@dataclass
class _Case:
    """One pupil's plan as it is built: the pupil, their two areas of need (`areas[0]` first),
    the LA and its lead times, and the plan's row."""

    pupil: Pupil
    areas: list[str]
    authority: LocalAuthority
    lead: rules.LeadTimes
    plan: EhcPlan

    @property
    def first(self) -> str:
        return self.pupil.first_name


# A section F item: (description, hours a week, provider, the outcome it serves, the group of the
# provision map that delivers it).
_Item = tuple[str, Decimal, str, PlanOutcome | None, Group | None]


def _group_item(group: Group, outcome: PlanOutcome) -> _Item:
    """The section F item `group` delivers: its sessions a week, in hours."""
    hours = Decimal(group.sessions_per_week * group.session_minutes) / 60
    return (
        f"{group.intervention.name}: {group.sessions_per_week} sessions a week of "
        f"{group.session_minutes} minutes in a small group",
        hours.quantize(Decimal("0.01")),
        "Teaching assistant",
        outcome,
        group,
    )


class _PlanMaker:
    """One school's plans: the shared context and the rows being built.

    Every random choice is drawn from `rng` in a fixed order (the order of the steps below), so the
    same seed gives the same plans."""

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
                shape=school_shape(self.school),
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
        dob = pupil.date_of_birth
        current, latest = self._last_meetings(dob, scenario, lead, under_five)
        issued, meetings = self._issue_back_from(dob, latest, current, under_five)
        issued, meetings = self._a_year_old(dob, issued, meetings, under_five)
        return issued, sorted(meetings), current

    def _last_meetings(
        self, dob: date, scenario: str, lead: rules.LeadTimes, under_five: int
    ) -> tuple[date | None, date]:
        """(the meeting under way, None in scenario NONE; the last review held before it)."""
        today = self.today
        if scenario == NONE:
            latest = self.cal.on_or_before(today - timedelta(days=self.rng.randint(95, 240)))
            if rules.age_on(dob, latest) < 5:  # the next review is due within months
                latest = self.cal.on_or_before(today - timedelta(days=self.rng.randint(35, 60)))
            return None, latest
        current = open_meeting(scenario, today=today, lead=lead, cal=self.cal)
        return current, self.step_back(current, dob, under_five)

    def _issue_back_from(
        self, dob: date, latest: date, current: date | None, under_five: int
    ) -> tuple[date, list[date]]:
        """(the issue date, the past meetings newest first): one to three reviews back from
        `latest`, fewer when the plan would have been issued before the child was two and a
        half; none when even one is too many."""
        wanted = self.rng.choice((1, 1, 2, 2, 3))
        youngest = rules.add_months(dob, 30)
        for count in range(wanted, 0, -1):
            meetings = [latest]
            while len(meetings) < count:
                meetings.append(self.step_back(meetings[-1], dob, under_five))
            issued = weekday_after(self.step_back(meetings[-1], dob, under_five))
            if issued >= youngest:
                return issued, meetings
        # Too young for a review before: the plan's first review is the one under way (or, with
        # none under way, the plan is recent and its first review still to come).
        return (self.step_back(current, dob, under_five) if current else latest), []

    def _a_year_old(
        self, dob: date, issued: date, meetings: list[date], under_five: int
    ) -> tuple[date, list[date]]:
        """A plan at least a year old, unless the child is under five: one more review back."""
        today, youngest = self.today, rules.add_months(dob, 30)
        while (
            issued > today - timedelta(days=365)
            and rules.age_on(dob, today) >= 5
            and rules.add_months(issued, -12) >= youngest
        ):
            meetings.append(issued)
            issued = weekday_after(self.step_back(issued, dob, under_five))
        return issued, meetings

    # ----------------------------------------------------------------------- the plan's rows --

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
        case = _Case(pupil=pupil, areas=areas, authority=authority, lead=lead, plan=plan)
        version = self.new_version(case, 1, issued)
        self.fill_version(version, case, group)
        for meeting in past:
            version = self.past_review(case, version, meeting)
        self.link_group(version, group)
        if current is not None:
            self.open_review(case, version, scenario, current)
        return issued

    def link_group(self, version: _Version, group: Group | None) -> None:
        """The group delivers the plan now: only the current version links to it (earlier
        versions were delivered before the map's session logs began)."""
        for item in self.built.items:
            if item.version is version.row and id(item) in self.group_items:
                item.group = group

    def new_version(self, case: _Case, number: int, issued_on: date) -> _Version:
        """Version `number` of the plan, issued on `issued_on`, with its sections and funding."""
        version = PlanVersion(
            plan=case.plan,
            number=number,
            kind=PlanVersion.Kind.ORIGINAL if number == 1 else PlanVersion.Kind.AMENDED,
            issued_on=issued_on,
            **self._sections(case, issued_on),
            top_up_per_year=Decimal(self.rng.choice((4800, 6200, 7500, 9100, 11000))),
            personal_budget_per_year=Decimal(1500) if self.rng.random() < 0.1 else None,
            created_by=self.sendco,
        )
        self.built.versions.append(version)
        return _Version(row=version, outcomes=[])

    def _sections(self, case: _Case, issued_on: date) -> dict[str, str]:
        """The plan's sections in words; from Year 9, preparing for adulthood."""
        first, areas = case.first, case.areas
        year_group = self.year_group_on(case.pupil, issued_on) or case.pupil.year_group
        older = year_group.isdigit() and int(year_group) >= 9
        return {
            "section_a": f"{first} enjoys {' and '.join(_two_likes(self.rng))}. "
            f"{first}'s family would like {first} to be happy and confident at school and to "
            f"{self.rng.choice(WISHES)}.",
            "section_b": f"{first} has needs in {', '.join(AREA_LABELS[a] for a in areas)}. "
            f"{first} needs adult support to access the curriculum and help with "
            f"{TOPICS[areas[0]]}.",
            "section_c": "No health needs related to SEN beyond those in section B."
            if areas[0] != SP
            else "Under the care of the community paediatrician; annual review in clinic.",
            "section_d": "No social care needs at present.",
            "section_g": "Access to NHS therapy as set out in section F.",
            "section_i": self.school.name,
            "section_k": "Advice from parents, school, educational psychology and health, "
            "listed in the appendix of the plan.",
            "preparing_for_adulthood": (
                f"{first} is thinking about college courses and needs help with travel and "
                "independent living skills."
                if older
                else ""
            ),
        }

    def fill_version(self, version: _Version, case: _Case, group: Group | None) -> None:
        """Outcomes (3-4, by area; from Year 9 one for adulthood) and section F (2-3 items,
        one of them what `group` runs, linked to it once the plan's versions are built)."""
        picks = self._pick_outcomes(case, version.row.issued_on)
        for position, (area, (text, targets)) in enumerate(picks, start=1):
            outcome = PlanOutcome(
                version=version.row,
                position=position,
                area=area,
                outcome=text.format(first=case.first),
                interim_targets=targets,
            )
            version.outcomes.append(outcome)
            self.built.outcomes.append(outcome)
        self.provision(version, case.areas, group)

    def _pick_outcomes(self, case: _Case, issued_on: date) -> list[tuple[str, tuple[str, str]]]:
        """(area, (outcome, interim targets)): two from the first area, one or two from the
        second; from Year 9 the first three and one for adulthood."""
        areas = case.areas
        primary = OUTCOMES[areas[0]][:]
        self.rng.shuffle(primary)
        picks = [(areas[0], o) for o in primary[:2]]
        other = OUTCOMES[areas[1]][:]
        self.rng.shuffle(other)
        picks += [(areas[1], o) for o in other[: self.rng.randint(1, 2)]]
        year_group = self.year_group_on(case.pupil, issued_on) or ""
        if year_group.isdigit() and int(year_group) >= 9:
            picks = [*picks[:3], ("", ADULTHOOD)]
        return picks

    def provision(self, version: _Version, areas: list[str], group: Group | None) -> None:
        """Section F of `version`, numbered in order."""
        items = self._provision_items(version, areas, group)
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

    def _provision_items(
        self, version: _Version, areas: list[str], group: Group | None
    ) -> list[_Item]:
        """What `group` runs (when there is one), the first area's other provision and (always
        without a group, else half the time) adult support in class."""
        by_area = {o.area: o for o in reversed(version.outcomes)}
        items: list[_Item] = []
        if group is not None:
            served = by_area.get(group.intervention.broad_area) or version.outcomes[0]
            items.append(_group_item(group, served))
        description, hours, provider = OTHER_PROVISION[areas[0]]
        items.append((description, hours, provider, by_area.get(areas[0]), None))
        if group is None or self.rng.random() < 0.5:
            in_class, provider = IN_CLASS
            items.append(
                (in_class, Decimal(self.rng.choice((10, 12, 15, 20))), provider, None, None)
            )
        return items

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
        copies = self._copy_outcomes(old, new)
        self._copy_items(old, row, copies)
        return new

    def _copy_outcomes(self, old: _Version, new: _Version) -> dict[int, PlanOutcome]:
        """The old version's outcomes on the new one, targets moved on; {id(old): copy}."""
        copies = {}
        for outcome in old.outcomes:
            copy = PlanOutcome(
                version=new.row,
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
        return copies

    def _copy_items(self, old: _Version, row: PlanVersion, copies: dict[int, PlanOutcome]) -> None:
        """The old version's section F on the new one, serving the copied outcomes."""
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

    # -------------------------------------------------------------------------- advice --

    def advice_for(
        self,
        review: AnnualReview,
        case: _Case,
        *,
        requested_on: date,
        received_by: date | None,
        received_share: float = 1.0,
    ) -> None:
        """3-4 contributors asked on `requested_on`; each received (with a summary) between a
        week later and `received_by` with probability `received_share`."""
        for contributor, name in self._contributors(case):
            received_on = self._received_on(requested_on, received_by, received_share)
            summary = "" if received_on is None else self._summary(contributor, case)
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

    def _contributors(self, case: _Case) -> list[tuple[str, str]]:
        """(contributor, name): the parents, the class teacher, and one or two specialists of
        the pupil's areas of need (the educational psychologist of the plan's LA)."""
        specialists = SPECIALISTS[case.areas[0]] + SPECIALISTS[case.areas[1]]
        chosen = [("parents", ""), ("class_teacher", self.teacher.full_name)]
        for contributor, service in specialists:
            if contributor not in {c for c, _ in chosen} and len(chosen) < 4:
                name = service
                if contributor == "ep":
                    name = f"{case.authority.name.split()[0]} {service}"
                chosen.append((contributor, name))
            if len(chosen) >= 3 + (self.rng.random() < 0.4):
                break
        return chosen

    def _received_on(self, requested_on: date, received_by: date | None, share: float):
        """When one piece of advice came in (None: not yet), with probability `share`: a
        weekday from a week after the request to `received_by`."""
        if received_by is None or not self.rng.random() < share:
            return None
        earliest = requested_on + WEEK
        if earliest > received_by:
            return None
        span = (received_by - earliest).days
        received_on = weekday_before(earliest + timedelta(days=self.rng.randint(0, span)))
        return max(received_on, requested_on)

    def _summary(self, contributor: str, case: _Case) -> str:
        return SUMMARIES[contributor].format(
            first=case.first,
            topic=TOPICS[case.areas[0]],
            likes=self.rng.choice(LIKES),
            hard=self.rng.choice(HARD),
            wish=self.rng.choice(WISHES),
        )

    # ------------------------------------------------------------------------- reviews --

    def _review(self, case: _Case, version: _Version, meeting: date) -> AnnualReview:
        """A review of `version` meeting on `meeting`, in one of the usual places."""
        review = AnnualReview(
            school=self.school,
            plan=case.plan,
            version=version.row,
            meeting_on=meeting,
            meeting_place=self.rng.choice(PLACES),
            phase_transfer=self.is_transfer(case.pupil, meeting),
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

    def _after_meeting(self, meeting: date, lead: rules.LeadTimes) -> tuple[date, date, date]:
        """(report sent, LA's decision, final amended plan issued), each on time."""
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
        return report, decided, amended

    def hold(self, review: AnnualReview, version: _Version, first: str, recommend: str) -> None:
        """The meeting's record: who came, the pupil's and the parents' views, what it
        recommends, any disagreement, and progress towards each outcome of `version`."""
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
        self._progress(review, version)

    def _progress(self, review: AnnualReview, version: _Version) -> None:
        """A rating (weighted by RATINGS) and its evidence for each outcome."""
        ratings = [r for r, _ in RATINGS]
        weights = [w for _, w in RATINGS]
        for outcome in version.outcomes:
            rating = self.rng.choices(ratings, weights=weights)[0]
            self.built.progress.append(
                OutcomeProgress(
                    review=review, outcome=outcome, rating=rating, evidence=EVIDENCE[rating]
                )
            )

    def past_review(self, case: _Case, version: _Version, meeting: date) -> _Version:
        """A finished review: every step on time, the LA deciding to maintain the plan or to
        amend it (then the final amended plan, a new version). Returns the plan's version after
        it."""
        review = self._review(case, version, meeting)
        requested, invited, circulated = self._before_meeting(meeting, case.lead)
        review.invitations_sent_on, review.advice_circulated_on = invited, circulated
        self.advice_for(review, case, requested_on=requested, received_by=circulated)
        report, decided, amended = self._after_meeting(meeting, case.lead)
        amend = self.rng.random() < 0.4 and amended < self.today
        self.hold(review, version, case.first, rules.AMEND if amend else rules.MAINTAIN)
        review.held_on, review.report_sent_on = meeting, report
        review.la_decision, review.la_decision_on = review.recommendation, decided
        if amend:
            review.amended_issued_on = amended
            version = self.copy_version(version, case.plan, amended)
        review.stage = rules.AMENDED if amend else rules.DECIDED
        return version

    # -------------------------------------------------------- the review under way, by stage --

    def open_review(self, case: _Case, version: _Version, scenario: str, meeting: date) -> None:
        """The review under way in `scenario`: each step up to its stage recorded, one stage
        after another (only the overdue scenarios stop at a step past its date)."""
        review = self._review(case, version, meeting)
        # A meeting moved past a holiday may leave its on-time dates still to come: then the
        # steps were done early, by today.
        done_by = weekday_before(self.today)
        before = tuple(min(on, done_by) for on in self._before_meeting(meeting, case.lead))
        if scenario == SCHEDULED:
            review.stage = rules.SCHEDULED
            return
        if scenario == INVITED:
            review.invitations_sent_on = weekday_before(self.today - 2 * DAY)
            review.stage = rules.INVITED
            return
        stage = self._open_advice(review, case, scenario, *before)
        if scenario in (HELD, REPORTED, DECIDED_AMEND, LATE_REPORT):
            stage = self._open_held(review, version, case, scenario, meeting)
        if scenario in (REPORTED, DECIDED_AMEND):
            stage = self._open_reported(review, meeting, case.lead)
        if scenario == DECIDED_AMEND:
            stage = self._open_decided(review, meeting)
        review.stage = stage

    def _open_advice(
        self,
        review: AnnualReview,
        case: _Case,
        scenario: str,
        requested: date,
        invited: date,
        circulated: date,
    ) -> str:
        """Invited, and advice asked for: half of it in so far (ADVICE), or most of it in and
        circulated (every later scenario). Returns the stage reached."""
        if scenario == ADVICE:
            review.invitations_sent_on = weekday_before(self.today - 3 * DAY)
            self.advice_for(
                review, case, requested_on=requested, received_by=self.today, received_share=0.5
            )
            return rules.ADVICE_REQUESTED
        review.invitations_sent_on = invited
        review.advice_circulated_on = circulated
        self.advice_for(
            review, case, requested_on=requested, received_by=circulated, received_share=0.85
        )
        return rules.CIRCULATED

    def _open_held(
        self, review: AnnualReview, version: _Version, case: _Case, scenario: str, meeting: date
    ) -> str:
        """The meeting held on its date, recommending amendments (always before the LA's
        decision to amend) or either way."""
        recommend = (
            rules.AMEND
            if scenario == DECIDED_AMEND
            else self.rng.choice((rules.AMEND, rules.MAINTAIN))
        )
        self.hold(review, version, case.first, recommend)
        review.held_on = meeting
        return rules.HELD

    def _open_reported(self, review: AnnualReview, meeting: date, lead: rules.LeadTimes) -> str:
        """The report sent within the LA's days (8 at most)."""
        review.report_sent_on = weekday_before(meeting + timedelta(days=min(8, lead.report_days)))
        return rules.REPORTED

    def _open_decided(self, review: AnnualReview, meeting: date) -> str:
        """The LA decided to amend, three weeks after the meeting."""
        review.la_decision = rules.AMEND
        review.la_decision_on = weekday_before(meeting + 3 * WEEK)
        return rules.DECIDED


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


def _k_pupils(school: School, today: date) -> list[int]:
    """The pupils on SEN support today, by id."""
    covering = Q(ends_on__isnull=True) | Q(ends_on__gte=today)
    return sorted(
        SenStatus.objects.filter(school=school, category="K", starts_on__lte=today)
        .filter(covering)
        .values_list("pupil_id", flat=True)
    )


def _request_specs(authorities: list[LocalAuthority], today: date) -> list[dict]:
    """The three requests' fields: awaiting the decision (3 weeks in), assessing with the
    school's advice asked for (11 weeks in), and past the 6-week decision date (8 weeks in)."""
    home, riverton = authorities[0], authorities[1]
    received = [
        weekday_before(today - 3 * WEEK),
        weekday_before(today - 11 * WEEK),
        weekday_before(today - 8 * WEEK),
    ]
    return [
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


def _requests(
    school: School,
    today: date,
    sendco: User,
    authorities: list[LocalAuthority],
    rng: random.Random,
) -> list[AssessmentRequest]:
    """Three needs-assessment requests for pupils on SEN support (`_request_specs`)."""
    k_pupils = _k_pupils(school, today)
    chosen = rng.sample(k_pupils, min(3, len(k_pupils)))
    return [
        AssessmentRequest(school=school, pupil_id=pk, created_by=sendco, **spec)
        for pk, spec in zip(chosen, _request_specs(authorities, today), strict=False)
    ]


def _consultation(school: School, today: date, sendco: User, authority: LocalAuthority) -> int:
    """A secondary school is consulted about naming it for a Year 6 child with a plan (the
    trust's primary's pupil moving up): the school's 15 days are running."""
    if school.phase != School.Phase.SECONDARY:
        return 0
    SchoolConsultation.objects.create(
        school=school,
        authority=authority,
        child_name="Leo Marsh",
        year_group="7",
        current_setting="Meadow Lane Primary School",
        received_on=today - timedelta(days=5),
        created_by=sendco,
    )
    return 1


def _post_16_move(school: School, pupils: list[Pupil], today: date) -> None:
    """In a post-16 setting, the first young person in Year 12 with a plan moves to another
    post-16 setting next September: the amended plan naming it is due 5 months before (reg.
    18(2)), 31 March."""
    mover = next((p for p in pupils if p.year_group == "12"), None)
    if mover is None:
        return
    september = date(school_calendar.academic_year_start_for(today) + 1, 9, 1)
    EhcPlan.objects.filter(school=school, pupil=mover, status=EhcPlan.Status.ACTIVE).update(
        post_16_move_on=september, post_16_move_to="Westborough College (supported internship)"
    )


def _align_statuses(school: School, issued: dict[int, date]) -> None:
    """The pupil's open status E, and the needs recorded with it, start when the plan was
    issued."""
    statuses = list(
        SenStatus.objects.filter(
            school=school, category="E", ends_on__isnull=True, pupil_id__in=list(issued)
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


# --------------------------------------------------------------------------------------------------
# Who is on a plan, and which scenario each plan is in
# --------------------------------------------------------------------------------------------------


def _pupils_on_plans(school: School, today: date) -> list[Pupil]:
    """The pupils on roll with SEN status E today, by id, their needs prefetched."""
    covering = Q(ends_on__isnull=True) | Q(ends_on__gte=today)
    e_ids = set(
        SenStatus.objects.filter(school=school, category="E", starts_on__lte=today)
        .filter(covering)
        .values_list("pupil_id", flat=True)
    )
    return list(
        Pupil.objects.filter(school=school, pk__in=e_ids)
        .on_roll(today)
        .order_by("pk")
        .prefetch_related("needs__need_type")
    )


def _areas_of(pupils: list[Pupil]) -> dict[int, list[str]]:
    """Each pupil's two broad areas of need: of their first two needs, else the companion."""
    areas: dict[int, list[str]] = {}
    for pupil in pupils:
        codes = [n.need_type.code for n in sorted(pupil.needs.all(), key=lambda n: n.rank)]
        first = AREA_OF.get(codes[0], CL) if codes else CL
        second = AREA_OF.get(codes[1], COMPANION[first]) if len(codes) > 1 else COMPANION[first]
        areas[pupil.pk] = [first, second if second != first else COMPANION[first]]
    return areas


@dataclass
class _Cast:
    """Which scenario each plan is in (by pupil id), the child reviewed every few months, and
    the pupils in a transfer year."""

    scenarios: dict[int, str]
    little: Pupil | None
    transfers: list[Pupil]

    def authority_for(self, index: int, pupil: Pupil, authorities: list[LocalAuthority]):
        """Most plans from the school's own LA, in turn (LA_PATTERN); the under-five and the
        transfer reviews from the home LA, whose lead times chose their meetings."""
        if pupil is self.little or pupil in self.transfers:
            return authorities[0]
        return authorities[LA_PATTERN[index % len(LA_PATTERN)]]


def _cast(pupils: list[Pupil], *, maker: _PlanMaker, home_lead: rules.LeadTimes) -> _Cast:
    """Who gets which scenario: a pupil in a transfer year (Year 6, Year 11) has this year's
    phase transfer review under way; a child under five (or just five, last reviewed under
    five) is reviewed every few months; then one review under way at every stage (two of them
    overdue); the rest mostly with no review under way."""
    order = pupils[:]
    maker.rng.shuffle(order)
    remaining = OPEN_SCENARIOS[:]
    moving = rules.transfer_years(school_shape(maker.school))
    transfers = [p for p in order if p.year_group in moving]
    scenarios = _transfer_scenarios(transfers, remaining, maker=maker, home_lead=home_lead)
    little = _little_one(order, scenarios, maker.today)
    if little is not None:
        scenarios[little.pk] = SCHEDULED
        if SCHEDULED in remaining:
            remaining.remove(SCHEDULED)
    _the_rest(order, scenarios, remaining, maker.rng)
    return _Cast(scenarios=scenarios, little=little, transfers=transfers)


def _transfer_scenarios(
    transfers: list[Pupil], remaining: list[str], *, maker: _PlanMaker, home_lead: rules.LeadTimes
) -> dict[int, str]:
    """For each pupil in a transfer year, a scenario whose meeting is this year's phase
    transfer review (TRANSFER_PREFERENCES, one not taken yet when there is one)."""
    scenarios: dict[int, str] = {}
    for pupil in transfers:
        fitting = [
            s
            for s in TRANSFER_PREFERENCES
            if maker.is_transfer(
                pupil, open_meeting(s, today=maker.today, lead=home_lead, cal=maker.cal)
            )
        ]
        if fitting:
            chosen = next((s for s in fitting if s in remaining), None) or maker.rng.choice(fitting)
            scenarios[pupil.pk] = chosen
            if chosen in remaining:
                remaining.remove(chosen)
    return scenarios


def _little_one(order: list[Pupil], scenarios: dict[int, str], today: date) -> Pupil | None:
    """The youngest child in the early years who was under five half a year ago."""
    half_year_ago = today - timedelta(days=183)
    return min(
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


def _the_rest(
    order: list[Pupil], scenarios: dict[int, str], remaining: list[str], rng: random.Random
) -> None:
    """The scenarios not yet taken, one each; then a quarter with a review under way."""
    for pupil in order:
        if pupil.pk in scenarios:
            continue
        if remaining:
            scenarios[pupil.pk] = remaining.pop(0)
        else:
            scenarios[pupil.pk] = rng.choice(OPEN_SCENARIOS[:7]) if rng.random() < 0.25 else NONE


def _plans(
    maker: _PlanMaker, pupils: list[Pupil], cast: _Cast, authorities: list[LocalAuthority]
) -> dict[int, date]:
    """Every pupil's plan, in id order; returns {pupil id: the date the plan was issued}."""
    areas = _areas_of(pupils)
    groups = _groups_of(maker.school, [p.pk for p in pupils], maker.today)
    return {
        pupil.pk: maker.plan_for(
            pupil=pupil,
            areas=areas[pupil.pk],
            authority=cast.authority_for(index, pupil, authorities),
            scenario=cast.scenarios[pupil.pk],
            group=groups.get(pupil.pk),
        )
        for index, pupil in enumerate(pupils)
    }


# --------------------------------------------------------------------------------------------------
# The school, step by step
# --------------------------------------------------------------------------------------------------


def _seeded(school: School) -> bool:
    return (
        LocalAuthority.objects.filter(school=school).exists()
        or EhcPlan.objects.filter(school=school).exists()
    )


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
    if _seeded(school):
        return 0
    rng = random.Random(  # noqa: S311 - demo data, not security
        zlib.crc32(f"ehcp-{school.slug}".encode()) if seed is None else seed
    )
    authorities = _authorities(school)  # and a caseworker each
    pupils = _pupils_on_plans(school, today)
    maker = _PlanMaker(
        school=school,
        today=today,
        sendco=sendco,
        teacher=teacher,
        rng=rng,
        cal=_Calendar(school, today),
    )
    cast = _cast(pupils, maker=maker, home_lead=rules.LeadTimes.of(authorities[0]))
    issued = _plans(maker, pupils, cast, authorities)
    created = len(authorities) * 2 + maker.built.save()
    _align_statuses(school, issued)
    _post_16_move(school, pupils, today)
    created += _consultation(school, today, sendco, authorities[0])
    requests = _requests(school, today, sendco, authorities, rng)
    AssessmentRequest.objects.bulk_create(requests)
    return created + len(requests)
